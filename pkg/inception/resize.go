package inception

import (
	"github.com/gomlx/exceptions"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Resize is torch.nn.functional.interpolate(x, size=(height, width),
// mode="bilinear", align_corners=False) with torch 1.13's default
// antialias=False, for x float32 [N, C, H, W]: each output pixel blends the
// two nearest input rows and columns around its centre mapped back to the
// input, whatever the scale, so downsampling by more than 2 skips input
// pixels (aliasing). That is the filter pytorch-fid's published numbers were
// computed with; see the package doc.
//
// It is two matrix products with host-made interpolation matrices, rows and
// columns separately; an input already of the requested size is returned as
// is, which is exactly what torch computes for it.
func Resize(x *Node, height, width int) *Node {
	if x.Rank() != 4 || height < 1 || width < 1 {
		exceptions.Panicf("inception: Resize wants x [N, C, H, W] and a positive size, got %s and %dx%d", x.Shape(), height, width)
	}
	dims := x.Shape().Dimensions
	g := x.Graph()
	if dims[3] != width {
		x = Einsum("nchw,ow->ncho", x, ConstTensor(g, interpolation(dims[3], width)))
	}
	if dims[2] != height {
		x = Einsum("ph,ncho->ncpo", ConstTensor(g, interpolation(dims[2], height)), x)
	}
	return x
}

// interpolation returns the [out, in] matrix of bilinear weights along one
// axis, rounded as torch's CPU kernel rounds them
// (area_pixel_compute_source_index with align_corners=False): output pixel o
// reads input position s = (o + 0.5)·in/out − 0.5, clamped below at 0, with
// weight 1 − λ at ⌊s⌋ and λ = s − ⌊s⌋ at ⌊s⌋ + 1 (the last pixel for both
// at the border).
func interpolation(in, out int) *tensors.Tensor {
	weights := make([]float32, out*in)
	scale := float32(in) / float32(out)
	for o := range out {
		// torch multiplies the float32 scale by the double dst_index + 0.5,
		// and rounds only λ to float32.
		s := max(float64(scale)*(float64(o)+0.5)-0.5, 0)
		i0 := int(s)
		i1 := min(i0+1, in-1)
		lambda := float32(s - float64(i0))
		weights[o*in+i0] += 1 - lambda
		weights[o*in+i1] += lambda
	}
	return tensors.FromFlatDataAndDimensions(weights, out, in)
}
