package nn

import (
	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// InstanceNormEpsilon is torch.nn.InstanceNorm2d's default epsilon.
const InstanceNormEpsilon = 1e-5

// InstanceNorm normalizes each channel of each image of the NCHW x over its
// height and width, as torch.nn.InstanceNorm2d does (Ulyanov et al. 2016):
//
//	y = (x - mean) / sqrt(var + epsilon) · scale + offset
//
// with the biased variance. scale and offset are [C] (the affine weights),
// or nil for none (affine=False); epsilon is usually InstanceNormEpsilon.
func InstanceNorm(x, scale, offset *graph.Node, epsilon float64) *graph.Node {
	checkNCHW("InstanceNorm", x)
	c := x.Shape().Dimensions[1]
	mean := graph.ReduceAndKeep(x, graph.ReduceMean, 2, 3)
	centered := graph.Sub(x, mean)
	variance := graph.ReduceAndKeep(graph.Square(centered), graph.ReduceMean, 2, 3)
	// Sqrt, not Rsqrt: GoMLX v0.26 has no gradient for Rsqrt.
	y := graph.Div(centered, graph.Sqrt(graph.AddScalar(variance, epsilon)))
	perChannel := func(v *graph.Node, name string) *graph.Node {
		if v.Rank() != 1 || v.Shape().Dimensions[0] != c {
			exceptions.Panicf("nn.InstanceNorm: %s must be [C=%d], got %s", name, c, v.Shape())
		}
		return graph.Reshape(v, 1, c, 1, 1)
	}
	if scale != nil {
		y = graph.Mul(y, perChannel(scale, "scale"))
	}
	if offset != nil {
		y = graph.Add(y, perChannel(offset, "offset"))
	}
	return y
}
