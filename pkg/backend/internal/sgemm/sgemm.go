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
	if empty(m, n, k, c, ldc, accumulate) {
		return
	}
	if Accelerated {
		mulBlocked(view{data: a, ld: lda, transposed: transA}, view{data: b, ld: ldb, transposed: transB}, m, n, k, c, ldc, accumulate, transposeC(m, n))
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

// empty reports whether the product has nothing to multiply, after setting
// C to the empty sum (zero) when k is 0 and it is not accumulated.
func empty(m, n, k int, c []float32, ldc int, accumulate bool) bool {
	if m == 0 || n == 0 {
		return true
	}
	if k == 0 && !accumulate {
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
	}
	return k == 0
}

// Rows is a k×n matrix that writes its rows on request instead of being
// stored (a convolution's patches, filled straight from the image): Row sets
// dst to the elements j, j+1, … of row p.
type Rows interface {
	Row(dst []float32, p, j int)
}

// MulRows sets C = op(A)·B for a B given by its rows: each block of B is
// written by B.Row into the GEMM's own packing buffers, so B is never whole
// in memory.
func MulRows(transA bool, m, n, k int, a []float32, lda int, b Rows, c []float32, ldc int) {
	if empty(m, n, k, c, ldc, false) {
		return
	}
	if Accelerated {
		mulBlocked(view{data: a, ld: lda, transposed: transA}, view{rows: b}, m, n, k, c, ldc, false, false)
		return
	}
	// gonum multiplies stored matrices: B a block of nc columns at a time.
	block := make([]float32, k*min(n, nc))
	for j := 0; j < n; j += nc {
		nb := min(nc, n-j)
		for p := range k {
			b.Row(block[p*nb:(p+1)*nb], p, j)
		}
		mul(transA, false, m, nb, k, a, lda, block, nb, c[j:], ldc, false)
	}
}

// view is a matrix: element (i, j) of op(X) is data[i*ld+j], or
// data[j*ld+i] when transposed; or, when rows is set, element
// (row0+i, col0+j) of rows (never transposed).
type view struct {
	data       []float32
	ld         int
	transposed bool
	rows       Rows
	row0, col0 int
}

func (v view) at(i, j int) float32 {
	if v.transposed {
		return v.data[j*v.ld+i]
	}
	return v.data[i*v.ld+j]
}

// t returns the view of op(X)ᵀ.
func (v view) t() view {
	v.transposed = !v.transposed
	return v
}

// sub returns the view of op(X)[i:, j:].
func (v view) sub(i, j int) view {
	if v.rows != nil {
		v.row0, v.col0 = v.row0+i, v.col0+j
		return v
	}
	if v.transposed {
		i, j = j, i
	}
	v.data = v.data[i*v.ld+j:]
	return v
}

// Blocking (Goto & van de Geijn's loop order). The micro-kernel computes an
// mr×nr tile of C over kc of the shared dimension, from a panel of A (mr
// floats per k step, 6 KiB at kc = 256) and a panel of B (nr floats per k
// step, 16 KiB): the B panel stays in L1 while the A panels of a block
// stream past it, and the kc×nc block of B (1 MiB) is packed once for
// all of m. kc is a multiple of the kernel's 4-step unrolling.
const (
	mr, nr = 6, 16
	kc, nc = 256, 1024
)

// mulBlocked computes C = op(A)·op(B), or C += op(A)·op(B) when accumulate,
// splitting the larger of m and n over GOMAXPROCS goroutines. When
// transposeC it computes Cᵀ = op(B)ᵀ·op(A)ᵀ instead, storing the kernel's
// tiles transposed, which makes op(B) the operand packA broadcasts: see
// transposeC for when that pays. transposeC requires n ≤ maxTransposed.
func mulBlocked(a, b view, m, n, k int, c []float32, ldc int, accumulate, transposeC bool) {
	out := view{data: c, ld: ldc}
	if transposeC {
		a, b, m, n = b.t(), a.t(), n, m
		out.transposed = true
	}
	workers := runtime.GOMAXPROCS(0)
	// Each worker needs enough work (2M multiply-adds, ~0.1 ms) to pay for
	// starting it and for packing its own copy of the shared operand.
	workers = min(workers, max(1, m*n*k/(1<<21)))
	if workers == 1 {
		mulSerial(a, b, m, n, k, out, accumulate)
		return
	}
	var wg sync.WaitGroup
	if n >= m {
		chunk := (n + workers*nr - 1) / (workers * nr) * nr
		for j := 0; j < n; j += chunk {
			wg.Go(func() { mulSerial(a, b.sub(0, j), m, min(chunk, n-j), k, out.sub(0, j), accumulate) })
		}
	} else {
		chunk := (m + workers*mr - 1) / (workers * mr) * mr
		for i := 0; i < m; i += chunk {
			wg.Go(func() { mulSerial(a.sub(i, 0), b, min(chunk, m-i), n, k, out.sub(i, 0), accumulate) })
		}
	}
	wg.Wait()
}

// transposeC reports whether mulBlocked should compute Cᵀ for an m×n C:
// for a C much taller than wide, which makes the long side the one whose
// packed panels are reused across the kernel's tiles. It costs a
// transposed copy of C, once per call, through a scratch block of n·nc
// floats, and op(A)ᵀ's panels are packed by transposing 8×8 blocks.
// Measured on one core, computing Cᵀ is 1.3× faster at m = 512, n = 64,
// k = 4608, 1.5× at n = 49 and 1.9× at n = 16 (k = 512), and 1.3× at
// m = 64, n = 16, k = 3136.
func transposeC(m, n int) bool {
	return n < m && n <= maxTransposed
}

const maxTransposed = 128

// scratch holds a block of Cᵀ: maxTransposed rows of nc (512 KiB).
type scratch [maxTransposed * nc]float32

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// panels are the packing buffers of one goroutine. Being larger than 32 KiB
// they are allocated page-aligned, and a's size is a multiple of 64 B, so
// every 32-byte load the kernel makes from them stays within a cache line.
type panels struct {
	a [kc * mr]float32
	b [kc * nc]float32
}

var panelPool = sync.Pool{New: func() any { return new(panels) }}

// mulSerial is the blocked GEMM on one goroutine, storing op(A)·op(B) into
// c (c.at(i, j) is element (i, j) of the product). When c is transposed
// (C was swapped for Cᵀ, m ≤ maxTransposed) it computes the product nc
// columns at a time into scratch and then copies that block into c: the
// kernel stores its tiles as rows of 16, and storing them element by
// element into the columns of c once per kc block took a fifth of the time.
func mulSerial(a, b view, m, n, k int, c view, accumulate bool) {
	if c.transposed {
		s := scratchPool.Get().(*scratch)
		defer scratchPool.Put(s)
		for jc := 0; jc < n; jc += nc {
			nb := min(nc, n-jc)
			block := view{data: s[:m*nb], ld: nb}
			mulSerial(a, b.sub(0, jc), m, nb, k, block, false)
			addTransposed(c.sub(0, jc), block, m, nb, accumulate)
		}
		return
	}
	p := panelPool.Get().(*panels)
	defer panelPool.Put(p)
	var tile [mr * nr]float32
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			kp := (kb + 3) &^ 3 // the kernel's steps, over zero padding
			overwrite := pc == 0 && !accumulate
			ldb, step := packB(p.b[:], b.sub(pc, jc), kb, kp, nb)
			for ir := 0; ir < m; ir += mr {
				rows := min(mr, m-ir)
				packA(p.a[:], a.sub(ir, pc), rows, kb, kp)
				for jr := 0; jr < nb; jr += nr {
					bPanel := p.b[jr*step:]
					out := c.data[ir*c.ld+jc+jr:]
					cols := min(nr, nb-jr)
					if rows == mr && cols == nr {
						kernel(kp, p.a[:], bPanel, ldb, out, c.ld, overwrite)
						continue
					}
					// Compute the tile aside, store its valid part.
					kernel(kp, p.a[:], bPanel, ldb, tile[:], nr, true)
					storeTile(out, c.ld, &tile, rows, cols, overwrite)
				}
			}
		}
	}
}

