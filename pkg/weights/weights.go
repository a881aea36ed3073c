package weights

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/neuralart/neuralart/pkg/internal/errkind"
)

// TensorOf is a dense array of E in row-major (C) order: element (i, j, k)
// of a [A, B, C] tensor is Data[(i*B+j)*C+k]. Shapes are PyTorch's, e.g. a
// convolution kernel is [out, in, kh, kw].
type TensorOf[E float32 | float64] struct {
	Shape []int
	Data  []E
}

// Tensor is the float32 TensorOf that network weights are read and written as.
type Tensor = TensorOf[float32]

// Tensor64 is the float64 TensorOf, for numbers that float32 would round
// (statistics such as a covariance); WriteSafetensors stores it as F64.
type Tensor64 = TensorOf[float64]

// File is an open weights file. Tensor data is read on demand, so opening a
// 500 MiB checkpoint to take a few tensors from it is cheap.
type File struct {
	name     string
	format   string
	entries  map[string]*entry
	metadata map[string]string
	closer   io.Closer
}

// entry locates one tensor inside a storage.
type entry struct {
	dtype   DType
	shape   []int
	strides []int // in elements; nil means contiguous row-major
	offset  int64 // in elements from the start of the storage
	storage *storage
}

// storage is a byte range of the file holding raw little-endian elements.
type storage struct {
	r    io.ReaderAt
	base int64
	size int64
}

// Open opens the weights file at path, detecting its format from its first
// bytes: a zip archive (torch.save since PyTorch 1.6), a pickle stream (the
// legacy torch.save format), or safetensors. Errors match [ErrFormat] for a
// file of none of these formats and [ErrCorrupt] for one whose content does
// not hold together (errors.Is).
func Open(path string) (*File, error) {
	osf, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	st, err := osf.Stat()
	if err != nil {
		osf.Close()
		return nil, fmt.Errorf("weights: %w", err)
	}
	f, err := newFile(osf, st.Size(), path)
	if err != nil {
		osf.Close()
		return nil, err
	}
	f.closer = osf
	return f, nil
}

// NewReader reads a weights file of the given size from r, as Open does;
// name is used in error messages.
func NewReader(r io.ReaderAt, size int64, name string) (*File, error) {
	return newFile(r, size, name)
}

func newFile(r io.ReaderAt, size int64, name string) (*File, error) {
	head := make([]byte, 9)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	var (
		f   *File
		err error
	)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		f, err = readTorchZip(r, size, name)
	case len(head) == 9 && head[8] == '{':
		// Before the pickle test: a safetensors header length whose low byte
		// is 0x80 (7040 bytes, say) starts like a pickle's PROTO opcode; a
		// legacy torch.save file's ninth byte is part of its magic number.
		f, err = readSafetensors(r, size, name)
	case bytes.HasPrefix(head, []byte{opProto}):
		f, err = readTorchLegacy(r, size, name)
	case isTar(r, size):
		return nil, errkind.Mark(ErrFormat, fmt.Errorf("weights: %s: a tar-format checkpoint (PyTorch before 0.1.10) is not supported; re-save it with a recent torch.save", name))
	default:
		return nil, errkind.Mark(ErrFormat, fmt.Errorf("weights: %s: not a safetensors or PyTorch (.pth) file: starts with %q", name, head))
	}
	if err != nil {
		return nil, errkind.Mark(ErrCorrupt, err)
	}
	return f, nil
}

// isTar reports whether r looks like a tar archive ("ustar" at offset 257).
func isTar(r io.ReaderAt, size int64) bool {
	magic := make([]byte, 5)
	if size < 262 {
		return false
	}
	_, err := r.ReadAt(magic, 257)
	return err == nil && string(magic) == "ustar"
}

// Close closes the underlying file (a no-op for NewReader).
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

// Format returns "safetensors", "pth" (zip) or "pth (legacy)".
func (f *File) Format() string { return f.format }

// Metadata returns the safetensors "__metadata__" strings (nil for .pth).
func (f *File) Metadata() map[string]string { return f.metadata }

