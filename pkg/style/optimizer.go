package style

// Objective evaluates a function f at x, writes its gradient ∇f(x) into grad
// (of the same length as x) and returns f(x). An error (for instance a
// cancelled context, or a loss that is not a number) stops the optimiser,
// which returns it.
type Objective func(x, grad []float32) (float64, error)

// Optimizer minimises an Objective over a flat vector: the image's pixels.
type Optimizer interface {
	// Minimize takes up to steps optimisation steps from x, updating x in
	// place; x ends at the last point stepped to.
	Minimize(f Objective, x []float32, steps int) error
}

// dot returns Σ a_i·b_i, accumulated in float64.
func dot(a, b []float32) float64 {
	var sum float64
	for i, v := range a {
		sum += float64(v) * float64(b[i])
	}
	return sum
}

// axpy sets y += alpha·x.
func axpy(alpha float64, x, y []float32) {
	a := float32(alpha)
	for i, v := range x {
		y[i] += a * v
	}
}

// maxAbs returns max_i |x_i|.
func maxAbs(x []float32) float64 {
	var m float32
	for _, v := range x {
		if v < 0 {
			v = -v
		}
		if v > m {
			m = v
		}
	}
	return float64(m)
}
