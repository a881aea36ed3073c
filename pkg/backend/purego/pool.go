package purego

import (
	"reflect"
	"slices"

	"github.com/gomlx/gomlx/backends"
)

// SelectAndScatterMax scatters each source value to the position of the
// maximum of its window of operand (the first one, in row-major window order,
// on ties): the gradient of a max-pool. Windows follow ReduceWindow's
// windowDimensions, windowStrides and paddings (padding never wins).
func (b *Builder) SelectAndScatterMax(operand, source backends.Op, windowDimensions, windowStrides []int, paddings [][2]int) (backends.Op, error) {
	return b.selectAndScatter("SelectAndScatterMax", true, operand, source, windowDimensions, windowStrides, paddings)
}

// SelectAndScatterMin is SelectAndScatterMax for the minimum: the gradient
// of a min-pool.
func (b *Builder) SelectAndScatterMin(operand, source backends.Op, windowDimensions, windowStrides []int, paddings [][2]int) (backends.Op, error) {
	return b.selectAndScatter("SelectAndScatterMin", false, operand, source, windowDimensions, windowStrides, paddings)
}

// selectAndScatter lowers SelectAndScatter{Max,Min}: each window offset w is a
// strided Slice of the padded operand, shaped like source; the selected
// offset per output position is the first w equal to the running max; the
// source values are then put back at their offsets, by interleaving when the
// windows tile the operand (strides == window) and by interior-Pad + sum
// otherwise.
func (b *Builder) selectAndScatter(op string, isMax bool, operand, source backends.Op,
	windowDimensions, windowStrides []int, paddings [][2]int) (backends.Op, error) {
	l := b.lower(op)
	xs, ss := l.shape(operand), l.shape(source)
	if l.err != nil {
		return l.done(nil)
	}
	r := xs.Rank()
	if len(windowStrides) == 0 {
		windowStrides = windowDimensions
	}
	if len(paddings) == 0 {
		paddings = make([][2]int, r)
	}
	switch {
	case len(windowDimensions) != r || len(windowStrides) != r || len(paddings) != r:
		l.failf("window dimensions %v, strides %v and paddings %v must have one value per axis of operand %s",
			windowDimensions, windowStrides, paddings, xs)
	case ss.DType != xs.DType || ss.Rank() != r:
		l.failf("source %s must have the operand's dtype and rank (operand %s)", ss, xs)
	}
	padded := slices.Clone(xs.Dimensions)
	for i := range r {
		if l.err != nil {
			break
		}
		padded[i] += paddings[i][0] + paddings[i][1]
		w, s := windowDimensions[i], windowStrides[i]
		if w < 1 || s < 1 || paddings[i][0] < 0 || paddings[i][1] < 0 {
			l.failf("axis %d: window %d, stride %d and padding %v must be positive", i, w, s, paddings[i])
		} else if want := (padded[i]-w)/s + 1; padded[i] < w || want != ss.Dimensions[i] {
			l.failf("axis %d: source dimension %d does not match the %d windows of the padded operand %s", i, ss.Dimensions[i], want, xs)
		}
	}
	if l.err != nil {
		return l.done(nil)
	}
	opType := backends.OpTypeSelectAndScatterMin
	if isMax {
		opType = backends.OpTypeSelectAndScatterMax
	}
	if y, ok := b.selectAndScatterByExecutor(opType, isMax, operand, source, xs, ss, windowDimensions, windowStrides, paddings); ok {
		return y, nil
	}

	fill := l.constantOf(xs.DType.HighestValue())
	if isMax {
		fill = l.constantOf(xs.DType.LowestValue())
	}
	fill = l.keep(l.b.ConvertDType(fill, xs.DType))
	x := operand
	for i := range r {
		x = l.padAxis(x, fill, i, backends.PadAxis{Start: paddings[i][0], End: paddings[i][1]})
	}

	// Each window offset as a Slice shaped like source.
	var windows [][]int
	var values []backends.Op
	limits := make([]int, r)
	for w := range indicesOf(windowDimensions) {
		for i := range r {
			limits[i] = w[i] + (ss.Dimensions[i]-1)*windowStrides[i] + 1
		}
		windows = append(windows, slices.Clone(w))
		values = append(values, l.slice(x, w, limits, windowStrides))
	}
	best := values[0]
	for _, v := range values[1:] {
		if isMax {
			best = l.binary(l.b.Max, best, v)
		} else {
			best = l.binary(l.b.Min, best, v)
		}
	}
	zero := l.scalar(xs.DType, 0)
	var taken backends.Op
	scattered := make([]backends.Op, len(values))
	for i, v := range values {
		selected := l.binary(l.b.Equal, v, best)
		if taken == nil {
			taken = selected
		} else {
			selected = l.binary(l.b.LogicalAnd, selected, l.keep(l.b.LogicalNot(taken)))
			taken = l.binary(l.b.LogicalOr, taken, selected)
		}
		if l.err == nil {
			scattered[i] = l.keep(l.b.Where(selected, source, zero))
		}
	}

	var y backends.Op
	if slices.Equal(windowDimensions, windowStrides) {
		// Windows tile the padded operand: interleave [W..., O...] -> [O0, W0, O1, W1, ...].
		stacked := l.concat(0, mapOps(scattered, func(v backends.Op) backends.Op {
			return l.reshape(v, append([]int{1}, ss.Dimensions...)...)
		})...)
		stacked = l.reshape(stacked, append(slices.Clone(windowDimensions), ss.Dimensions...)...)
		perm := make([]int, 0, 2*r)
		tiled := make([]int, r)
		for i := range r {
			perm = append(perm, r+i, i)
			tiled[i] = ss.Dimensions[i] * windowDimensions[i]
		}
		y = l.reshape(l.transpose(stacked, perm...), tiled...)
		for i := range r {
			y = l.padAxis(y, zero, i, backends.PadAxis{End: padded[i] - tiled[i]})
		}
	} else {
		for i, w := range windows {
			config := make([]backends.PadAxis, r)
			for a := range r {
				end := padded[a] - (w[a] + (ss.Dimensions[a]-1)*windowStrides[a] + 1)
				config[a] = backends.PadAxis{Start: w[a], End: end, Interior: windowStrides[a] - 1}
			}
			p := scattered[i]
			for a := range r {
				p = l.padAxis(p, zero, a, config[a])
			}
			if y == nil {
				y = p
			} else {
				y = l.add(y, p)
			}
		}
	}
	for i := range r {
		y = l.padAxis(y, zero, i, backends.PadAxis{Start: -paddings[i][0], End: -paddings[i][1]})
	}
	return l.done(y)
}

