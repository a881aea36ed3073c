package purego

import "github.com/neuralart/neuralart/pkg/backend/internal/parallel"

// The element-wise executors split their work over GOMAXPROCS goroutines.
// simplego runs one op at a time here (see backend.go), so an op on one core
// leaves the others idle: on two cores, element-wise passes (padding,
// pooling, ReLUs, bias adds) were a third of an AdaIN stylisation's time
// while the convolutions, which split, were the rest.

// minParallelWork is the fewest elements worth a second goroutine: about
// 50 µs of a memory-bound pass, against a few µs to start one.
const minParallelWork = 1 << 16

// splitWork calls f on consecutive parts [lo, hi) of [0, n) on up to
// GOMAXPROCS goroutines, as many as work elements in all are worth.
func splitWork(n, work int, f func(lo, hi int)) {
	parallel.For(n, parallel.Workers(n, work, minParallelWork), f)
}

// eachParallel is each with the outermost axis split by splitWork, for a
// loop of work elements. The caller guarantees that different indices of
// that axis write different outputs (a reduction's must not be reduced
// there); a loop of one axis (a single run) runs as each.
func (l stridedLoop) eachParallel(work int, f func(a, b int)) {
	if len(l.dims) < 2 {
		l.each(f)
		return
	}
	splitWork(l.dims[0], work, func(lo, hi int) { l.part(lo, hi).each(f) })
}

// eachReducing is each for a reduction of a into b: split by eachParallel
// when the outermost axis is kept (b steps along it, so its indices reduce
// into different outputs), on one goroutine when it is reduced.
func (l stridedLoop) eachReducing(work int, f func(a, b int)) {
	if l.b[0] != 0 {
		l.eachParallel(work, f)
		return
	}
	l.each(f)
}

// part is the loop over indices [lo, hi) of the outermost axis.
func (l stridedLoop) part(lo, hi int) stridedLoop {
	l.dims = append([]int{hi - lo}, l.dims[1:]...)
	l.a0, l.b0 = l.a0+lo*l.a[0], l.b0+lo*l.b[0]
	return l
}
