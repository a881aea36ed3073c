package purego

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
)

// Pad pads x with the scalar fillValue: Start before, End after and Interior
// between the elements of each axis (XLA semantics: interior padding first,
// then edge padding; a negative Start or End crops).
//
// Lowering: interior padding reshapes the axis to [n, 1], concatenates an
// [n, interior] block of fill and flattens back; edge padding concatenates
// fill blocks or slices.
func (b *Builder) Pad(x, fillValue backends.Op, axesConfig ...backends.PadAxis) (backends.Op, error) {
	l := b.lower("Pad")
	s, fs := l.shape(x), l.shape(fillValue)
	if l.err == nil {
		switch {
		case len(axesConfig) > s.Rank():
			l.failf("got %d axes of padding for an operand of rank %d (%s)", len(axesConfig), s.Rank(), s)
		case !fs.IsScalar() || fs.DType != s.DType:
			l.failf("fill value must be a scalar of the operand's dtype %s, got %s", s.DType, fs)
		}
	}
	if l.err != nil {
		return l.done(nil)
	}
	// A padded axis of size 0 leaves nothing of x: simplego cannot slice
	// zero-sized tensors, so that case is the fill broadcast to the result.
	dims := slices.Clone(s.Dimensions)
	for axis, p := range axesConfig {
		n := dims[axis]
		dims[axis] = n + max(n-1, 0)*p.Interior + p.Start + p.End
		if dims[axis] < 0 || p.Interior < 0 {
			l.failf("axis %d: padding %+v of a dimension of %d leaves a negative size", axis, p, n)
			return l.done(nil)
		}
	}
	if slices.Contains(dims, 0) {
		return l.done(l.broadcast(fillValue, dims...))
	}
	operand := x
	for axis, p := range axesConfig {
		x = l.padAxis(x, fillValue, axis, p)
	}
	return l.done(l.distinct(x, operand))
}

// distinct returns x, or an Identity of it when x is operand itself (a Pad
// or Reverse that changes nothing): simplego refuses to compile a graph whose
// outputs repeat a node, and graph code may output both (GoMLX's TestPad does).
func (l *lowering) distinct(x, operand backends.Op) backends.Op {
	if l.err != nil || x != operand {
		return x
	}
	return l.keep(l.b.Identity(x))
}

// padAxis pads one axis of x with the scalar fill.
func (l *lowering) padAxis(x, fill backends.Op, axis int, p backends.PadAxis) backends.Op {
	s := l.shape(x)
	if l.err != nil {
		return nil
	}
	if p.Interior < 0 {
		l.failf("axis %d: interior padding must be >= 0, got %d", axis, p.Interior)
		return nil
	}
	dims := s.Clone().Dimensions
	n := dims[axis]
	if p.Interior > 0 && n > 1 {
		// [..., n, ...] -> [..., n, 1+interior, ...] -> [..., n*(1+interior), ...], minus the trailing fill.
		expanded := append(append(append([]int{}, dims[:axis+1]...), 1), dims[axis+1:]...)
		x = l.reshape(x, expanded...)
		expanded[axis+1] = p.Interior
		x = l.concat(axis+1, x, l.broadcast(fill, expanded...))
		dims[axis] = n * (1 + p.Interior)
		x = l.reshape(x, dims...)
		n = n + (n-1)*p.Interior
		x = l.sliceAxis(x, axis, 0, n, 1)
	}
	if n+p.Start+p.End < 0 {
		l.failf("axis %d: padding [%d, %d] of a dimension of %d leaves a negative size", axis, p.Start, p.End, n)
		return nil
	}
	// Negative padding crops.
	start, limit := max(0, -p.Start), n-max(0, -p.End)
	if limit > start {
		x = l.sliceAxis(x, axis, start, limit, 1)
	} // else the crops overlap, and the result is made of fill only.
	parts := make([]backends.Op, 0, 3)
	if p.Start > 0 {
		dims[axis] = p.Start
		parts = append(parts, l.broadcast(fill, dims...))
	}
	if limit > start {
		parts = append(parts, x)
	}
	if p.End > 0 {
		dims[axis] = p.End
		parts = append(parts, l.broadcast(fill, dims...))
	}
	if len(parts) == 0 {
		dims[axis] = 0
		return l.broadcast(fill, dims...)
	}
	return l.concat(axis, parts...)
}

// Reverse reverses x along the given axes.
//
// Lowering: one Gather per axis with the constant indices n-1, ..., 0; a
// convolution of the result reads the operand backwards instead (see
// ConvGeneral), and then the Gathers never run.
func (b *Builder) Reverse(x backends.Op, axes ...int) (backends.Op, error) {
	l := b.lower("Reverse")
	s := l.shape(x)
	source := x
	for _, axis := range axes {
		if l.err != nil {
			break
		}
		if axis < 0 || axis >= s.Rank() {
			l.failf("axis %d out of range for operand %s", axis, s)
			break
		}
		n := s.Dimensions[axis]
		if n <= 1 {
			continue
		}
		indices := make([]int32, n)
		for i := range indices {
			indices[i] = int32(n - 1 - i)
		}
		offsetAxes := make([]int, 0, s.Rank()-1)
		for i := range s.Rank() {
			if i != axis {
				offsetAxes = append(offsetAxes, i)
			}
		}
		sizes := s.Clone().Dimensions
		sizes[axis] = 1
		x = l.keep(l.b.Gather(x, l.constant(indices, n, 1), 1, offsetAxes, []int{axis}, []int{axis}, sizes, false))
	}
	if l.err == nil && x != source {
		b.reversed[x] = reversal{source, slices.Clone(axes)}
	}
	return l.done(l.distinct(x, source))
}
