package style

import (
	"github.com/gomlx/exceptions"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/neuralart/neuralart/pkg/nn"
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
// The product F·Fᵀ is nn.MatMulTransposed, a convolution, not a
// DotGeneral, whose GoMLX v0.26 gradient materialises the [C, C, H·W] outer
// product (a gigabyte for relu1_1 of a 256×256 image).
func Gram(features *Node) *Node {
	dims := features.Shape().Dimensions
	if len(dims) != 4 {
		exceptions.Panicf("style.Gram: want features [N, C, H, W], got shape %s", features.Shape())
	}
	n, c, hw := dims[0], dims[1], dims[2]*dims[3]
	flat := Reshape(features, n, c, hw)
	grams := make([]*Node, n)
	for i := range n {
		f := Reshape(Slice(flat, AxisElem(i)), c, hw)
		grams[i] = nn.MatMulTransposed(f, f)
	}
	return DivScalar(Stack(grams, 0), float64(c*hw))
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
