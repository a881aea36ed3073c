package imagequality

import (
	"fmt"
	"image"
	"math"
	"slices"
)

// VesselnessOptions are the knobs of [Vesselness] and [VesselMask]. Start
// from [DefaultVesselnessOptions].
type VesselnessOptions struct {
	// Sigmas are the scales, in pixels, of the Gaussian derivatives: about
	// the radii of the vessels to find. Default 1, 2, 3.
	Sigmas []float64
	// Beta weighs the blob measure R_B = λ1/λ2 (Frangi's β); default 0.5.
	Beta float64
	// C weighs the structure measure S = ‖H‖ (Frangi's c); 0, the default,
	// is half the largest S of each scale, as Frangi et al. suggest.
	C float64
	// BrightVessels looks for bright tubes on a dark background; default
	// false: dark vessels, as in a fundus photograph.
	BrightVessels bool
	// Fraction is the share of the candidate pixels [VesselMask] keeps, the
	// most vessel-like first; default 0.1 (vessels cover about a tenth of
	// a fundus photograph's field of view).
	Fraction float64
}

// DefaultVesselnessOptions returns the defaults documented on
// [VesselnessOptions].
func DefaultVesselnessOptions() VesselnessOptions {
	return VesselnessOptions{Sigmas: []float64{1, 2, 3}, Beta: 0.5, Fraction: 0.1}
}

func (o VesselnessOptions) check() error {
	if len(o.Sigmas) == 0 {
		return fmt.Errorf("imagequality: VesselnessOptions.Sigmas is empty, want at least one scale")
	}
	for _, s := range o.Sigmas {
		if !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("imagequality: VesselnessOptions.Sigmas must be finite and > 0, got %v", o.Sigmas)
		}
	}
	switch {
	case !(o.Beta > 0) || math.IsInf(o.Beta, 0):
		return fmt.Errorf("imagequality: VesselnessOptions.Beta must be finite and > 0, got %g", o.Beta)
	case math.IsNaN(o.C) || o.C < 0 || math.IsInf(o.C, 0):
		return fmt.Errorf("imagequality: VesselnessOptions.C must be finite and ≥ 0, got %g", o.C)
	case !(o.Fraction > 0 && o.Fraction <= 1):
		return fmt.Errorf("imagequality: VesselnessOptions.Fraction must be in (0, 1], got %g", o.Fraction)
	}
	return nil
}

// Vesselness is Frangi et al.'s (1998) multiscale vesselness of img's
// luminance, one value in [0, 1) per pixel, row by row: at each scale σ the
// Hessian H of the image smoothed by a Gaussian of σ (scale-normalised by
// σ²) has eigenvalues |λ1| ≤ |λ2|; a tube has |λ1| small and |λ2| large,
// with λ2 > 0 for a dark one, and scores
//
//	V = exp(−R_B²/2β²)·(1 − exp(−S²/2c²)),  R_B = λ1/λ2, S = √(λ1² + λ2²),
//
// 0 where λ2 has the wrong sign; the result is the largest V over scales.
func Vesselness(img image.Image, opts VesselnessOptions) ([]float64, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	p := luminance(img)
	if p.w == 0 || p.h == 0 {
		return nil, fmt.Errorf("imagequality: Vesselness of an empty %d×%d image", p.w, p.h)
	}
	best := make([]float64, len(p.v))
	for _, sigma := range opts.Sigmas {
		radius := int(math.Ceil(4 * sigma))
		g0, g1, g2 := gaussian(sigma, radius, 0), gaussian(sigma, radius, 1), gaussian(sigma, radius, 2)
		hxx, hyy, hxy := p.filterSame(g2, g0), p.filterSame(g0, g2), p.filterSame(g1, g1)
		l1, l2 := make([]float64, len(p.v)), make([]float64, len(p.v))
		maxS := 0.0
		for i := range p.v {
			a, b, c := sigma*sigma*hxx.v[i], sigma*sigma*hyy.v[i], sigma*sigma*hxy.v[i]
			mean, d := (a+b)/2, math.Hypot((a-b)/2, c)
			e1, e2 := mean-d, mean+d
			if math.Abs(e1) > math.Abs(e2) {
				e1, e2 = e2, e1
			}
			l1[i], l2[i] = e1, e2
			maxS = max(maxS, math.Hypot(e1, e2))
		}
		c := opts.C
		if c == 0 {
			c = maxS / 2
		}
		if c == 0 {
			continue // a flat image: no structure at this scale
		}
		for i := range p.v {
			if (l2[i] <= 0) != opts.BrightVessels || l2[i] == 0 {
				continue
			}
			rb, s := l1[i]/l2[i], math.Hypot(l1[i], l2[i])
			v := math.Exp(-rb*rb/(2*opts.Beta*opts.Beta)) * (1 - math.Exp(-s*s/(2*c*c)))
			best[i] = max(best[i], v)
		}
	}
	return best, nil
}

// VesselMask marks the most vessel-like pixels of img within region (nil:
// the whole image): the opts.Fraction of region's pixels with the highest
// [Vesselness]. Compute it once, on the reference image, and measure every
// version of the image on the same mask.
func VesselMask(img image.Image, region *image.Alpha, opts VesselnessOptions) (*image.Alpha, error) {
	v, err := Vesselness(img, opts)
	if err != nil {
		return nil, err
	}
	in, err := inMask("the region", region, img.Bounds())
	if err != nil {
		return nil, err
	}
	var candidates []float64
	for i, x := range v {
		if in[i] {
			candidates = append(candidates, x)
		}
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("imagequality: VesselMask over an empty region (image %v)", img.Bounds())
	}
	slices.Sort(candidates)
	level := candidates[len(candidates)-max(1, int(opts.Fraction*float64(len(candidates))))]
	r := img.Bounds()
	mask := image.NewAlpha(r)
	for i, x := range v {
		if in[i] && x >= level && x > 0 {
			mask.Pix[mask.PixOffset(r.Min.X+i%r.Dx(), r.Min.Y+i/r.Dx())] = 0xff
		}
	}
	return mask, nil
}

// Contrast is how a structure stands out from its background.
type Contrast struct {
	// Weber is (μ_background − μ_vessel) / μ_background: the share of the
	// background's luminance a vessel takes away (positive for dark vessels).
	Weber float64
	// CNR is (μ_background − μ_vessel) / σ_background, the contrast-to-noise
	// ratio: the difference in units of the background's spread, which
	// rises only if the vessels gain on the background's texture and noise.
	CNR float64
}

// VesselContrast measures how the pixels of vessels stand out from those
// of background in img's luminance. The masks must cover img and be
// non-empty.
func VesselContrast(img image.Image, vessels, background *image.Alpha) (Contrast, error) {
	if vessels == nil || background == nil {
		return Contrast{}, fmt.Errorf("imagequality: VesselContrast needs both masks, got vessels %v and background %v", vessels != nil, background != nil)
	}
	inV, err := inMask("the vessel mask", vessels, img.Bounds())
	if err != nil {
		return Contrast{}, err
	}
	inB, err := inMask("the background mask", background, img.Bounds())
	if err != nil {
		return Contrast{}, err
	}
	p := luminance(img)
	mv, _, nv := meanStd(p.v, inV)
	mb, sb, nb := meanStd(p.v, inB)
	if nv == 0 || nb == 0 {
		return Contrast{}, fmt.Errorf("imagequality: VesselContrast with %d vessel and %d background pixels, want both > 0", nv, nb)
	}
	return Contrast{Weber: (mb - mv) / mb, CNR: (mb - mv) / sb}, nil
}
