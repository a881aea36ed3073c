package imagequality

import (
	"fmt"
	"image"
	"math"
)

// SeamError is how visible the seams are when img is tiled edge to edge:
// the mean absolute luminance step across the wrap-around borders (last
// column to first, last row to first) divided by the mean step between
// neighbouring pixels inside the image. About 1, the seam is no stronger
// than any other pixel boundary of the texture; a naive texture, whose
// opposite borders were never made to agree, scores well above 1. img
// must be at least 2×2 and not flat.
func SeamError(img image.Image) (float64, error) {
	p := luminance(img)
	if p.w < 2 || p.h < 2 {
		return 0, fmt.Errorf("imagequality: SeamError of a %d×%d image, want at least 2×2", p.w, p.h)
	}
	at := func(x, y int) float64 { return p.v[y*p.w+x] }
	var seam, inside float64
	for y := range p.h {
		seam += math.Abs(at(p.w-1, y) - at(0, y))
		for x := 1; x < p.w; x++ {
			inside += math.Abs(at(x, y) - at(x-1, y))
		}
	}
	for x := range p.w {
		seam += math.Abs(at(x, p.h-1) - at(x, 0))
		for y := 1; y < p.h; y++ {
			inside += math.Abs(at(x, y) - at(x, y-1))
		}
	}
	inside /= float64(p.h*(p.w-1) + p.w*(p.h-1))
	seam /= float64(p.h + p.w)
	if inside == 0 {
		return 0, fmt.Errorf("imagequality: SeamError of a flat %d×%d image: no texture to compare the seam with", p.w, p.h)
	}
	return seam / inside, nil
}
