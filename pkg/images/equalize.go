package images

import (
	"fmt"
	"image"
	"math"
	"sort"
)

// EqualizeOptions are the knobs of [Equalize]. Start from
// [DefaultEqualizeOptions].
type EqualizeOptions struct {
	// Bins is the number of histogram bins, spread evenly between the
	// image's darkest and brightest values; default 256.
	Bins int
}

// DefaultEqualizeOptions returns the defaults documented on
// [EqualizeOptions].
func DefaultEqualizeOptions() EqualizeOptions { return EqualizeOptions{Bins: 256} }

// Equalize is global histogram equalisation: each brightness is replaced by
// the fraction of pixels at or below it, so the histogram of the result is
// as flat as the bins allow. It computes what scikit-image 0.19's
// exposure.equalize_hist computes for a float image (the cumulative
// histogram at the bin centres, interpolated linearly between them, so the
// darkest pixel maps to the first bin's share, not 0), to within the 16-bit
// output's rounding. Gray images give a *image.Gray16; colour images are
// equalised on their HSV value, keeping hue and saturation, like [CLAHE]
// (skimage would pool R, G and B into one histogram instead), and give an
// opaque *image.RGBA64. A constant image is returned unchanged.
func Equalize(img image.Image, opts EqualizeOptions) (image.Image, error) {
	if opts.Bins < 1 {
		return nil, fmt.Errorf("images: EqualizeOptions.Bins must be at least 1, got %d", opts.Bins)
	}
	b, err := newBrightness("Equalize", img)
	if err != nil {
		return nil, err
	}
	lo16, hi16 := b.valueRange()
	if lo16 == hi16 {
		return b.unchanged(), nil
	}
	lo, hi := float64(lo16)/math.MaxUint16, float64(hi16)/math.MaxUint16
	// Bin edges as numpy's linspace makes them, and bins as np.histogram
	// fills them: [e_i, e_i+1), the last one closed.
	edges := make([]float64, opts.Bins+1)
	step := (hi - lo) / float64(opts.Bins)
	for i := range edges {
		edges[i] = float64(i)*step + lo
	}
	edges[opts.Bins] = hi
	cdf := make([]float64, opts.Bins)
	for _, v := range b.v {
		x := float64(v) / math.MaxUint16
		bin := min(int((x-lo)/(hi-lo)*float64(opts.Bins)), opts.Bins-1)
		if x < edges[bin] {
			bin--
		} else if bin < opts.Bins-1 && x >= edges[bin+1] {
			bin++
		}
		cdf[bin]++
	}
	centres := make([]float64, opts.Bins)
	total := 0.0
	for i := range cdf {
		total += cdf[i]
		cdf[i] = total
		centres[i] = (edges[i] + edges[i+1]) / 2
	}
	for i := range cdf {
		cdf[i] /= total
	}
	f := make([]float64, len(b.v))
	for i, v := range b.v {
		f[i] = interpolate(float64(v)/math.MaxUint16, centres, cdf)
	}
	return b.image(f), nil
}

// interpolate is numpy's interp: the piecewise-linear function through
// (xs[i], ys[i]), constant beyond the ends.
func interpolate(x float64, xs, ys []float64) float64 {
	n := len(xs)
	switch {
	case x <= xs[0]:
		return ys[0]
	case x >= xs[n-1]:
		return ys[n-1]
	}
	j := sort.SearchFloat64s(xs, x) // xs[j-1] < x ≤ xs[j]
	if x == xs[j] {
		return ys[j]
	}
	j--
	return (ys[j+1]-ys[j])/(xs[j+1]-xs[j])*(x-xs[j]) + ys[j]
}
