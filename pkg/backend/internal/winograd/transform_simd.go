//go:build goexperiment.simd && amd64

package winograd

import "simd/archsimd"

// With AVX2, the transforms of 8 tiles run at once, a tile to a lane.
func init() {
	if !archsimd.X86.AVX2() || !archsimd.X86.FMA() {
		return
	}
	f4, f2 := &algorithms[F4x4], &algorithms[F2x2]
	f4.input8, f4.output8, f4.gatherRun, f4.outputRun = inputF4x8, outputF4x8, gatherF4, outputRunF4
	f2.input8, f2.output8, f2.gatherRun, f2.outputRun = inputF2x8, outputF2x8, gatherF2, outputRunF2
}

type vec = archsimd.Float32x8

func load(p *[8]float32) vec { return archsimd.LoadFloat32x8(p) }

func loadAt(s []float32, i int) vec { return archsimd.LoadFloat32x8Slice(s[i:]) }

// bt6 is one column (or row) of Bᵀ d for F(4×4, 3×3); see inputF4.
func bt6(d0, d1, d2, d3, d4, d5 vec) (t0, t1, t2, t3, t4, t5 vec) {
	two, four, five := archsimd.BroadcastFloat32x8(2), archsimd.BroadcastFloat32x8(4), archsimd.BroadcastFloat32x8(5)
	a, b := d4.Sub(d2.Mul(four)), d3.Sub(d1.Mul(four))
	c, e := d4.Sub(d2), d3.Sub(d1).Mul(two)
	return d0.MulAdd(four, d4).Sub(d2.Mul(five)), a.Add(b), a.Sub(b), c.Add(e), c.Sub(e), d1.MulAdd(four, d5).Sub(d3.Mul(five))
}

func inputF4x8(d *[36][8]float32, v []float32, stride int) {
	var t [36]vec
	for j := range 6 {
		t[j], t[6+j], t[12+j], t[18+j], t[24+j], t[30+j] = bt6(load(&d[j]), load(&d[6+j]), load(&d[12+j]), load(&d[18+j]), load(&d[24+j]), load(&d[30+j]))
	}
	for i := range 6 {
		v0, v1, v2, v3, v4, v5 := bt6(t[6*i], t[6*i+1], t[6*i+2], t[6*i+3], t[6*i+4], t[6*i+5])
		o := 6 * i * stride
		v0.StoreSlice(v[o:])
		v1.StoreSlice(v[o+stride:])
		v2.StoreSlice(v[o+2*stride:])
		v3.StoreSlice(v[o+3*stride:])
		v4.StoreSlice(v[o+4*stride:])
		v5.StoreSlice(v[o+5*stride:])
	}
}

// at4 is one column (or row) of Aᵀ m for F(4×4, 3×3); see outputF4.
func at4(m0, m1, m2, m3, m4, m5 vec) (y0, y1, y2, y3 vec) {
	two, four, eight := archsimd.BroadcastFloat32x8(2), archsimd.BroadcastFloat32x8(4), archsimd.BroadcastFloat32x8(8)
	a, b := m1.Add(m2), m1.Sub(m2)
	c, e := m3.Add(m4), m3.Sub(m4)
	return m0.Add(a).Add(c), e.MulAdd(two, b), c.MulAdd(four, a), e.MulAdd(eight, b).Add(m5)
}

func outputF4x8(m []float32, stride int, y *[16][8]float32) {
	var t [24]vec
	for j := range 6 {
		t[j], t[6+j], t[12+j], t[18+j] = at4(loadAt(m, j*stride), loadAt(m, (6+j)*stride), loadAt(m, (12+j)*stride),
			loadAt(m, (18+j)*stride), loadAt(m, (24+j)*stride), loadAt(m, (30+j)*stride))
	}
	for i := range 4 {
		y0, y1, y2, y3 := at4(t[6*i], t[6*i+1], t[6*i+2], t[6*i+3], t[6*i+4], t[6*i+5])
		y0.Store(&y[4*i])
		y1.Store(&y[4*i+1])
		y2.Store(&y[4*i+2])
		y3.Store(&y[4*i+3])
	}
}

func inputF2x8(d *[36][8]float32, v []float32, stride int) {
	var t [16]vec
	for j := range 4 {
		d0, d1, d2, d3 := load(&d[j]), load(&d[4+j]), load(&d[8+j]), load(&d[12+j])
		t[j], t[4+j], t[8+j], t[12+j] = d0.Sub(d2), d1.Add(d2), d2.Sub(d1), d1.Sub(d3)
	}
	for i := range 4 {
		d0, d1, d2, d3 := t[4*i], t[4*i+1], t[4*i+2], t[4*i+3]
		o := 4 * i * stride
		d0.Sub(d2).StoreSlice(v[o:])
		d1.Add(d2).StoreSlice(v[o+stride:])
		d2.Sub(d1).StoreSlice(v[o+2*stride:])
		d1.Sub(d3).StoreSlice(v[o+3*stride:])
	}
}

