package purego

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// clampedStarts converts the start indices to one int32 vector, clamped (as
// XLA does) so that a block of the given sizes fits in operand. The indices
// are one integer scalar per axis, or (what GoMLX's graph package passes when
// it is given one tensor) a single integer vector with one index per axis.
func (l *lowering) clampedStarts(operand backends.Op, startIndices []backends.Op, sizes []int) backends.Op {
	s := l.shape(operand)
	if l.err != nil {
		return nil
	}
	r := s.Rank()
	if len(sizes) != r {
		l.failf("need one size per axis of operand %s, got sizes %v", s, sizes)
		return nil
	}
	for i, size := range sizes {
		if size < 0 || size > s.Dimensions[i] {
			l.failf("axis %d: size %d does not fit in operand %s", i, size, s)
			return nil
		}
	}
	highest := make([]int32, r) // The largest start that keeps the block inside.
	for i := range highest {
		highest[i] = int32(s.Dimensions[i] - sizes[i])
	}
	var starts backends.Op
	if len(startIndices) == 1 && (r != 1 || l.shape(startIndices[0]).Rank() == 1) {
		ss := l.shape(startIndices[0])
		if l.err != nil {
			return nil
		}
		if ss.Rank() != 1 || ss.Dimensions[0] != r || !ss.DType.IsInt() {
			l.failf("start indices in one tensor must be an integer vector of %d elements (one per axis of operand %s), got %s", r, s, ss)
			return nil
		}
		starts = startIndices[0]
		if ss.DType != dtypes.Int32 {
			starts = l.keep(l.b.ConvertDType(starts, dtypes.Int32))
		}
	} else {
		if len(startIndices) != r {
			l.failf("need one start index per axis of operand %s, got %d start indices", s, len(startIndices))
			return nil
		}
		parts := make([]backends.Op, r)
		for i, start := range startIndices {
			ss := l.shape(start)
			if l.err != nil {
				return nil
			}
			if !ss.IsScalar() || !ss.DType.IsInt() {
				l.failf("start index #%d must be an integer scalar, got %s", i, ss)
				return nil
			}
			if ss.DType != dtypes.Int32 {
				start = l.keep(l.b.ConvertDType(start, dtypes.Int32))
			}
			parts[i] = l.reshape(start, 1)
		}
		starts = l.concat(0, parts...)
	}
	starts = l.binary(l.b.Max, starts, l.constant(make([]int32, r), r))
	return l.binary(l.b.Min, starts, l.constant(highest, r))
}

// DynamicSlice extracts the block of the given sizes at startIndices (one
// scalar per axis, or one vector of them; clamped so the block fits).
// Lowering: one Gather.
func (b *Builder) DynamicSlice(operand backends.Op, startIndices []backends.Op, sliceDims []int) (backends.Op, error) {
	l := b.lower("DynamicSlice")
	if s := l.shape(operand); l.err == nil && s.Rank() == 0 && len(startIndices) == 0 && len(sliceDims) == 0 {
		return l.done(l.keep(l.b.Identity(operand))) // A scalar's only slice.
	}
	starts := l.clampedStarts(operand, startIndices, sliceDims)
	if l.err != nil {
		return l.done(nil)
	}
	axes := iotaRange(len(sliceDims))
	return l.done(l.keep(l.b.Gather(operand, starts, 0, axes, nil, axes, slices.Clone(sliceDims), false)))
}

// DynamicUpdateSlice returns operand with the block at startIndices (one
// scalar per axis, or one vector of them; clamped so the block fits)
// replaced by update.
//
// Lowering: every operand position p gathers update[clamp(p - start)], and a
// mask (start <= p < start + size on every axis) picks it over operand, so
// the values are copied exactly.
func (b *Builder) DynamicUpdateSlice(operand, update backends.Op, startIndices []backends.Op) (backends.Op, error) {
	l := b.lower("DynamicUpdateSlice")
	s, us := l.shape(operand), l.shape(update)
	if l.err == nil && (us.Rank() != s.Rank() || us.DType != s.DType) {
		l.failf("update %s must have the operand's rank and dtype (operand %s)", us, s)
	}
	if l.err != nil {
		return l.done(nil)
	}
	r := s.Rank()
	if r == 0 && len(startIndices) == 0 {
		return l.done(l.keep(l.b.Identity(update))) // A scalar replaced whole.
	}
	starts := l.clampedStarts(operand, startIndices, us.Dimensions)
	indexDims := append(slices.Clone(s.Dimensions), 1)
	indices := make([]backends.Op, r)
	var inside backends.Op
	for axis := range r {
		if l.err != nil {
			break
		}
		position := l.keep(l.b.Iota(shapes.Make(dtypes.Int32, s.Dimensions...), axis))
		start := l.reshape(l.sliceAxis(starts, 0, axis, axis+1, 1))
		offset := l.sub(position, start)
		size := l.constant([]int32{int32(us.Dimensions[axis])})
		in := l.binary(l.b.LogicalAnd, l.binary(l.b.GreaterOrEqual, offset, l.constant([]int32{0})), l.binary(l.b.LessThan, offset, size))
		if inside == nil {
			inside = in
		} else {
			inside = l.binary(l.b.LogicalAnd, inside, in)
		}
		// Gather clamps out-of-range indices; the mask discards those values.
		indices[axis] = l.reshape(offset, indexDims...)
	}
	ones := make([]int, r)
	for i := range ones {
		ones[i] = 1
	}
	var gathered backends.Op
	if l.err == nil {
		gathered = l.keep(l.b.Gather(update, l.concat(r, indices...), r, nil, iotaRange(r), iotaRange(r), ones, false))
	}
	if l.err != nil {
		return l.done(nil)
	}
	return l.done(l.keep(l.b.Where(inside, gathered, operand)))
}
