package style

import "math"

// LBFGS is the limited-memory BFGS quasi-Newton method (Nocedal 1980; Liu &
// Nocedal 1989) that Gatys et al. and neural-style optimise images with. It
// follows torch.optim.LBFGS step by step, so that with the same settings it
// takes the same steps: the two-loop recursion over the last HistorySize
// curvature pairs (s, y), the initial Hessian sᵀy/yᵀy, a first step of
// min(1, 1/‖g‖₁)·lr, pairs with too little curvature skipped (see
// CurvatureEpsilon, the one deliberate difference), and, when LineSearch
// is set, PyTorch's strong-Wolfe line search with cubic interpolation
// (Nocedal & Wright 2006, Algorithms 3.5 and 3.6).
//
// Without the line search every step is lr·d and costs one evaluation, and
// the last step is taken without one (as PyTorch does): 300 steps cost 300
// evaluations. With it a step costs one or more.
//
// Its zero value is not usable: start from NewLBFGS, which sets PyTorch's
// defaults.
//
// Liu, Nocedal, "On the limited memory BFGS method for large scale
// optimization", Math. Programming 45, 1989: https://doi.org/10.1007/BF01589116
type LBFGS struct {
	LearningRate float64 // lr: the step along the search direction, or the line search's first guess; default 1.
	HistorySize  int     // m: how many (s, y) pairs approximate the inverse Hessian; default 100.
	LineSearch   bool    // Strong-Wolfe line search (Armijo c₁ = 1e-4, curvature c₂ = 0.9); default off, like PyTorch's.

	// MaxEvaluations bounds the evaluations of the objective in one
	// Minimize; 0 means PyTorch's default, 1.25 × steps.
	MaxEvaluations int

	// CurvatureEpsilon ε decides which curvature pairs enter the history:
	// those with sᵀy > ε·|gᵀs|, the scale-free test of L-BFGS-B (Byrd, Lu,
	// Nocedal & Zhu 1995), rather than PyTorch's absolute sᵀy > 1e-10. On
	// losses of small scale, such as style losses near convergence, the
	// absolute test rejects every new pair and L-BFGS degrades to gradient
	// descent with a frozen Hessian. Default 1e-7, about float32's machine
	// epsilon.
	CurvatureEpsilon float64

	// ToleranceGrad stops when max|gᵢ| ≤ ToleranceGrad; default 1e-7.
	ToleranceGrad float64
	// ToleranceChange stops when a step or the change of the loss is
	// smaller than it; default 1e-9.
	ToleranceChange float64

	// Clamp, when set, projects x back into [Min, Max] after every step;
	// the curvature pair then uses the step actually taken.
	Clamp    bool
	Min, Max float32
}

// NewLBFGS returns L-BFGS with PyTorch's defaults (lr 1, history 100, no
// line search, tolerances 1e-7 and 1e-9).
func NewLBFGS() *LBFGS {
	return &LBFGS{LearningRate: 1, HistorySize: 100, CurvatureEpsilon: 1e-7, ToleranceGrad: 1e-7, ToleranceChange: 1e-9, Min: 0, Max: 1}
}

// lbfgsHistory holds the last curvature pairs in a ring: s = x_{k+1} − x_k,
// y = g_{k+1} − g_k and ρ = 1/(yᵀs).
type lbfgsHistory struct {
	s, y  [][]float32
	rho   []float64
	first int // index of the oldest pair once the ring is full
	alpha []float64
}

func (h *lbfgsHistory) len() int { return len(h.s) }

// at returns the i-th oldest pair.
func (h *lbfgsHistory) at(i int) (s, y []float32, rho float64) {
	j := (h.first + i) % len(h.s)
	return h.s[j], h.y[j], h.rho[j]
}

// push appends a pair, dropping the oldest when size pairs are held; it
// returns the dropped pair's buffers for reuse (nil when none was dropped).
func (h *lbfgsHistory) push(s, y []float32, rho float64, size int) (oldS, oldY []float32) {
	if len(h.s) < size {
		h.s, h.y, h.rho = append(h.s, s), append(h.y, y), append(h.rho, rho)
		return nil, nil
	}
	oldS, oldY = h.s[h.first], h.y[h.first]
	h.s[h.first], h.y[h.first], h.rho[h.first] = s, y, rho
	h.first = (h.first + 1) % size
	return oldS, oldY
}

