//go:build !(goexperiment.simd && amd64)

package sgemm

// Accelerated reports whether Mul uses the AVX2 micro-kernel (else gonum):
// this build has no simd/archsimd (build with GOEXPERIMENT=simd on amd64).
const Accelerated = false

// kernel and transpose8 are only called when Accelerated.
func kernel(k int, a, b []float32, ldb int, c []float32, ldc int, overwrite bool) {
	panic("sgemm: kernel called without simd/archsimd")
}

func transpose8(dst []float32, ldd int, src []float32, lds int) {
	panic("sgemm: transpose8 called without simd/archsimd")
}
