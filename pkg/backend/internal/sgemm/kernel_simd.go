//go:build goexperiment.simd && amd64

package sgemm

import "simd/archsimd"

// Accelerated reports whether Mul uses the AVX2 micro-kernel (else gonum).
var Accelerated = archsimd.X86.AVX2() && archsimd.X86.FMA()

// kernel computes the mr×nr (4×16) tile C = A·B (or C += A·B unless
// overwrite) from a k-major A panel ([k][4]) and B panel ([k][16]): eight
// 8-lane accumulators, two B loads and four A broadcasts per k step.
func kernel(k int, a, b, c []float32, ldc int, overwrite bool) {
	var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x8
	a = a[:4*k]
	b = b[:16*k]
	for p := range k {
		bp := b[p*16 : p*16+16]
		b0 := archsimd.LoadFloat32x8Slice(bp[0:8])
		b1 := archsimd.LoadFloat32x8Slice(bp[8:16])
		ap := a[p*4 : p*4+4]
		a0 := archsimd.BroadcastFloat32x8(ap[0])
		c00 = a0.MulAdd(b0, c00)
		c01 = a0.MulAdd(b1, c01)
		a1 := archsimd.BroadcastFloat32x8(ap[1])
		c10 = a1.MulAdd(b0, c10)
		c11 = a1.MulAdd(b1, c11)
		a2 := archsimd.BroadcastFloat32x8(ap[2])
		c20 = a2.MulAdd(b0, c20)
		c21 = a2.MulAdd(b1, c21)
		a3 := archsimd.BroadcastFloat32x8(ap[3])
		c30 = a3.MulAdd(b0, c30)
		c31 = a3.MulAdd(b1, c31)
	}
	storeRow(c[0:16], c00, c01, overwrite)
	storeRow(c[ldc:ldc+16], c10, c11, overwrite)
	storeRow(c[2*ldc:2*ldc+16], c20, c21, overwrite)
	storeRow(c[3*ldc:3*ldc+16], c30, c31, overwrite)
}

func storeRow(row []float32, v0, v1 archsimd.Float32x8, overwrite bool) {
	if !overwrite {
		v0 = v0.Add(archsimd.LoadFloat32x8Slice(row[0:8]))
		v1 = v1.Add(archsimd.LoadFloat32x8Slice(row[8:16]))
	}
	v0.StoreSlice(row[0:8])
	v1.StoreSlice(row[8:16])
}
