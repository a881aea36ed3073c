package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// maxHeaderSize is the largest safetensors JSON header accepted, as in the
// reference implementation (100 MB).
const maxHeaderSize = 100 << 20

// maxTensors is the most tensors a safetensors header may describe: far
// more than any network has (VGG-19 has 38), bounding the memory a hostile
// header can cost to tens of MB.
const maxTensors = 1 << 17

// safetensorsEntry is one tensor's record in the JSON header.
type safetensorsEntry struct {
	DType       DType    `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// readSafetensors parses and validates the header: every tensor has a known
// dtype, a byte range inside the data section whose length is the shape's
// element count times the dtype size, and no two ranges overlap.
func readSafetensors(r io.ReaderAt, size int64, name string) (*File, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("weights: %s: safetensors: "+format, append([]any{name}, args...)...)
	}
	var lenBuf [8]byte
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, fail("reading header length: %v", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > maxHeaderSize || int64(n) > size-8 {
		return nil, fail("header length %d exceeds the file (%d bytes) or the %d-byte limit", n, size, maxHeaderSize)
	}
	header := make([]byte, n)
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, fail("reading %d-byte header: %v", n, err)
	}
	f := &File{name: name, format: "safetensors", entries: map[string]*entry{}}
	dataStart := 8 + int64(n)
	dataSize := size - dataStart
	type span struct {
		key        string
		begin, end int64
	}
	var spans []span
	// Walk the top-level object token by token: encoding/json would keep
	// the last of two records with the same key without a word.
	dec := json.NewDecoder(bytes.NewReader(header))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fail("header is not a JSON object: starts with %v (error %v)", tok, err)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail("header is not a JSON object: %v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fail("header is not a JSON object: found %v where a key belongs", tok)
		}
		if seen[key] {
			return nil, fail("key %q appears twice in the header", key)
		}
		seen[key] = true
		if key == "__metadata__" {
			if err := dec.Decode(&f.metadata); err != nil {
				return nil, fail("__metadata__ is not a map of strings: %v", err)
			}
			continue
		}
		if len(f.entries) == maxTensors {
			return nil, fail("header has more than %d tensors, the limit", maxTensors)
		}
		var se safetensorsEntry
		if err := dec.Decode(&se); err != nil {
			var typeErr *json.UnmarshalTypeError
			if !errors.As(err, &typeErr) {
				return nil, fail("header is not a JSON object: in the record of tensor %q: %v", key, err)
			}
			return nil, fail("tensor %q: bad header record: %v", key, err)
		}
		if se.Shape == nil {
			se.Shape = []int{}
		}
		begin, end := se.DataOffsets[0], se.DataOffsets[1]
		if begin < 0 || end < begin || end > dataSize {
			return nil, fail("tensor %q: data_offsets [%d, %d] outside the %d-byte data section", key, begin, end, dataSize)
		}
		e := &entry{dtype: se.DType, shape: se.Shape, storage: &storage{r: r, base: dataStart + begin, size: end - begin}}
		if se.DType.Size() == 0 {
			return nil, fail("tensor %q: unknown dtype %q", key, se.DType)
		}
		numel, err := numElements(se.Shape)
		if err != nil {
			return nil, fail("tensor %q: %v", key, err)
		}
		if nbytes := numel * int64(se.DType.Size()); nbytes != end-begin {
			return nil, fail("tensor %q: shape %v of %s needs %d bytes, data_offsets give %d", key, se.Shape, se.DType, nbytes, end-begin)
		}
		if err := checkEntry(e); err != nil {
			return nil, fail("tensor %q: %v", key, err)
		}
		f.entries[key] = e
		if end > begin { // empty tensors occupy no bytes and cannot overlap
			spans = append(spans, span{key, begin, end})
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fail("header is not a JSON object: ends with %v (error %v)", tok, err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		return nil, fail("header has %v (error %v) after its JSON object", tok, err)
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].begin < spans[j].begin })
	for i := 1; i < len(spans); i++ {
		if a, b := spans[i-1], spans[i]; b.begin < a.end {
			return nil, fail("tensors %q [%d, %d] and %q [%d, %d] overlap", a.key, a.begin, a.end, b.key, b.begin, b.end)
		}
	}
	return f, nil
}
