package purego

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

// TestConcatenate runs float32 Concatenate on the backend against float64
// (simplego's executor) over random shapes and axes, with pieces shorter and
// longer than shortPiece. (simplego fails on inputs of size zero.)
func TestConcatenate(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	for trial := range 60 {
		rank := 1 + rng.IntN(4)
		axis := rng.IntN(rank)
		dims := make([]int, rank)
		for i := range dims {
			dims[i] = 1 + rng.IntN(5)
		}
		inputs := make([]backendtest.Array, 1+rng.IntN(4))
		for i := range inputs {
			d := slices.Clone(dims)
			d[axis] = 1 + rng.IntN(3*shortPiece)/max(1, shortPiece/4*(rank-1-axis))
			inputs[i] = backendtest.RandomArray(rng, d...)
		}
		fn := func(xs []*graph.Node) *graph.Node { return graph.Concatenate(xs, axis) }
		what := fmt.Sprintf("trial %d: concatenating %d inputs along axis %d of %v", trial, len(inputs), axis, dims)
		backendtest.AssertClose(t, what, execute32(t, fn, inputs...), execute(t, fn, inputs...)[0], 1e-7)
	}
}
