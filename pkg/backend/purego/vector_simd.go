//go:build goexperiment.simd && amd64

package purego

import "simd/archsimd"

// Element-wise float32 loops on AVX's eight lanes, each ending on its Go
// version (strided.go) for the last len%8 elements and on CPUs
// without AVX.

var hasAVX = archsimd.X86.AVX()

// binaryRunScalar sets run to src op k (k op src when kFirst): a bias added
// to every pixel of a channel, a norm's mean subtracted or deviation divided
// by, a ReLU.
func binaryRunScalar(op binaryOp, kFirst bool, run, src []float32, k float32) {
	if !hasAVX {
		binaryRunScalarGo(op, kFirst, run, src, k)
		return
	}
	run = run[:len(src)]
	kv := archsimd.BroadcastFloat32x8(k)
	n := len(src) &^ 7
	switch {
	case op == binaryAdd:
		for i := 0; i < n; i += 8 {
			archsimd.LoadFloat32x8Slice(src[i : i+8]).Add(kv).StoreSlice(run[i : i+8])
		}
	case op == binaryMul:
		for i := 0; i < n; i += 8 {
			archsimd.LoadFloat32x8Slice(src[i : i+8]).Mul(kv).StoreSlice(run[i : i+8])
		}
	case op == binarySub && kFirst:
		for i := 0; i < n; i += 8 {
			kv.Sub(archsimd.LoadFloat32x8Slice(src[i : i+8])).StoreSlice(run[i : i+8])
		}
	case op == binarySub:
		for i := 0; i < n; i += 8 {
			archsimd.LoadFloat32x8Slice(src[i : i+8]).Sub(kv).StoreSlice(run[i : i+8])
		}
	case op == binaryDiv && kFirst:
		for i := 0; i < n; i += 8 {
			kv.Div(archsimd.LoadFloat32x8Slice(src[i : i+8])).StoreSlice(run[i : i+8])
		}
	case op == binaryDiv:
		for i := 0; i < n; i += 8 {
			archsimd.LoadFloat32x8Slice(src[i : i+8]).Div(kv).StoreSlice(run[i : i+8])
		}
	default:
		// VMAXPS returns its second operand when either is NaN, so the
		// Merge puts src's NaN lanes back.
		for i := 0; i < n; i += 8 {
			v := archsimd.LoadFloat32x8Slice(src[i : i+8])
			v.Max(kv).Merge(v, v.Equal(v)).StoreSlice(run[i : i+8])
		}
	}
	binaryRunScalarGo(op, kFirst, run[n:], src[n:], k)
}

// sum32 is sum32Go with its eight partial sums in the lanes of a vector.
func sum32(x []float32) float32 {
	if !hasAVX || len(x) < 8 {
		return sum32Go(x)
	}
	n := len(x) &^ 7
	acc := archsimd.LoadFloat32x8Slice(x[0:8])
	for i := 8; i < n; i += 8 {
		acc = acc.Add(archsimd.LoadFloat32x8Slice(x[i : i+8]))
	}
	var s [8]float32
	acc.Store(&s)
	for i := n; i < len(x); i++ {
		s[i%8] += x[i]
	}
	return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
}

// addTo32 adds x to acc element by element.
func addTo32(acc, x []float32) {
	if !hasAVX {
		addTo32Go(acc, x)
		return
	}
	acc = acc[:len(x)]
	n := len(x) &^ 7
	for i := 0; i < n; i += 8 {
		archsimd.LoadFloat32x8Slice(acc[i : i+8]).Add(archsimd.LoadFloat32x8Slice(x[i : i+8])).StoreSlice(acc[i : i+8])
	}
	addTo32Go(acc[n:], x[n:])
}

// binaryRun sets run to src op w element by element (w op src when wFirst).
func binaryRun(op binaryOp, wFirst bool, run, src, w []float32) {
	if !hasAVX {
		binaryRunGo(op, wFirst, run, src, w)
		return
	}
	run, w = run[:len(src)], w[:len(src)]
	n := len(src) &^ 7
	if wFirst && (op == binarySub || op == binaryDiv) {
		src, w = w, src
	}
	switch op {
	case binaryAdd:
		for i := 0; i < n; i += 8 {
			archsimd.LoadFloat32x8Slice(src[i : i+8]).Add(archsimd.LoadFloat32x8Slice(w[i : i+8])).StoreSlice(run[i : i+8])
		}
	case binaryMul:
		for i := 0; i < n; i += 8 {
			archsimd.LoadFloat32x8Slice(src[i : i+8]).Mul(archsimd.LoadFloat32x8Slice(w[i : i+8])).StoreSlice(run[i : i+8])
		}
	case binarySub:
		for i := 0; i < n; i += 8 {
			archsimd.LoadFloat32x8Slice(src[i : i+8]).Sub(archsimd.LoadFloat32x8Slice(w[i : i+8])).StoreSlice(run[i : i+8])
		}
	case binaryDiv:
		for i := 0; i < n; i += 8 {
			archsimd.LoadFloat32x8Slice(src[i : i+8]).Div(archsimd.LoadFloat32x8Slice(w[i : i+8])).StoreSlice(run[i : i+8])
		}
	default: // NaN from either side propagating, as in the scalar loop
		for i := 0; i < n; i += 8 {
			v, u := archsimd.LoadFloat32x8Slice(src[i:i+8]), archsimd.LoadFloat32x8Slice(w[i:i+8])
			v.Max(u).Merge(v, v.Equal(v)).Merge(u, u.Equal(u)).StoreSlice(run[i : i+8])
		}
	}
	binaryRunGo(op, false, run[n:], src[n:], w[n:])
}
