package backend

import (
	"math"
	"sync"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

var testBackend = sync.OnceValue(func() backends.Backend {
	b, err := NewPureGo()
	if err != nil {
		panic(err)
	}
	return b
})

func (a array) tensor() *tensors.Tensor { return tensors.FromFlatDataAndDimensions(a.data, a.dims...) }

func fromTensor(t *tensors.Tensor) array {
	return array{data: tensors.MustCopyFlatData[float64](t), dims: t.Shape().Dimensions}
}

// execute runs fn on the test backend with the arrays as inputs.
func execute(t *testing.T, fn any, inputs ...array) []array {
	t.Helper()
	exec, err := graph.NewExecAny(testBackend(), fn)
	if err != nil {
		t.Fatalf("building exec: %v", err)
	}
	args := make([]any, len(inputs))
	for i, in := range inputs {
		args[i] = in.tensor()
	}
	outs, err := exec.Exec(args...)
	if err != nil {
		t.Fatalf("exec: %v", err)
	}
	results := make([]array, len(outs))
	for i, o := range outs {
		results[i] = fromTensor(o)
	}
	return results
}

// assertClose fails unless got and want have the same dims and values within
// tol (relative to max(1, |want|)).
func assertClose(t *testing.T, what string, got, want array, tol float64) {
	t.Helper()
	if len(got.dims) != len(want.dims) {
		t.Fatalf("%s: got dims %v, want %v", what, got.dims, want.dims)
	}
	for i := range got.dims {
		if got.dims[i] != want.dims[i] {
			t.Fatalf("%s: got dims %v, want %v", what, got.dims, want.dims)
		}
	}
	for i := range got.data {
		if d := math.Abs(got.data[i] - want.data[i]); d > tol*math.Max(1, math.Abs(want.data[i])) || math.IsNaN(got.data[i]) {
			t.Fatalf("%s: element %d: got %g, want %g (dims %v)", what, i, got.data[i], want.data[i], want.dims)
		}
	}
}

// checkGradients compares graph.Gradient of the scalar fn(inputs) with
// central finite differences, see backendtest.CheckGradients.
func checkGradients(t *testing.T, what string, fn func(inputs []*graph.Node) *graph.Node, inputs ...array) {
	t.Helper()
	ts := make([]*tensors.Tensor, len(inputs))
	for i, in := range inputs {
		ts[i] = in.tensor()
	}
	backendtest.CheckGradients(t, testBackend(), what, fn, 1e-6, ts...)
}
