package purego

import (
	"math"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Float32 BroadcastInDim, ReduceSum, and Add, Mul, Sub and Div of a
// broadcast operand, as loops over contiguous runs.
//
// simplego computes them element by element through index iterators; a
// convolution's bias add (a [1, C, 1, 1] operand added to [B, C, H, W]) and
// its gradient, batch and instance norm's statistics (sums over B, H, W) and
// their normalisation (a [B, C, 1, 1] mean subtracted, a deviation divided by), then cost
// as much as a small convolution. Here the axes are first merged wherever both
// tensors step through them contiguously, so the innermost loop runs over
// a whole plane or row: a fill, a copy, a sum or a vector add.

// simplego's own executors, for other backends and dtypes.
var simplegoBroadcastInDim, simplegoReduceSum, simplegoReduceMax nodeExecutor

func init() {
	simplegoBroadcastInDim = replaceExecutor(backends.OpTypeBroadcastInDim, execBroadcastInDim)
	simplegoReduceSum = replaceExecutor(backends.OpTypeReduceSum, func(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
		return execReduce(backend, node, inputs, owned, false, simplegoReduceSum)
	})
	simplegoReduceMax = replaceExecutor(backends.OpTypeReduceMax, func(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
		return execReduce(backend, node, inputs, owned, true, simplegoReduceMax)
	})
	for _, op := range []binaryOp{binaryAdd, binaryMul, binarySub, binaryDiv, binaryMax} {
		var fallback nodeExecutor
		fallback = replaceExecutor(op.opType(), func(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
			return execBroadcastBinary(backend, node, inputs, owned, op, fallback)
		})
	}
}

// stridedLoop is a nest of loops over dims stepping two tensors, a and b,
// by their strides per axis; the innermost axis is left to the caller.
type stridedLoop struct {
	dims, a, b []int
	a0, b0     int // the offsets of index 0 (see part)
}

// newStridedLoop drops axes of size 1 and merges each axis into the next
// one where both tensors step through the pair as through one axis.
func newStridedLoop(dims, a, b []int) stridedLoop {
	var l stridedLoop
	for i, d := range dims {
		if d == 1 {
			continue
		}
		if n := len(l.dims) - 1; n >= 0 && l.a[n] == a[i]*d && l.b[n] == b[i]*d {
			l.dims[n] *= d
			l.a[n], l.b[n] = a[i], b[i]
			continue
		}
		l.dims, l.a, l.b = append(l.dims, d), append(l.a, a[i]), append(l.b, b[i])
	}
	if len(l.dims) == 0 { // a scalar
		l.dims, l.a, l.b = []int{1}, []int{0}, []int{0}
	}
	return l
}

// outer is the loop without its innermost axis, whose own innermost axis
// is then l's next one; l has at least two axes.
func (l stridedLoop) outer() stridedLoop {
	n := len(l.dims) - 1
	return stridedLoop{dims: l.dims[:n], a: l.a[:n], b: l.b[:n], a0: l.a0, b0: l.b0}
}

// inner returns the innermost axis' size and strides.
func (l stridedLoop) inner() (n, a, b int) {
	last := len(l.dims) - 1
	return l.dims[last], l.a[last], l.b[last]
}

// each calls f with the offsets of a and b at every index of the outer axes.
func (l stridedLoop) each(f func(a, b int)) {
	outer := len(l.dims) - 1
	idx := make([]int, outer)
	a, b := l.a0, l.b0
	for {
		f(a, b)
		i := outer - 1
		for ; i >= 0; i-- {
			idx[i]++
			a, b = a+l.a[i], b+l.b[i]
			if idx[i] < l.dims[i] {
				break
			}
			a, b = a-l.a[i]*l.dims[i], b-l.b[i]*l.dims[i]
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// shortRepeat is the longest repetition of one element that
// execBroadcastInDim writes two axes at a time.
const shortRepeat = 8

// repeatEach sets dst to every element of src repeated n times.
func repeatEach(dst, src []float32, n int) {
	if n == 2 {
		dst = dst[:2*len(src)]
		for i, v := range src {
			dst[2*i], dst[2*i+1] = v, v
		}
		return
	}
	for i, v := range src {
		run := dst[i*n : (i+1)*n]
		for j := range run {
			run[j] = v
		}
	}
}

// float32Operands returns the float32 data of a node's one input and a new
// output buffer, or ok false when simplego's executor should run instead.
func float32Operands(backend *simplego.Backend, node *simplego.Node, input *simplego.Buffer) (in []float32, inShape shapes.Shape, out *simplego.Buffer, outData []float32, ok bool) {
	if _, ours := ownBackends.Load(backend); !ours {
		return nil, inShape, nil, nil, false
	}
	inShape, err := backend.BufferShape(input)
	if err != nil || inShape.DType != dtypes.Float32 {
		return nil, inShape, nil, nil, false
	}
	data, err := float32Data(backend, input)
	if err != nil {
		return nil, inShape, nil, nil, false
	}
	out, outData, err = newFloat32Output(backend, nodeShape(node))
	if err != nil {
		return nil, inShape, nil, nil, false
	}
	return data[0], inShape, out, outData, true
}

// binaryOperands are a float32 binary op's operands and output: full has
// the output's shape (the left operand unless swapped), other any shape
// that the executor accepted, and y is the output's data, full's own
// buffer when this is its last use.
type binaryOperands struct {
	full, other []float32
	otherShape  shapes.Shape
	swapped     bool
	out         *simplego.Buffer
	y           []float32
}

// float32BinaryOperands returns a float32 binary op's operands, or ok false
// (and inputs untouched) when simplego's executor should run instead: other
// dtypes, neither operand of the output's shape, or an other operand that
// accept refuses. When both have the output's shape, full is the one whose
// buffer is free, which then becomes the output, as simplego's binary ops
// reuse theirs.
func float32BinaryOperands(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool,
	accept func(out, other shapes.Shape) bool) (ops binaryOperands, ok bool) {
	if _, ours := ownBackends.Load(backend); !ours {
		return ops, false
	}
	outShape := nodeShape(node)
	fullShape, err1 := backend.BufferShape(inputs[0])
	otherShape, err2 := backend.BufferShape(inputs[1])
	if err1 != nil || err2 != nil || outShape.DType != dtypes.Float32 || outShape.Size() == 0 {
		return ops, false
	}
	full, other := 0, 1
	if !fullShape.Equal(outShape) || (owned[1] && otherShape.Equal(outShape)) {
		full, other, fullShape, otherShape = 1, 0, otherShape, fullShape
		ops.swapped = true
	}
	if !fullShape.Equal(outShape) || !accept(outShape, otherShape) {
		return ops, false
	}
	in, err := float32Data(backend, inputs[full], inputs[other])
	if err != nil {
		return ops, false
	}
	ops.full, ops.other, ops.otherShape = in[0], in[1], otherShape
	if owned[full] {
		ops.out, ops.y = inputs[full], ops.full
		inputs[full] = nil // reused as the output, as simplego marks it
	} else if ops.out, ops.y, err = newFloat32Output(backend, outShape); err != nil {
		return ops, false
	}
	return ops, true
}

// execBroadcastInDim writes the operand into the output's shape: operand
// axis i is output axis axes[i], the other output axes repeat it.
func execBroadcastInDim(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	axes, isAxes := nodeData(node).Interface().([]int)
	if !isAxes || !slices.IsSorted(axes) {
		return simplegoBroadcastInDim(backend, node, inputs, owned)
	}
	x, xShape, out, y, ok := float32Operands(backend, node, inputs[0])
	if !ok {
		return simplegoBroadcastInDim(backend, node, inputs, owned)
	}
	outShape := nodeShape(node)
	operandStrides := make([]int, outShape.Rank()) // 0 on repeated axes
	xStrides := xShape.Strides()
	for i, axis := range axes {
		if xShape.Dimensions[i] != 1 {
			operandStrides[axis] = xStrides[i]
		}
	}
	if len(y) == 0 {
		return out, nil
	}
	l := newStridedLoop(outShape.Dimensions, operandStrides, outShape.Strides())
	n, step, _ := l.inner()
	if outer := len(l.dims) - 2; step == 0 && n <= shortRepeat && outer >= 0 && l.a[outer] == 1 && l.b[outer] == n {
		// Each element of a contiguous run repeated n times (nearest
		// upsampling's columns): two axes per call rather than a call per
		// n elements.
		width := l.dims[outer]
		l.outer().eachParallel(len(y), func(src, dst int) { repeatEach(y[dst:dst+width*n], x[src:src+width], n) })
		return out, nil
	}
	l.eachParallel(len(y), func(src, dst int) {
		run := y[dst : dst+n]
		if step == 1 {
			copy(run, x[src:src+n])
			return
		}
		// With the operand's axes in increasing order (as GoMLX emits
		// them), its innermost run is contiguous or repeated.
		v := x[src]
		for i := range run {
			run[i] = v
		}
	})
	return out, nil
}

// execReduce sums the operand over the node's axes, or takes their maximum when isMax.
func execReduce(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool,
	isMax bool, fallback nodeExecutor) (*simplego.Buffer, error) {
	axes, isAxes := nodeData(node).Interface().([]int)
	if !isAxes || len(axes) == 0 {
		return fallback(backend, node, inputs, owned)
	}
	x, xShape, out, y, ok := float32Operands(backend, node, inputs[0])
	if !ok {
		return fallback(backend, node, inputs, owned)
	}
	reduced := make([]bool, xShape.Rank())
	for _, axis := range axes {
		reduced[axis] = true
	}
	outStrides := make([]int, xShape.Rank()) // 0 on reduced axes
	stride := 1
	for axis := xShape.Rank() - 1; axis >= 0; axis-- {
		if !reduced[axis] {
			outStrides[axis] = stride
			stride *= xShape.Dimensions[axis]
		}
	}
	l := newStridedLoop(xShape.Dimensions, xShape.Strides(), outStrides)
	n, _, step := l.inner()
	if isMax {
		for i := range y {
			y[i] = float32(math.Inf(-1)) // the maximum of nothing, as XLA's ReduceMax
		}
		if len(x) == 0 {
			return out, nil
		}
		if reduceShortRuns(l, x, y, true) {
			return out, nil
		}
		l.eachReducing(len(x), func(src, dst int) {
			run := x[src : src+n]
			if step == 0 {
				m := y[dst]
				for _, v := range run {
					m = max(m, v)
				}
				y[dst] = m
				return
			}
			acc := y[dst : dst+n]
			for i, v := range run {
				acc[i] = max(acc[i], v)
			}
		})
		return out, nil
	}
	clear(y)
	if len(x) == 0 {
		return out, nil // sums of nothing
	}
	if reduceShortRuns(l, x, y, false) {
		return out, nil
	}
	l.eachReducing(len(x), func(src, dst int) {
		run := x[src : src+n]
		if step == 0 {
			y[dst] += sum32(run)
			return
		}
		addTo32(y[dst:dst+n], run)
	})
	return out, nil
}

// reduceShortRuns reduces x into y two axes per call when the innermost
// axis is a short contiguous run reduced to one element and the next one
// steps to the next run and the next output (max pooling's 2-pixel windows,
// a norm's sums over 7-pixel rows), and reports whether it did; the
// function call per run otherwise costs more than the run. Each output
// receives its run's maximum, or its run's sum32, as in the general loop.
func reduceShortRuns(l stridedLoop, x, y []float32, isMax bool) bool {
	n, _, step := l.inner()
	outer := len(l.dims) - 2
	if step != 0 || n > shortRepeat || outer < 0 || l.a[outer] != n || l.b[outer] != 1 {
		return false
	}
	width := l.dims[outer]
	l.outer().eachReducing(len(x), func(src, dst int) {
		acc, runs := y[dst:dst+width], x[src:src+width*n]
		for i := range acc {
			run := runs[i*n : (i+1)*n]
			if isMax {
				m := acc[i]
				for _, v := range run {
					m = max(m, v)
				}
				acc[i] = m
				continue
			}
			acc[i] += sum32(run)
		}
	})
	return true
}

// sum32Go adds x in eight interleaved partial sums: fewer dependent adds,
// and a rounding error that grows more slowly than one running sum's. The
// partial sums are the lanes of sum32's vector, which gives the same sum.
func sum32Go(x []float32) float32 {
	var s [8]float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		s[0] += x[i]
		s[1] += x[i+1]
		s[2] += x[i+2]
		s[3] += x[i+3]
		s[4] += x[i+4]
		s[5] += x[i+5]
		s[6] += x[i+6]
		s[7] += x[i+7]
	}
	for ; i < len(x); i++ {
		s[i%8] += x[i]
	}
	return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
}

// addTo32Go adds x to acc element by element.
func addTo32Go(acc, x []float32) {
	acc = acc[:len(x)]
	for i, v := range x {
		acc[i] += v
	}
}

// binaryOp is one of the element-wise binary ops execBroadcastBinary runs.
// Max is among them because every ReLU is a Max against zero, and simplego's
// loop calls Go's max builtin per element, whose NaN and signed-zero cases
// compile to branches: 1.7 ns per element on one core, against 0.1-0.3 ns
// for the AVX loop (vector_simd.go), and a ReLU after every convolution of
// VGG or AdaIN's decoder made it 7% of a stylisation. NaN propagates, as in
// XLA; a zero result may have the other sign than simplego's.
type binaryOp int

const (
	binaryAdd binaryOp = iota
	binaryMul
	binarySub
	binaryDiv
	binaryMax
)

func (op binaryOp) opType() backends.OpType {
	return [...]backends.OpType{backends.OpTypeAdd, backends.OpTypeMul, backends.OpTypeSub, backends.OpTypeDiv, backends.OpTypeMax}[op]
}

// commutative reports whether a op b = b op a.
func (op binaryOp) commutative() bool { return op == binaryAdd || op == binaryMul || op == binaryMax }

// execBroadcastBinary applies op to float32 operands of the output's shape,
// or to one such operand and one broadcast along some axes (same rank, size
// 1 there) or a scalar (any size-1 shape), in either order; everything else
// runs simplego's executor. Like simplego it writes into the full-size
// operand's buffer when this is that buffer's last use.
func execBroadcastBinary(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool,
	op binaryOp, fallback nodeExecutor) (*simplego.Buffer, error) {
	operands, ok := float32BinaryOperands(backend, node, inputs, owned, func(out, other shapes.Shape) bool {
		return other.Rank() == out.Rank() || other.Size() == 1
	})
	if !ok {
		return fallback(backend, node, inputs, owned)
	}
	outShape, smallShape := nodeShape(node), operands.otherShape
	out, res, x, v := operands.out, operands.y, operands.full, operands.other
	smallFirst := operands.swapped // the broadcast operand is the left one: v - x, v / x
	if op.commutative() {
		smallFirst = false
	}
	switch {
	case smallShape.Equal(outShape):
		splitWork(len(x), len(x), func(lo, hi int) { binaryRun(op, smallFirst, res[lo:hi], x[lo:hi], v[lo:hi]) })
		return out, nil
	case len(v) == 1: // a scalar: one run, split here rather than by the strided loop
		splitWork(len(x), len(x), func(lo, hi int) { binaryRunScalar(op, smallFirst, res[lo:hi], x[lo:hi], v[0]) })
		return out, nil
	}
	smallStrides := smallShape.Strides()
	for axis, d := range smallShape.Dimensions {
		if d == 1 {
			smallStrides[axis] = 0
		}
	}
	l := newStridedLoop(outShape.Dimensions, outShape.Strides(), smallStrides)
	n, _, step := l.inner()
	l.eachParallel(len(x), func(i, j int) {
		run, src := res[i:i+n], x[i:i+n]
		if step == 0 {
			binaryRunScalar(op, smallFirst, run, src, v[j])
		} else {
			binaryRun(op, smallFirst, run, src, v[j:j+n])
		}
	})
	return out, nil
}

// binaryRunScalarGo sets run to src op k (k op src when kFirst); see
// binaryRunScalar.
func binaryRunScalarGo(op binaryOp, kFirst bool, run, src []float32, k float32) {
	switch {
	case op == binaryAdd:
		for s, a := range src {
			run[s] = a + k
		}
	case op == binaryMul:
		for s, a := range src {
			run[s] = a * k
		}
	case op == binarySub && kFirst:
		for s, a := range src {
			run[s] = k - a
		}
	case op == binarySub:
		for s, a := range src {
			run[s] = a - k
		}
	case op == binaryDiv && kFirst:
		for s, a := range src {
			run[s] = k / a
		}
	case op == binaryDiv:
		for s, a := range src {
			run[s] = a / k
		}
	default:
		for s, a := range src {
			run[s] = max(a, k)
		}
	}
}

// binaryRunGo sets run to src op w element by element (w op src when
// wFirst); see binaryRun.
func binaryRunGo(op binaryOp, wFirst bool, run, src, w []float32) {
	w = w[:len(src)]
	switch {
	case op == binaryAdd:
		for s, a := range src {
			run[s] = a + w[s]
		}
	case op == binaryMul:
		for s, a := range src {
			run[s] = a * w[s]
		}
	case op == binarySub && wFirst:
		for s, a := range src {
			run[s] = w[s] - a
		}
	case op == binarySub:
		for s, a := range src {
			run[s] = a - w[s]
		}
	case op == binaryDiv && wFirst:
		for s, a := range src {
			run[s] = w[s] / a
		}
	case op == binaryDiv:
		for s, a := range src {
			run[s] = a / w[s]
		}
	default:
		for s, a := range src {
			run[s] = max(a, w[s])
		}
	}
}
