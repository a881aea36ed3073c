package purego

import (
	"errors"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// A float32 ReduceWindow whose windows overlap or are padded (the 3×3
// stride-1 and stride-2 pools of Inception-v3; windows that tile the
// operand are lowered to a Reshape and a Reduce instead, see ReduceWindow)
// as one pass over the windows. simplego's own executor visits every window
// position through generic index arithmetic and was 70% of an Inception-v3
// forward pass. Padding holds the reduction's identity, so padded positions
// are skipped rather than read.

// simplegoReduceWindow is simplego's own executor, run for the ReduceWindow
// nodes of other simplego backends and of other dtypes.
var simplegoReduceWindow nodeExecutor

func init() { simplegoReduceWindow = replaceExecutor(backends.OpTypeReduceWindow, execReduceWindow) }

// reduceWindowOp is the data of a ReduceWindow node that execReduceWindow runs.
type reduceWindowOp struct {
	reduction backends.ReduceOpType
	*windows
}

// reduceWindowByExecutor turns the ReduceWindow node simplego built into
// one execReduceWindow runs, when it is float32 without dilations.
func reduceWindowByExecutor(node backends.Op, operand shapes.Shape, reduction backends.ReduceOpType,
	window, strides, baseDilations, windowDilations []int, paddings [][2]int) backends.Op {
	n, ok := node.(*simplego.Node)
	if !ok || !internalsPresent || simplegoReduceWindow == nil || !allOnes(baseDilations) || !allOnes(windowDilations) ||
		operand.DType != dtypes.Float32 {
		return node
	}
	switch reduction {
	case backends.ReduceOpMax, backends.ReduceOpMin, backends.ReduceOpSum, backends.ReduceOpProduct:
	default:
		return node
	}
	if len(strides) == 0 {
		strides = window
	}
	setNodeData(n, &reduceWindowOp{reduction: reduction, windows: newWindows(operand, nodeShape(n).Dimensions, window, strides, paddings)})
	return n
}

func execReduceWindow(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	op, ours := nodeData(node).Interface().(*reduceWindowOp)
	if !ours {
		return simplegoReduceWindow(backend, node, inputs, owned)
	}
	in, err := float32Data(backend, inputs...)
	if err != nil {
		return nil, err
	}
	out, y, err := newFloat32Output(backend, nodeShape(node))
	if err != nil {
		return nil, err
	}
	x := in[0]
	switch op.reduction {
	case backends.ReduceOpMax:
		op.each(func(i int, members []int) {
			acc := float32(math.Inf(-1))
			for _, m := range members {
				acc = max(acc, x[m])
			}
			y[i] = acc
		})
	case backends.ReduceOpMin:
		op.each(func(i int, members []int) {
			acc := float32(math.Inf(1))
			for _, m := range members {
				acc = min(acc, x[m])
			}
			y[i] = acc
		})
	case backends.ReduceOpSum:
		op.each(func(i int, members []int) {
			var acc float32
			for _, m := range members {
				acc += x[m]
			}
			y[i] = acc
		})
	case backends.ReduceOpProduct:
		op.each(func(i int, members []int) {
			acc := float32(1)
			for _, m := range members {
				acc *= x[m]
			}
			y[i] = acc
		})
	default:
		return nil, errors.New("neuralart backend: a ReduceWindow node with an unknown reduction")
	}
	return out, nil
}
