package metrics

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/neuralart/neuralart/pkg/internal/atomicfile"
)

// namedArray is one tensor to store: float32 or float64 data, row-major.
type namedArray struct {
	shape []int
	f32   []float32
	f64   []float64
}

// encodeSafetensors lays out arrays in the safetensors format
// (https://github.com/huggingface/safetensors): a little-endian uint64
// header length, a JSON header of dtype, shape and byte range per tensor
// (padded with spaces to 8 bytes), then the data. Reading is pkg/weights'
// job; this is the small writer the metrics need for their own files.
func encodeSafetensors(arrays map[string]namedArray, metadata map[string]string) []byte {
	type entry struct {
		DType   string `json:"dtype"`
		Shape   []int  `json:"shape"`
		Offsets [2]int `json:"data_offsets"`
	}
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	names := make([]string, 0, len(arrays))
	for name := range arrays {
		names = append(names, name)
	}
	sort.Strings(names)
	var data bytes.Buffer
	for _, name := range names {
		a := arrays[name]
		start := data.Len()
		dtype := "F32"
		if a.f64 != nil {
			dtype = "F64"
			for _, v := range a.f64 {
				binary.Write(&data, binary.LittleEndian, math.Float64bits(v))
			}
		} else {
			for _, v := range a.f32 {
				binary.Write(&data, binary.LittleEndian, math.Float32bits(v))
			}
		}
		header[name] = entry{DType: dtype, Shape: a.shape, Offsets: [2]int{start, data.Len()}}
	}
	h, _ := json.Marshal(header)
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	out = append(out, h...)
	return append(out, data.Bytes()...)
}

// writeFileAtomic writes data to path so that a reader never sees a
// half-written file (see atomicfile).
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return fmt.Errorf("metrics: writing %s: %w", path, err)
	}
	return nil
}
