package backend

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/shapeinference"
)

// ConvGeneral computes an XLA-style general convolution as patches (im2col)
// and one DotGeneral. It covers every configuration XLA defines: any axes
// layout, strides, padding (negative crops), input dilation (transposed
// convolutions), kernel dilation, and channel or batch groups; so the
// gradients GoMLX builds for Convolve run here too.
//
// Lowering, with the input in canonical [batch, channels, spatial...] order:
//
//  1. Input dilation and padding: Pad with zeros (interior = dilation-1).
//  2. Groups become a DotGeneral batch axis: channels are split [G, C/G]
//     (channel groups) or the batch [G, B/G] (batch groups).
//  3. Patches: for each spatial axis the smaller of (kernel size, output size)
//     is enumerated with strided Slices, and the other is kept as the strided
//     range of each Slice; the Slices are concatenated into one tensor
//     [.., kernel-or-output positions..., output-or-kernel positions...].
//     Enumerating the smaller side keeps the op count small both for the
//     forward pass (3x3 kernel, large output) and for the kernel gradient
//     (large "kernel", 3x3 output).
//  4. One DotGeneral contracts channels and kernel positions with the kernel,
//     giving [G, outChannels/G, batch, output positions...], and a Transpose
//     (a free Reshape for batch 1, channels-first) yields the output layout.
//
// The patches hold (kernel positions) x (input size) values: 9x the input
// for 3x3 kernels.
func (b *Builder) ConvGeneral(input, kernel backends.Op, axes backends.ConvolveAxesConfig,
	strides []int, paddings [][2]int, inputDilations, kernelDilations []int,
	channelGroupCount, batchGroupCount int) (backends.Op, error) {
	l := b.lower("ConvGeneral")
	inShape, kShape := l.shape(input), l.shape(kernel)
	if l.err != nil {
		return l.done(nil)
	}
	channelGroupCount, batchGroupCount = max(channelGroupCount, 1), max(batchGroupCount, 1)
	n := inShape.Rank() - 2
	orDefault := func(v []int) []int {
		if len(v) == 0 {
			return ones(n)
		}
		return v
	}
	strides, inputDilations, kernelDilations = orDefault(strides), orDefault(inputDilations), orDefault(kernelDilations)
	if len(paddings) == 0 {
		paddings = make([][2]int, n)
	}
	outShape, err := shapeinference.ConvGeneralOp(inShape, kShape, axes, strides, paddings,
		inputDilations, kernelDilations, channelGroupCount, batchGroupCount)
	if err != nil {
		l.err = err
		return l.done(nil)
	}
	if inShape.DType != kShape.DType {
		l.failf("input dtype %s and kernel dtype %s differ", inShape.DType, kShape.DType)
		return l.done(nil)
	}

	// 1. Canonical input [B, C, S...], dilated and padded.
	x := l.transpose(input, append([]int{axes.InputBatch, axes.InputChannels}, axes.InputSpatial...)...)
	zero := l.scalar(inShape.DType, 0)
	for i := range n {
		x = l.padAxis(x, zero, 2+i, backends.PadAxis{Start: paddings[i][0], End: paddings[i][1], Interior: inputDilations[i] - 1})
	}

	// 2. Groups: x becomes [a0, a1, Cg, S...] with the group axis either a0 (batch groups) or a1 (channel groups).
	xs := l.shape(x)
	if l.err != nil {
		return l.done(nil)
	}
	batch, channels, spatial := xs.Dimensions[0], xs.Dimensions[1], xs.Dimensions[2:]
	groupAxis := 0
	var lead []int
	if channelGroupCount > 1 {
		g := channelGroupCount
		lead = []int{batch, g, channels / g}
		groupAxis = 1
	} else {
		g := batchGroupCount
		lead = []int{g, batch / g, channels}
	}
	groups := lead[groupAxis]
	x = l.reshape(x, append(slices.Clone(lead), spatial...)...)

	// Kernel as [Cin/G, G, Cout/G, k...].
	k := l.transpose(kernel, append([]int{axes.KernelInputChannels, axes.KernelOutputChannels}, axes.KernelSpatial...)...)
	kernelSpatial := make([]int, n)
	outputSpatial := make([]int, n)
	for i := range n {
		kernelSpatial[i] = kShape.Dimensions[axes.KernelSpatial[i]]
		outputSpatial[i] = outShape.Dimensions[axes.OutputSpatial[i]]
	}
	cin, cout := kShape.Dimensions[axes.KernelInputChannels], kShape.Dimensions[axes.KernelOutputChannels]
	k = l.reshape(k, append([]int{cin, groups, cout / groups}, kernelSpatial...)...)

	// 3. Patches [a0, a1, Cg, L..., R...]: L enumerated by Slices, R the range within each Slice.
	loopKernel := make([]bool, n)
	loopDims, rangeDims := make([]int, n), make([]int, n)
	for i := range n {
		loopKernel[i] = kernelSpatial[i] <= outputSpatial[i]
		if loopKernel[i] {
			loopDims[i], rangeDims[i] = kernelSpatial[i], outputSpatial[i]
		} else {
			loopDims[i], rangeDims[i] = outputSpatial[i], kernelSpatial[i]
		}
	}
	starts, limits, steps := make([]int, 3+n), slices.Clone(l.shape(x).Dimensions), ones(3+n)
	sliceDims := append(append(slices.Clone(lead), 1), rangeDims...)
	var pieces []backends.Op
	for pos := range indicesOf(loopDims) {
		for i, p := range pos {
			start, step := p*kernelDilations[i], strides[i] // position in the kernel
			if !loopKernel[i] {
				start, step = p*strides[i], kernelDilations[i] // position in the output
			}
			starts[3+i], steps[3+i] = start, step
			limits[3+i] = start + (rangeDims[i]-1)*step + 1
		}
		pieces = append(pieces, l.reshape(l.slice(x, starts, limits, steps), sliceDims...))
		if l.err != nil {
			return l.done(nil)
		}
	}
	patches := l.reshape(l.concat(3, pieces...), append(append(slices.Clone(lead), loopDims...), rangeDims...)...)

	// 4. One DotGeneral: [G, Cout/G, batch, output positions in patch order].
	kernelContract, patchContract := []int{0}, []int{2}
	var outputOrder []int // spatial index of each output axis of the DotGeneral result, in order
	for i := range n {
		kernelContract = append(kernelContract, 3+i)
		if loopKernel[i] {
			patchContract = append(patchContract, 3+i)
		} else {
			patchContract = append(patchContract, 3+n+i)
			outputOrder = append(outputOrder, i)
		}
	}
	for i := range n {
		if loopKernel[i] {
			outputOrder = append(outputOrder, i)
		}
	}
	var y backends.Op
	if l.err == nil {
		y = l.keep(l.b.DotGeneral(k, kernelContract, []int{1}, patches, patchContract, []int{groupAxis}))
	}
	// -> [B', G, Cout/G, o_0, ..., o_n-1] -> [B', Cout, o...] -> output layout.
	perm := []int{2, 0, 1}
	for i := range n {
		perm = append(perm, 3+slices.Index(outputOrder, i))
	}
	y = l.transpose(y, perm...)
	y = l.reshape(y, append([]int{outShape.Dimensions[axes.OutputBatch], cout}, outputSpatial...)...)
	outPerm := make([]int, n+2)
	outPerm[axes.OutputBatch], outPerm[axes.OutputChannels] = 0, 1
	for i, axis := range axes.OutputSpatial {
		outPerm[axis] = 2 + i
	}
	return l.done(l.transpose(y, outPerm...))
}

// indicesOf iterates over all multi-indices of dims in row-major order.
func indicesOf(dims []int) func(yield func([]int) bool) {
	return func(yield func([]int) bool) {
		for _, d := range dims {
			if d <= 0 {
				return
			}
		}
		pos := make([]int, len(dims))
		for {
			if !yield(pos) {
				return
			}
			i := len(dims) - 1
			for ; i >= 0; i-- {
				pos[i]++
				if pos[i] < dims[i] {
					break
				}
				pos[i] = 0
			}
			if i < 0 {
				return
			}
		}
	}
}
