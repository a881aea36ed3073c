package nn

import (
	"slices"

	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// padZeros pads axis of x with start zeros before and end zeros after; a
// negative start or end crops instead. Unlike graph.Pad it is differentiable
// (Slice and Concatenate have gradients in GoMLX v0.26, Pad has none).
func padZeros(x *graph.Node, axis, start, end int) *graph.Node {
	dims := x.Shape().Dimensions
	n := dims[axis]
	from, to := max(0, -start), n-max(0, -end)
	size := n + start + end
	zeros := func(k int) *graph.Node {
		d := slices.Clone(dims)
		d[axis] = k
		return graph.Zeros(x.Graph(), shapes.Make(x.DType(), d...))
	}
	if from >= to {
		return zeros(size)
	}
	parts := []*graph.Node{}
	if start > 0 {
		parts = append(parts, zeros(start))
	}
	parts = append(parts, sliceAxis(x, axis, from, to))
	if end > 0 {
		parts = append(parts, zeros(end))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return graph.Concatenate(parts, axis)
}

// sliceAxis returns x[from:to] along axis.
func sliceAxis(x *graph.Node, axis, from, to int) *graph.Node {
	if from == 0 && to == x.Shape().Dimensions[axis] {
		return x
	}
	specs := make([]graph.SliceAxisSpec, x.Rank())
	for i := range specs {
		specs[i] = graph.AxisRange()
	}
	specs[axis] = graph.AxisRange(from, to)
	return graph.Slice(x, specs...)
}

// interleave returns the tensor y with y[..., j*k + i, ...] = parts[i][..., j, ...]
// along axis: the inverse of taking every k-th element, k = len(parts).
func interleave(parts []*graph.Node, axis int) *graph.Node {
	if len(parts) == 1 {
		return parts[0]
	}
	dims := parts[0].Shape().Dimensions
	expanded := slices.Insert(slices.Clone(dims), axis+1, 1)
	stacked := make([]*graph.Node, len(parts))
	for i, p := range parts {
		stacked[i] = graph.Reshape(p, expanded...)
	}
	merged := slices.Clone(dims)
	merged[axis] *= len(parts)
	return graph.Reshape(graph.Concatenate(stacked, axis+1), merged...)
}

// checkNCHW panics unless x is a rank-4 NCHW tensor.
func checkNCHW(op string, x *graph.Node) {
	if x.Rank() != 4 {
		exceptions.Panicf("nn.%s: input must be NCHW (rank 4), got shape %s", op, x.Shape())
	}
}
