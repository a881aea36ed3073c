//go:build goexperiment.simd && amd64

package sgemm

import (
	"simd/archsimd"
	"unsafe"
)

// Accelerated reports whether Mul uses the AVX2 micro-kernel (else gonum).
var Accelerated = archsimd.X86.AVX2() && archsimd.X86.FMA()

type vec = archsimd.Float32x8

// kernel computes the mr×nr (5×16) tile C = A·B (or C += A·B unless
// overwrite) from an A panel of broadcast vectors ([k][5][8], see packA) and
// a B panel ([k][16]); k is a multiple of 4.
//
// The shape follows from how Go compiles archsimd. MulAdd is VFMADD213PS,
// which overwrites its receiver, so each A vector, used twice, costs a
// register copy. With 15 allocatable vector registers (X15 is Go's zero
// register), 10 accumulators, 2 B vectors, an A vector and its copy are
// all that fit: a 6×16 tile would spill. BroadcastFloat32x8 compiles to a
// scalar load and a shuffle instead of a broadcast from memory, so packA
// broadcasts A once, and the k loop issues only loads and FMAs (7 loads per
// 10 FMAs; more loads per FMA measured slower). The loop steps unsafe
// pointers, after checking the panels' lengths once: with no bounds-check
// branches its FMAs share a block with the accumulators' phis, and the
// compiler's scheduler then keeps the source order, loading each A vector
// just before its FMAs, instead of hoisting all loads to the top and
// spilling.
func kernel(k int, a, b, c []float32, ldc int, overwrite bool) {
	_ = a[mr*8*k-1]
	_ = b[nr*k-1]
	pa, pb := unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0])
	const da, db = mr * 8 * 4, nr * 4 // bytes per k step
	var c00, c01, c10, c11, c20, c21, c30, c31, c40, c41 vec
	for {
		// Unrolled 4 times, to amortize the register moves that restore the
		// accumulators' registers at the back edge.
		c00, c01, c10, c11, c20, c21, c30, c31, c40, c41 = step(pa, pb, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41)
		c00, c01, c10, c11, c20, c21, c30, c31, c40, c41 = step(unsafe.Add(pa, da), unsafe.Add(pb, db), c00, c01, c10, c11, c20, c21, c30, c31, c40, c41)
		c00, c01, c10, c11, c20, c21, c30, c31, c40, c41 = step(unsafe.Add(pa, 2*da), unsafe.Add(pb, 2*db), c00, c01, c10, c11, c20, c21, c30, c31, c40, c41)
		c00, c01, c10, c11, c20, c21, c30, c31, c40, c41 = step(unsafe.Add(pa, 3*da), unsafe.Add(pb, 3*db), c00, c01, c10, c11, c20, c21, c30, c31, c40, c41)
		k -= 4
		if k == 0 {
			break
		}
		// Advanced only while in the panels: Go pointers must not point
		// past their allocation.
		pa, pb = unsafe.Add(pa, 4*da), unsafe.Add(pb, 4*db)
	}
	storeRow(c[0:nr], c00, c01, overwrite)
	storeRow(c[ldc:ldc+nr], c10, c11, overwrite)
	storeRow(c[2*ldc:2*ldc+nr], c20, c21, overwrite)
	storeRow(c[3*ldc:3*ldc+nr], c30, c31, overwrite)
	storeRow(c[4*ldc:4*ldc+nr], c40, c41, overwrite)
}

// step is one k step of kernel: pa points at 5 broadcast vectors of A, pb
// at 16 floats of B.
func step(pa, pb unsafe.Pointer, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41 vec) (_, _, _, _, _, _, _, _, _, _ vec) {
	b0 := archsimd.LoadFloat32x8((*[8]float32)(pb))
	b1 := archsimd.LoadFloat32x8((*[8]float32)(unsafe.Add(pb, 32)))
	x := archsimd.LoadFloat32x8((*[8]float32)(pa))
	c00, c01 = x.MulAdd(b0, c00), x.MulAdd(b1, c01)
	x = archsimd.LoadFloat32x8((*[8]float32)(unsafe.Add(pa, 32)))
	c10, c11 = x.MulAdd(b0, c10), x.MulAdd(b1, c11)
	x = archsimd.LoadFloat32x8((*[8]float32)(unsafe.Add(pa, 64)))
	c20, c21 = x.MulAdd(b0, c20), x.MulAdd(b1, c21)
	x = archsimd.LoadFloat32x8((*[8]float32)(unsafe.Add(pa, 96)))
	c30, c31 = x.MulAdd(b0, c30), x.MulAdd(b1, c31)
	x = archsimd.LoadFloat32x8((*[8]float32)(unsafe.Add(pa, 128)))
	c40, c41 = x.MulAdd(b0, c40), x.MulAdd(b1, c41)
	return c00, c01, c10, c11, c20, c21, c30, c31, c40, c41
}

func storeRow(row []float32, v0, v1 vec, overwrite bool) {
	if !overwrite {
		v0 = v0.Add(archsimd.LoadFloat32x8Slice(row[0:8]))
		v1 = v1.Add(archsimd.LoadFloat32x8Slice(row[8:16]))
	}
	v0.StoreSlice(row[0:8])
	v1.StoreSlice(row[8:16])
}

// splat sets dst[0:8] to v.
func splat(dst []float32, v float32) {
	archsimd.BroadcastFloat32x8(v).StoreSlice(dst)
}

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
