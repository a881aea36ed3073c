package vgg_test

import (
	"fmt"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// BenchmarkFeatures is a full-width VGG-19 forward pass up to relu5_1 (the
// layers Gatys et al. use) on one image; compare with PyTorch CPU:
//
//	vgg = torchvision.models.vgg19().features[:30].eval(); with torch.no_grad(): vgg(x)
func BenchmarkFeatures(b *testing.B) {
	model := vgg.Random(1)
	backend, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{128, 256} {
		b.Run(fmt.Sprintf("%dpx", size), func(b *testing.B) {
			exec := MustNewExec(backend, func(x *Node) *Node { return model.Features(x, []string{"relu5_1"})["relu5_1"] })
			x := tensors.FromFlatDataAndDimensions(make([]float32, 3*size*size), 1, 3, size, size)
			exec.MustExec(x) // compile outside the timing
			b.ResetTimer()
			for range b.N {
				exec.MustExec(x)[0].FinalizeAll()
			}
		})
	}
}
