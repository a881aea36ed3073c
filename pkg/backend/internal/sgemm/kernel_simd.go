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
