package style

import (
	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
)

// Gram returns the Gram matrices of a batch of feature maps, Gatys et al.
// (2016), eq. 3, normalised by the number of entries of one feature map:
//
//	G^l_ij = 1/(C·H·W) · Σ_k F^l_ik · F^l_jk
//
// features is [N, C, H, W] (NCHW); the result is [N, C, C]. The
// normalisation is PyTorch's neural style tutorial's (and neural-style's),
// which makes style losses comparable across layers and image sizes.
//
// The product F·Fᵀ is built as a convolution, not a DotGeneral: GoMLX
// differentiates DotGeneral by materialising the [C, C, H·W] outer product
// (a gigabyte for relu1_1 of a 256×256 image), whereas a convolution's
// gradient is two more convolutions, i.e. two matrix products of the size of
// the forward one. Both give the same numbers.
func Gram(features *Node) *Node {
	dims := features.Shape().Dimensions
	if len(dims) != 4 {
		panicf("style.Gram: want features [N, C, H, W], got shape %s", features.Shape())
	}
	n, c, hw := dims[0], dims[1], dims[2]*dims[3]
	flat := Reshape(features, n, c, hw)
	grams := make([]*Node, n)
	for i := range n {
		grams[i] = selfProduct(Reshape(Slice(flat, AxisElem(i)), c, hw))
	}
	return DivScalar(Stack(grams, 0), float64(c*hw))
}

// selfProductAxes read F·Fᵀ as a one-dimensional convolution: the input is
// Fᵀ laid out [batch 1, channels H·W, length C] and the kernel is F laid out
// [out C, in H·W, width 1], so output [1, C, C] holds Σ_k F_ok·F_sk.
var selfProductAxes = backends.ConvolveAxesConfig{
	InputBatch: 0, InputChannels: 1, InputSpatial: []int{2},
	KernelOutputChannels: 0, KernelInputChannels: 1, KernelSpatial: []int{2},
	OutputBatch: 0, OutputChannels: 1, OutputSpatial: []int{2},
}

// selfProduct returns F·Fᵀ for a matrix F [C, K].
func selfProduct(f *Node) *Node {
	dims := f.Shape().Dimensions
	input := InsertAxes(Transpose(f, 0, 1), 0) // [1, K, C]
	kernel := InsertAxes(f, -1)                // [C, K, 1]
	product := Convolve(input, kernel).AxesConfig(selfProductAxes).NoPadding().Done()
	return Reshape(product, dims[0], dims[0])
}

// StyleLayerLoss is one layer's style term, Gatys et al. (2016), eq. 4, with
// the mean in place of their 1/(4·N²·M²) factor:
//
//	E_l = 1/(N·C²) · Σ_ij (G^l_ij − A^l_ij)²
//
// features is F^l of the image being optimised, [N, C, H, W]; targetGram is
// A^l, the Gram matrix of the style image at the same layer, [N, C, C] (or
// [1, C, C], broadcast over the batch).
func StyleLayerLoss(features, targetGram *Node) *Node {
	return ReduceAllMean(Square(Sub(Gram(features), targetGram)))
}
