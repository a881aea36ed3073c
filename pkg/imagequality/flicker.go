package imagequality

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Flicker is how much a stylised sequence changes from frame to frame
// relative to how much its content does: the mean absolute difference
// between consecutive stylised frames, over pixels and R, G, B in [0, 1],
// divided by the same for the content frames they were made from. Near 1
// the style moves with the scene; well above 1 it shimmers on its own, the
// flicker of stylising frames independently. Both sequences must have the
// same number of frames (at least 2), all of one size, and the content
// must change.
func Flicker(content, stylised []image.Image) (float64, error) {
	if len(content) != len(stylised) || len(content) < 2 {
		return 0, fmt.Errorf("imagequality: Flicker of %d content and %d stylised frames, want the same number, at least 2", len(content), len(stylised))
	}
	size := content[0].Bounds().Size()
	for i := range content {
		if content[i].Bounds().Size() != size || stylised[i].Bounds().Size() != size {
			return 0, fmt.Errorf("imagequality: Flicker: frame %d is %v (content) and %v (stylised), want %v like frame 0",
				i, content[i].Bounds().Size(), stylised[i].Bounds().Size(), size)
		}
	}
	change := func(frames []image.Image) float64 {
		sum := 0.0
		for i := 1; i < len(frames); i++ {
			sum += meanAbsDiff(frames[i-1], frames[i])
		}
		return sum / float64(len(frames)-1)
	}
	c := change(content)
	if c == 0 {
		return 0, fmt.Errorf("imagequality: Flicker: the %d content frames are identical, so there is no change to compare with", len(content))
	}
	return change(stylised) / c, nil
}

// meanAbsDiff is the mean |a − b| over pixels and R, G, B, in [0, 1], of two
// images of the same size.
func meanAbsDiff(a, b image.Image) float64 {
	ra, rb := a.Bounds(), b.Bounds()
	sum := 0.0
	for y := range ra.Dy() {
		for x := range ra.Dx() {
			ca := color.NRGBA64Model.Convert(a.At(ra.Min.X+x, ra.Min.Y+y)).(color.NRGBA64)
			cb := color.NRGBA64Model.Convert(b.At(rb.Min.X+x, rb.Min.Y+y)).(color.NRGBA64)
			sum += math.Abs(float64(ca.R)-float64(cb.R)) + math.Abs(float64(ca.G)-float64(cb.G)) + math.Abs(float64(ca.B)-float64(cb.B))
		}
	}
	return sum / (3 * math.MaxUint16 * float64(ra.Dx()*ra.Dy()))
}