// Keys returns the tensor names in sorted order.
func (f *File) Keys() []string {
	keys := make([]string, 0, len(f.entries))
	for k := range f.entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Info returns the stored dtype and the shape of the named tensor without reading its data.
func (f *File) Info(name string) (DType, []int, error) {
	e, ok := f.entries[name]
	if !ok {
		return "", nil, f.missing(name)
	}
	return e.dtype, slices.Clone(e.shape), nil
}

func (f *File) missing(name string) error {
	return fmt.Errorf("weights: %s: no tensor %q (the file has %d tensors: %s)", f.name, name, len(f.entries), abbreviate(f.Keys(), 6))
}

// Tensor reads the named tensor, converting its elements to float32.
func (f *File) Tensor(name string) (*Tensor, error) {
	e, raw, err := f.raw(name)
	if err != nil {
		return nil, err
	}
	t := &Tensor{Shape: slices.Clone(e.shape), Data: make([]float32, len(raw)/e.dtype.Size())}
	decode(e.dtype, raw, t.Data)
	return t, nil
}

// Float64 reads the named tensor as float64, exact for F64 data, in
// row-major order, and returns its shape.
func (f *File) Float64(name string) ([]float64, []int, error) {
	e, raw, err := f.raw(name)
	if err != nil {
		return nil, nil, err
	}
	data := make([]float64, len(raw)/e.dtype.Size())
	decode(e.dtype, raw, data)
	return data, slices.Clone(e.shape), nil
}

// raw returns the tensor's elements as contiguous row-major little-endian bytes.
func (f *File) raw(name string) (*entry, []byte, error) {
	e, ok := f.entries[name]
	if !ok {
		return nil, nil, f.missing(name)
	}
	es := int64(e.dtype.Size())
	_, span := e.extent()
	buf := make([]byte, span*es)
	if _, err := e.storage.r.ReadAt(buf, e.storage.base+e.offset*es); err != nil && !(errors.Is(err, io.EOF) && len(buf) == 0) {
		return nil, nil, fmt.Errorf("weights: %s: reading %q: %w", f.name, name, err)
	}
	if e.contiguous() {
		return e, buf, nil
	}
	return e, gather(buf, e.shape, e.strides, int(es)), nil
}

// extent returns the number of elements and the number of storage elements
// the tensor spans from its offset (1 + the largest strided index).
func (e *entry) extent() (numel, span int64) {
	numel = 1
	for _, d := range e.shape {
		numel *= int64(d)
	}
	if numel == 0 {
		return 0, 0
	}
	if e.strides == nil {
		return numel, numel
	}
	span = 1
	for i, d := range e.shape {
		span += int64(d-1) * int64(e.strides[i])
	}
	return numel, span
}

// contiguous reports whether the tensor is stored in row-major order (sizes-1
// axes may carry any stride).
func (e *entry) contiguous() bool {
	if e.strides == nil {
		return true
	}
	want := 1
	for i := len(e.shape) - 1; i >= 0; i-- {
		if e.shape[i] != 1 && e.strides[i] != want {
			return false
		}
		want *= e.shape[i]
	}
	return true
}

// gather copies the elements of a strided view of buf into row-major order.
func gather(buf []byte, shape, strides []int, es int) []byte {
	numel := 1
	for _, d := range shape {
		numel *= d
	}
	out := make([]byte, 0, numel*es)
	index := make([]int, len(shape))
	for range numel {
		pos := 0
		for i, k := range index {
			pos += k * strides[i]
		}
		out = append(out, buf[pos*es:(pos+1)*es]...)
		for i := len(index) - 1; i >= 0; i-- { // odometer increment
			if index[i]++; index[i] < shape[i] {
				break
			}
			index[i] = 0
		}
	}
	return out
}

// Load reads exactly the tensors named in want from the file at path,
// ignoring any others. want maps a name to its expected shape; -1 accepts
// any size along that axis and a nil shape accepts any shape. Missing names
// and wrong shapes are reported together, each with what was expected.
func Load(path string, want map[string][]int) (map[string]*Tensor, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Load(want)
}

// Load is the method form of the package-level Load.
func (f *File) Load(want map[string][]int) (map[string]*Tensor, error) {
	if err := f.Check(want); err != nil {
		return nil, err
	}
	out := make(map[string]*Tensor, len(want))
	for name := range want {
		t, err := f.Tensor(name)
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

// Check verifies, without reading any data, that every tensor named in want
// is present with the expected shape (see Load for the pattern syntax).
func (f *File) Check(want map[string][]int) error {
	var problems []string
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		e, ok := f.entries[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("missing %q (expected shape %s)", name, shapeString(want[name])))
		case !shapeMatches(want[name], e.shape):
			problems = append(problems, fmt.Sprintf("%q has shape %v, expected %s", name, e.shape, shapeString(want[name])))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("weights: %s: %s", f.name, strings.Join(problems, "; "))
	}
	return nil
}

func shapeMatches(pattern, shape []int) bool {
	if pattern == nil {
		return true
	}
	if len(pattern) != len(shape) {
		return false
	}
	for i, p := range pattern {
		if p != -1 && p != shape[i] {
			return false
		}
	}
	return true
}

// shapeString writes a shape pattern with "?" for the -1 wildcard.
func shapeString(pattern []int) string {
	if pattern == nil {
		return "any"
	}
	parts := make([]string, len(pattern))
	for i, p := range pattern {
		if p == -1 {
			parts[i] = "?"
		} else {
			parts[i] = fmt.Sprint(p)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// abbreviate lists at most n of keys.
func abbreviate(keys []string, n int) string {
	if len(keys) <= n {
		return strings.Join(keys, ", ")
	}
	return strings.Join(keys[:n], ", ") + fmt.Sprintf(", ... (%d more)", len(keys)-n)
}

// maxElements bounds the element count of one tensor, keeping the size
// arithmetic of hostile headers far from overflow (2⁵⁰ elements is 4 PiB of float32).
const maxElements = 1 << 50

// maxBroadcast is how many more elements than its storage holds a tensor
// with zero strides (a broadcast view, as torch.save keeps it) may have:
// enough for any real use, too little to exhaust memory.
const maxBroadcast = 1 << 20

// numElements returns the element count of shape, refusing negative
// dimensions and counts above maxElements.
func numElements(shape []int) (int64, error) {
	numel := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d > 0 && numel > maxElements/int64(d) {
			return 0, fmt.Errorf("shape %v has more than 2^50 elements", shape)
		}
		numel *= int64(d)
	}
	return numel, nil
}

// checkEntry validates e against its storage: a known dtype, non-negative
// sizes and strides, and every element it addresses inside the storage.
func checkEntry(e *entry) error {
	es := int64(e.dtype.Size())
	if es == 0 {
		return fmt.Errorf("unknown dtype %q", e.dtype)
	}
	if e.strides != nil && len(e.strides) != len(e.shape) {
		return fmt.Errorf("%d strides for %d dimensions", len(e.strides), len(e.shape))
	}
	if e.offset < 0 {
		return fmt.Errorf("negative storage offset %d", e.offset)
	}
	numel, err := numElements(e.shape)
	if err != nil {
		return err
	}
	if numel == 0 {
		return nil
	}
	limit := e.storage.size / es // elements in the storage
	if numel > limit+maxBroadcast {
		return fmt.Errorf("shape %v has %d elements, more than its storage of %d %s elements holds", e.shape, numel, limit, e.dtype)
	}
	pastEnd := fmt.Errorf("shape %v (strides %v, offset %d) addresses elements past the end of its %d-byte storage of %s", e.shape, e.strides, e.offset, e.storage.size, e.dtype)
	span := numel
	if e.strides != nil {
		span = 1
		for i, d := range e.shape {
			s := int64(e.strides[i])
			if s < 0 {
				return fmt.Errorf("stride %d (dimension %d of %v) is negative", s, i, e.strides)
			}
			if d > 1 && s > (limit-span)/int64(d-1) {
				return pastEnd
			}
			span += int64(d-1) * s
		}
	}
	if span > limit || e.offset > limit-span {
		return pastEnd
	}
	return nil
}

// zipStorage returns the storage held by a zip entry: its bytes in place when
// stored uncompressed (as torch.save writes them), else decompressed into
// memory. need is the storage's size in bytes (its element count times the
// dtype size): an entry that declares or inflates to more is refused
// without inflating more than need+1 bytes.
func zipStorage(r io.ReaderAt, zf *zip.File, need int64) (*storage, error) {
	if zf.UncompressedSize64 > uint64(need) {
		return nil, fmt.Errorf("zip entry %s declares %d bytes, more than the %d bytes its storage needs", zf.Name, zf.UncompressedSize64, need)
	}
	if zf.Method == zip.Store {
		off, err := zf.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("zip entry %s: %v", zf.Name, err)
		}
		return &storage{r: r, base: off, size: int64(zf.UncompressedSize64)}, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("zip entry %s: %v", zf.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, need+1))
	if int64(len(data)) > need || errors.Is(err, zip.ErrFormat) {
		// archive/zip refuses to read past the declared size with ErrFormat.
		return nil, fmt.Errorf("zip entry %s declares %d bytes but inflates to more (the storage needs %d bytes)", zf.Name, zf.UncompressedSize64, need)
	}
	if err != nil {
		return nil, fmt.Errorf("zip entry %s: %v", zf.Name, err)
	}
	return &storage{r: bytes.NewReader(data), size: int64(len(data))}, nil
}
