package style

import "math"

// Adam is the optimiser of Kingma & Ba (2015), Algorithm 1, exactly as
// PyTorch's torch.optim.Adam computes it (no weight decay, no AMSGrad):
//
//	m ← β₁·m + (1−β₁)·g,   v ← β₂·v + (1−β₂)·g²
//	x ← x − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
//
// Its zero value is not usable: start from NewAdam, which sets PyTorch's
// defaults. Each step costs one evaluation of the objective.
//
// Kingma, Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015:
// https://arxiv.org/abs/1412.6980
type Adam struct {
	LearningRate float64 // lr; PyTorch's default is 1e-3, images in [0, 1] want ~1e-2.
	Beta1        float64 // β₁, decay of the mean of the gradients; default 0.9.
	Beta2        float64 // β₂, decay of the mean of their squares; default 0.999.
	Epsilon      float64 // ε, added to the denominator; default 1e-8.

	// Clamp, when set, projects x back into [Min, Max] after every step, as
	// PyTorch's neural style tutorial does to keep pixels valid.
	Clamp    bool
	Min, Max float32
}

// NewAdam returns Adam with PyTorch's defaults and the given learning rate.
func NewAdam(learningRate float64) *Adam {
	return &Adam{LearningRate: learningRate, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, Min: 0, Max: 1}
}

// Minimize takes steps Adam steps from x; the moments start at zero on every
// call.
func (a *Adam) Minimize(f Objective, x []float32, steps int) error {
	grad := make([]float32, len(x))
	m := make([]float32, len(x))
	v := make([]float32, len(x))
	for t := 1; t <= steps; t++ {
		if _, err := f(x, grad); err != nil {
			return err
		}
		b1, b2 := float32(a.Beta1), float32(a.Beta2)
		stepSize := float32(a.LearningRate / (1 - math.Pow(a.Beta1, float64(t))))
		sqrtCorrection2 := float32(math.Sqrt(1 - math.Pow(a.Beta2, float64(t))))
		eps := float32(a.Epsilon)
		for i, g := range grad {
			m[i] = b1*m[i] + (1-b1)*g
			v[i] = b2*v[i] + (1-b2)*g*g
			x[i] -= stepSize * m[i] / (float32(math.Sqrt(float64(v[i])))/sqrtCorrection2 + eps)
		}
		if a.Clamp {
			clamp(x, a.Min, a.Max)
		}
	}
	return nil
}

// clamp limits every x_i to [lo, hi].
func clamp(x []float32, lo, hi float32) {
	for i, v := range x {
		x[i] = min(max(v, lo), hi)
	}
}
