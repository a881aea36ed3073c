package nn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Upsample2xNearest doubles the height and width of the NCHW x by repeating
// each pixel 2x2: torch.nn.Upsample(scale_factor=2, mode="nearest").
func Upsample2xNearest(x *graph.Node) *graph.Node {
	checkNCHW("Upsample2xNearest", x)
	d := x.Shape().Dimensions
	y := graph.Reshape(x, d[0], d[1], d[2], 1, d[3], 1)
	y = graph.BroadcastToDims(y, d[0], d[1], d[2], 2, d[3], 2)
	return graph.Reshape(y, d[0], d[1], 2*d[2], 2*d[3])
}

// Upsample2xBilinear doubles the height and width of the NCHW x by bilinear
// interpolation with torch's align_corners=False convention:
// torch.nn.Upsample(scale_factor=2, mode="bilinear").
//
// Output pixel o samples the input at (o + 0.5)/2 - 0.5, clamped to the
// border, so along each axis
//
//	y[2i] = 0.75·x[i] + 0.25·x[max(i-1, 0)],  y[2i+1] = 0.75·x[i] + 0.25·x[min(i+1, n-1)].
func Upsample2xBilinear(x *graph.Node) *graph.Node {
	checkNCHW("Upsample2xBilinear", x)
	return upsampleAxisBilinear(upsampleAxisBilinear(x, 2), 3)
}

// upsampleAxisBilinear doubles one axis of x, see Upsample2xBilinear.
func upsampleAxisBilinear(x *graph.Node, axis int) *graph.Node {
	n := x.Shape().Dimensions[axis]
	// Neighbours with the border replicated.
	prev, next := x, x
	if n > 1 {
		prev = graph.Concatenate([]*graph.Node{sliceAxis(x, axis, 0, 1), sliceAxis(x, axis, 0, n-1)}, axis)
		next = graph.Concatenate([]*graph.Node{sliceAxis(x, axis, 1, n), sliceAxis(x, axis, n-1, n)}, axis)
	}
	near := graph.MulScalar(x, 0.75)
	even := graph.Add(near, graph.MulScalar(prev, 0.25))
	odd := graph.Add(near, graph.MulScalar(next, 0.25))
	return interleave([]*graph.Node{even, odd}, axis)
}
