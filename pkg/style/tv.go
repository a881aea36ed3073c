package style

import (
	"github.com/gomlx/exceptions"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
)

// TotalVariation is the squared total-variation regulariser of Mahendran &
// Vedaldi (2015, eq. 5 with β = 2), the smoothness prior neural-style adds
// to Gatys' loss, taken as means so that its scale does not depend on the
// image size:
//
//	L_TV(x) = mean_{c,i,j} (x_{c,i,j+1} − x_{c,i,j})² + mean_{c,i,j} (x_{c,i+1,j} − x_{c,i,j})²
//
// image is [N, C, H, W] (NCHW) with H, W ≥ 2.
//
// Mahendran, Vedaldi, "Understanding Deep Image Representations by
// Inverting Them", CVPR 2015: https://arxiv.org/abs/1412.0035
func TotalVariation(image *Node) *Node {
	dims := image.Shape().Dimensions
	if len(dims) != 4 || dims[2] < 2 || dims[3] < 2 {
		exceptions.Panicf("style.TotalVariation: want an image [N, C, H, W] with H, W >= 2, got shape %s", image.Shape())
	}
	h, w := dims[2], dims[3]
	dx := Sub(Slice(image, AxisRange(), AxisRange(), AxisRange(), AxisRange(1, w)),
		Slice(image, AxisRange(), AxisRange(), AxisRange(), AxisRange(0, w-1)))
	dy := Sub(Slice(image, AxisRange(), AxisRange(), AxisRange(1, h), AxisRange()),
		Slice(image, AxisRange(), AxisRange(), AxisRange(0, h-1), AxisRange()))
	return Add(ReduceAllMean(Square(dx)), ReduceAllMean(Square(dy)))
}
