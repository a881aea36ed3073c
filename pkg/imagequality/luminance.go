package imagequality

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// plane is an image's luminance in [0, 1], row by row.
type plane struct {
	w, h int
	v    []float64
}

func luminance(img image.Image) plane {
	r := img.Bounds()
	p := plane{w: r.Dx(), h: r.Dy(), v: make([]float64, r.Dx()*r.Dy())}
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p.v[i] = float64(color.Gray16Model.Convert(img.At(x, y)).(color.Gray16).Y) / math.MaxUint16
			i++
		}
	}
	return p
}

// inMask returns, per pixel of an image with bounds r, whether it is in
// mask (nil: every pixel), or an error when mask does not cover r.
func inMask(what string, mask *image.Alpha, r image.Rectangle) ([]bool, error) {
	in := make([]bool, r.Dx()*r.Dy())
	if mask == nil {
		for i := range in {
			in[i] = true
		}
		return in, nil
	}
	if !r.In(mask.Rect) {
		return nil, fmt.Errorf("imagequality: %s covers %v, not the image's %v", what, mask.Rect, r)
	}
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			in[i] = mask.AlphaAt(x, y).A != 0
			i++
		}
	}
	return in, nil
}

// meanStd returns the mean and the (population) standard deviation of the
// values v[i] with in[i], and how many there are.
func meanStd(v []float64, in []bool) (mean, std float64, n int) {
	for i, x := range v {
		if in[i] {
			mean += x
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean /= float64(n)
	for i, x := range v {
		if in[i] {
			std += (x - mean) * (x - mean)
		}
	}
	return mean, math.Sqrt(std / float64(n)), n
}