func outputF2x8(m []float32, stride int, y *[16][8]float32) {
	var t [8]vec
	for j := range 4 {
		m0, m1, m2, m3 := loadAt(m, j*stride), loadAt(m, (4+j)*stride), loadAt(m, (8+j)*stride), loadAt(m, (12+j)*stride)
		t[j], t[4+j] = m0.Add(m1).Add(m2), m1.Sub(m2).Sub(m3)
	}
	for i := range 2 {
		m0, m1, m2, m3 := t[4*i], t[4*i+1], t[4*i+2], t[4*i+3]
		m0.Add(m1).Add(m2).Store(&y[2*i])
		m1.Sub(m2).Sub(m3).Store(&y[2*i+1])
	}
}

// transpose4 transposes the 4×4 matrix of rows a, b, c, d in each 128-bit
// half: w0 = {a0, b0, c0, d0 | a4, b4, c4, d4} and so on.
func transpose4(a, b, c, d vec) (w0, w1, w2, w3 vec) {
	s0, s1 := a.SelectFromPairGrouped(0, 1, 4, 5, b), a.SelectFromPairGrouped(2, 3, 6, 7, b)
	s2, s3 := c.SelectFromPairGrouped(0, 1, 4, 5, d), c.SelectFromPairGrouped(2, 3, 6, 7, d)
	return s0.SelectFromPairGrouped(0, 2, 4, 6, s2), s0.SelectFromPairGrouped(1, 3, 5, 7, s2),
		s1.SelectFromPairGrouped(0, 2, 4, 6, s3), s1.SelectFromPairGrouped(1, 3, 5, 7, s3)
}

// deinterleave4 returns, from the 32 elements r = l0‖l1‖l2‖l3, the
// vectors {r[j], r[4+j], …, r[28+j]} for j = 0…3.
func deinterleave4(l0, l1, l2, l3 vec) (v0, v1, v2, v3 vec) {
	return transpose4(l0.Select128FromPair(0, 2, l2), l0.Select128FromPair(1, 3, l2),
		l1.Select128FromPair(0, 2, l3), l1.Select128FromPair(1, 3, l3))
}

// gatherF4 loads the 6×6 patches of 8 tiles side by side, 4 columns apart.
func gatherF4(x []float32, rs int, d *[36][8]float32) {
	for r := range 6 {
		row := x[r*rs : r*rs+34]
		v0, v1, v2, v3 := deinterleave4(loadAt(row, 0), loadAt(row, 8), loadAt(row, 16), loadAt(row, 24))
		// Columns 6 and 7 of the shifted rows (v6, v7) are not needed: the
		// last load stops at the row's end.
		v4, v5, _, _ := deinterleave4(loadAt(row, 4), loadAt(row, 12), loadAt(row, 20), archsimd.LoadFloat32x8SlicePart(row[28:]))
		v0.Store(&d[6*r])
		v1.Store(&d[6*r+1])
		v2.Store(&d[6*r+2])
		v3.Store(&d[6*r+3])
		v4.Store(&d[6*r+4])
		v5.Store(&d[6*r+5])
	}
}

// outputRunF4 writes the 4×4 output blocks of 8 tiles side by side to y.
func outputRunF4(m []float32, stride int, y []float32, rs int) {
	var out [16][8]float32
	outputF4x8(m, stride, &out)
	for i := range 4 {
		w0, w1, w2, w3 := transpose4(load(&out[4*i]), load(&out[4*i+1]), load(&out[4*i+2]), load(&out[4*i+3]))
		row := y[i*rs : i*rs+32]
		w0.Select128FromPair(0, 2, w1).StoreSlice(row[0:])
		w2.Select128FromPair(0, 2, w3).StoreSlice(row[8:])
		w0.Select128FromPair(1, 3, w1).StoreSlice(row[16:])
		w2.Select128FromPair(1, 3, w3).StoreSlice(row[24:])
	}
}

// gatherF2 loads the 4×4 patches of 8 tiles side by side, 2 columns apart.
func gatherF2(x []float32, rs int, d *[36][8]float32) {
	for r := range 4 {
		row := x[r*rs : r*rs+18]
		for j := 0; j < 4; j += 2 {
			l0, l1 := loadAt(row, j), loadAt(row, j+8)
			a, b := l0.Select128FromPair(0, 2, l1), l0.Select128FromPair(1, 3, l1)
			a.SelectFromPairGrouped(0, 2, 4, 6, b).Store(&d[4*r+j])
			a.SelectFromPairGrouped(1, 3, 5, 7, b).Store(&d[4*r+j+1])
		}
	}
}

// outputRunF2 writes the 2×2 output blocks of 8 tiles side by side to y.
func outputRunF2(m []float32, stride int, y []float32, rs int) {
	var out [16][8]float32
	outputF2x8(m, stride, &out)
	for i := range 2 {
		y0, y1 := load(&out[2*i]), load(&out[2*i+1])
		a, b := y0.SelectFromPairGrouped(0, 4, 1, 5, y1), y0.SelectFromPairGrouped(2, 6, 3, 7, y1)
		row := y[i*rs : i*rs+16]
		a.Select128FromPair(0, 2, b).StoreSlice(row[0:])
		a.Select128FromPair(1, 3, b).StoreSlice(row[8:])
	}
}
