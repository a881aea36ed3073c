package purego

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// lowering builds one high-level op out of simplego ops. It keeps the first
// error so that a lowering reads as straight-line code: after an error every
// call is a no-op returning nil, and done reports the error once, prefixed
// with the name of the op being lowered.
type lowering struct {
	b   *simplego.Builder
	op  string
	err error
}

func (b *Builder) lower(op string) *lowering { return &lowering{b: b.Builder, op: op} }

// done returns the lowered result, or the first error met while lowering.
func (l *lowering) done(x backends.Op) (backends.Op, error) {
	if l.err != nil {
		return nil, fmt.Errorf("neuralart backend: lowering %s: %w", l.op, l.err)
	}
	return x, nil
}

// failf records an error about the op's arguments (the first one wins).
func (l *lowering) failf(format string, args ...any) {
	if l.err == nil {
		l.err = fmt.Errorf(format, args...)
	}
}

// keep records err and returns op, or nil once an error happened.
func (l *lowering) keep(op backends.Op, err error) backends.Op {
	if l.err != nil {
		return nil
	}
	if err != nil {
		l.err = err
		return nil
	}
	return op
}

func (l *lowering) shape(x backends.Op) shapes.Shape {
	if l.err != nil {
		return shapes.Invalid()
	}
	s, err := l.b.OpShape(x)
	if err != nil {
		l.err = err
	}
	return s
}

func (l *lowering) reshape(x backends.Op, dims ...int) backends.Op {
	if l.err != nil {
		return nil
	}
	if l.shape(x).Equal(shapes.Make(l.shape(x).DType, dims...)) {
		return x
	}
	return l.keep(l.b.Reshape(x, dims...))
}

// transpose permutes the axes of x; when only axes of size 1 move it is a
// free Reshape instead of a copy.
func (l *lowering) transpose(x backends.Op, perm ...int) backends.Op {
	if l.err != nil {
		return nil
	}
	s := l.shape(x)
	last := -1
	moves := false
	for _, axis := range perm {
		if s.Dimensions[axis] == 1 {
			continue
		}
		if axis < last {
			moves = true
		}
		last = axis
	}
	if !moves {
		dims := make([]int, len(perm))
		for i, axis := range perm {
			dims[i] = s.Dimensions[axis]
		}
		return l.reshape(x, dims...)
	}
	return l.keep(l.b.Transpose(x, slices.Clone(perm)...))
}

func (l *lowering) slice(x backends.Op, starts, limits, strides []int) backends.Op {
	if l.err != nil {
		return nil
	}
	// simplego keeps the slices it is given: pass copies.
	return l.keep(l.b.Slice(x, slices.Clone(starts), slices.Clone(limits), slices.Clone(strides)))
}

// sliceAxis slices one axis of x: [start, limit) with the given stride.
func (l *lowering) sliceAxis(x backends.Op, axis, start, limit, stride int) backends.Op {
	s := l.shape(x)
	if l.err != nil {
		return nil
	}
	if start == 0 && limit == s.Dimensions[axis] && stride == 1 {
		return x
	}
	starts := make([]int, s.Rank())
	limits := append([]int(nil), s.Dimensions...)
	strides := make([]int, s.Rank())
	for i := range strides {
		strides[i] = 1
	}
	starts[axis], limits[axis], strides[axis] = start, limit, stride
	return l.slice(x, starts, limits, strides)
}

func (l *lowering) concat(axis int, xs ...backends.Op) backends.Op {
	if l.err != nil {
		return nil
	}
	if len(xs) == 1 {
		return xs[0]
	}
	return l.keep(l.b.Concatenate(axis, xs...))
}

// broadcast returns the scalar x broadcast to shape dims.
func (l *lowering) broadcast(x backends.Op, dims ...int) backends.Op {
	if l.err != nil {
		return nil
	}
	return l.keep(l.b.BroadcastInDim(x, shapes.Make(l.shape(x).DType, dims...), nil))
}

// broadcastAxis broadcasts the vector x to dims, aligned with axis.
func (l *lowering) broadcastAxis(x backends.Op, axis int, dims []int) backends.Op {
	if l.err != nil {
		return nil
	}
	return l.keep(l.b.BroadcastInDim(x, shapes.Make(l.shape(x).DType, dims...), []int{axis}))
}

func (l *lowering) constant(flat any, dims ...int) backends.Op {
	if l.err != nil {
		return nil
	}
	return l.keep(l.b.Constant(flat, dims...))
}

// scalar returns a constant scalar of the given dtype holding v.
func (l *lowering) scalar(dtype dtypes.DType, v float64) backends.Op {
	if l.err != nil {
		return nil
	}
	c := l.constant([]float64{v})
	if dtype != dtypes.Float64 {
		c = l.keep(l.b.ConvertDType(c, dtype))
	}
	return c
}

func (l *lowering) binary(f func(a, b backends.Op) (backends.Op, error), a, b backends.Op) backends.Op {
	if l.err != nil {
		return nil
	}
	return l.keep(f(a, b))
}

func (l *lowering) add(a, b backends.Op) backends.Op { return l.binary(l.b.Add, a, b) }
func (l *lowering) sub(a, b backends.Op) backends.Op { return l.binary(l.b.Sub, a, b) }
func (l *lowering) mul(a, b backends.Op) backends.Op { return l.binary(l.b.Mul, a, b) }

func (l *lowering) reduceSum(x backends.Op, axes ...int) backends.Op {
	if l.err != nil {
		return nil
	}
	return l.keep(l.b.ReduceSum(x, axes...))
}

// iotaRange returns [0, 1, ..., n-1] as ints, a common index helper.
func iotaRange(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}

// ones returns n ones: the default stride or dilation of n axes.
func ones(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = 1
	}
	return r
}

// allOnes reports whether every value of v is 1 (an empty v too): dilations
// that dilate nothing.
func allOnes(v []int) bool { return !slices.ContainsFunc(v, func(d int) bool { return d != 1 }) }
