package imagequality

import "math"

// gaussian returns the taps −radius … radius of a Gaussian of standard
// deviation sigma normalised to sum 1 (order 0), or of its first or second
// derivative (order 1, 2) with that normalisation, as scipy.ndimage's
// gaussian kernels.
func gaussian(sigma float64, radius, order int) []float64 {
	g := make([]float64, 2*radius+1)
	sum := 0.0
	for i := range g {
		x := float64(i - radius)
		g[i] = math.Exp(-0.5 * x * x / (sigma * sigma))
		sum += g[i]
	}
	s2 := sigma * sigma
	for i := range g {
		x := float64(i - radius)
		g[i] /= sum
		switch order {
		case 1:
			g[i] *= -x / s2
		case 2:
			g[i] *= x*x/(s2*s2) - 1/s2
		}
	}
	return g
}

// filterSame correlates p with wx along rows and wy along columns, with
// the border mirrored (scipy's "reflect": d c b a | a b c d), so the
// result has p's size.
func (p plane) filterSame(wx, wy []float64) plane {
	pass := func(src plane, w []float64, horizontal bool) plane {
		r := len(w) / 2
		out := plane{w: src.w, h: src.h, v: make([]float64, len(src.v))}
		for y := range src.h {
			for x := range src.w {
				s := 0.0
				for i, wi := range w {
					if horizontal {
						s += wi * src.v[y*src.w+mirror(x+i-r, src.w)]
					} else {
						s += wi * src.v[mirror(y+i-r, src.h)*src.w+x]
					}
				}
				out.v[y*src.w+x] = s
			}
		}
		return out
	}
	return pass(pass(p, wx, true), wy, false)
}

// mirror maps a coordinate outside [0, n) back into it by reflecting about
// the borders, repeating the border pixel.
func mirror(i, n int) int {
	period := 2 * n
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - 1 - i
	}
	return i
}
