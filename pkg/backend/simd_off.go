//go:build !(goexperiment.simd && amd64)

package backend

// simdBuild reports whether this build has Go's SIMD experiment on amd64,
// which the AVX2 matrix-product kernel needs (see gemmWarning).
const simdBuild = false
