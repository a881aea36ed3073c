package adain

import (
	"github.com/gomlx/exceptions"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
)

// Epsilon is function.py's calc_mean_std eps, added to the variance before
// its square root.
const Epsilon = 1e-5

// MeanStd returns the mean and standard deviation of each channel of each
// image of the NCHW x over its height and width, as function.py's
// calc_mean_std computes them: with the unbiased variance (divided by
// H·W − 1, torch's var default) plus Epsilon,
//
//	μ(x) = 1/HW Σ x,   σ(x) = √(1/(HW−1) Σ (x − μ)² + ε).
//
// Both are [N, C, 1, 1]. x must have at least 2 pixels per channel.
func MeanStd(x *Node) (mean, std *Node) {
	checkFeatures("MeanStd", x)
	d := x.Shape().Dimensions
	mean = ReduceAndKeep(x, ReduceMean, 2, 3)
	sumSquares := ReduceAndKeep(Square(Sub(x, mean)), ReduceSum, 2, 3)
	// Sqrt, not Rsqrt: GoMLX v0.26 has no gradient for Rsqrt.
	std = Sqrt(AddScalar(DivScalar(sumSquares, float64(d[2]*d[3]-1)), Epsilon))
	return mean, std
}

// AdaIN is adaptive instance normalisation, Huang & Belongie (2017), eq. 8:
// the content features x, normalised per channel, take the style features
// y's mean and standard deviation,
//
//	AdaIN(x, y) = σ(y) · (x − μ(x)) / σ(x) + μ(y),
//
// with μ and σ as MeanStd computes them. x is [N, C, H, W] and y is
// [N, C, H', W'] (or [1, C, H', W'], one style for every content); only
// their batch and channel counts must agree.
func AdaIN(content, style *Node) *Node {
	mean, std := MeanStd(style)
	return Normalize(content, mean, std)
}

// Normalize is AdaIN with the style's statistics given: mean and std are
// [N or 1, C, 1, 1].
func Normalize(content, mean, std *Node) *Node {
	cMean, cStd := MeanStd(content)
	return Add(Mul(Div(Sub(content, cMean), cStd), std), mean)
}

// regionNormalize is Normalize restricted to a region: the content's
// statistics are taken over the pixels where mask is 1, as test.py's spatial
// control selects them (with index_select) before calc_mean_std, and the
// result is the mask times the normalised features. mask is [1, 1, H, W]
// of 0s and 1s; the region must have at least 2 pixels.
func regionNormalize(content, mask, mean, std *Node) *Node {
	count := ReduceAllSum(mask)
	cMean := Div(ReduceAndKeep(Mul(content, mask), ReduceSum, 2, 3), count)
	centered := Mul(Sub(content, cMean), mask)
	variance := Div(ReduceAndKeep(Square(centered), ReduceSum, 2, 3), SubScalar(count, 1))
	cStd := Sqrt(AddScalar(variance, Epsilon))
	return Mul(Add(Mul(Div(centered, cStd), std), mean), mask)
}

func checkFeatures(what string, x *Node) {
	if x.Rank() != 4 || x.Shape().Dimensions[2]*x.Shape().Dimensions[3] < 2 {
		exceptions.Panicf("adain: %s wants features [N, C, H, W] with at least 2 pixels, got shape %s", what, x.Shape())
	}
}
