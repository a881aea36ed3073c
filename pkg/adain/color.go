package adain

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// Coral returns the image source with the colour statistics of target:
// CORAL (Sun, Feng & Saenko 2016, "Return of Frustratingly Easy Domain
// Adaptation", https://arxiv.org/abs/1511.05547) on RGB pixels, as
// function.py's coral, which test.py's --preserve_color applies to the style
// image before stylising (Huang & Belongie, section 7.3). Each image's
// pixels are standardised per channel (unbiased standard deviation), then
// whitened by the inverse square root of their "covariance plus identity"
// C = X̂X̂ᵀ + I (a sum over pixels, as function.py writes it, not a mean) and
// coloured by the target's:
//
//	out = C_t^½ · C_s^-½ · X̂_s · σ_t + μ_t.
//
// source and target are [1, 3, H, W] float32 images (their sizes may
// differ); the result has source's shape. It is computed in float64.
func Coral(source, target *tensors.Tensor) (*tensors.Tensor, error) {
	s, err := colourStats("source", source)
	if err != nil {
		return nil, err
	}
	t, err := colourStats("target", target)
	if err != nil {
		return nil, err
	}
	var m mat.Dense
	m.Mul(matPow(t.cov, 0.5), matPow(s.cov, -0.5))
	out := make([]float32, len(s.pixels))
	plane := len(s.pixels) / 3
	for i := range plane {
		for c := range 3 {
			var v float64
			for k := range 3 {
				v += m.At(c, k) * s.normalized[k*plane+i]
			}
			out[c*plane+i] = float32(v*t.std[c] + t.mean[c])
		}
	}
	return tensors.FromFlatDataAndDimensions(out, source.Shape().Dimensions...), nil
}

// colour holds one image's pixels, their per-channel mean and unbiased
// standard deviation, the standardised pixels and X̂X̂ᵀ + I.
type colour struct {
	pixels, normalized []float64
	mean, std          [3]float64
	cov                *mat.SymDense
}

func colourStats(what string, image *tensors.Tensor) (*colour, error) {
	d := image.Shape().Dimensions
	if len(d) != 4 || d[0] != 1 || d[1] != 3 || d[2]*d[3] < 2 {
		return nil, fmt.Errorf("adain.Coral: %s must be one RGB image [1, 3, H, W] of 2 pixels or more, got shape %v", what, d)
	}
	data, err := tensors.CopyFlatData[float32](image)
	if err != nil {
		return nil, fmt.Errorf("adain.Coral: %s: %w", what, err)
	}
	plane := d[2] * d[3]
	c := &colour{pixels: make([]float64, len(data)), normalized: make([]float64, len(data)), cov: mat.NewSymDense(3, nil)}
	for ch := range 3 {
		var sum float64
		for i := range plane {
			v := float64(data[ch*plane+i])
			c.pixels[ch*plane+i] = v
			sum += v
		}
		c.mean[ch] = sum / float64(plane)
		var ss float64
		for i := range plane {
			ss += (c.pixels[ch*plane+i] - c.mean[ch]) * (c.pixels[ch*plane+i] - c.mean[ch])
		}
		c.std[ch] = math.Sqrt(ss / float64(plane-1))
		if c.std[ch] == 0 {
			return nil, fmt.Errorf("adain.Coral: %s: channel %d is constant (%g): its colours cannot be standardised", what, ch, c.mean[ch])
		}
		for i := range plane {
			c.normalized[ch*plane+i] = (c.pixels[ch*plane+i] - c.mean[ch]) / c.std[ch]
		}
	}
	for a := range 3 {
		for b := a; b < 3; b++ {
			var v float64
			for i := range plane {
				v += c.normalized[a*plane+i] * c.normalized[b*plane+i]
			}
			if a == b {
				v++
			}
			c.cov.SetSym(a, b, v)
		}
	}
	return c, nil
}

// matPow returns S^p of a symmetric positive definite S through its
// eigendecomposition (for such an S it is what function.py's _mat_sqrt
// computes through an SVD).
func matPow(s *mat.SymDense, p float64) *mat.Dense {
	var eig mat.EigenSym
	eig.Factorize(s, true) // X̂X̂ᵀ + I has eigenvalues ≥ 1: it always succeeds
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	values := eig.Values(nil)
	var scaled mat.Dense
	scaled.Apply(func(_, j int, v float64) float64 { return v * math.Pow(values[j], p) }, &vectors)
	var out mat.Dense
	out.Mul(&scaled, vectors.T())
	return &out
}
