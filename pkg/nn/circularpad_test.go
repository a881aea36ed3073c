package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"

	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

func TestCircularPad2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := backendtest.RandomArray(rng, 2, 2, 4, 5)
	wrap := func(i, n int) int { return (i%n + n) % n }
	for _, p := range [][4]int{{0, 0, 0, 0}, {1, 1, 1, 1}, {5, 2, 4, 1}, {0, 3, 2, 0}} {
		got := run(t, func(x *graph.Node) *graph.Node { return CircularPad2D(x, p[0], p[1], p[2], p[3]) }, x)
		want := backendtest.NewArray(2, 2, 4+p[2]+p[3], 5+p[0]+p[1])
		for i := range want.Data {
			q := i % want.Dims[3]
			r := i / want.Dims[3] % want.Dims[2]
			bc := i / (want.Dims[2] * want.Dims[3])
			want.Data[i] = x.Data[(bc*4+wrap(r-p[2], 4))*5+wrap(q-p[0], 5)]
		}
		backendtest.AssertClose(t, fmt.Sprint("CircularPad2D ", p), got, want, 0)
	}
	checkGradients(t, rng, "CircularPad2D", func(in []*graph.Node) *graph.Node { return CircularPad2D(in[0], 2, 1, 1, 3) }, x)
}
