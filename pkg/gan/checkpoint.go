package gan

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/internal/atomicfile"
)

// A checkpoint is a safetensors file (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length, a JSON header naming each tensor's
// dtype, shape and byte range, then the raw little-endian data. Tensors are
// keyed by their GoMLX variable path ("/generator/conv1/weights", ...), so
// `safetensors.torch.load_file` reads them too. The header's __metadata__
// carries the format name, the training step and a CRC-32 of the data, which
// catches the corruption safetensors alone would load silently.
const (
	checkpointFormat = "neuralart-gan-checkpoint/1"
	checkpointPrefix = "ckpt-"
	checkpointExt    = ".safetensors"
	// maxHeaderBytes bounds the JSON header we are willing to parse: a model
	// with thousands of variables needs well under 1 MiB.
	maxHeaderBytes = 16 << 20
)

var safetensorsDTypes = map[dtypes.DType]string{
	dtypes.Float32: "F32", dtypes.Float64: "F64", dtypes.Int64: "I64",
	dtypes.Int32: "I32", dtypes.Uint64: "U64", dtypes.Uint32: "U32",
}

type tensorEntry struct {
	DType       string `json:"dtype"`
	Shape       []int  `json:"shape"`
	DataOffsets [2]int `json:"data_offsets"`
}

// checkpointName is the file name of the checkpoint of a step; zero-padded
// so that names sort by step.
func checkpointName(step int) string {
	return fmt.Sprintf("%s%09d%s", checkpointPrefix, step, checkpointExt)
}

// writeCheckpoint writes the named tensors and the step to path atomically
// (see atomicfile): a crash leaves either the old file or the new one, never
// half.
func writeCheckpoint(path string, step int, named map[string]*tensors.Tensor) error {
	names := slices.Sorted(maps.Keys(named))
	header := map[string]any{}
	var data []byte
	for _, name := range names {
		t := named[name]
		dt, ok := safetensorsDTypes[t.DType()]
		if !ok {
			return fmt.Errorf("gan: checkpoint %s: variable %q has dtype %s, which checkpoints do not store", path, name, t.DType())
		}
		start := len(data)
		if err := t.ConstBytes(func(b []byte) { data = append(data, b...) }); err != nil {
			return fmt.Errorf("gan: checkpoint %s: reading variable %q: %w", path, name, err)
		}
		header[name] = tensorEntry{DType: dt, Shape: t.Shape().Dimensions, DataOffsets: [2]int{start, len(data)}}
	}
	header["__metadata__"] = map[string]string{
		"format": checkpointFormat,
		"step":   strconv.Itoa(step),
		"crc32":  strconv.FormatUint(uint64(crc32.ChecksumIEEE(data)), 10),
	}
	headerJSON, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("gan: checkpoint %s: %w", path, err)
	}
	// Safetensors pads the header with spaces so the data starts 8-aligned.
	for len(headerJSON)%8 != 0 {
		headerJSON = append(headerJSON, ' ')
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("gan: checkpoint directory: %w", err)
	}
	var size [8]byte
	binary.LittleEndian.PutUint64(size[:], uint64(len(headerJSON)))
	if err := atomicfile.Write(path, func(w io.Writer) error {
		for _, chunk := range [][]byte{size[:], headerJSON, data} {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("gan: writing checkpoint %s: %w", path, err)
	}
	return nil
}

// readCheckpoint reads a file written by writeCheckpoint, validating its
// structure and checksum. Errors name the file and what was wrong with it.
func readCheckpoint(path string) (step int, named map[string]*tensors.Tensor, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, fmt.Errorf("gan: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, nil, fmt.Errorf("gan: %w", err)
	}
	step, named, err = decodeCheckpoint(f, info.Size())
	if err != nil {
		return 0, nil, &corruptCheckpointError{path: path, err: err}
	}
	return step, named, nil
}

// corruptCheckpointError is readCheckpoint's error for a file that opens but
// does not hold a valid checkpoint (as opposed to one that cannot be read).
type corruptCheckpointError struct {
	path string
	err  error
}

func (e *corruptCheckpointError) Error() string {
	return fmt.Sprintf("gan: checkpoint %s: %v", e.path, e.err)
}

func (e *corruptCheckpointError) Unwrap() error { return e.err }

// decodeCheckpoint parses a checkpoint of the given total size from r.
func decodeCheckpoint(r io.Reader, size int64) (step int, named map[string]*tensors.Tensor, err error) {
	var lenBuf [8]byte
	if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return 0, nil, fmt.Errorf("file of %d bytes is too short for the 8-byte header length", size)
	}
	headerLen := binary.LittleEndian.Uint64(lenBuf[:])
	if headerLen > maxHeaderBytes || int64(headerLen) > size-8 {
		return 0, nil, fmt.Errorf("header length %d does not fit in a file of %d bytes (limit %d)", headerLen, size, maxHeaderBytes)
	}
	headerJSON := make([]byte, headerLen)
	if _, err := io.ReadFull(r, headerJSON); err != nil {
		return 0, nil, fmt.Errorf("truncated header: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(headerJSON, &raw); err != nil {
		return 0, nil, fmt.Errorf("header is not valid JSON: %w", err)
	}
	var meta map[string]string
	if err := json.Unmarshal(raw["__metadata__"], &meta); err != nil || meta["format"] != checkpointFormat {
		return 0, nil, fmt.Errorf("header __metadata__.format is not %q: not a GAN checkpoint", checkpointFormat)
	}
	delete(raw, "__metadata__")
	step, err = strconv.Atoi(meta["step"])
	if err != nil || step < 0 {
		return 0, nil, fmt.Errorf("metadata step %q is not a non-negative integer", meta["step"])
	}
	wantCRC, err := strconv.ParseUint(meta["crc32"], 10, 32)
	if err != nil {
		return 0, nil, fmt.Errorf("metadata crc32 %q is not a 32-bit integer", meta["crc32"])
	}

	dataLen := size - 8 - int64(headerLen)
	entries := make(map[string]tensorEntry, len(raw))
	covered := int64(0)
	for name, msg := range raw {
		var e tensorEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return 0, nil, fmt.Errorf("tensor %q: malformed entry: %w", name, err)
		}
		shape, err := entryShape(e)
		if err != nil {
			return 0, nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		begin, end := int64(e.DataOffsets[0]), int64(e.DataOffsets[1])
		if begin < 0 || end < begin || end > dataLen || end-begin != int64(shape.Memory()) {
			return 0, nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] do not hold %s (%d bytes) within the %d data bytes",
				name, begin, end, shape, shape.Memory(), dataLen)
		}
		covered += end - begin
		entries[name] = e
	}
	if covered != dataLen {
		return 0, nil, fmt.Errorf("tensors cover %d bytes but the file holds %d data bytes (truncated, padded or overlapping)", covered, dataLen)
	}
	data := make([]byte, dataLen)
	if _, err := io.ReadFull(r, data); err != nil {
		return 0, nil, fmt.Errorf("truncated data: %w", err)
	}
	if got := crc32.ChecksumIEEE(data); uint64(got) != wantCRC {
		return 0, nil, fmt.Errorf("data checksum is %d, the header says %d: the file is corrupted", got, wantCRC)
	}
	named = make(map[string]*tensors.Tensor, len(entries))
	for name, e := range entries {
		shape, _ := entryShape(e)
		t := tensors.FromShape(shape)
		t.MutableBytes(func(b []byte) { copy(b, data[e.DataOffsets[0]:e.DataOffsets[1]]) })
		named[name] = t
	}
	return step, named, nil
}

