package style_test

import (
	"context"
	"fmt"
	"log"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/style"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// The Gram matrix of two 2×2 feature maps: G_ij = Σ_k F_ik·F_jk / (C·H·W).
func ExampleGram() {
	b, err := purego.New()
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

// A style loss of one's own: match the mean and standard deviation of each
// feature channel (the AdaIN statistics of Huang & Belongie 2017) instead
// of the Gram matrices. StyleWeight 0 turns the built-in Gram loss off, so
// the term replaces it; leave it on to add the term to it.
func ExampleTerm() {
	b, err := purego.New()
	if err != nil {
		log.Fatal(err)
	}
	net, err := vgg.RandomWidth(vgg.DefaultSeed, 16) // a small untrained VGG-19, for a quick example
	if err != nil {
		log.Fatal(err)
	}
	meanStd := func(f *Node) (mean, std *Node) { // f is [1, C, H, W]
		mean = ReduceAndKeep(f, ReduceMean, 2, 3)
		std = Sqrt(AddScalar(ReduceMean(Square(Sub(f, mean)), 2, 3), 1e-5))
		return Reshape(mean, -1), std
	}
	layers := style.DefaultStyleLayers
	term := style.Term{Name: "mean/std", Weight: 10, Layers: layers, Loss: func(in style.TermInputs) *Node {
		loss := ScalarZero(in.Pixels.Graph(), in.Pixels.DType())
		for _, l := range layers {
			m, s := meanStd(in.Image[l])
			ms, ss := meanStd(in.Styles[0][l])
			loss = Add(loss, Add(ReduceAllMean(Square(Sub(m, ms))), ReduceAllMean(Square(Sub(s, ss)))))
		}
		return loss
	}}
	opts := style.DefaultOptions()
	opts.Size, opts.Iterations = 32, 5
	opts.StyleWeight = 0
	opts.Terms = []style.Term{term}
	pattern := func(f func(c, y, x int) float32) *tensors.Tensor { // an image [1, 3, 32, 32]
		data := make([]float32, 3*32*32)
		for i := range data {
			data[i] = f(i/1024, i/32%32, i%32)
		}
		return tensors.FromFlatDataAndDimensions(data, 1, 3, 32, 32)
	}
	content := pattern(func(c, y, x int) float32 { return float32(x) / 31 })               // a grey ramp
	painting := pattern(func(c, y, x int) float32 { return float32((x/4+y/4+c)%2) * 0.8 }) // coloured checks
	res, err := style.Transfer(context.Background(), b, net, content, []*tensors.Tensor{painting}, opts)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range res.Losses.Terms {
		fmt.Println(t.Name)
	}
	first, last := res.History[0].Terms[1].Value, res.Losses.Terms[1].Value
	fmt.Println("mean/std loss went down:", last < first)
	// Output:
	// content
	// mean/std
	// mean/std loss went down: true
}
