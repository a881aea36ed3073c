package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

// benchmarkLayer times layer(x, w) forward, and forward plus the gradients of
// x and w (a training step's work: three products of the same size), and
// reports GFLOP/s for flops per product.
func benchmarkLayer(b *testing.B, name string, layer func(x, w *graph.Node) *graph.Node, flops float64, x, w *tensors.Tensor) {
	for _, train := range []bool{false, true} {
		pass, products, fn := "forward", 1.0, func(x, w *graph.Node) []*graph.Node { return []*graph.Node{layer(x, w)} }
		if train {
			pass, products = "train", 3
			fn = func(x, w *graph.Node) []*graph.Node {
				return graph.Gradient(graph.ReduceAllSum(graph.Square(layer(x, w))), x, w)
			}
		}
		b.Run(name+"/"+pass, func(b *testing.B) {
			exec := graph.MustNewExec(testBackend(), fn)
			exec.MustExec(x, w)
			b.ResetTimer()
			for range b.N {
				for _, t := range exec.MustExec(x, w) {
					t.FinalizeAll()
				}
			}
			b.ReportMetric(products*flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkConvTranspose2D runs DCGAN generator layers: batch 64, 4x4
// kernels, stride 2, padding 1.
func BenchmarkConvTranspose2D(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	opts := ConvTranspose2DOptions{Stride: 2, Padding: 1}
	for _, s := range []struct{ in, out, size int }{{512, 256, 4}, {256, 128, 8}, {128, 64, 16}, {64, 3, 32}} {
		x, w := backendtest.RandomTensor32(rng, 64, s.in, s.size, s.size), backendtest.RandomTensor32(rng, s.in, s.out, 4, 4)
		benchmarkLayer(b, fmt.Sprintf("%dx%d-%dpx", s.in, s.out, s.size),
			func(x, w *graph.Node) *graph.Node { return ConvTranspose2D(x, w, opts) },
			2*float64(64*s.in*s.out*16*s.size*s.size), x, w)
	}
}

// BenchmarkConv2D runs DCGAN discriminator layers: batch 64, 4x4 kernels,
// stride 2, padding 1.
func BenchmarkConv2D(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	opts := Conv2DOptions{Stride: 2, Padding: 1}
	for _, s := range []struct{ in, out, size int }{{3, 64, 64}, {64, 128, 32}, {128, 256, 16}, {256, 512, 8}} {
		x, w := backendtest.RandomTensor32(rng, 64, s.in, s.size, s.size), backendtest.RandomTensor32(rng, s.out, s.in, 4, 4)
		benchmarkLayer(b, fmt.Sprintf("%dx%d-%dpx", s.in, s.out, s.size),
			func(x, w *graph.Node) *graph.Node { return Conv2D(x, w, opts) },
			2*float64(64*s.in*s.out*16*(s.size/2)*(s.size/2)), x, w)
	}
}

// BenchmarkReflectionPad2D pads the activations before AdaIN's first
// convolutions at 256 px (64 channels) by one pixel, as its encoder and
// decoder do, and by four, as TransformerNet's 9×9 convolutions do.
func BenchmarkReflectionPad2D(b *testing.B) {
	x := backendtest.RandomTensor32(rand.New(rand.NewPCG(3, 3)), 1, 64, 256, 256)
	for _, pad := range []int{1, 4} {
		b.Run(fmt.Sprintf("pad%d", pad), func(b *testing.B) {
			exec := graph.MustNewExec(testBackend(), func(x *graph.Node) *graph.Node { return ReflectionPad2D(x, pad, pad, pad, pad) })
			exec.MustExec(x)
			b.ResetTimer()
			for range b.N {
				exec.MustExec(x)[0].FinalizeAll()
			}
		})
	}
}
