package nn

import (
	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// ReflectionPad2D pads the NCHW x by reflecting it at its borders, without
// repeating the border pixel: torch.nn.ReflectionPad2d((left, right, top,
// bottom)). A row [a b c d] padded by 2 on both sides becomes
// [c b a b c d c b]. Each padding must be smaller than the padded dimension.
func ReflectionPad2D(x *graph.Node, left, right, top, bottom int) *graph.Node {
	checkNCHW("ReflectionPad2D", x)
	d := x.Shape().Dimensions
	if min(left, right, top, bottom) < 0 || max(left, right) >= d[3] || max(top, bottom) >= d[2] {
		exceptions.Panicf("nn.ReflectionPad2D: paddings (left %d, right %d, top %d, bottom %d) must be >= 0 and smaller than the input's %dx%d",
			left, right, top, bottom, d[2], d[3])
	}
	return reflectAxis(reflectAxis(x, 3, left, right), 2, top, bottom)
}

// reflectAxis pads one axis of x by reflection: the mirrored slices are
// concatenated one element at a time (paddings are small: a few pixels).
func reflectAxis(x *graph.Node, axis, before, after int) *graph.Node {
	n := x.Shape().Dimensions[axis]
	parts := make([]*graph.Node, 0, before+1+after)
	for i := before; i >= 1; i-- {
		parts = append(parts, sliceAxis(x, axis, i, i+1))
	}
	parts = append(parts, x)
	for i := 1; i <= after; i++ {
		parts = append(parts, sliceAxis(x, axis, n-1-i, n-i))
	}
	if len(parts) == 1 {
		return x
	}
	return graph.Concatenate(parts, axis)
}
