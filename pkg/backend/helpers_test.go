package backend

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
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
// central finite differences in float64, for every element of every input.
func checkGradients(t *testing.T, what string, fn func(inputs []*graph.Node) *graph.Node, inputs ...array) {
	t.Helper()
	gradFn := func(nodes []*graph.Node) []*graph.Node {
		return graph.Gradient(fn(nodes), nodes...)
	}
	exec, err := graph.NewExecAny(testBackend(), gradFn)
	if err != nil {
		t.Fatalf("%s: building gradient: %v", what, err)
	}
	loss, err := graph.NewExecAny(testBackend(), fn)
	if err != nil {
		t.Fatalf("%s: building loss: %v", what, err)
	}
	args := func(in []array) []any {
		a := make([]any, len(in))
		for i, x := range in {
			a[i] = x.tensor()
		}
		return a
	}
	grads, err := exec.Exec(args(inputs)...)
	if err != nil {
		t.Fatalf("%s: gradient: %v", what, err)
	}
	lossAt := func(in []array) float64 {
		out, err := loss.Exec(args(in)...)
		if err != nil {
			t.Fatalf("%s: loss: %v", what, err)
		}
		return tensors.MustCopyFlatData[float64](out[0])[0]
	}
	const h = 1e-6
	for i, in := range inputs {
		got := fromTensor(grads[i])
		want := newArray(in.dims...)
		for j := range in.data {
			perturbed := make([]array, len(inputs))
			copy(perturbed, inputs)
			x := newArray(in.dims...)
			copy(x.data, in.data)
			perturbed[i] = x
			x.data[j] = in.data[j] + h
			plus := lossAt(perturbed)
			x.data[j] = in.data[j] - h
			minus := lossAt(perturbed)
			want.data[j] = (plus - minus) / (2 * h)
		}
		assertClose(t, fmt.Sprintf("%s: gradient of input #%d", what, i), got, want, 1e-6)
	}
}
