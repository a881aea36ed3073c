package weights

import (
	"fmt"
	"slices"
)

// Raw is a tensor as stored: its dtype, its shape and its elements as
// row-major little-endian bytes. Files that must give back exactly what was
// written, whatever the element type — a training checkpoint's integer step
// counters and random-number state beside its float32 weights — are read and
// written as Raw; networks' weights are read as Tensor.
type Raw struct {
	DType DType
	Shape []int
	Data  []byte
}

// Raw reads the named tensor's bytes as stored, without conversion.
func (f *File) Raw(name string) (*Raw, error) {
	e, raw, err := f.raw(name)
	if err != nil {
		return nil, err
	}
	return &Raw{DType: e.dtype, Shape: slices.Clone(e.shape), Data: raw}, nil
}

// check reports whether the bytes hold exactly the shape's elements of the dtype.
func (r *Raw) check(name string) error {
	if r.DType.Size() == 0 {
		return fmt.Errorf("weights: tensor %q: unknown dtype %q", name, r.DType)
	}
	n, err := numElements(r.Shape)
	if err != nil {
		return fmt.Errorf("weights: tensor %q: %w", name, err)
	}
	if need := n * int64(r.DType.Size()); need != int64(len(r.Data)) {
		return fmt.Errorf("weights: tensor %q: shape %v of %s needs %d bytes, the data has %d", name, r.Shape, r.DType, need, len(r.Data))
	}
	return nil
}
