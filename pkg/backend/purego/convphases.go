package purego

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// convByPhases computes a convolution of an input dilated by D (stride 1, no
// kernel dilation: the input gradient of a convolution with stride D, and
// transposed convolutions) without multiplying by the D-1 zeros inserted
// between input elements.
//
// Along an axis, the output o = D·t + r (phase r) only meets input elements
// through the kernel taps k ≡ pl - r (mod D), pl the start padding:
//
//	y[D·t + r] = Σ_j x[t + j + c_r] · w[k_r + j·D]
//
// with k_r = (pl - r) mod D and c_r = (r + k_r - pl)/D: a plain stride-1
// convolution of x with every D-th tap. The D phases (D_h·D_w in 2D) are
// computed so and interleaved.
func (b *Builder) convByPhases(input, kernel backends.Op, axes backends.ConvolveAxesConfig,
	paddings [][2]int, inputDilations []int, outShape shapes.Shape, channelGroupCount, batchGroupCount int) (backends.Op, error) {
	l := b.lower("ConvGeneral")
	// A reversed kernel stays reversed lazily: slice its source, then Reverse (free, see ConvGeneral).
	var flipped []int
	if r, ok := b.reversed[kernel]; ok && !slices.ContainsFunc(r.axes, func(a int) bool { return !slices.Contains(axes.KernelSpatial, a) }) {
		kernel, flipped = r.x, r.axes
	}
	inShape := l.shape(input)
	var phase func(i int, x, k backends.Op, pads [][2]int, dims []int) backends.Op
	phase = func(i int, x, k backends.Op, pads [][2]int, dims []int) backends.Op {
		if l.err != nil {
			return nil
		}
		if i == len(axes.InputSpatial) {
			if slices.Contains(dims, 0) {
				return nil // an empty phase
			}
			kernelOp := k
			if len(flipped) > 0 {
				kernelOp = l.keep(b.Reverse(k, flipped...))
			}
			if l.err != nil {
				return nil
			}
			return l.keep(b.ConvGeneral(x, kernelOp, axes, nil, pads, nil, nil, channelGroupCount, batchGroupCount))
		}
		d := inputDilations[i]
		inDim := inShape.Dimensions[axes.InputSpatial[i]]
		kAxis, outAxis := axes.KernelSpatial[i], axes.OutputSpatial[i]
		kDim := l.shape(k).Dimensions[kAxis]
		outDim, pl := outShape.Dimensions[outAxis], paddings[i][0]
		perPhase := (outDim + d - 1) / d
		parts := make([]backends.Op, d)
		for r := range d {
			kr := ((pl-r)%d + d) % d
			taps := (kDim - kr + d - 1) / d
			outputs := (outDim - r + d - 1) / d
			phaseDims := slices.Clone(dims)
			phaseDims[outAxis] = max(outputs, 0)
			var part backends.Op
			if taps > 0 && outputs > 0 {
				// Taps kr, kr+d, ...; of a flipped kernel, counted from its end.
				first := kr
				if slices.Contains(flipped, kAxis) {
					first = kDim - 1 - kr - (taps-1)*d
				}
				sub := l.sliceAxis(k, kAxis, first, first+(taps-1)*d+1, d)
				c := (r + kr - pl) / d
				p := slices.Clone(pads)
				p[i] = [2]int{-c, outputs + taps - 1 - inDim + c}
				part = phase(i+1, x, sub, p, phaseDims)
			}
			if part == nil {
				part = l.broadcast(l.scalar(inShape.DType, 0), phaseDims...)
			}
			// Every phase padded to the same length, for the interleave.
			parts[r] = l.padAxis(part, l.scalar(inShape.DType, 0), outAxis, backends.PadAxis{End: perPhase - phaseDims[outAxis]})
		}
		return l.sliceAxis(l.interleave(parts, outAxis), outAxis, 0, outDim, 1)
	}
	pads := make([][2]int, len(axes.InputSpatial))
	return l.done(phase(0, input, kernel, pads, slices.Clone(outShape.Dimensions)))
}

// interleave returns y with y[.., j·n + r, ..] = parts[r][.., j, ..] along axis.
func (l *lowering) interleave(parts []backends.Op, axis int) backends.Op {
	if l.err != nil || len(parts) == 1 {
		return parts[0]
	}
	dims := l.shape(parts[0]).Dimensions
	expanded := slices.Insert(slices.Clone(dims), axis+1, 1)
	for i, p := range parts {
		parts[i] = l.reshape(p, expanded...)
	}
	merged := slices.Clone(dims)
	merged[axis] *= len(parts)
	return l.reshape(l.concat(axis+1, parts...), merged...)
}
