package purego

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

// TestBroadcastAndReduceSum runs float32 broadcasts, sums, maxima, and sums,
// products, differences and quotients with a broadcast operand over random
// shapes and axes (the backend's strided loops) against float64 (simplego's
// element-by-element executors).
func TestBroadcastAndReduceSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for trial := range 150 {
		rank := 1 + rng.IntN(4)
		dims, target := make([]int, rank), make([]int, rank)
		var axes []int
		for i := range rank {
			dims[i] = rng.IntN(6) // a size 0 now and then
			if rng.IntN(3) == 0 {
				dims[i] = 1
			}
			target[i] = dims[i]
			if dims[i] == 1 {
				target[i] = 1 + rng.IntN(6)
			}
			if rng.IntN(2) == 0 {
				axes = append(axes, i)
			}
		}
		x := backendtest.RandomArray(rng, dims...)
		ops := map[string]func(x *graph.Node) *graph.Node{
			"broadcast": func(x *graph.Node) *graph.Node { return graph.BroadcastToDims(x, target...) },
			"sum":       func(x *graph.Node) *graph.Node { return graph.ReduceSum(x, axes...) },
			"sum of broadcast": func(x *graph.Node) *graph.Node {
				return graph.ReduceSum(graph.BroadcastToDims(x, target...), axes...)
			},
			"add and multiply a broadcast operand": func(x *graph.Node) *graph.Node {
				full := graph.Iota(x.Graph(), shapes.Make(x.DType(), target...), rank-1)
				return graph.Add(graph.Mul(x, full), graph.Add(full, x))
			},
			"subtract and divide by a broadcast operand, on either side": func(x *graph.Node) *graph.Node {
				full := graph.OnePlus(graph.Iota(x.Graph(), shapes.Make(x.DType(), target...), rank-1))
				positive := graph.OnePlus(graph.Square(x))
				return graph.Add(graph.Sub(full, x), graph.Add(graph.Sub(x, full),
					graph.Add(graph.Div(full, positive), graph.Div(x, full))))
			},
		}
		if !slices.Contains(dims, 0) { // the maximum of nothing is -Inf, which AssertClose cannot compare
			ops["max"] = func(x *graph.Node) *graph.Node { return graph.ReduceMax(x, axes...) }
		}
		for name, fn := range ops {
			want := execute(t, fn, x)[0]
			got := execute32(t, fn, x)
			backendtest.AssertClose(t, fmt.Sprintf("trial %d %s of %v (to %v, axes %v)", trial, name, dims, target, axes), got, want, 1e-5)
		}
	}
}

func TestSign32(t *testing.T) {
	nan := float32(math.NaN())
	x := []float32{-3, -0.5, float32(math.Copysign(0, -1)), 0, 1e-40, 2, float32(math.Inf(1)), float32(math.Inf(-1)), nan}
	want := []float32{-1, -1, float32(math.Copysign(0, -1)), 0, 1, 1, 1, -1, nan}
	y := make([]float32, len(x))
	sign32(y, x)
	for i := range x {
		if math.Float32bits(y[i]) != math.Float32bits(want[i]) && !(y[i] != y[i] && want[i] != want[i]) {
			t.Errorf("sign of %g = %g, want %g", x[i], y[i], want[i])
		}
	}
}

// TestSignExecutor runs float32 Sign on the backend against float64 (simplego's).
func TestSignExecutor(t *testing.T) {
	x := backendtest.RandomArray(rand.New(rand.NewPCG(61, 62)), 7, 13)
	x.Data[3] = 0
	fn := func(x *graph.Node) *graph.Node { return graph.Sign(x) }
	backendtest.AssertClose(t, "sign", execute32(t, fn, x), execute(t, fn, x)[0], 0)
}
