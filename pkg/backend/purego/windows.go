package purego

import (
	"slices"

	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// windows is the geometry shared by the windowed ops that run on executors
// of their own (ReduceWindow, SelectAndScatter): windows of an operand at
// strides, with padding, one per element of an output of dimensions count.
type windows struct {
	operand         shapes.Shape
	count           []int // windows along each axis
	window, strides []int
	paddings        [][2]int
	offsets         [][]int // every position in a window
	flat            []int   // and its offset in the operand
	padded          bool
}

func newWindows(operand shapes.Shape, count, window, strides []int, paddings [][2]int) *windows {
	w := &windows{operand: operand, count: slices.Clone(count), window: slices.Clone(window),
		strides: slices.Clone(strides), paddings: slices.Clone(paddings)}
	if len(w.paddings) == 0 {
		w.paddings = make([][2]int, operand.Rank())
	}
	xStrides := operand.Strides()
	for position := range indicesOf(window) {
		flat := 0
		for i, o := range position {
			flat += o * xStrides[i]
		}
		w.offsets = append(w.offsets, slices.Clone(position))
		w.flat = append(w.flat, flat)
	}
	for _, p := range w.paddings {
		w.padded = w.padded || p != [2]int{}
	}
	return w
}

// each calls fn for every window in row-major order of the output, with the
// operand offsets of its positions that are not padding, in row-major
// window order. members is reused from one call to the next.
func (w *windows) each(fn func(i int, members []int)) {
	rank := w.operand.Rank()
	xStrides := w.operand.Strides()
	idx := make([]int, rank)   // output position
	start := make([]int, rank) // its window's first operand position, per axis
	base := 0                  // and its offset, when nothing is padded
	for a := range rank {
		start[a] = -w.paddings[a][0]
	}
	n := 1
	for _, c := range w.count {
		n *= c
	}
	members := make([]int, 0, len(w.flat))
	for i := range n {
		members = members[:0]
		for k, flat := range w.flat {
			if w.padded {
				var inside bool
				if flat, inside = w.inside(start, w.offsets[k], xStrides); !inside {
					continue
				}
			} else {
				flat += base
			}
			members = append(members, flat)
		}
		fn(i, members)
		for a := rank - 1; a >= 0; a-- {
			idx[a]++
			start[a] += w.strides[a]
			base += w.strides[a] * xStrides[a]
			if idx[a] < w.count[a] {
				break
			}
			idx[a] = 0
			start[a] -= w.strides[a] * w.count[a]
			base -= w.strides[a] * xStrides[a] * w.count[a]
		}
	}
}

// inside returns the operand offset of window position p of the window at
// start, or false when it falls in the padding.
func (w *windows) inside(start, p, xStrides []int) (int, bool) {
	flat := 0
	for a, o := range p {
		u := start[a] + o
		if u < 0 || u >= w.operand.Dimensions[a] {
			return 0, false
		}
		flat += u * xStrides[a]
	}
	return flat, true
}
