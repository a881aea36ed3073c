package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func randomTensor32(rng *rand.Rand, dims ...int) *tensors.Tensor {
	size := 1
	for _, d := range dims {
		size *= d
	}
	data := make([]float32, size)
	for i := range data {
		data[i] = rng.Float32()*2 - 1
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// BenchmarkConvTranspose2D runs DCGAN generator layers (batch 64, 4x4
// kernels, stride 2, padding 1): forward, and forward plus the gradients of
// input and kernel (a training step's work). It reports GFLOP/s counting
// 2·N·Cin·Cout·16·H·W per pass (three passes with gradients).
func BenchmarkConvTranspose2D(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	opts := ConvTranspose2DOptions{Stride: 2, Padding: 1}
	for _, s := range []struct{ in, out, size int }{{512, 256, 4}, {256, 128, 8}, {128, 64, 16}, {64, 3, 32}} {
		x, w := randomTensor32(rng, 64, s.in, s.size, s.size), randomTensor32(rng, s.in, s.out, 4, 4)
		flops := 2 * float64(64*s.in*s.out*16*s.size*s.size)
		for _, pass := range []string{"forward", "train"} {
			b.Run(fmt.Sprintf("%dx%d-%dpx/%s", s.in, s.out, s.size, pass), func(b *testing.B) {
				passes := 1.0
				fn := func(x, w *graph.Node) []*graph.Node { return []*graph.Node{ConvTranspose2D(x, w, opts)} }
				if pass == "train" {
					passes = 3
					fn = func(x, w *graph.Node) []*graph.Node {
						return graph.Gradient(graph.ReduceAllSum(graph.Square(ConvTranspose2D(x, w, opts))), x, w)
					}
				}
				exec := graph.MustNewExec(testBackend(), fn)
				exec.MustExec(x, w)
				b.ResetTimer()
				for range b.N {
					for _, t := range exec.MustExec(x, w) {
						t.FinalizeAll()
					}
				}
				b.ReportMetric(passes*flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
