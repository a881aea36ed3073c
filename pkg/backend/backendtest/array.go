package backendtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Array is a float64 tensor of any rank held as flat row-major data and its
// dimensions (NCHW for images), for plain-loop reference implementations
// that graph results are compared with: float64 keeps the reference's own
// rounding far below the tolerances checked.
type Array struct {
	Data []float64
	Dims []int
}

// NewArray returns a zero Array of the given dimensions.
func NewArray(dims ...int) Array {
	size := 1
	for _, d := range dims {
		size *= d
	}
	return Array{Data: make([]float64, size), Dims: slices.Clone(dims)}
}

// ArrayOf returns an Array whose flat element i is f(i).
func ArrayOf(dims []int, f func(i int) float64) Array {
	a := NewArray(dims...)
	for i := range a.Data {
		a.Data[i] = f(i)
	}
	return a
}

// RandomArray returns an Array of values drawn uniformly from [-1, 1).
func RandomArray(rng *rand.Rand, dims ...int) Array {
	return ArrayOf(dims, func(int) float64 { return rng.Float64()*2 - 1 })
}

// FromTensor copies a float64 tensor into an Array.
func FromTensor(t *tensors.Tensor) Array {
	return Array{Data: tensors.MustCopyFlatData[float64](t), Dims: t.Shape().Dimensions}
}

// Offset returns the position in Data of the element at index idx.
func (a Array) Offset(idx ...int) int {
	off := 0
	for i, d := range a.Dims {
		off = off*d + idx[i]
	}
	return off
}

// At returns the element at index idx.
func (a Array) At(idx ...int) float64 { return a.Data[a.Offset(idx...)] }

// Tensor returns a as a float64 tensor.
func (a Array) Tensor() *tensors.Tensor { return tensors.FromFlatDataAndDimensions(a.Data, a.Dims...) }

// Tensor32 returns a rounded to a float32 tensor.
func (a Array) Tensor32() *tensors.Tensor {
	flat := make([]float32, len(a.Data))
	for i, v := range a.Data {
		flat[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(flat, a.Dims...)
}

// RandomTensor32 returns a float32 tensor of values drawn uniformly from
// [-1, 1), the inputs of benchmarks.
func RandomTensor32(rng *rand.Rand, dims ...int) *tensors.Tensor {
	size := 1
	for _, d := range dims {
		size *= d
	}
	data := make([]float32, size)
	for i := range data {
		data[i] = rng.Float32()*2 - 1
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// Execute runs fn (a graph function, as graph.NewExecAny takes) on backend
// b with the arrays as float64 inputs and returns its outputs, failing t on
// any error.
func Execute(t testing.TB, b backends.Backend, fn any, inputs ...Array) []Array {
	t.Helper()
	outs := exec(t, b, fn, inputs, Array.Tensor)
	results := make([]Array, len(outs))
	for i, o := range outs {
		results[i] = FromTensor(o)
	}
	return results
}

// Execute32 runs fn on backend b with the arrays rounded to float32 inputs
// and returns its first (float32) output widened to float64.
func Execute32(t testing.TB, b backends.Backend, fn any, inputs ...Array) Array {
	t.Helper()
	outs := exec(t, b, fn, inputs, Array.Tensor32)
	flat := tensors.MustCopyFlatData[float32](outs[0])
	return ArrayOf(outs[0].Shape().Dimensions, func(i int) float64 { return float64(flat[i]) })
}

func exec(t testing.TB, b backends.Backend, fn any, inputs []Array, toTensor func(Array) *tensors.Tensor) []*tensors.Tensor {
	t.Helper()
	e, err := graph.NewExecAny(b, fn)
	if err != nil {
		t.Fatalf("building exec: %v", err)
	}
	args := make([]any, len(inputs))
	for i, in := range inputs {
		args[i] = toTensor(in)
	}
	outs, err := e.Exec(args...)
	if err != nil {
		t.Fatalf("exec: %v", err)
	}
	return outs
}

// AssertClose fails t unless got and want have the same dimensions and
// every element of got is within tol·max(1, |want|) of want's (NaN never is).
func AssertClose(t testing.TB, what string, got, want Array, tol float64) {
	t.Helper()
	if !slices.Equal(got.Dims, want.Dims) {
		t.Fatalf("%s: got dims %v, want %v", what, got.Dims, want.Dims)
	}
	for i := range want.Data {
		if d := math.Abs(got.Data[i] - want.Data[i]); !(d <= tol*math.Max(1, math.Abs(want.Data[i]))) {
			t.Fatalf("%s: element %d: got %g, want %g (dims %v)", what, i, got.Data[i], want.Data[i], want.Dims)
		}
	}
}
