package purego

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

// TestMaxExecutor runs float32 Max on the backend against float64
// (simplego's executor): against a scalar on either side, a size-1 tensor,
// an operand of the same shape, and on intermediate results, whose buffers
// it reuses when nothing else reads them.
func TestMaxExecutor(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	ops := map[string]func(x, y *graph.Node) *graph.Node{
		"x, 0": func(x, _ *graph.Node) *graph.Node { return graph.Max(x, graph.ScalarZero(x.Graph(), x.DType())) },
		"0.5, x": func(x, _ *graph.Node) *graph.Node {
			return graph.Max(graph.Scalar(x.Graph(), x.DType(), 0.5), x)
		},
		"x, [1 1]": func(x, _ *graph.Node) *graph.Node {
			ones := make([]int, x.Rank())
			for i := range ones {
				ones[i] = 1
			}
			return graph.Max(x, graph.Reshape(graph.Scalar(x.Graph(), x.DType(), -0.25), ones...))
		},
		"x, y":          func(x, y *graph.Node) *graph.Node { return graph.Max(x, y) },
		"ReLU in place": func(x, _ *graph.Node) *graph.Node { return graph.Max(graph.MulScalar(x, 2), graph.ZerosLike(x)) },
		"y, x in place": func(x, y *graph.Node) *graph.Node { return graph.Max(y, graph.OnePlus(x)) },
		"operand reread": func(x, _ *graph.Node) *graph.Node {
			h := graph.MulScalar(x, 3)
			return graph.Add(graph.Max(h, graph.ZerosLike(h)), h)
		},
	}
	for _, dims := range [][]int{{1}, {7}, {8}, {9}, {37}, {3, 5, 11}} {
		x, y := backendtest.RandomArray(rng, dims...), backendtest.RandomArray(rng, dims...)
		for name, fn := range ops {
			want := execute(t, fn, x, y)[0]
			backendtest.AssertClose(t, fmt.Sprintf("max(%s) of %v", name, dims), execute32(t, fn, x, y), want, 1e-6)
		}
	}
}

func TestMax32NaN(t *testing.T) {
	nan := float32(math.NaN())
	x := make([]float32, 19)
	w := make([]float32, 19)
	for i := range x {
		x[i], w[i] = float32(i%5)-2, float32(i%3)-1
	}
	x[2], x[9], x[18] = nan, nan, nan
	w[4], w[9], w[17] = nan, nan, nan
	y := make([]float32, len(x))
	binaryRunScalar(binaryMax, false, y, x, 0)
	for i, v := range x {
		if want := max(v, 0); math.Float32bits(y[i]) != math.Float32bits(want) && !(y[i] != y[i] && want != want) {
			t.Errorf("max(%g, 0) = %g, want %g", v, y[i], want)
		}
	}
	binaryRun(binaryMax, false, y, x, w)
	for i, v := range x {
		if want := max(v, w[i]); y[i] != want && !(y[i] != y[i] && want != want) {
			t.Errorf("max(%g, %g) = %g, want %g", v, w[i], y[i], want)
		}
	}
}

// TestBinaryRunScalar compares the vector loops of a scalar operand with
// their Go versions, on every op and order, at lengths around the lanes.
func TestBinaryRunScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	for n := range 20 {
		src := make([]float32, n)
		for i := range src {
			src[i] = float32(rng.NormFloat64()) + 3
		}
		for _, op := range []binaryOp{binaryAdd, binaryMul, binarySub, binaryDiv, binaryMax} {
			for _, kFirst := range []bool{false, true} {
				got, want := make([]float32, n), make([]float32, n)
				binaryRunScalar(op, kFirst, got, src, 1.7)
				binaryRunScalarGo(op, kFirst, want, src, 1.7)
				for i := range got {
					if got[i] != want[i] {
						t.Errorf("op %v (scalar first %v), length %d: element %d is %g, want %g", op.opType(), kFirst, n, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestSum32 checks that the vector sum adds in sum32Go's order (bit for
// bit) and addTo32 as addTo32Go does, at lengths around the lanes.
func TestSum32(t *testing.T) {
	rng := rand.New(rand.NewPCG(75, 76))
	for n := range 41 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * math.Exp(4*rng.NormFloat64()))
		}
		if got, want := sum32(x), sum32Go(x); math.Float32bits(got) != math.Float32bits(want) {
			t.Errorf("length %d: sum32 = %g, sum32Go = %g", n, got, want)
		}
		got, want := slices.Clone(x), slices.Clone(x)
		addTo32(got, x)
		addTo32Go(want, x)
		if !slices.Equal(got, want) {
			t.Errorf("length %d: addTo32 = %v, addTo32Go = %v", n, got, want)
		}
	}
}

// TestBinaryExecutor runs float32 Add, Sub, Mul and Div on the backend
// against float64 (simplego's executors) with operands of one shape, with a
// scalar on either side, and on intermediate results, whose buffers they
// reuse when nothing else reads them.
func TestBinaryExecutor(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 78))
	ops := map[string]func(x, y *graph.Node) *graph.Node{
		"same shape": func(x, y *graph.Node) *graph.Node {
			return graph.Add(graph.Sub(x, y), graph.Add(graph.Mul(x, y), graph.Div(x, graph.OnePlus(graph.Square(y)))))
		},
		"scalar on either side": func(x, _ *graph.Node) *graph.Node {
			k := graph.Scalar(x.Graph(), x.DType(), 1.5)
			return graph.Add(graph.Sub(k, x), graph.Add(graph.Sub(x, k), graph.Add(graph.Div(k, graph.OnePlus(graph.Square(x))), graph.Mul(k, x))))
		},
		"operands reread": func(x, y *graph.Node) *graph.Node {
			h := graph.MulScalar(x, 3)
			return graph.Mul(graph.Sub(y, h), graph.Div(h, graph.OnePlus(graph.Square(y))))
		},
	}
	for _, dims := range [][]int{{1}, {7}, {8}, {9}, {37}, {3, 5, 11}} {
		x, y := backendtest.RandomArray(rng, dims...), backendtest.RandomArray(rng, dims...)
		for name, fn := range ops {
			want := execute(t, fn, x, y)[0]
			backendtest.AssertClose(t, fmt.Sprintf("%s of %v", name, dims), execute32(t, fn, x, y), want, 1e-5)
		}
	}
}

// TestBinaryRun compares the element-wise vector loops with their Go
// versions, on every op and order, at lengths around the lanes.
func TestBinaryRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(79, 80))
	for n := range 20 {
		src, w := make([]float32, n), make([]float32, n)
		for i := range src {
			src[i], w[i] = float32(rng.NormFloat64())+3, float32(rng.NormFloat64())-3
		}
		for _, op := range []binaryOp{binaryAdd, binaryMul, binarySub, binaryDiv, binaryMax} {
			for _, wFirst := range []bool{false, true} {
				got, want := make([]float32, n), make([]float32, n)
				binaryRun(op, wFirst, got, src, w)
				binaryRunGo(op, wFirst, want, src, w)
				if !slices.Equal(got, want) {
					t.Errorf("op %v (w first %v), length %d: %v, want %v", op.opType(), wFirst, n, got, want)
				}
			}
		}
	}
}

