package style_test

import (
	"fmt"
	"log"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.

	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/style"
)

// The Gram matrix of two 2×2 feature maps: G_ij = Σ_k F_ik·F_jk / (C·H·W).
func ExampleGram() {
	b, err := backend.NewPureGo()
	if err != nil {
		log.Fatal(err)
	}
	features := [][][][]float32{{
		{{1, 2}, {3, 4}}, // channel 0
		{{1, 0}, {0, 1}}, // channel 1
	}}
	gram := MustExecOnce(b, func(f *Node) *Node { return style.Gram(f) }, features)
	fmt.Println(gram.Value())
	// Output: [[[3.75 0.625] [0.625 0.25]]]
}

// L-BFGS with the strong-Wolfe line search minimises Rosenbrock's function,
// f(x, y) = (1 − x)² + 100·(y − x²)², from the classic start (−1.2, 1).
func ExampleLBFGS() {
	rosenbrock := func(p, grad []float32) (float64, error) {
		x, y := float64(p[0]), float64(p[1])
		grad[0] = float32(-2*(1-x) - 400*x*(y-x*x))
		grad[1] = float32(200 * (y - x*x))
		return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x), nil
	}
	lbfgs := style.NewLBFGS()
	lbfgs.LineSearch = true
	p := []float32{-1.2, 1}
	if err := lbfgs.Minimize(rosenbrock, p, 100); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("minimum at (%.3f, %.3f)\n", p[0], p[1])
	// Output: minimum at (1.000, 1.000)
}

// Colour preservation keeps the result's luminance and the content's
// colours: a grey result over a red content becomes a red of the same
// brightness.
func ExampleKeepOriginalColors() {
	result := []float32{0.5, 0.5, 0.5}  // one grey pixel, NCHW [1, 3, 1, 1]
	content := []float32{0.8, 0.1, 0.1} // one red pixel
	out, err := style.KeepOriginalColors(result, content, 1, 1, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f\n", out)
	// Output: [0.991 0.291 0.291]
}