func mapOps(xs []backends.Op, f func(backends.Op) backends.Op) []backends.Op {
	ys := make([]backends.Op, len(xs))
	for i, x := range xs {
		ys[i] = f(x)
	}
	return ys
}

// constantOf returns a scalar constant holding the Go value v (of any dtype).
func (l *lowering) constantOf(v any) backends.Op {
	flat := reflect.MakeSlice(reflect.SliceOf(reflect.TypeOf(v)), 1, 1)
	flat.Index(0).Set(reflect.ValueOf(v))
	return l.constant(flat.Interface())
}

// ReduceWindow reduces windows of x. Windows that tile x (strides equal to
// the window, no padding or dilation: pooling layers) are lowered to a
// Reshape that splits each axis into [windows, window] and one Reduce over
// the window axes, which runs at memory speed; other float32 windows without
// dilations run on an executor of their own (reducewindow.go), the rest on
// simplego's.
func (b *Builder) ReduceWindow(x backends.Op, reductionType backends.ReduceOpType,
	windowDimensions, strides, baseDilations, windowDilations []int, paddings [][2]int) (backends.Op, error) {
	l := b.lower("ReduceWindow")
	s := l.shape(x)
	noPadding := !slices.ContainsFunc(paddings, func(p [2]int) bool { return p != [2]int{} })
	reducers := map[backends.ReduceOpType]func(backends.Op, ...int) (backends.Op, error){
		backends.ReduceOpMax: l.b.ReduceMax, backends.ReduceOpMin: l.b.ReduceMin,
		backends.ReduceOpSum: l.b.ReduceSum, backends.ReduceOpProduct: l.b.ReduceProduct,
	}
	reduce, known := reducers[reductionType]
	generic := func() (backends.Op, error) {
		y, err := b.Builder.ReduceWindow(x, reductionType, windowDimensions, strides, baseDilations, windowDilations, paddings)
		if err != nil {
			return nil, err
		}
		return reduceWindowByExecutor(y, s, reductionType, windowDimensions, strides, baseDilations, windowDilations, paddings), nil
	}
	if l.err != nil || !known || len(windowDimensions) != s.Rank() || !(len(strides) == 0 || slices.Equal(strides, windowDimensions)) ||
		!allOnes(baseDilations) || !allOnes(windowDilations) || !noPadding {
		return generic()
	}
	var split, windowAxes []int
	for i, w := range windowDimensions {
		if w < 1 || s.Dimensions[i]/w < 1 {
			return generic()
		}
		// Trailing elements that fill no window are dropped, as ReduceWindow does.
		x = l.sliceAxis(x, i, 0, s.Dimensions[i]/w*w, 1)
		split = append(split, s.Dimensions[i]/w, w)
		windowAxes = append(windowAxes, 2*i+1)
	}
	x = l.reshape(x, split...)
	if l.err != nil {
		return l.done(nil)
	}
	return l.done(l.keep(reduce(x, windowAxes...)))
}
