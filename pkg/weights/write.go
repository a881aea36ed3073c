package weights

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/neuralart/neuralart/pkg/internal/atomicfile"
)

// WriteSafetensors writes tensors to w in the safetensors format, as F32
// for Tensor and F64 for Tensor64, in name order, with optional
// "__metadata__" strings. The header is padded with spaces to a multiple of
// 8 bytes, as the reference implementation does, so the data stays aligned.
func WriteSafetensors[E float32 | float64](w io.Writer, tensors map[string]*TensorOf[E], metadata map[string]string) error {
	dtype := F32
	if _, ok := any(E(0)).(float64); ok {
		dtype = F64
	}
	records := make([]record, 0, len(tensors))
	for _, name := range slices.Sorted(maps.Keys(tensors)) {
		t := tensors[name]
		if n, err := numElements(t.Shape); err != nil || int(n) != len(t.Data) {
			return fmt.Errorf("weights: tensor %q: shape %v does not hold its %d values", name, t.Shape, len(t.Data))
		}
		records = append(records, record{name: name, dtype: dtype, shape: t.Shape, size: dtype.Size() * len(t.Data),
			write: func(bw *bufio.Writer) {
				// Encode in chunks: a VGG fully connected layer alone is 400 MB.
				const chunk = 1 << 14
				buf := make([]byte, 0, chunk*dtype.Size())
				for data := t.Data; len(data) > 0; {
					n := min(chunk, len(data))
					buf, _ = binary.Append(buf[:0], binary.LittleEndian, data[:n])
					bw.Write(buf)
					data = data[n:]
				}
			}})
	}
	return writeRecords(w, records, metadata)
}

// WriteRawSafetensors writes tensors of any dtype to w as WriteSafetensors
// does, their bytes as they are.
func WriteRawSafetensors(w io.Writer, tensors map[string]*Raw, metadata map[string]string) error {
	records := make([]record, 0, len(tensors))
	for _, name := range slices.Sorted(maps.Keys(tensors)) {
		t := tensors[name]
		if err := t.check(name); err != nil {
			return err
		}
		records = append(records, record{name: name, dtype: t.DType, shape: t.Shape, size: len(t.Data),
			write: func(bw *bufio.Writer) { bw.Write(t.Data) }})
	}
	return writeRecords(w, records, metadata)
}

// record is one tensor to write: its header fields and how to write its size bytes.
type record struct {
	name  string
	dtype DType
	shape []int
	size  int
	write func(*bufio.Writer)
}

// writeRecords writes the header of records, in their order, then their data.
func writeRecords(w io.Writer, records []record, metadata map[string]string) error {
	header := make(map[string]any, len(records)+1)
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	offset := 0
	for _, r := range records {
		header[r.name] = safetensorsEntry{DType: r.dtype, Shape: slices.Clone(r.shape), DataOffsets: [2]int64{int64(offset), int64(offset + r.size)}}
		offset += r.size
	}
	js, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	bw := bufio.NewWriter(w)
	binary.Write(bw, binary.LittleEndian, uint64(len(js)))
	bw.Write(js)
	for _, r := range records {
		r.write(bw)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("weights: writing safetensors: %w", err)
	}
	return nil
}

// SaveSafetensors writes tensors to the file at path (see WriteSafetensors)
// atomically: a reader never sees a half-written file (see atomicfile).
func SaveSafetensors[E float32 | float64](path string, tensors map[string]*TensorOf[E], metadata map[string]string) error {
	return save(path, func(w io.Writer) error { return WriteSafetensors(w, tensors, metadata) })
}

// SaveRawSafetensors writes tensors to the file at path (see
// WriteRawSafetensors) atomically.
func SaveRawSafetensors(path string, tensors map[string]*Raw, metadata map[string]string) error {
	return save(path, func(w io.Writer) error { return WriteRawSafetensors(w, tensors, metadata) })
}

func save(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("weights: %s: %w", path, err)
	}
	return nil
}
