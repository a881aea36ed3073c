package nn

import (
	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// CircularPad2D pads the NCHW x by wrapping it around, as if it were tiled:
// torch.nn.functional.pad(x, (left, right, top, bottom), mode="circular").
// A row [a b c d] padded by 1 on both sides becomes [d a b c d a]. A network
// whose convolutions pad this way sees an image as a torus, so an image
// optimised through it (texture synthesis) has no border and tiles without
// seams. Each padding must be at most the padded dimension.
func CircularPad2D(x *graph.Node, left, right, top, bottom int) *graph.Node {
	checkNCHW("CircularPad2D", x)
	d := x.Shape().Dimensions
	if min(left, right, top, bottom) < 0 || max(left, right) > d[3] || max(top, bottom) > d[2] {
		exceptions.Panicf("nn.CircularPad2D: paddings (left %d, right %d, top %d, bottom %d) must be >= 0 and at most the input's %dx%d",
			left, right, top, bottom, d[2], d[3])
	}
	return wrapAxis(wrapAxis(x, 3, left, right), 2, top, bottom)
}

// wrapAxis pads one axis of x with its last before and first after
// elements, on the other side.
func wrapAxis(x *graph.Node, axis, before, after int) *graph.Node {
	n := x.Shape().Dimensions[axis]
	parts := make([]*graph.Node, 0, 3)
	if before > 0 {
		parts = append(parts, sliceAxis(x, axis, n-before, n))
	}
	parts = append(parts, x)
	if after > 0 {
		parts = append(parts, sliceAxis(x, axis, 0, after))
	}
	if len(parts) == 1 {
		return x
	}
	return graph.Concatenate(parts, axis)
}