// entryShape validates a header entry's dtype and dimensions.
func entryShape(e tensorEntry) (shapes.Shape, error) {
	var dtype dtypes.DType
	for dt, name := range safetensorsDTypes {
		if name == e.DType {
			dtype = dt
		}
	}
	if dtype == dtypes.InvalidDType {
		return shapes.Shape{}, fmt.Errorf("dtype %q is not one of F32, F64, I32, I64, U32, U64", e.DType)
	}
	size := 1
	for _, d := range e.Shape {
		if d < 0 || (d > 0 && size > (1<<40)/d) {
			return shapes.Shape{}, fmt.Errorf("shape %v has a negative or absurd dimension", e.Shape)
		}
		size *= d
	}
	return shapes.Make(dtype, e.Shape...), nil
}

// listCheckpoints returns the checkpoint files in dir, oldest step first.
func listCheckpoints(dir string) ([]string, error) {
	paths, _, err := checkpointFiles(dir)
	return paths, err
}

// checkpointFiles returns the checkpoint files in dir, oldest step first,
// and the temporaries that interrupted checkpoint writes left there.
func checkpointFiles(dir string) (checkpoints, temporaries []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("gan: listing checkpoints: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, checkpointPrefix) && strings.HasSuffix(name, checkpointExt) && !e.IsDir():
			checkpoints = append(checkpoints, filepath.Join(dir, name))
		case e.Type().IsRegular() && checkpointTemporary.MatchString(name):
			temporaries = append(temporaries, filepath.Join(dir, name))
		}
	}
	slices.Sort(checkpoints) // Zero-padded steps sort lexically.
	return checkpoints, temporaries, nil
}

// LatestCheckpoint returns the path of the checkpoint with the highest step
// in dir, or "" when dir holds none.
func LatestCheckpoint(dir string) (string, error) {
	paths, err := listCheckpoints(dir)
	if err != nil || len(paths) == 0 {
		return "", err
	}
	return paths[len(paths)-1], nil
}

// corruptExt is appended to the name of a checkpoint that Resume found
// corrupt and moved aside (kept for inspection, no longer listed).
const corruptExt = ".corrupt"

// checkpointTemporary matches the temporary files atomicfile.Write creates
// for a checkpoint in the checkpoint directory (".ckpt-000000042.safetensors.123456.tmp");
// a process killed while writing one leaves it behind.
var checkpointTemporary = regexp.MustCompile(`^\.` + regexp.QuoteMeta(checkpointPrefix) + `[0-9]+` +
	regexp.QuoteMeta(checkpointExt) + `\.[0-9]+\.tmp$`)

// removeStaleTemporaries deletes the checkpoint temporaries left in dir by
// interrupted writes and returns dir's checkpoints, oldest step first.
// Only the trainer itself writes checkpoints into its directory, so any
// such file is stale when no Save is under way.
func removeStaleTemporaries(dir string) ([]string, error) {
	checkpoints, temporaries, err := checkpointFiles(dir)
	if err != nil {
		return nil, err
	}
	for _, path := range temporaries {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("gan: removing the temporary file of an interrupted checkpoint write: %w", err)
		}
	}
	return checkpoints, nil
}

// pruneCheckpoints deletes all but the newest keep checkpoints in dir, and
// the temporaries of interrupted checkpoint writes.
func pruneCheckpoints(dir string, keep int) error {
	paths, err := removeStaleTemporaries(dir)
	if err != nil {
		return err
	}
	for len(paths) > keep {
		if err := os.Remove(paths[0]); err != nil {
			return fmt.Errorf("gan: pruning old checkpoints: %w", err)
		}
		paths = paths[1:]
	}
	return nil
}
