package purego

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/shapeinference"
)

// ConvGeneral computes an XLA-style general convolution. It covers every
// configuration XLA defines: any axes layout, strides, padding (negative
// crops), input dilation (transposed convolutions), kernel dilation, and
// channel or batch groups; so the gradients GoMLX builds for Convolve run
// here too. Float32 2-D convolutions run on the backend's own executor
// (convexec.go); an input dilated by D with stride 1 is first split into
// D×D phases (convByPhases); everything else is lowered to patches (im2col)
// and one DotGeneral.
//
// Lowering, with the input in canonical [batch, channels, spatial...] order:
//
//  1. Input dilation and padding: Pad with zeros (interior = dilation-1).
//  2. Groups become a DotGeneral batch axis: channels are split [G, C/G]
//     (channel groups) or the batch [G, B/G] (batch groups), and the input
//     is arranged [G, C/G, B/G, spatial...].
//  3. Patches: for each spatial axis the smaller of (kernel size, output size)
//     is enumerated with strided Slices, and the other is kept as the strided
//     range of each Slice; the Slices are concatenated into one tensor
//     [G, C/G, kernel-or-output positions..., B/G, output-or-kernel positions...].
//     Enumerating the smaller side keeps the op count small both for the
//     forward pass (3x3 kernel, large output) and for the kernel gradient
//     (large "kernel", 3x3 output).
//  4. One DotGeneral contracts channels and kernel positions with the kernel
//     [G, Cout/G, C/G, k...], giving [G, Cout/G, batch and output positions],
//     and a Transpose (a free Reshape for batch 1, channels-first) yields the
//     output layout. For a forward convolution the patches are then a
//     row-major [C/G·k][B/G·output] matrix per group, which fastDotGeneral
//     multiplies without a copy.
//
// The patches hold (kernel positions) x (input size) values: 9x the input
// for 3x3 kernels. A kernel that comes from Reverse (the input gradient's)
// is read backwards when building the patches, so the reversal never runs.
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
	if stripped, strippedPaddings, err := b.stripZeroTaps(kernel, axes, paddings, kernelDilations); err != nil || stripped != kernel {
		if err != nil {
			l.err = err
			return l.done(nil)
		}
		return b.ConvGeneral(input, stripped, axes, strides, strippedPaddings, inputDilations, kernelDilations, channelGroupCount, batchGroupCount)
	}
	if slices.ContainsFunc(inputDilations, func(d int) bool { return d > 1 }) &&
		!slices.ContainsFunc(strides, func(s int) bool { return s > 1 }) &&
		!slices.ContainsFunc(kernelDilations, func(d int) bool { return d > 1 }) {
		return b.convByPhases(input, kernel, axes, paddings, inputDilations, outShape, channelGroupCount, batchGroupCount)
	}
	if op, ok, err := b.convByExecutor(input, kernel, axes, strides, paddings, inputDilations, kernelDilations,
		channelGroupCount, batchGroupCount, inShape, kShape, outShape); ok {
		return op, err
	}

	// 1. Canonical input [B, C, S...], dilated and padded.
	x := l.transpose(input, append([]int{axes.InputBatch, axes.InputChannels}, axes.InputSpatial...)...)
	zero := l.scalar(inShape.DType, 0)
	for i := range n {
		x = l.padAxis(x, zero, 2+i, backends.PadAxis{Start: paddings[i][0], End: paddings[i][1], Interior: inputDilations[i] - 1})
	}

	// 2. Groups: x becomes [G, C/G, B/G, S...].
	xs := l.shape(x)
	if l.err != nil {
		return l.done(nil)
	}
	batch, channels, spatial := xs.Dimensions[0], xs.Dimensions[1], xs.Dimensions[2:]
	spatialAxes := iotaRange(n + 3)[3:]
	groups, batchPerGroup, channelsPerGroup := batchGroupCount, batch/batchGroupCount, channels
	if channelGroupCount > 1 {
		// [B, G, C/G, S...] -> [G, C/G, B, S...]
		groups, batchPerGroup, channelsPerGroup = channelGroupCount, batch, channels/channelGroupCount
		x = l.reshape(x, append([]int{batch, groups, channelsPerGroup}, spatial...)...)
		x = l.transpose(x, append([]int{1, 2, 0}, spatialAxes...)...)
	} else {
		// [G, B/G, C, S...] -> [G, C, B/G, S...]
		x = l.reshape(x, append([]int{groups, batchPerGroup, channels}, spatial...)...)
		x = l.transpose(x, append([]int{0, 2, 1}, spatialAxes...)...)
	}

	// A reversed kernel (input gradients) is read backwards: flip[i] for its reversed spatial axes.
	flip := make([]bool, n)
	if r, ok := b.reversed[kernel]; ok && !slices.ContainsFunc(r.axes, func(a int) bool { return !slices.Contains(axes.KernelSpatial, a) }) {
		kernel = r.x
		for _, a := range r.axes {
			flip[slices.Index(axes.KernelSpatial, a)] = true
		}
	}

	// Kernel as [G, Cout/G, Cin/G, k...] (as stored, for channels-first kernels).
	k := l.transpose(kernel, append([]int{axes.KernelOutputChannels, axes.KernelInputChannels}, axes.KernelSpatial...)...)
	kernelSpatial := make([]int, n)
	outputSpatial := make([]int, n)
	for i := range n {
		kernelSpatial[i] = kShape.Dimensions[axes.KernelSpatial[i]]
		outputSpatial[i] = outShape.Dimensions[axes.OutputSpatial[i]]
	}
	cin, cout := kShape.Dimensions[axes.KernelInputChannels], kShape.Dimensions[axes.KernelOutputChannels]
	k = l.reshape(k, append([]int{groups, cout / groups, cin}, kernelSpatial...)...)

	// 3. Patches [G, C/G, L..., B/G, R...]: L enumerated by Slices, R the range within each Slice.
	// With every L a kernel axis, the patches are a [G][C/G·k][B/G·output] matrix, which the
	// DotGeneral reads without a copy.
	loopKernel := make([]bool, n)
	loopDims, rangeDims := make([]int, n), make([]int, n)
	for i := range n {
		if flip[i] && kernelSpatial[i] > outputSpatial[i] {
			// Slices cannot run backwards: materialize the reversal after all.
			k = l.keep(b.Reverse(k, 3+i))
			flip[i] = false
		}
		loopKernel[i] = kernelSpatial[i] <= outputSpatial[i]
		if loopKernel[i] {
			loopDims[i], rangeDims[i] = kernelSpatial[i], outputSpatial[i]
		} else {
			loopDims[i], rangeDims[i] = outputSpatial[i], kernelSpatial[i]
		}
	}
	starts, limits, steps := make([]int, 3+n), slices.Clone(l.shape(x).Dimensions), ones(3+n)
	sliceDims := append([]int{groups, channelsPerGroup, 1, batchPerGroup}, rangeDims...)
	var pieces []backends.Op
	for pos := range indicesOf(loopDims) {
		for i, p := range pos {
			if flip[i] {
				p = kernelSpatial[i] - 1 - p
			}
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
	patchDims := slices.Concat([]int{groups, channelsPerGroup}, loopDims, []int{batchPerGroup}, rangeDims)
	patches := l.reshape(l.concat(2, pieces...), patchDims...)

	// 4. One DotGeneral: [G, Cout/G, then the patches' batch and output axes in their order].
	kernelContract, patchContract := []int{2}, []int{1}
	var resultAxes []int // spatial index of each result axis after the first two; -1 for the batch
	for i := range n {
		kernelContract = append(kernelContract, 3+i)
		if loopKernel[i] {
			patchContract = append(patchContract, 2+i)
		} else {
			patchContract = append(patchContract, 3+n+i)
			resultAxes = append(resultAxes, i)
		}
	}
	resultAxes = append(resultAxes, -1)
	for i := range n {
		if loopKernel[i] {
			resultAxes = append(resultAxes, i)
		}
	}
	var y backends.Op
	if l.err == nil {
		y = l.keep(l.b.DotGeneral(k, kernelContract, []int{0}, patches, patchContract, []int{0}))
	}
	// -> [B', G, Cout/G, o_0, ..., o_n-1] -> [B', Cout, o...] -> output layout.
	perm := []int{2 + slices.Index(resultAxes, -1), 0, 1}
	for i := range n {
		perm = append(perm, 2+slices.Index(resultAxes, i))
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
