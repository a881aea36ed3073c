package purego

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Zero taps: nn.Conv2D appends a zero row and column to even-sized kernels
// (GoMLX v0.26 builds their input gradient one tap off otherwise), so the
// 4×4 kernels of a GAN discriminator arrive as 5×5 ones, 56% more work for
// the same result. The builder remembers which ops are zeros (broadcasts of
// a zero scalar) and which are a tensor extended with zeros along an axis
// (a Concatenate), and ConvGeneral strips such taps: a convolution with taps
// t ∈ [lo, K−hi) of a kernel whose other taps are zero is the convolution
// with those taps alone and lo·dilation less padding before, hi·dilation
// less after; the output is the same.

// zeroExtension is a Concatenate of source with lo zeros before and hi after, along axis.
type zeroExtension struct {
	source backends.Op
	axis   int
	lo, hi int
}

// isZeroScalar reports whether flat is a single zero.
func isZeroScalar(flat any) bool {
	switch v := flat.(type) {
	case []float32:
		return len(v) == 1 && v[0] == 0
	case []float64:
		return len(v) == 1 && v[0] == 0
	}
	return false
}

// BroadcastInDim is simplego's, recording broadcasts of zeros.
func (b *Builder) BroadcastInDim(x backends.Op, outputShape shapes.Shape, broadcastAxes []int) (backends.Op, error) {
	op, err := b.Builder.BroadcastInDim(x, outputShape, broadcastAxes)
	if err == nil && b.zeros[x] {
		b.zeros[op] = true
	}
	return op, err
}

// Concatenate is simplego's, recording one operand extended with zeros.
func (b *Builder) Concatenate(axis int, operands ...backends.Op) (backends.Op, error) {
	op, err := b.Builder.Concatenate(axis, operands...)
	if err != nil {
		return op, err
	}
	// Exactly one operand that is not zeros.
	first := slices.IndexFunc(operands, func(x backends.Op) bool { return !b.zeros[x] })
	if first < 0 || slices.ContainsFunc(operands[first+1:], func(x backends.Op) bool { return !b.zeros[x] }) {
		return op, nil
	}
	size := func(parts []backends.Op) int {
		n := 0
		for _, x := range parts {
			s, err := b.Builder.OpShape(x)
			if err != nil {
				return -1
			}
			n += s.Dimensions[axis]
		}
		return n
	}
	lo, hi := size(operands[:first]), size(operands[first+1:])
	if lo >= 0 && hi >= 0 && lo+hi > 0 {
		b.zeroExtended[op] = zeroExtension{source: operands[first], axis: axis, lo: lo, hi: hi}
	}
	return op, nil
}

// stripZeroTaps returns the kernel without its known zero taps along
// spatial axes, and the paddings that keep the convolution the same. A
// reversed kernel (an input gradient's) is stripped of its source's zero
// taps, seen from the other end, and reversed again.
func (b *Builder) stripZeroTaps(kernel backends.Op, axes backends.ConvolveAxesConfig, paddings [][2]int, kernelDilations []int) (backends.Op, [][2]int, error) {
	source, flipped := kernel, []int(nil)
	if r, ok := b.reversed[kernel]; ok {
		source, flipped = r.x, r.axes
	}
	stripped := slices.Clone(paddings)
	found := false
	for {
		e, ok := b.zeroExtended[source]
		i := slices.Index(axes.KernelSpatial, e.axis)
		if !ok || i < 0 {
			break
		}
		lo, hi := e.lo, e.hi
		if slices.Contains(flipped, e.axis) {
			lo, hi = hi, lo
		}
		stripped[i][0] -= lo * kernelDilations[i]
		stripped[i][1] -= hi * kernelDilations[i]
		source, found = e.source, true
	}
	if !found {
		return kernel, paddings, nil
	}
	if len(flipped) > 0 {
		reversed, err := b.Reverse(source, flipped...)
		return reversed, stripped, err
	}
	return source, stripped, nil
}
