// Package backendtest checks GoMLX graphs in tests, the way httptest helps
// test HTTP handlers: CheckGradients compares autodiff gradients with central
// finite differences; Array, Execute and AssertClose run graphs on float64
// (or float32) inputs and compare the results with plain-loop references.
package backendtest

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// FiniteDifferenceStep is the step h of the central differences
// (f(x+h) - f(x-h)) / 2h: with float64 inputs the truncation error
// (~h²) and the rounding error (~1e-16/h) are both ~1e-10 for well-scaled
// functions.
const FiniteDifferenceStep = 1e-6

// CheckGradients fails t unless graph.Gradient of the scalar fn(inputs),
// built on backend b, matches central finite differences for every element
// of every input, within tol·max(1, |difference quotient|). Inputs must be
// float64 tensors (float32 finite differences are too noisy to check).
func CheckGradients(t testing.TB, b backends.Backend, what string, fn func(inputs []*graph.Node) *graph.Node, tol float64, inputs ...*tensors.Tensor) {
	t.Helper()
	gradients, err := graph.NewExecAny(b, func(nodes []*graph.Node) []*graph.Node {
		return graph.Gradient(fn(nodes), nodes...)
	})
	if err != nil {
		t.Fatalf("%s: building the gradient: %v", what, err)
	}
	loss, err := graph.NewExecAny(b, fn)
	if err != nil {
		t.Fatalf("%s: building the function: %v", what, err)
	}
	flats := make([][]float64, len(inputs))
	for i, in := range inputs {
		flats[i] = tensors.MustCopyFlatData[float64](in)
	}
	args := func() []any {
		a := make([]any, len(flats))
		for i, flat := range flats {
			a[i] = tensors.FromFlatDataAndDimensions(flat, inputs[i].Shape().Dimensions...)
		}
		return a
	}
	got, err := gradients.Exec(args()...)
	if err != nil {
		t.Fatalf("%s: gradient: %v", what, err)
	}
	lossAt := func() float64 {
		out, err := loss.Exec(args()...)
		if err != nil {
			t.Fatalf("%s: function: %v", what, err)
		}
		return tensors.MustCopyFlatData[float64](out[0])[0]
	}
	for i, flat := range flats {
		grad := tensors.MustCopyFlatData[float64](got[i])
		for j, v := range flat {
			flat[j] = v + FiniteDifferenceStep
			plus := lossAt()
			flat[j] = v - FiniteDifferenceStep
			minus := lossAt()
			flat[j] = v
			want := (plus - minus) / (2 * FiniteDifferenceStep)
			if d := math.Abs(grad[j] - want); !(d <= tol*math.Max(1, math.Abs(want))) {
				t.Fatalf("%s: gradient of input #%d (shape %s), element %d: autodiff %g, finite differences %g",
					what, i, inputs[i].Shape(), j, grad[j], want)
			}
		}
	}
}
