package backend

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// clampedStarts converts the scalar start indices to one int32 vector,
// clamped (as XLA does) so that a block of the given sizes fits in operand.
func (l *lowering) clampedStarts(operand backends.Op, startIndices []backends.Op, sizes []int) backends.Op {
	s := l.shape(operand)
	if l.err != nil {
		return nil
	}
	if len(startIndices) != s.Rank() || len(sizes) != s.Rank() {
		l.failf("need one start index and one size per axis of operand %s, got %d start indices and sizes %v",
			s, len(startIndices), sizes)
		return nil
	}
	parts := make([]backends.Op, len(startIndices))
	for i, start := range startIndices {
		ss := l.shape(start)
		if l.err != nil {
			return nil
		}
		if !ss.IsScalar() || !ss.DType.IsInt() {
			l.failf("start index #%d must be an integer scalar, got %s", i, ss)
			return nil
		}
		if sizes[i] < 0 || sizes[i] > s.Dimensions[i] {
			l.failf("axis %d: size %d does not fit in operand %s", i, sizes[i], s)
			return nil
		}
		if ss.DType != dtypes.Int32 {
			start = l.keep(l.b.ConvertDType(start, dtypes.Int32))
		}
		start = l.binary(l.b.Max, start, l.constant([]int32{0}))
		start = l.binary(l.b.Min, start, l.constant([]int32{int32(s.Dimensions[i] - sizes[i])}))
		parts[i] = l.reshape(start, 1)
	}
	return l.concat(0, parts...)
}

// DynamicSlice extracts the block of the given sizes at startIndices (one
// scalar per axis, clamped so the block fits). Lowering: one Gather.
func (b *Builder) DynamicSlice(operand backends.Op, startIndices []backends.Op, sliceDims []int) (backends.Op, error) {
	l := b.lower("DynamicSlice")
	starts := l.clampedStarts(operand, startIndices, sliceDims)
	if l.err != nil {
		return l.done(nil)
	}
	axes := iotaRange(len(sliceDims))
	return l.done(l.keep(l.b.Gather(operand, starts, 0, axes, nil, axes, slices.Clone(sliceDims), false)))
}

// DynamicUpdateSlice returns operand with the block at startIndices (one
// scalar per axis, clamped so the block fits) replaced by update.
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
