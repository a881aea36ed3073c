// Package sgemm multiplies float32 matrices for the pure-Go backend: a
// blocked, packed, multi-goroutine GEMM (Goto & van de Geijn 2008, "Anatomy
// of high-performance matrix multiplication") around an 8-lane AVX2 FMA
// micro-kernel written with Go 1.26's simd/archsimd, when the program is
// built with GOEXPERIMENT=simd and the CPU has AVX2 and FMA; otherwise it
// calls gonum's pure-Go Sgemm.
package sgemm

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Mul sets C = op(A)·op(B), with row-major matrices: op(A) is m×k, op(B) is
// k×n and C is m×n with row stride ldc. op(X) is X, or Xᵀ when transX (then
// X is stored k×m or n×k). lda and ldb are the row strides of A and B as
// stored.
func Mul(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	mul(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, false)
}

// MulAdd is Mul accumulating into C: C += op(A)·op(B).
func MulAdd(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	mul(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, true)
}

func mul(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !accumulate {
			for i := range m {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	if Accelerated {
		mulBlocked(view{a, lda, transA}, view{b, ldb, transB}, m, n, k, c, ldc, accumulate)
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	var beta float32
	if accumulate {
		beta = 1
	}
	gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}

// view is a stored matrix: element (i, j) of op(X) is data[i*ld+j], or
// data[j*ld+i] when transposed.
type view struct {
	data       []float32
	ld         int
	transposed bool
}

func (v view) at(i, j int) float32 {
	if v.transposed {
		return v.data[j*v.ld+i]
	}
	return v.data[i*v.ld+j]
}

// sub returns the view of op(X)[i:, j:].
func (v view) sub(i, j int) view {
	if v.transposed {
		i, j = j, i
	}
	v.data = v.data[i*v.ld+j:]
	return v
}

// Blocking. The micro-kernel computes an mr×nr tile of C over kc of the
// shared dimension, from a panel of A packed as broadcast vectors (mr·8
// floats per k step) and a panel of B (nr floats per k step). With A
// pre-broadcast the A panel is the larger one, so it is the one kept in L1
// (kc·mr·32 B = 20 KiB of the 32 KiB) while the B panels of a kc×nc block
// (512 KiB, in the 1 MiB L2) stream past it: the loop order is that of Goto
// & van de Geijn with the roles of A and B swapped. kc is a multiple of the
// kernel's 4-step unrolling. archsimd has no prefetch instruction; the
// hardware prefetcher follows the sequential B panels.
const (
	mr, nr = 5, 16
	kc, nc = 128, 1024
)

// mulBlocked computes C = op(A)·op(B), or C += op(A)·op(B) when accumulate,
// splitting the larger of m and n over GOMAXPROCS goroutines.
func mulBlocked(a, b view, m, n, k int, c []float32, ldc int, accumulate bool) {
	workers := runtime.GOMAXPROCS(0)
	// Each worker needs enough work (2M multiply-adds, ~0.1 ms) to pay for
	// starting it and for packing its own copy of the shared operand.
	workers = min(workers, max(1, m*n*k/(1<<21)))
	if workers == 1 {
		mulSerial(a, b, m, n, k, c, ldc, accumulate)
		return
	}
	var wg sync.WaitGroup
	if n >= m {
		chunk := (n + workers*nr - 1) / (workers * nr) * nr
		for j := 0; j < n; j += chunk {
			wg.Go(func() { mulSerial(a, b.sub(0, j), m, min(chunk, n-j), k, c[j:], ldc, accumulate) })
		}
	} else {
		chunk := (m + workers*mr - 1) / (workers * mr) * mr
		for i := 0; i < m; i += chunk {
			wg.Go(func() { mulSerial(a.sub(i, 0), b, min(chunk, m-i), n, k, c[i*ldc:], ldc, accumulate) })
		}
	}
	wg.Wait()
}

// panels are the packing buffers of one goroutine. Being larger than 32 KiB
// they are allocated page-aligned, and a's size is a multiple of 64 B, so
// every 32-byte load the kernel makes from them stays within a cache line.
type panels struct {
	a [kc * mr * 8]float32
	b [kc * nc]float32
}

var panelPool = sync.Pool{New: func() any { return new(panels) }}

// mulSerial is the blocked GEMM on one goroutine.
func mulSerial(a, b view, m, n, k int, c []float32, ldc int, accumulate bool) {
	p := panelPool.Get().(*panels)
	defer panelPool.Put(p)
	var tile [mr * nr]float32
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			kp := (kb + 3) &^ 3 // the kernel's steps, over zero padding
			overwrite := pc == 0 && !accumulate
			packB(p.b[:], b.sub(pc, jc), kb, kp, nb)
			for ir := 0; ir < m; ir += mr {
				rows := min(mr, m-ir)
				packA(p.a[:], a.sub(ir, pc), rows, kb, kp)
				for jr := 0; jr < nb; jr += nr {
					bPanel := p.b[jr*kp : (jr+nr)*kp]
					out := c[ir*ldc+jc+jr:]
					cols := min(nr, nb-jr)
					if rows == mr && cols == nr {
						kernel(kp, p.a[:], bPanel, out, ldc, overwrite)
						continue
					}
					// Edge tile: compute the full tile aside, keep the valid part.
					kernel(kp, p.a[:], bPanel, tile[:], nr, true)
					for i := range rows {
						row := out[i*ldc : i*ldc+cols]
						if overwrite {
							copy(row, tile[i*nr:i*nr+cols])
						} else {
							for j := range row {
								row[j] += tile[i*nr+j]
							}
						}
					}
				}
			}
		}
	}
}

// packA copies op(A)[0:rows, 0:kb] into one panel for the kernel, k-major
// with each element broadcast to 8 lanes ([kp][mr][8]), zero-padded to mr
// rows and kp steps.
func packA(dst []float32, a view, rows, kb, kp int) {
	dst = dst[:kp*mr*8]
	clear(dst[kb*mr*8:])
	for i := range mr {
		switch {
		case i >= rows:
			for p := range kb {
				splat(dst[(p*mr+i)*8:], 0)
			}
		case !a.transposed:
			for p, v := range a.data[i*a.ld : i*a.ld+kb] {
				splat(dst[(p*mr+i)*8:], v)
			}
		default:
			for p := range kb {
				splat(dst[(p*mr+i)*8:], a.data[p*a.ld+i])
			}
		}
	}
}

// packB copies op(B)[0:kb, 0:nb] into panels of nr columns, each stored
// k-major ([kp][nr]), zero-padded to nr columns and kp steps.
func packB(dst []float32, b view, kb, kp, nb int) {
	for jr := 0; jr < nb; jr += nr {
		panel := dst[jr*kp : (jr+nr)*kp]
		cols := min(nr, nb-jr)
		for p := range kb {
			row := panel[p*nr : p*nr+nr]
			if !b.transposed {
				copy(row, b.data[p*b.ld+jr:p*b.ld+jr+cols])
			} else {
				for j := range cols {
					row[j] = b.data[(jr+j)*b.ld+p]
				}
			}
			clear(row[cols:])
		}
		clear(panel[kb*nr:])
	}
}
