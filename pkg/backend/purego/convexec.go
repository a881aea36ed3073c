package purego

import (
	"hash/maphash"
	"runtime"
	"slices"
	"sync"
	"unsafe"
	"weak"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/neuralart/neuralart/pkg/backend/internal/conv"
	"github.com/neuralart/neuralart/pkg/backend/internal/winograd"
)

// The backend's own convolution executor: float32 2-D ConvGeneral nodes of
// neuralart graphs carry a convOp (their problem in package conv's terms,
// fixed when the graph is built) and run through execConv, in place of
// simplego's executor, which loops over every output and kernel element.
// 3×3 stride-1 convolutions wide enough to profit (VGG-19's, forward and
// input gradient) run Winograd's minimal filtering (package winograd), the
// rest a GEMM over patches (package conv). Other convolutions (float64,
// 1-D, 3-D) are lowered to patches and a DotGeneral, see ConvGeneral.

// simplegoConvGeneral is simplego's own executor, run for ConvGeneral nodes
// of other simplego backends.
var simplegoConvGeneral nodeExecutor

func init() { simplegoConvGeneral = replaceExecutor(backends.OpTypeConvGeneral, execConv) }

// convOp is the data of a ConvGeneral node that execConv runs.
type convOp struct {
	problem conv.Problem
	output  shapes.Shape
	// useWinograd says whether the problem runs Winograd's algorithm, with
	// which tile size.
	useWinograd bool
	algorithm   winograd.Algorithm
	// constantKernel marks a kernel that is a graph constant (VGG-19's
	// weights), whose Winograd transform is computed once and kept.
	constantKernel bool
	mu             sync.Mutex
	transformed    *winograd.Kernel
}

func execConv(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	op, ours := nodeData(node).Interface().(*convOp)
	if !ours {
		return simplegoConvGeneral(backend, node, inputs, owned)
	}
	in, err := float32Data(backend, inputs...)
	if err != nil {
		return nil, err
	}
	out, y, err := newFloat32Output(backend, op.output)
	if err != nil {
		return nil, err
	}
	if err := op.run(in[0], in[1], y); err != nil {
		return nil, err
	}
	return out, nil
}

func (op *convOp) run(x, w, y []float32) error {
	p := &op.problem
	if !op.useWinograd {
		return conv.Direct(p, x, w, y)
	}
	winograd.Conv(op.kernel(w), x, p.Batch, p.Input[0], p.Input[1], p.InputStrides,
		p.PadStart[0], p.PadStart[1], p.Output[0], p.Output[1], y, p.OutputStrides)
	return nil
}

// kernel returns the Winograd transform of the kernel w: kept from the first
// execution when w is a constant, computed anew otherwise (trained weights).
func (op *convOp) kernel(w []float32) *winograd.Kernel {
	p := &op.problem
	transform := func() *winograd.Kernel {
		return op.algorithm.TransformKernel(w, p.OutChannels, p.InChannels, p.KernelStrides, p.Flip[0], p.Flip[1])
	}
	if !op.constantKernel {
		return transform()
	}
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.transformed == nil {
		op.transformed = sharedTransform(transformKey{
			weights: maphash.Bytes(weightsSeed, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), 4*len(w))),
			size:    len(w), out: p.OutChannels, in: p.InChannels, strides: p.KernelStrides, flip: p.Flip,
			algorithm: op.algorithm,
		}, transform)
	}
	return op.transformed
}

// Graphs built from the same weights (a style transfer's content-target,
// style-target and loss graphs) hold the same constant kernels, each its
// own copy: they share one transform of each, found by the kernel's
// contents. The table holds weak pointers, so a transform lives as long as
// a graph that uses it.
var (
	transforms  sync.Map // transformKey → weak.Pointer[winograd.Kernel]
	weightsSeed = maphash.MakeSeed()
)

// transformKey identifies a kernel transform: a hash of the kernel's
// values, and how they are read.
type transformKey struct {
	weights       uint64
	size, out, in int
	strides       conv.Strides
	flip          [2]bool
	algorithm     winograd.Algorithm
}

// sharedTransform returns the live transform under key, or makes one.
func sharedTransform(key transformKey, transform func() *winograd.Kernel) *winograd.Kernel {
	if shared, ok := transforms.Load(key); ok {
		if k := shared.(weak.Pointer[winograd.Kernel]).Value(); k != nil {
			return k
		}
	}
	k := transform()
	pointer := weak.Make(k)
	transforms.Store(key, pointer)
	// The entry goes with the transform (the cleanup must not hold k).
	runtime.AddCleanup(k, func(key transformKey) { transforms.CompareAndDelete(key, pointer) }, key)
	return k
}

const (
	// minWinogradInChannels is where Winograd's algorithm starts to pay for
	// its input transform, shared by all output channels: below it the GEMM
	// over patches is faster (VGG-19's first layer has 3 input channels).
	// A few output channels are no obstacle: the input gradient of that
	// layer (64 in, 3 out) is far cheaper than its 576-row patches.
	minWinogradInChannels = 16
	// minF4x4Tiles is the number of 4×4 output tiles from which F(4×4, 3×3)
	// beats F(2×2, 3×3): with fewer, its 36 GEMMs are too thin.
	minF4x4Tiles = 64
)

// winogradFor says whether p is a 3×3 stride-1 convolution that Winograd's
// algorithm computes faster, and with which tile size.
func winogradFor(p *conv.Problem) (winograd.Algorithm, bool) {
	one := [2]int{1, 1}
	if p.Kernel != [2]int{3, 3} || p.Stride != one || p.KernelDilation != one || p.InputDilation != one ||
		p.ChannelGroups > 1 || p.BatchGroups > 1 || p.PadStart[0] < 0 || p.PadStart[1] < 0 ||
		p.InChannels < minWinogradInChannels {
		return 0, false
	}
	if p.Batch*((p.Output[0]+3)/4)*((p.Output[1]+3)/4) >= minF4x4Tiles {
		return winograd.F4x4, true
	}
	return winograd.F2x2, true
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
	c := &convOp{problem: p, output: outShape, constantKernel: b.constants[kernel]}
	c.algorithm, c.useWinograd = winogradFor(&p)
	setNodeData(op.(*simplego.Node), c)
	return op, true, nil
}

// axisStrides are the strides of shape's (batch-like, channel-like, two
// spatial) axes, for a row-major tensor.
func axisStrides(shape shapes.Shape, first, second int, spatial []int) conv.Strides {
	s := shape.Strides()
	return conv.Strides{s[first], s[second], s[spatial[0]], s[spatial[1]]}
}
