package backend

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/neuralart/neuralart/pkg/backend/internal/conv"
)

// The backend's own convolution executor: float32 2-D ConvGeneral nodes of
// neuralart graphs carry a convOp (their problem in package conv's terms,
// fixed when the graph is built) and run through execConv, in place of
// simplego's executor, which loops over every output and kernel element;
// see package conv for the algorithms. Other convolutions (float64, 1-D,
// 3-D) are lowered to patches and a DotGeneral, see ConvGeneral.

// simplegoConvGeneral is simplego's own executor, run for ConvGeneral nodes
// of other simplego backends.
var simplegoConvGeneral nodeExecutor

func init() { simplegoConvGeneral = replaceExecutor(backends.OpTypeConvGeneral, execConv) }

// convOp is the data of a ConvGeneral node that execConv runs.
type convOp struct {
	problem conv.Problem
	output  shapes.Shape
}

func execConv(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	op, ours := nodeData(node).Interface().(*convOp)
	if !ours {
		return simplegoConvGeneral(backend, node, inputs, owned)
	}
	x, err := backend.BufferData(inputs[0])
	if err != nil {
		return nil, err
	}
	w, err := backend.BufferData(inputs[1])
	if err != nil {
		return nil, err
	}
	out := backend.NewBuffer(op.output)
	y, err := backend.BufferData(out)
	if err != nil {
		return nil, err
	}
	if err := conv.Direct(&op.problem, x.([]float32), w.([]float32), y.([]float32)); err != nil {
		return nil, err
	}
	return out, nil
}

// convByExecutor builds a ConvGeneral node that execConv runs, or reports
// false when the executor does not take the configuration. A kernel that
// comes from Reverse (an input gradient's) is read backwards instead.
func (b *Builder) convByExecutor(input, kernel backends.Op, axes backends.ConvolveAxesConfig,
	strides []int, paddings [][2]int, inputDilations, kernelDilations []int,
	channelGroups, batchGroups int, inShape, kShape, outShape shapes.Shape) (backends.Op, bool, error) {
	if simplegoConvGeneral == nil || inShape.DType != dtypes.Float32 || inShape.Rank() != 4 {
		return nil, false, nil
	}
	p := conv.Problem{
		Batch:         outShape.Dimensions[axes.OutputBatch],
		InChannels:    kShape.Dimensions[axes.KernelInputChannels],
		OutChannels:   kShape.Dimensions[axes.KernelOutputChannels],
		ChannelGroups: channelGroups,
		BatchGroups:   batchGroups,
		InputStrides:  axisStrides(inShape, axes.InputBatch, axes.InputChannels, axes.InputSpatial),
		KernelStrides: axisStrides(kShape, axes.KernelOutputChannels, axes.KernelInputChannels, axes.KernelSpatial),
		OutputStrides: axisStrides(outShape, axes.OutputBatch, axes.OutputChannels, axes.OutputSpatial),
	}
	for i := range 2 {
		p.Input[i] = inShape.Dimensions[axes.InputSpatial[i]]
		p.Kernel[i] = kShape.Dimensions[axes.KernelSpatial[i]]
		p.Output[i] = outShape.Dimensions[axes.OutputSpatial[i]]
		p.Stride[i], p.KernelDilation[i], p.InputDilation[i] = strides[i], kernelDilations[i], inputDilations[i]
		p.PadStart[i] = paddings[i][0]
	}
	if r, ok := b.reversed[kernel]; ok && !slices.ContainsFunc(r.axes, func(a int) bool { return !slices.Contains(axes.KernelSpatial, a) }) {
		kernel = r.x
		for _, a := range r.axes {
			p.Flip[slices.Index(axes.KernelSpatial, a)] = true
		}
	}
	op, err := b.Builder.ConvGeneral(input, kernel, axes, strides, paddings, inputDilations, kernelDilations, channelGroups, batchGroups)
	if err != nil {
		return nil, true, err
	}
	setNodeData(op.(*simplego.Node), &convOp{problem: p, output: outShape})
	return op, true, nil
}

// axisStrides are the strides of shape's (batch-like, channel-like, two
// spatial) axes, for a row-major tensor.
func axisStrides(shape shapes.Shape, first, second int, spatial []int) conv.Strides {
	s := shape.Strides()
	return conv.Strides{s[first], s[second], s[spatial[0]], s[spatial[1]]}
}
