package style

import (
	"fmt"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// BenchmarkGatysStep is the "gatys step" of the project's side-by-side
// benchmarks (shared/bench/README.md): full-width VGG-19 with random
// weights up to relu5_1, a 1×3×S×S image, content MSE at relu4_2 plus
// 1e6 × Gram MSE at relu1_1 … relu5_1, the gradient with respect to the
// image only, and one Adam step on the image (lr 0.02). PyTorch's side is
// shared/bench/torch_cpu.py.
func BenchmarkGatysStep(b *testing.B) {
	be, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	net := vgg.Random(0)
	opts := DefaultOptions() // relu4_2; relu1_1 … relu5_1; α = 1, β = 1e6
	for _, size := range []int{128, 256} {
		b.Run(fmt.Sprintf("%dpx", size), func(b *testing.B) {
			content, styleImage := randomImage(1, size, size), randomImage(2, size, size)
			contentTargets, err := ComputeTargets(be, net, content, opts.ContentLayers, nil)
			if err != nil {
				b.Fatal(err)
			}
			styleTargets, err := ComputeTargets(be, net, styleImage, nil, opts.StyleLayers)
			if err != nil {
				b.Fatal(err)
			}
			loss, err := NewLoss(be, net, Targets{Content: contentTargets.Content, Style: styleTargets.Style}, size, size, &opts)
			if err != nil {
				b.Fatal(err)
			}
			x := tensors.MustCopyFlatData[float32](content)
			objective := func(x, grad []float32) (float64, error) {
				losses, err := loss.Evaluate(x, grad)
				return losses.Total, err
			}
			adam := NewAdam(0.02)
			if err := adam.Minimize(objective, x, 1); err != nil { // compiles the graph
				b.Fatal(err)
			}
			b.ResetTimer()
			if err := adam.Minimize(objective, x, b.N); err != nil {
				b.Fatal(err)
			}
		})
	}
}
