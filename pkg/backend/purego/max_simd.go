//go:build goexperiment.simd && amd64

package purego

import "simd/archsimd"

var vectorMax = archsimd.X86.AVX()

// maxScalar32 sets y[i] = max(x[i], k), eight lanes at a time. VMAXPS
// returns its second operand when either is NaN, so the Merge puts x's NaN
// lanes back.
func maxScalar32(y, x []float32, k float32) {
	if !vectorMax {
		maxScalarGo(y, x, k)
		return
	}
	y = y[:len(x)]
	kv := archsimd.BroadcastFloat32x8(k)
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := archsimd.LoadFloat32x8Slice(x[i : i+8])
		v.Max(kv).Merge(v, v.Equal(v)).StoreSlice(y[i : i+8])
	}
	maxScalarGo(y[i:], x[i:], k)
}

// maxPairs32 sets y[i] = max(x[i], w[i]), eight lanes at a time, NaN from
// either side propagating.
func maxPairs32(y, x, w []float32) {
	if !vectorMax {
		maxPairsGo(y, x, w)
		return
	}
	y, w = y[:len(x)], w[:len(x)]
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := archsimd.LoadFloat32x8Slice(x[i : i+8])
		u := archsimd.LoadFloat32x8Slice(w[i : i+8])
		v.Max(u).Merge(v, v.Equal(v)).Merge(u, u.Equal(u)).StoreSlice(y[i : i+8])
	}
	maxPairsGo(y[i:], x[i:], w[i:])
}
