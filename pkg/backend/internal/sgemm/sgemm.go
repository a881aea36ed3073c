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
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	if Accelerated {
		mulBlocked(view{a, lda, transA}, view{b, ldb, transB}, m, n, k, c, ldc)
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
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

// Blocking: the micro-kernel computes an mr×nr tile of C from packed panels
// of A (mr rows) and B (nr columns) over kc of the shared dimension; a kc×nr
// panel of B (16 KiB) stays in L1, an mc×kc block of A (128 KiB) in L2.
const (
	mr, nr = 4, 16
	kc, mc = 256, 128
	nc     = 2048
)

// mulBlocked computes C = op(A)·op(B), splitting the larger of m and n over
// GOMAXPROCS goroutines.
func mulBlocked(a, b view, m, n, k int, c []float32, ldc int) {
	workers := runtime.GOMAXPROCS(0)
	// Each worker needs enough columns (or rows) to amortize its packing.
	workers = min(workers, max(1, m*n*k/(1<<21)))
	if workers == 1 {
		mulSerial(a, b, m, n, k, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if n >= m {
		chunk := (n/workers + nr - 1) / nr * nr
		for j := 0; j < n; j += chunk {
			wg.Add(1)
			go func(j int) {
				defer wg.Done()
				mulSerial(a, b.sub(0, j), m, min(chunk, n-j), k, c[j:], ldc)
			}(j)
		}
	} else {
		chunk := (m/workers + mr - 1) / mr * mr
		for i := 0; i < m; i += chunk {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				mulSerial(a.sub(i, 0), b, min(chunk, m-i), n, k, c[i*ldc:], ldc)
			}(i)
		}
	}
	wg.Wait()
}

// panels are the packing buffers of one goroutine.
type panels struct {
	a [mc * kc]float32
	b [kc * nc]float32
}

var panelPool = sync.Pool{New: func() any { return new(panels) }}

// mulSerial is the blocked GEMM on one goroutine.
func mulSerial(a, b view, m, n, k int, c []float32, ldc int) {
	p := panelPool.Get().(*panels)
	defer panelPool.Put(p)
	var tile [mr * nr]float32
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			packB(p.b[:], b.sub(pc, jc), kb, nb)
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				packA(p.a[:], a.sub(ic, pc), mb, kb)
				for jr := 0; jr < nb; jr += nr {
					bPanel := p.b[jr*kb : (jr+nr)*kb]
					for ir := 0; ir < mb; ir += mr {
						aPanel := p.a[ir*kb : (ir+mr)*kb]
						out := c[(ic+ir)*ldc+jc+jr:]
						rows, cols := min(mr, mb-ir), min(nr, nb-jr)
						if rows == mr && cols == nr {
							kernel(kb, aPanel, bPanel, out, ldc, pc == 0)
							continue
						}
						// Edge tile: compute the full tile aside, keep the valid part.
						kernel(kb, aPanel, bPanel, tile[:], nr, true)
						for i := range rows {
							row := out[i*ldc : i*ldc+cols]
							if pc == 0 {
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
}

// packA copies op(A)[0:mb, 0:kb] into panels of mr rows, each stored
// k-major ([kb][mr]), zero-padding the last panel.
func packA(dst []float32, a view, mb, kb int) {
	for ir := 0; ir < mb; ir += mr {
		panel := dst[ir*kb : (ir+mr)*kb]
		rows := min(mr, mb-ir)
		for i := range mr {
			if i >= rows {
				for p := range kb {
					panel[p*mr+i] = 0
				}
				continue
			}
			if !a.transposed {
				src := a.data[(ir+i)*a.ld : (ir+i)*a.ld+kb]
				for p, v := range src {
					panel[p*mr+i] = v
				}
				continue
			}
			for p := range kb {
				panel[p*mr+i] = a.data[p*a.ld+ir+i]
			}
		}
	}
}

// packB copies op(B)[0:kb, 0:nb] into panels of nr columns, each stored
// k-major ([kb][nr]), zero-padding the last panel.
func packB(dst []float32, b view, kb, nb int) {
	for jr := 0; jr < nb; jr += nr {
		panel := dst[jr*kb : (jr+nr)*kb]
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
	}
}