// storeTile stores tile[0:rows, 0:cols] (row stride nr) into c, or adds it
// to c unless overwrite.
func storeTile(c []float32, ldc int, tile *[mr * nr]float32, rows, cols int, overwrite bool) {
	for i := range rows {
		row := c[i*ldc : i*ldc+cols]
		if overwrite {
			copy(row, tile[i*nr:i*nr+cols])
		} else {
			for j := range row {
				row[j] += tile[i*nr+j]
			}
		}
	}
}

// addTransposed stores x[0:m, 0:n] into the transposed view c (c.at(i, j)
// is element (j, i) of C), or adds it when accumulate. It goes through
// 8×8 blocks, so each reads and writes 8 cache lines, for rows of C of
// any length.
func addTransposed(c, x view, m, n int, accumulate bool) {
	for i := 0; i < m; i += 8 {
		for j := 0; j < n; j += 8 {
			rows, cols := min(8, m-i), min(8, n-j)
			if rows == 8 && cols == 8 && !accumulate {
				transpose8(c.data[j*c.ld+i:], c.ld, x.data[i*x.ld+j:], x.ld)
				continue
			}
			for q := range cols {
				row := c.data[(j+q)*c.ld+i : (j+q)*c.ld+i+rows]
				for r := range row {
					v := x.data[(i+r)*x.ld+j+q]
					if accumulate {
						v += row[r]
					}
					row[r] = v
				}
			}
		}
	}
}

