package weights

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"

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
	names := make([]string, 0, len(tensors))
	for name := range tensors {
		names = append(names, name)
	}
	sort.Strings(names)
	header := make(map[string]any, len(tensors)+1)
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	offset := 0
	for _, name := range names {
		t := tensors[name]
		if n, err := numElements(t.Shape); err != nil || int(n) != len(t.Data) {
			return fmt.Errorf("weights: tensor %q: shape %v does not hold its %d values", name, t.Shape, len(t.Data))
		}
		size := dtype.Size() * len(t.Data)
		header[name] = safetensorsEntry{DType: dtype, Shape: slices.Clone(t.Shape), DataOffsets: [2]int64{int64(offset), int64(offset + size)}}
		offset += size
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
	// Encode in chunks: a VGG fully connected layer alone is 400 MB.
	const chunk = 1 << 14
	buf := make([]byte, 0, chunk*dtype.Size())
	for _, name := range names {
		for data := tensors[name].Data; len(data) > 0; {
			n := min(chunk, len(data))
			buf, _ = binary.Append(buf[:0], binary.LittleEndian, data[:n])
			bw.Write(buf)
			data = data[n:]
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("weights: writing safetensors: %w", err)
	}
	return nil
}

// SaveSafetensors writes tensors to the file at path (see WriteSafetensors)
// atomically: a reader never sees a half-written file (see atomicfile).
func SaveSafetensors[E float32 | float64](path string, tensors map[string]*TensorOf[E], metadata map[string]string) error {
	if err := atomicfile.Write(path, func(w io.Writer) error {
		return WriteSafetensors(w, tensors, metadata)
	}); err != nil {
		return fmt.Errorf("weights: %s: %w", path, err)
	}
	return nil
}
