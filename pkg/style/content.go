package style

import (
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
)

// ContentLoss is the content term of Gatys et al. (2016), eq. 1, with the
// mean instead of the sum so its scale does not depend on the layer size:
//
//	L_content(x, p, l) = 1/(N·C·H·W) · Σ (F^l(x) − P^l(p))²
//
// features is F^l of the image being optimised and target is P^l of the
// content image, both [N, C, H, W] (NCHW) feature maps of the same shape.
// It is PyTorch's F.mse_loss(features, target), the loss of PyTorch's neural
// style tutorial and of the project's reference fixtures.
//
// Gatys, Ecker, Bethge, "Image Style Transfer Using Convolutional Neural
// Networks", CVPR 2016:
// https://openaccess.thecvf.com/content_cvpr_2016/html/Gatys_Image_Style_Transfer_CVPR_2016_paper.html
func ContentLoss(features, target *Node) *Node {
	return ReduceAllMean(Square(Sub(features, target)))
}
