package purego

import (
	"errors"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// A float32 SelectAndScatter (a max- or min-pool's gradient) as one pass:
// for each source element, the position of its window's maximum (minimum)
// in the operand, the first in row-major window order, padding never
// winning, receives it. The lowering (selectAndScatter) builds the same
// from a strided Slice per window position, Equals, selects and an
// interleave, a dozen passes over the activations: VGG-19's four pools took
// as long as a large convolution. simplego has no such op, so the node is
// made with simplego's own node constructor (simplegoNewNode).

func init() {
	replaceExecutor(backends.OpTypeSelectAndScatterMax, execSelectAndScatter)
	replaceExecutor(backends.OpTypeSelectAndScatterMin, execSelectAndScatter)
}

// selectAndScatterOp is the data of a SelectAndScatter node.
type selectAndScatterOp struct {
	isMax           bool
	operand, source shapes.Shape
	window, strides []int
	paddings        [][2]int
	windowOffsets   [][]int // every position in a window
	windowFlat      []int   // and its offset in the operand
	padded          bool
}

// selectAndScatterByExecutor builds the node execSelectAndScatter runs, or
// reports false (not float32, or simplego's internals changed).
func (b *Builder) selectAndScatterByExecutor(op backends.OpType, isMax bool, operand, source backends.Op,
	xs, ss shapes.Shape, window, strides []int, paddings [][2]int) (backends.Op, bool) {
	x, ok1 := operand.(*simplego.Node)
	s, ok2 := source.(*simplego.Node)
	if !internalsPresent || xs.DType != dtypes.Float32 || !ok1 || !ok2 {
		return nil, false
	}
	data := &selectAndScatterOp{isMax: isMax, operand: xs, source: ss, window: slices.Clone(window),
		strides: slices.Clone(strides), paddings: slices.Clone(paddings)}
	xStrides := xs.Strides()
	for w := range indicesOf(window) {
		flat := 0
		for i, o := range w {
			flat += o * xStrides[i]
		}
		data.windowOffsets = append(data.windowOffsets, slices.Clone(w))
		data.windowFlat = append(data.windowFlat, flat)
	}
	for _, p := range paddings {
		data.padded = data.padded || p != [2]int{}
	}
	node := simplegoNewNode(b.Builder, op, xs, x, s)
	setNodeData(node, data)
	return node, true
}

func execSelectAndScatter(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, _ []bool) (*simplego.Buffer, error) {
	op, ok := nodeData(node).Interface().(*selectAndScatterOp)
	if !ok {
		return nil, errors.New("neuralart backend: a SelectAndScatter node without its parameters")
	}
	in, err := float32Data(backend, inputs...)
	if err != nil {
		return nil, err
	}
	out, y, err := newFloat32Output(backend, op.operand)
	if err != nil {
		return nil, err
	}
	x, src := in[0], in[1]
	clear(y)
	rank := op.operand.Rank()
	xStrides := op.operand.Strides()
	idx := make([]int, rank)   // source position
	start := make([]int, rank) // its window's first operand position, per axis
	base := 0                  // and its offset, when nothing is padded
	for a := range rank {
		start[a] = -op.paddings[a][0]
	}
	for _, v := range src {
		best, bestValue := -1, float32(0)
		for k, flat := range op.windowFlat {
			if op.padded {
				flat, ok = op.inside(start, op.windowOffsets[k], xStrides)
				if !ok {
					continue
				}
			} else {
				flat += base
			}
			if value := x[flat]; best < 0 || (op.isMax && value > bestValue) || (!op.isMax && value < bestValue) {
				best, bestValue = flat, value
			}
		}
		if best >= 0 {
			y[best] += v
		}
		for a := rank - 1; a >= 0; a-- {
			idx[a]++
			start[a] += op.strides[a]
			base += op.strides[a] * xStrides[a]
			if idx[a] < op.source.Dimensions[a] {
				break
			}
			idx[a] = 0
			start[a] -= op.strides[a] * op.source.Dimensions[a]
			base -= op.strides[a] * xStrides[a] * op.source.Dimensions[a]
		}
	}
	return out, nil
}

// inside returns the operand offset of window position w of the window at
// start, or false when it falls in the padding.
func (op *selectAndScatterOp) inside(start, w, xStrides []int) (int, bool) {
	flat := 0
	for a, o := range w {
		u := start[a] + o
		if u < 0 || u >= op.operand.Dimensions[a] {
			return 0, false
		}
		flat += u * xStrides[a]
	}
	return flat, true
}
