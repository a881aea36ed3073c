//go:build goexperiment.simd && amd64

package sgemm

import "simd/archsimd"

// Accelerated reports whether Mul uses the AVX2 micro-kernel (else gonum).
var Accelerated = archsimd.X86.AVX2() && archsimd.X86.FMA()

type vec = archsimd.Float32x8

// kernel computes the mr×nr (6×16) tile C = A·B (or C += A·B unless
// overwrite) from an A panel ([k][6], see packA) and a B panel: k rows of 16
// floats, ldb apart (see packB); k is a multiple of 4. It checks the panels'
// and the tile's extents and calls kernelAVX2 (kernel_amd64.s).
//
// The kernel is assembly because Go's compiler, through archsimd, cannot
// express its two essentials: VBROADCASTSS from memory (BroadcastFloat32x8
// compiles to a scalar load and a shuffle) and VFMADD231PS, which
// accumulates into its third operand (MulAdd is VFMADD213PS, which
// overwrites its receiver, so every reused A vector costs a register
// copy). With both, 12 accumulators, 2 B vectors and one broadcast fill 15
// of the 16 vector registers, and each k step is 8 loads for 12 FMAs; the
// archsimd kernel it replaces held 5×16 from an A panel packed as
// broadcast vectors, 7 loads per 10 FMAs, eight floats packed per element
// of A, at 43 GFLOP/s on one core against 66 for PyTorch's sgemm 2048.
func kernel(k int, a, b []float32, ldb int, c []float32, ldc int, overwrite bool) {
	_ = a[mr*k-1]
	_ = b[(k-1)*ldb+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernelAVX2(k, &a[0], &b[0], ldb, &c[0], ldc, overwrite)
}

//go:noescape
func kernelAVX2(k int, a, b *float32, ldb int, c *float32, ldc int, overwrite bool)

// transpose8 sets dst[q*ldd+r] = src[r*lds+q] for r, q < 8: eight loads,
// 24 shuffles and eight stores instead of 64 scalar moves. The in-lane
// shuffles transpose the 4×4 blocks of rows 0–3 and of rows 4–7 within
// each 128-bit half, and the cross-lane ones pair their halves.
func transpose8(dst []float32, ldd int, src []float32, lds int) {
	c0, c1, c2, c3 := transpose4(src, lds)
	c4, c5, c6, c7 := transpose4(src[4*lds:], lds)
	c0.Select128FromPair(0, 2, c4).StoreSlice(dst[0:8])
	c1.Select128FromPair(0, 2, c5).StoreSlice(dst[ldd : ldd+8])
	c2.Select128FromPair(0, 2, c6).StoreSlice(dst[2*ldd : 2*ldd+8])
	c3.Select128FromPair(0, 2, c7).StoreSlice(dst[3*ldd : 3*ldd+8])
	c0.Select128FromPair(1, 3, c4).StoreSlice(dst[4*ldd : 4*ldd+8])
	c1.Select128FromPair(1, 3, c5).StoreSlice(dst[5*ldd : 5*ldd+8])
	c2.Select128FromPair(1, 3, c6).StoreSlice(dst[6*ldd : 6*ldd+8])
	c3.Select128FromPair(1, 3, c7).StoreSlice(dst[7*ldd : 7*ldd+8])
}

// transpose4 loads 4 rows of 8 and returns their columns q and q+4 in
// the halves of vector q.
func transpose4(src []float32, lds int) (_, _, _, _ vec) {
	r0 := archsimd.LoadFloat32x8Slice(src[0:8])
	r1 := archsimd.LoadFloat32x8Slice(src[lds : lds+8])
	r2 := archsimd.LoadFloat32x8Slice(src[2*lds : 2*lds+8])
	r3 := archsimd.LoadFloat32x8Slice(src[3*lds : 3*lds+8])
	t0 := r0.SelectFromPairGrouped(0, 1, 4, 5, r1)
	t1 := r2.SelectFromPairGrouped(0, 1, 4, 5, r3)
	t2 := r0.SelectFromPairGrouped(2, 3, 6, 7, r1)
	t3 := r2.SelectFromPairGrouped(2, 3, 6, 7, r3)
	return t0.SelectFromPairGrouped(0, 2, 4, 6, t1), t0.SelectFromPairGrouped(1, 3, 5, 7, t1),
		t2.SelectFromPairGrouped(0, 2, 4, 6, t3), t2.SelectFromPairGrouped(1, 3, 5, 7, t3)
}