// direction computes d = −H·g by the two-loop recursion (Nocedal & Wright,
// Algorithm 7.4) with H₀ = hDiag·I.
func (h *lbfgsHistory) direction(g, d []float32, hDiag float64) {
	for i, v := range g {
		d[i] = -v
	}
	n := h.len()
	if cap(h.alpha) < n {
		h.alpha = make([]float64, n)
	}
	alpha := h.alpha[:n]
	for i := n - 1; i >= 0; i-- {
		s, y, rho := h.at(i)
		alpha[i] = dot(s, d) * rho
		axpy(-alpha[i], y, d)
	}
	scale := float32(hDiag)
	for i := range d {
		d[i] *= scale
	}
	for i := range n {
		s, y, rho := h.at(i)
		beta := dot(y, d) * rho
		axpy(alpha[i]-beta, s, d)
	}
}

// Minimize runs up to steps L-BFGS iterations from x, updating x in place.
// It stops early when a tolerance is met or the evaluation budget is spent.
func (o *LBFGS) Minimize(f Objective, x []float32, steps int) error {
	maxEvals := o.MaxEvaluations
	if maxEvals <= 0 {
		maxEvals = steps * 5 / 4
	}
	n := len(x)
	g := make([]float32, n)
	loss, err := f(x, g)
	if err != nil {
		return err
	}
	evals := 1
	if maxAbs(g) <= o.ToleranceGrad {
		return nil
	}
	var (
		hist           lbfgsHistory
		d              = make([]float32, n)
		prevG          = make([]float32, n)
		step           []float32 // s of the step just taken
		spareS, spareY []float32
		hDiag          = 1.0
		t              float64
		search         *wolfeSearch
	)
	if o.LineSearch {
		search = newWolfeSearch(n)
	}
	for iter := 1; iter <= steps; iter++ {
		if iter == 1 {
			for i, v := range g {
				d[i] = -v
			}
		} else {
			y := spareY
			if y == nil {
				y = make([]float32, n)
			}
			for i, v := range g {
				y[i] = v - prevG[i]
			}
			if ys := dot(y, step); ys > o.curvatureFloor(prevG, step) {
				spareS, spareY = hist.push(step, y, 1/ys, o.HistorySize)
				hDiag = ys / dot(y, y)
				step = nil
			} else {
				spareY = y
			}
			hist.direction(g, d, hDiag)
		}
		copy(prevG, g)
		prevLoss := loss
		if iter == 1 {
			var l1 float64
			for _, v := range g {
				l1 += math.Abs(float64(v))
			}
			t = min(1, 1/l1) * o.LearningRate
		} else {
			t = o.LearningRate
		}
		gtd := dot(g, d)
		if gtd > -o.ToleranceChange {
			break
		}
		if step == nil {
			step = spareS
			spareS = nil
			if step == nil {
				step = make([]float32, n)
			}
		}
		evalsLeft := maxEvals - evals
		if o.LineSearch {
			if evalsLeft < 1 {
				break
			}
			var used int
			point := func(t float64, out []float32) { o.trialPoint(x, d, t, out) }
			loss, t, used, err = search.run(f, point, g, d, loss, gtd, t, min(maxLineSearchSteps, evalsLeft-1), o.ToleranceChange)
			if err != nil {
				return err
			}
			evals += used
			o.takeStep(x, d, t, step)
		} else {
			o.takeStep(x, d, t, step)
			if iter != steps {
				if loss, err = f(x, g); err != nil {
					return err
				}
				evals++
			}
		}
		if iter == steps || evals >= maxEvals || maxAbs(g) <= o.ToleranceGrad {
			break
		}
		if maxAbs(d)*math.Abs(t) <= o.ToleranceChange || math.Abs(loss-prevLoss) < o.ToleranceChange {
			break
		}
	}
	return nil
}

// curvatureFloor returns the least sᵀy for which the pair (s, y) enters
// the history: L-BFGS-B's scale-free test, ε·|gᵀs| with g the gradient at
// the start of step s.
func (o *LBFGS) curvatureFloor(g, s []float32) float64 {
	return o.CurvatureEpsilon * math.Abs(dot(g, s))
}

// takeStep sets x += t·d, clamping when asked, and records the step
// actually taken in step.
func (o *LBFGS) takeStep(x, d []float32, t float64, step []float32) {
	tt := float32(t)
	for i, v := range d {
		s := tt * v
		next := x[i] + s
		if o.Clamp {
			next = min(max(next, o.Min), o.Max)
			s = next - x[i]
		}
		x[i], step[i] = next, s
	}
}

// trialPoint writes x + t·d, clamped when asked, into out: the point that
// takeStep would move x to.
func (o *LBFGS) trialPoint(x, d []float32, t float64, out []float32) {
	tt := float32(t)
	for i, v := range d {
		next := x[i] + tt*v
		if o.Clamp {
			next = min(max(next, o.Min), o.Max)
		}
		out[i] = next
	}
}
