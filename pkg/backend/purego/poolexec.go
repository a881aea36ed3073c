package purego

import (
	"errors"

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

// selectAndScatterOp is the data of a SelectAndScatter node: the windows
// of the operand, one per source element.
type selectAndScatterOp struct {
	isMax bool
	*windows
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
	node := simplegoNewNode(b.Builder, op, xs, x, s)
	setNodeData(node, &selectAndScatterOp{isMax: isMax, windows: newWindows(xs, ss.Dimensions, window, strides, paddings)})
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
	op.each(func(i int, members []int) {
		if len(members) == 0 {
			return
		}
		best, bestValue := members[0], x[members[0]]
		for _, m := range members[1:] {
			if value := x[m]; (op.isMax && value > bestValue) || (!op.isMax && value < bestValue) {
				best, bestValue = m, value
			}
		}
		y[best] += src[i]
	})
	return out, nil
}
