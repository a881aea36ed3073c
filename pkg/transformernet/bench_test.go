package transformernet_test

import (
	"fmt"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/transformernet"
)

// BenchmarkTransformerNet stylises one image with a full-width TransformerNet
// (fast_neural_style's, random weights: the time does not depend on them);
// scripts/bench/torch_cpu.py times the same network in PyTorch.
func BenchmarkTransformerNet(b *testing.B) {
	net, err := transformernet.Random(1, transformernet.DefaultWidth)
	if err != nil {
		b.Fatal(err)
	}
	s, err := transformernet.NewStylizer(testBackend(b), net)
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{256, 512} {
		b.Run(fmt.Sprintf("%dpx", size), func(b *testing.B) {
			x := tensors.FromFlatDataAndDimensions(make([]float32, 3*size*size), 1, 3, size, size)
			if _, err := s.StylizeTensor(b.Context(), x); err != nil { // compile outside the timing
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				y, err := s.StylizeTensor(b.Context(), x)
				if err != nil {
					b.Fatal(err)
				}
				y.FinalizeAll()
			}
		})
	}
}
