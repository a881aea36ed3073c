package purego

import (
	"sync"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

var testBackend = sync.OnceValue(func() backends.Backend {
	b, err := New()
	if err != nil {
		panic(err)
	}
	return b
})

// execute runs fn on the test backend with the arrays as inputs.
func execute(t *testing.T, fn any, inputs ...array) []array {
	t.Helper()
	return backendtest.Execute(t, testBackend(), fn, inputs...)
}

// checkGradients compares graph.Gradient of the scalar fn(inputs) with
// central finite differences, see backendtest.CheckGradients.
func checkGradients(t *testing.T, what string, fn func(inputs []*graph.Node) *graph.Node, inputs ...array) {
	t.Helper()
	ts := make([]*tensors.Tensor, len(inputs))
	for i, in := range inputs {
		ts[i] = in.Tensor()
	}
	backendtest.CheckGradients(t, testBackend(), what, fn, 1e-6, ts...)
}
