package winograd

// The per-tile transforms, written out so that each is a short run of adds
// and multiplies by small constants on fixed-size arrays (the compiler
// drops the bounds checks on them). Each applies a matrix on the left
// column by column, then on the right row by row. Patches and transformed
// tiles are α×α row-major (α = 6 for F(4×4, 3×3), 4 for F(2×2, 3×3)).

// kernelF4 sets u = G g Gᵀ for F(4×4, 3×3), in float64 so that the
// 1/6 and 1/24 entries of G cost only the final rounding to float32.
func kernelF4(g *[9]float64, u *[36]float64) {
	var t [18]float64 // G g, 6×3
	for j := range 3 {
		g0, g1, g2 := g[j], g[3+j], g[6+j]
		t[j], t[3+j], t[6+j], t[9+j], t[12+j], t[15+j] = gF4(g0, g1, g2)
	}
	for i := range 6 {
		u[6*i], u[6*i+1], u[6*i+2], u[6*i+3], u[6*i+4], u[6*i+5] = gF4(t[3*i], t[3*i+1], t[3*i+2])
	}
}

// gF4 is one column (or row) of G g. It multiplies by 1/6 and 1/12 rather
// than divide: the difference is far below float32's rounding, the time is
// not.
func gF4(g0, g1, g2 float64) (u0, u1, u2, u3, u4, u5 float64) {
	const sixth, twelfth = 1.0 / 6, 1.0 / 12
	even, odd := g0+g2, g1
	q := (g0/4 + g2) * sixth
	return g0 / 4, -(even + odd) * sixth, -(even - odd) * sixth, q + odd*twelfth, q - odd*twelfth, g2
}

// inputF4 writes V = Bᵀ d B for F(4×4, 3×3) to v[ξ*stride], ξ = 0…35.
func inputF4(d *[36]float32, v []float32, stride int) {
	var t [36]float32 // Bᵀ d
	for j := range 6 {
		d0, d1, d2, d3, d4, d5 := d[j], d[6+j], d[12+j], d[18+j], d[24+j], d[30+j]
		a, b := d4-4*d2, d3-4*d1
		c, e := d4-d2, 2*(d3-d1)
		t[j] = 4*d0 - 5*d2 + d4
		t[6+j] = a + b
		t[12+j] = a - b
		t[18+j] = c + e
		t[24+j] = c - e
		t[30+j] = 4*d1 - 5*d3 + d5
	}
	for i := range 6 {
		d0, d1, d2, d3, d4, d5 := t[6*i], t[6*i+1], t[6*i+2], t[6*i+3], t[6*i+4], t[6*i+5]
		a, b := d4-4*d2, d3-4*d1
		c, e := d4-d2, 2*(d3-d1)
		o := 6 * i * stride
		v[o] = 4*d0 - 5*d2 + d4
		v[o+stride] = a + b
		v[o+2*stride] = a - b
		v[o+3*stride] = c + e
		v[o+4*stride] = c - e
		v[o+5*stride] = 4*d1 - 5*d3 + d5
	}
}

// outputF4 sets y = Aᵀ m A for F(4×4, 3×3), y being 4×4.
func outputF4(m *[36]float32, y *[16]float32) {
	var t [24]float32 // Aᵀ m, 4×6
	for j := range 6 {
		m0, m1, m2, m3, m4, m5 := m[j], m[6+j], m[12+j], m[18+j], m[24+j], m[30+j]
		a, b := m1+m2, m1-m2
		c, e := m3+m4, m3-m4
		t[j] = m0 + a + c
		t[6+j] = b + 2*e
		t[12+j] = a + 4*c
		t[18+j] = b + 8*e + m5
	}
	for i := range 4 {
		m0, m1, m2, m3, m4, m5 := t[6*i], t[6*i+1], t[6*i+2], t[6*i+3], t[6*i+4], t[6*i+5]
		a, b := m1+m2, m1-m2
		c, e := m3+m4, m3-m4
		y[4*i] = m0 + a + c
		y[4*i+1] = b + 2*e
		y[4*i+2] = a + 4*c
		y[4*i+3] = b + 8*e + m5
	}
}

// kernelF2 sets u = G g Gᵀ for F(2×2, 3×3); u is 4×4 in the first 16
// elements.
func kernelF2(g *[9]float64, u *[36]float64) {
	var t [12]float64 // G g, 4×3
	for j := range 3 {
		g0, g1, g2 := g[j], g[3+j], g[6+j]
		t[j], t[3+j], t[6+j], t[9+j] = g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2
	}
	for i := range 4 {
		g0, g1, g2 := t[3*i], t[3*i+1], t[3*i+2]
		u[4*i], u[4*i+1], u[4*i+2], u[4*i+3] = g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2
	}
}

// inputF2 writes V = Bᵀ d B for F(2×2, 3×3) to v[ξ*stride], ξ = 0…15; d
// is 4×4 in the first 16 elements.
func inputF2(d *[36]float32, v []float32, stride int) {
	var t [16]float32 // Bᵀ d
	for j := range 4 {
		d0, d1, d2, d3 := d[j], d[4+j], d[8+j], d[12+j]
		t[j], t[4+j], t[8+j], t[12+j] = d0-d2, d1+d2, d2-d1, d1-d3
	}
	for i := range 4 {
		d0, d1, d2, d3 := t[4*i], t[4*i+1], t[4*i+2], t[4*i+3]
		o := 4 * i * stride
		v[o] = d0 - d2
		v[o+stride] = d1 + d2
		v[o+2*stride] = d2 - d1
		v[o+3*stride] = d1 - d3
	}
}

// outputF2 sets y = Aᵀ m A for F(2×2, 3×3); m is 4×4 and y 2×2, each in
// the first elements.
func outputF2(m *[36]float32, y *[16]float32) {
	var t [8]float32 // Aᵀ m, 2×4
	for j := range 4 {
		m0, m1, m2, m3 := m[j], m[4+j], m[8+j], m[12+j]
		t[j], t[4+j] = m0+m1+m2, m1-m2-m3
	}
	for i := range 2 {
		m0, m1, m2, m3 := t[4*i], t[4*i+1], t[4*i+2], t[4*i+3]
		y[2*i], y[2*i+1] = m0+m1+m2, m1-m2-m3
	}
}

// inputLanes makes of a one-tile input transform f one for 8 tiles, the
// lanes of d, writing tile k's V[ξ] to v[ξ*stride+k]: the portable
// counterpart of the vector transforms.
func inputLanes(f func(d *[36]float32, v []float32, stride int)) func(d *[36][8]float32, v []float32, stride int) {
	return func(d *[36][8]float32, v []float32, stride int) {
		var p [36]float32
		for k := range 8 {
			for i := range p {
				p[i] = d[i][k]
			}
			f(&p, v[k:], stride)
		}
	}
}

// outputLanes makes of a one-tile output transform f, for α² = aa, one for
// 8 tiles, reading tile k's M[ξ] from m[ξ*stride+k] and writing its output
// to lane k of y.
func outputLanes(aa int, f func(m *[36]float32, y *[16]float32)) func(m []float32, stride int, y *[16][8]float32) {
	return func(m []float32, stride int, y *[16][8]float32) {
		var p [36]float32
		var q [16]float32
		for k := range 8 {
			for i := range aa {
				p[i] = m[i*stride+k]
			}
			f(&p, &q)
			for i, v := range q {
				y[i][k] = v
			}
		}
	}
}