// TestWhereExecutor runs float32 Where on the backend against float64
// (simplego's executor): LeakyReLU, its gradient, and intermediate operands
// whose buffers it reuses.
func TestWhereExecutor(t *testing.T) {
	rng := rand.New(rand.NewPCG(83, 84))
	leaky := func(x *graph.Node) *graph.Node {
		return graph.Where(graph.GreaterOrEqual(x, graph.ScalarZero(x.Graph(), x.DType())), x, graph.MulScalar(x, 0.2))
	}
	ops := map[string]func(x, y *graph.Node) *graph.Node{
		"LeakyReLU": func(x, _ *graph.Node) *graph.Node { return leaky(x) },
		"LeakyReLU's gradient": func(x, y *graph.Node) *graph.Node {
			return graph.Gradient(graph.ReduceAllSum(graph.Mul(leaky(x), y)), x)[0]
		},
		"operands reread": func(x, y *graph.Node) *graph.Node {
			h := graph.MulScalar(y, 3)
			return graph.Add(graph.Where(graph.LessThan(x, y), h, graph.Neg(x)), h)
		},
	}
	for _, dims := range [][]int{{1}, {9}, {3, 5, 11}} {
		x, y := backendtest.RandomArray(rng, dims...), backendtest.RandomArray(rng, dims...)
		for name, fn := range ops {
			want := execute(t, fn, x, y)[0]
			backendtest.AssertClose(t, fmt.Sprintf("%s of %v", name, dims), execute32(t, fn, x, y), want, 1e-6)
		}
	}
}

// TestParallelExecutors runs the element-wise executors on tensors large
// enough to be split over goroutines (see parallel) against float64
// (simplego's executors): a reduction over a kept and over a reduced
// outermost axis, broadcasts, binary ops, Max, Where, Sign and Concatenate.
func TestParallelExecutors(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one CPU: the executors do not split")
	}
	rng := rand.New(rand.NewPCG(85, 86))
	x, y := backendtest.RandomArray(rng, 4, 3, 96, 128), backendtest.RandomArray(rng, 4, 3, 96, 128)
	ops := map[string]func(x, y *graph.Node) *graph.Node{
		"sums": func(x, _ *graph.Node) *graph.Node {
			return graph.Add(graph.ReduceSum(x, 0), graph.Reshape(graph.ReduceSum(x, 0, 2, 3), 3, 1, 1))
		},
		"max pooling": func(x, _ *graph.Node) *graph.Node {
			return graph.ReduceMax(graph.Reshape(x, 4, 3, 48, 2, 64, 2), 3, 5)
		},
		"broadcast and binary ops": func(x, y *graph.Node) *graph.Node {
			bias := graph.ReduceMean(x, 0, 2, 3)
			return graph.Sub(graph.Mul(graph.Add(x, graph.Reshape(bias, 1, 3, 1, 1)), y), graph.BroadcastToDims(graph.Reshape(bias, 1, 3, 1, 1), 4, 3, 96, 128))
		},
		"Max, Where, Sign": func(x, y *graph.Node) *graph.Node {
			zero := graph.ScalarZero(x.Graph(), x.DType())
			return graph.Add(graph.Max(x, zero), graph.Where(graph.GreaterOrEqual(y, zero), graph.Sign(x), y))
		},
		"Concatenate": func(x, y *graph.Node) *graph.Node {
			return graph.Concatenate([]*graph.Node{graph.Slice(x, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(), graph.AxisElem(1)), y, x}, 3)
		},
	}
	for name, fn := range ops {
		backendtest.AssertClose(t, name, execute32(t, fn, x, y), execute(t, fn, x, y)[0], 1e-5)
	}
}
