package checkpoint

import (
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/weights"
)

// The __metadata__ keys of a checkpoint.
const (
	formatKey = "format"
	stepKey   = "step"
	crcKey    = "crc32"
)

// storedDTypes maps the element types a checkpoint stores to their safetensors names.
var storedDTypes = map[dtypes.DType]weights.DType{
	dtypes.Float32: weights.F32, dtypes.Float64: weights.F64, dtypes.Int64: weights.I64,
	dtypes.Int32: weights.I32, dtypes.Uint64: weights.U64, dtypes.Uint32: weights.U32,
}

// Write writes the named tensors and the step to path atomically, as a
// checkpoint of the given format (the name readers check, such as
// "neuralart-gan-checkpoint/1").
func Write(path, format string, step int, named map[string]*tensors.Tensor) error {
	raw := make(map[string]*weights.Raw, len(named))
	for name, t := range named {
		dt, ok := storedDTypes[t.DType()]
		if !ok {
			return fmt.Errorf("checkpoint %s: variable %q has dtype %s, which checkpoints do not store", path, name, t.DType())
		}
		r := &weights.Raw{DType: dt, Shape: t.Shape().Dimensions}
		if err := t.ConstBytes(func(b []byte) { r.Data = append([]byte(nil), b...) }); err != nil {
			return fmt.Errorf("checkpoint %s: reading variable %q: %w", path, name, err)
		}
		raw[name] = r
	}
	meta := map[string]string{
		formatKey: format,
		stepKey:   strconv.Itoa(step),
		crcKey:    strconv.FormatUint(uint64(checksum(raw, slices.Sorted(maps.Keys(raw)))), 10),
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("checkpoint directory: %w", err)
	}
	if err := weights.SaveRawSafetensors(path, raw, meta); err != nil {
		return fmt.Errorf("writing checkpoint: %w", err)
	}
	return nil
}

// Read reads a checkpoint of the given format written by Write, checking
// its structure and its checksum. A file that opens but does not hold a
// valid checkpoint of that format gives a *CorruptError; one that cannot be
// read at all (missing, permissions, I/O) gives the underlying error.
func Read(path, format string) (step int, named map[string]*tensors.Tensor, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, nil, fmt.Errorf("checkpoint: %w", err)
	}
	return read(f, info.Size(), path, format)
}

// read is Read of the size bytes of r; path names the file in errors.
func read(r io.ReaderAt, size int64, path, format string) (step int, named map[string]*tensors.Tensor, err error) {
	file, err := weights.NewReader(r, size, path)
	if err == nil {
		step, named, err = decode(file, format)
	}
	if err != nil {
		return 0, nil, &CorruptError{Path: path, Err: err}
	}
	return step, named, nil
}

// decode checks an open file's metadata and checksum and converts its tensors.
func decode(file *weights.File, format string) (step int, named map[string]*tensors.Tensor, err error) {
	meta := file.Metadata()
	if meta[formatKey] != format {
		return 0, nil, fmt.Errorf("its __metadata__.format is %q, not %q: not a checkpoint of this kind", meta[formatKey], format)
	}
	step, err = strconv.Atoi(meta[stepKey])
	if err != nil || step < 0 {
		return 0, nil, fmt.Errorf("metadata step %q is not a non-negative integer", meta[stepKey])
	}
	wantCRC, err := strconv.ParseUint(meta[crcKey], 10, 32)
	if err != nil {
		return 0, nil, fmt.Errorf("metadata crc32 %q is not a 32-bit integer", meta[crcKey])
	}
	names := file.Keys()
	raw := make(map[string]*weights.Raw, len(names))
	for _, name := range names {
		r, err := file.Raw(name)
		if err != nil {
			return 0, nil, err
		}
		raw[name] = r
	}
	if got := checksum(raw, names); uint64(got) != wantCRC {
		return 0, nil, fmt.Errorf("data checksum is %d, the header says %d: the file is corrupted", got, wantCRC)
	}
	named = make(map[string]*tensors.Tensor, len(raw))
	for name, r := range raw {
		dtype, ok := goMLXDType(r.DType)
		if !ok {
			return 0, nil, fmt.Errorf("tensor %q: dtype %s is not one checkpoints store", name, r.DType)
		}
		t := tensors.FromShape(shapes.Make(dtype, r.Shape...))
		t.MutableBytes(func(b []byte) { copy(b, r.Data) })
		named[name] = t
	}
	return step, named, nil
}

// checksum is the CRC-32 of the tensors' data in the order names gives,
// which is the order the writer lays them out in the file.
func checksum(raw map[string]*weights.Raw, names []string) uint32 {
	var crc uint32
	for _, name := range names {
		crc = crc32.Update(crc, crc32.IEEETable, raw[name].Data)
	}
	return crc
}

func goMLXDType(d weights.DType) (dtypes.DType, bool) {
	for dt, name := range storedDTypes {
		if name == d {
			return dt, true
		}
	}
	return dtypes.InvalidDType, false
}

// CorruptError is Read's error for a file that opens but does not hold a
// valid checkpoint: truncated, damaged, or not a checkpoint of the format
// asked for.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string { return fmt.Sprintf("checkpoint %s: %v", e.Path, e.Err) }

func (e *CorruptError) Unwrap() error { return e.Err }
