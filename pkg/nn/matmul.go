package nn

import (
	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// MatMulTransposed returns a·bᵀ for a [M, K] and b [N, K]: the [M, N] matrix
// of dot products of a's rows with b's rows (nn.Linear's x·Wᵀ, a Gram
// matrix's F·Fᵀ).
//
// It is computed as a 1x1 convolution of M images of K channels with N
// filters. The result is DotGeneral's; the gradients are not: GoMLX v0.26
// differentiates DotGeneral by broadcasting both operands to [M, N, K] and
// reducing (1.6 GB for one layer of the MNIST GAN's discriminator, a
// gigabyte for a Gram matrix of VGG's relu1_1 at 256x256), while a
// convolution's gradients are convolutions again, which the backend computes
// as matrix products of the forward one's size.
func MatMulTransposed(a, b *graph.Node) *graph.Node {
	if a.Rank() != 2 || b.Rank() != 2 || a.Shape().Dimensions[1] != b.Shape().Dimensions[1] {
		exceptions.Panicf("nn.MatMulTransposed: want a [M, K] and b [N, K], got %s and %s", a.Shape(), b.Shape())
	}
	m, k, n := a.Shape().Dimensions[0], a.Shape().Dimensions[1], b.Shape().Dimensions[0]
	y := graph.ConvGeneral(graph.Reshape(a, m, k, 1, 1), graph.Reshape(b, n, k, 1, 1), nchwAxes, nil, nil, nil, nil, 1, 1)
	return graph.Reshape(y, m, n)
}

// nchwAxes lays out a convolution as PyTorch does: input and output NCHW,
// kernel [out, in, kh, kw].
var nchwAxes = backends.ConvolveAxesConfig{
	InputBatch: 0, InputChannels: 1, InputSpatial: []int{2, 3},
	KernelOutputChannels: 0, KernelInputChannels: 1, KernelSpatial: []int{2, 3},
	OutputBatch: 0, OutputChannels: 1, OutputSpatial: []int{2, 3},
}
