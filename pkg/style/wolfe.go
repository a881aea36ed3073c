package style

import "math"

// Constants of the strong-Wolfe conditions (Nocedal & Wright 2006, eq. 3.7)
// and PyTorch's cap on the evaluations of one line search.
const (
	wolfeArmijo        = 1e-4 // c₁: f(x+t·d) ≤ f(x) + c₁·t·gᵀd
	wolfeCurvature     = 0.9  // c₂: |∇f(x+t·d)ᵀd| ≤ c₂·|gᵀd|
	maxLineSearchSteps = 25
)

// wolfeSearch is torch.optim.LBFGS's strong-Wolfe line search: bracketing
// followed by zoom with safeguarded cubic interpolation (Nocedal & Wright
// 2006, Algorithms 3.5 and 3.6). It keeps its buffers between searches.
type wolfeSearch struct {
	xTrial, gNew, gPrev []float32
	bracketG            [2][]float32
}

func newWolfeSearch(n int) *wolfeSearch {
	return &wolfeSearch{
		xTrial: make([]float32, n), gNew: make([]float32, n), gPrev: make([]float32, n),
		bracketG: [2][]float32{make([]float32, n), make([]float32, n)},
	}
}

// run searches along d from the point whose loss is f0, gradient g and
// directional derivative gtd0 = gᵀd, starting with step t. point(t, out)
// writes the trial point for step t. It makes at most 1+maxSteps
// evaluations and returns the accepted step's loss, the step, and the number
// of evaluations; g is overwritten with the gradient at the accepted step.
func (w *wolfeSearch) run(f Objective, point func(t float64, out []float32), g, d []float32,
	f0, gtd0, t float64, maxSteps int, toleranceChange float64) (loss, step float64, evals int, err error) {
	eval := func(t float64) (float64, float64, error) {
		point(t, w.xTrial)
		fx, err := f(w.xTrial, w.gNew)
		evals++
		return fx, dot(w.gNew, d), err
	}
	dNorm := maxAbs(d)
	fNew, gtdNew, err := eval(t)
	if err != nil {
		return 0, 0, evals, err
	}
	tPrev, fPrev, gtdPrev := 0.0, f0, gtd0
	copy(w.gPrev, g)

	var (
		bracket, bracketF, bracketGtd [2]float64
		done                          bool
		iter                          int
	)
	setBracket := func(i int, t, f, gtd float64, grad []float32) {
		bracket[i], bracketF[i], bracketGtd[i] = t, f, gtd
		copy(w.bracketG[i], grad)
	}
	bracketing := true
	for ; iter < maxSteps; iter++ {
		sufficientDecrease := fNew <= f0+wolfeArmijo*t*gtd0 && (iter <= 1 || fNew < fPrev)
		if sufficientDecrease && math.Abs(gtdNew) <= -wolfeCurvature*gtd0 {
			setBracket(0, t, fNew, gtdNew, w.gNew)
			setBracket(1, t, fNew, gtdNew, w.gNew)
			done, bracketing = true, false
			break
		}
		if !sufficientDecrease || gtdNew >= 0 { // a minimum lies between tPrev and t
			setBracket(0, tPrev, fPrev, gtdPrev, w.gPrev)
			setBracket(1, t, fNew, gtdNew, w.gNew)
			bracketing = false
			break
		}
		minStep, maxStep := t+0.01*(t-tPrev), t*10
		next := cubicMinimum(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep)
		tPrev, fPrev, gtdPrev = t, fNew, gtdNew
		copy(w.gPrev, w.gNew)
		t = next
		if fNew, gtdNew, err = eval(t); err != nil {
			return 0, 0, evals, err
		}
	}
	if bracketing { // out of evaluations: keep the better of no step and the last one
		setBracket(0, 0, f0, gtd0, g)
		setBracket(1, t, fNew, gtdNew, w.gNew)
	}

	low, high := 0, 1
	if bracketF[0] > bracketF[1] {
		low, high = 1, 0
	}
	insufficientProgress := false
	for !done && iter < maxSteps {
		if math.Abs(bracket[1]-bracket[0])*dNorm < toleranceChange {
			break
		}
		lo, hi := min(bracket[0], bracket[1]), max(bracket[0], bracket[1])
		t = cubicMinimum(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1], lo, hi)
		// Stay away from the ends of the bracket, or it may shrink too slowly.
		if eps := 0.1 * (hi - lo); min(hi-t, t-lo) < eps {
			if insufficientProgress || t >= hi || t <= lo {
				if math.Abs(t-hi) < math.Abs(t-lo) {
					t = hi - eps
				} else {
					t = lo + eps
				}
				insufficientProgress = false
			} else {
				insufficientProgress = true
			}
		} else {
			insufficientProgress = false
		}
		if fNew, gtdNew, err = eval(t); err != nil {
			return 0, 0, evals, err
		}
		iter++
		if fNew > f0+wolfeArmijo*t*gtd0 || fNew >= bracketF[low] {
			setBracket(high, t, fNew, gtdNew, w.gNew)
			if bracketF[0] <= bracketF[1] {
				low, high = 0, 1
			} else {
				low, high = 1, 0
			}
			continue
		}
		if math.Abs(gtdNew) <= -wolfeCurvature*gtd0 {
			done = true
		} else if gtdNew*(bracket[high]-bracket[low]) >= 0 {
			setBracket(high, bracket[low], bracketF[low], bracketGtd[low], w.bracketG[low])
		}
		setBracket(low, t, fNew, gtdNew, w.gNew)
	}
	copy(g, w.bracketG[low])
	return bracketF[low], bracket[low], evals, nil
}

// cubicMinimum returns the minimiser, clamped to [lo, hi], of the cubic that
// interpolates f and its derivative at x1 and x2 (Nocedal & Wright 2006,
// eq. 3.59); the middle of [lo, hi] when the cubic has no minimum.
func cubicMinimum(x1, f1, g1, x2, f2, g2, lo, hi float64) float64 {
	d1 := g1 + g2 - 3*(f1-f2)/(x1-x2)
	d2Square := d1*d1 - g1*g2
	if d2Square < 0 {
		return (lo + hi) / 2
	}
	d2 := math.Sqrt(d2Square)
	var minPos float64
	if x1 <= x2 {
		minPos = x2 - (x2-x1)*((g2+d2-d1)/(g2-g1+2*d2))
	} else {
		minPos = x1 - (x1-x2)*((g1+d2-d1)/(g1-g2+2*d2))
	}
	return min(max(minPos, lo), hi)
}