// packA copies op(A)[0:rows, 0:kb] into one panel for the kernel, k-major
// ([kp][mr]), zero-padded to mr rows and kp steps. It reads A in storage
// order: row by row, or, when transposed, one row of A (a column of the
// panel's rows) per k step.
func packA(dst []float32, a view, rows, kb, kp int) {
	dst = dst[:kp*mr]
	clear(dst[kb*mr:])
	if a.transposed {
		if rows < mr {
			clear(dst[:kb*mr])
		}
		for p := range kb {
			step := dst[p*mr : (p+1)*mr]
			for i, v := range a.data[p*a.ld : p*a.ld+rows] {
				step[i] = v // a loop: copy would call memmove for six floats
			}
		}
		return
	}
	// Six rows read side by side, so that dst is written in order.
	var r [mr][]float32
	for i := range r {
		r[i] = zeroRow[:kb]
		if i < rows {
			r[i] = a.data[i*a.ld : i*a.ld+kb]
		}
	}
	r0, r1, r2, r3, r4, r5 := r[0], r[1][:len(r[0])], r[2][:len(r[0])], r[3][:len(r[0])], r[4][:len(r[0])], r[5][:len(r[0])]
	for p := range r0 {
		d := dst[p*mr : p*mr+mr]
		d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
	}
}

// zeroRow stands in for the rows of A past m in packA.
var zeroRow [kc]float32

// packB copies op(B)[0:kb, 0:nb] into dst for the kernel, zero-padded to
// kp steps and to a multiple of nr columns, and returns the layout: the
// kernel's B panel for columns jr… starts at dst[jr*step] and its k steps
// are ldb floats apart. A stored B goes into panels of nr columns, each
// k-major ([kp][nr]: ldb = nr, step = kp); when B is transposed it
// transposes 8×8 blocks of B in registers rather than gathering each k step
// from nr rows (Cᵀ's products, see transposeC, pack A this way). A Rows
// operand writes its rows straight into dst, row-major (ldb = nb rounded up
// to nr, step = 1): copying them on into panels cost as much as the
// multiplication itself when C has few rows (a convolution's 3 output
// channels).
func packB(dst []float32, b view, kb, kp, nb int) (ldb, step int) {
	if b.rows != nil {
		ldb = (nb + nr - 1) / nr * nr
		for p := range kb {
			row := dst[p*ldb : (p+1)*ldb]
			b.rows.Row(row[:nb], b.row0+p, b.col0)
			clear(row[nb:])
		}
		clear(dst[kb*ldb : kp*ldb])
		return ldb, 1
	}
	for jr := 0; jr < nb; jr += nr {
		panel := dst[jr*kp : (jr+nr)*kp]
		cols := min(nr, nb-jr)
		if b.transposed {
			// 8×8 blocks through the vector registers, then the last
			// kb%8 steps of those columns and the last cols%8 columns.
			j8, p8 := cols&^7, kb&^7
			for j := 0; j < j8; j += 8 {
				for p := 0; p < p8; p += 8 {
					transpose8(panel[p*nr+j:], nr, b.data[(jr+j)*b.ld+p:], b.ld)
				}
			}
			for j := range cols {
				from := 0
				if j < j8 {
					from = p8
				}
				for p := from; p < kb; p++ {
					panel[p*nr+j] = b.data[(jr+j)*b.ld+p]
				}
			}
			if cols < nr {
				for p := range kb {
					clear(panel[p*nr+cols : (p+1)*nr])
				}
			}
		} else {
			for p := range kb {
				row := panel[p*nr : (p+1)*nr]
				copy(row, b.data[p*b.ld+jr:p*b.ld+jr+cols])
				clear(row[cols:])
			}
		}
		clear(panel[kb*nr:])
	}
	return nr, kp
}
