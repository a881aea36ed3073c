package imagequality

import (
	"fmt"
	"image"
	"math"
)

// SSIMOptions are the knobs of [SSIM]. Start from [DefaultSSIMOptions].
type SSIMOptions struct {
	// GaussianSigma > 0 weighs each window with a Gaussian of this σ,
	// truncated at 3.5σ (11 taps for σ = 1.5), and uses population
	// (co)variances: Wang et al.'s SSIM. 0 uses a uniform Window × Window
	// window with sample (co)variances, scikit-image's default. Default
	// 1.5.
	GaussianSigma float64
	// Window is the side of the uniform window, odd; default 7
	// (scikit-image's). Unused when GaussianSigma > 0.
	Window int
	// DataRange is L, the range of the values, in the stabilising constants
	// C1 = (K1·L)², C2 = (K2·L)²; default 1, for luminance in [0, 1].
	DataRange float64
	// K1 and K2 are Wang et al.'s constants; default 0.01 and 0.03.
	K1, K2 float64
}

// DefaultSSIMOptions returns the defaults documented on [SSIMOptions]:
// Wang et al.'s (2004) Gaussian window.
func DefaultSSIMOptions() SSIMOptions {
	return SSIMOptions{GaussianSigma: 1.5, Window: 7, DataRange: 1, K1: 0.01, K2: 0.03}
}

func (o SSIMOptions) check() error {
	switch {
	case math.IsNaN(o.GaussianSigma) || o.GaussianSigma < 0 || math.IsInf(o.GaussianSigma, 0):
		return fmt.Errorf("imagequality: SSIMOptions.GaussianSigma must be finite and ≥ 0, got %g", o.GaussianSigma)
	case o.GaussianSigma == 0 && (o.Window < 3 || o.Window%2 == 0):
		return fmt.Errorf("imagequality: SSIMOptions.Window must be odd and at least 3, got %d", o.Window)
	case !(o.DataRange > 0) || math.IsInf(o.DataRange, 0):
		return fmt.Errorf("imagequality: SSIMOptions.DataRange must be finite and > 0, got %g", o.DataRange)
	case !(o.K1 > 0) || !(o.K2 > 0):
		return fmt.Errorf("imagequality: SSIMOptions.K1 and K2 must be > 0, got %g and %g", o.K1, o.K2)
	}
	return nil
}

// weights returns the normalised 1-D window and whether (co)variances are
// the sample ones.
func (o SSIMOptions) weights() (w []float64, sample bool) {
	if o.GaussianSigma == 0 {
		w = make([]float64, o.Window)
		for i := range w {
			w[i] = 1 / float64(o.Window)
		}
		return w, true
	}
	return gaussian(o.GaussianSigma, int(3.5*o.GaussianSigma+0.5), 0), false
}

// SSIM is the mean structural similarity of a and b (Wang et al. 2004):
// over every window that fits inside the images (none is cut by a border),
//
//	SSIM = (2·μa·μb + C1)·(2·σab + C2) / ((μa² + μb² + C1)·(σa² + σb² + C2))
//
// of their luminances, 1 for identical images. It computes what
// scikit-image 0.19's metrics.structural_similarity computes with the same
// window and data_range (gaussian_weights=True, use_sample_covariance=False
// for the Gaussian window). The images must have the same size, at least
// one window on each side.
func SSIM(a, b image.Image, opts SSIMOptions) (float64, error) {
	if err := opts.check(); err != nil {
		return 0, err
	}
	if a.Bounds().Size() != b.Bounds().Size() {
		return 0, fmt.Errorf("imagequality: SSIM of images of different sizes, %v and %v", a.Bounds().Size(), b.Bounds().Size())
	}
	w, sample := opts.weights()
	if s := a.Bounds().Size(); s.X < len(w) || s.Y < len(w) {
		return 0, fmt.Errorf("imagequality: SSIM of %d×%d images, smaller than its %d×%d window", s.X, s.Y, len(w), len(w))
	}
	x, y := luminance(a), luminance(b)
	xx, yy, xy := x.times(x), y.times(y), x.times(y)
	mx, my := x.filterValid(w), y.filterValid(w)
	mxx, myy, mxy := xx.filterValid(w), yy.filterValid(w), xy.filterValid(w)
	norm := 1.0
	if sample {
		n := float64(len(w) * len(w))
		norm = n / (n - 1)
	}
	c1, c2 := math.Pow(opts.K1*opts.DataRange, 2), math.Pow(opts.K2*opts.DataRange, 2)
	sum := 0.0
	for i := range mx.v {
		ux, uy := mx.v[i], my.v[i]
		vx, vy, vxy := norm*(mxx.v[i]-ux*ux), norm*(myy.v[i]-uy*uy), norm*(mxy.v[i]-ux*uy)
		sum += (2*ux*uy + c1) * (2*vxy + c2) / ((ux*ux + uy*uy + c1) * (vx + vy + c2))
	}
	return sum / float64(len(mx.v)), nil
}

// times returns the pixelwise product of p and q.
func (p plane) times(q plane) plane {
	out := plane{w: p.w, h: p.h, v: make([]float64, len(p.v))}
	for i := range p.v {
		out.v[i] = p.v[i] * q.v[i]
	}
	return out
}

// filterValid correlates p with the separable window w ⊗ w where it fits
// entirely: the result is (p.w − len(w) + 1) × (p.h − len(w) + 1).
func (p plane) filterValid(w []float64) plane {
	k := len(w)
	rows := plane{w: p.w - k + 1, h: p.h, v: make([]float64, (p.w-k+1)*p.h)}
	for y := range p.h {
		for x := range rows.w {
			s := 0.0
			for i, wi := range w {
				s += wi * p.v[y*p.w+x+i]
			}
			rows.v[y*rows.w+x] = s
		}
	}
	out := plane{w: rows.w, h: p.h - k + 1, v: make([]float64, rows.w*(p.h-k+1))}
	for y := range out.h {
		for x := range out.w {
			s := 0.0
			for i, wi := range w {
				s += wi * rows.v[(y+i)*rows.w+x]
			}
			out.v[y*out.w+x] = s
		}
	}
	return out
}
