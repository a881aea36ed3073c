package style

import (
	"errors"
	"math"
	"testing"
)

// rosenbrock is the n-dimensional Rosenbrock function, minimum 0 at (1, …, 1).
func rosenbrock(x, grad []float32) (float64, error) {
	var f float64
	for i := range grad {
		grad[i] = 0
	}
	for i := 0; i+1 < len(x); i++ {
		a, b := float64(x[i]), float64(x[i+1])
		f += 100*(b-a*a)*(b-a*a) + (1-a)*(1-a)
		grad[i] += float32(-400*a*(b-a*a) - 2*(1-a))
		grad[i+1] += float32(200 * (b - a*a))
	}
	return f, nil
}

func rosenbrockStart(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = -1.2
		if i%2 == 1 {
			x[i] = 1
		}
	}
	return x
}

func TestLBFGSMinimizesRosenbrock(t *testing.T) {
	for _, lineSearch := range []bool{false, true} {
		o := NewLBFGS()
		o.LineSearch = lineSearch
		o.LearningRate = 1
		if !lineSearch {
			o.LearningRate = 0.5 // a plain L-BFGS step of 1 overshoots on Rosenbrock's valley
		}
		x := rosenbrockStart(6)
		if err := o.Minimize(rosenbrock, x, 500); err != nil {
			t.Fatal(err)
		}
		f, _ := rosenbrock(x, make([]float32, len(x)))
		if f > 1e-6 {
			t.Errorf("line search %v: Rosenbrock after L-BFGS = %g at %v, want ~0 at (1, …, 1)", lineSearch, f, x)
		}
	}
}

func TestLBFGSLineSearchBudget(t *testing.T) {
	o := NewLBFGS()
	o.LineSearch = true
	for _, budget := range []int{1, 2, 7, 40} {
		o.MaxEvaluations = budget
		evals := 0
		counted := func(x, g []float32) (float64, error) { evals++; return rosenbrock(x, g) }
		if err := o.Minimize(counted, rosenbrockStart(4), 1000); err != nil {
			t.Fatal(err)
		}
		if evals > budget {
			t.Errorf("MaxEvaluations %d: the objective was evaluated %d times", budget, evals)
		}
	}
}

func TestAdamMinimizesQuadratic(t *testing.T) {
	// f(x) = Σ (i+1)·(x_i − i)², minimum at x_i = i.
	f := func(x, g []float32) (float64, error) {
		var sum float64
		for i, v := range x {
			d := float64(v) - float64(i)
			sum += float64(i+1) * d * d
			g[i] = float32(2 * float64(i+1) * d)
		}
		return sum, nil
	}
	x := make([]float32, 5)
	if err := NewAdam(0.05).Minimize(f, x, 2000); err != nil {
		t.Fatal(err)
	}
	for i, v := range x {
		if math.Abs(float64(v)-float64(i)) > 1e-3 {
			t.Errorf("x[%d] = %g after Adam, want %d", i, v, i)
		}
	}
}

func TestOptimizersClamp(t *testing.T) {
	// The unconstrained minimum (2, −1) lies outside [0, 1]².
	f := func(x, g []float32) (float64, error) {
		a, b := float64(x[0])-2, float64(x[1])+1
		g[0], g[1] = float32(2*a), float32(2*b)
		return a*a + b*b, nil
	}
	lbfgs := NewLBFGS()
	lbfgs.Clamp, lbfgs.LineSearch = true, true
	adam := NewAdam(0.1)
	adam.Clamp = true
	for _, o := range []Optimizer{lbfgs, adam} {
		x := []float32{0.5, 0.5}
		if err := o.Minimize(f, x, 200); err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(x[0])-1) > 1e-3 || math.Abs(float64(x[1])) > 1e-3 {
			t.Errorf("%T with Clamp ended at %v, want (1, 0)", o, x)
		}
	}
}

func TestOptimizersStopOnError(t *testing.T) {
	stop := errors.New("stop")
	for _, o := range []Optimizer{NewLBFGS(), NewAdam(0.1)} {
		calls := 0
		f := func(x, g []float32) (float64, error) {
			calls++
			if calls == 3 {
				return 0, stop
			}
			return rosenbrock(x, g)
		}
		if err := o.Minimize(f, rosenbrockStart(4), 100); !errors.Is(err, stop) {
			t.Errorf("%T: Minimize returned %v, want the objective's error", o, err)
		}
		if calls != 3 {
			t.Errorf("%T: the objective was called %d times after failing on call 3", o, calls)
		}
	}
}

// L-BFGS's steps do not depend on the scale of the loss (PyTorch's absolute
// curvature test would reject every pair of a loss scaled by 1e-6).
func TestLBFGSIsScaleFree(t *testing.T) {
	for _, lineSearch := range []bool{false, true} {
		var ends [2][]float32
		for i, scale := range []float64{1, 1e-6} {
			scaled := func(x, grad []float32) (float64, error) {
				f, err := rosenbrock(x, grad)
				for j := range grad {
					grad[j] *= float32(scale)
				}
				return f * scale, err
			}
			o := NewLBFGS()
			o.LineSearch, o.ToleranceGrad, o.ToleranceChange = lineSearch, 0, 0
			if !lineSearch {
				o.LearningRate = 0.5
			}
			ends[i] = rosenbrockStart(6)
			if err := o.Minimize(scaled, ends[i], 200); err != nil {
				t.Fatal(err)
			}
		}
		f, _ := rosenbrock(ends[1], make([]float32, 6))
		if f > 1e-6 {
			t.Errorf("line search %v: L-BFGS on 1e-6 × Rosenbrock ended at %v (unscaled loss %g), on Rosenbrock at %v",
				lineSearch, ends[1], f, ends[0])
		}
	}
}
