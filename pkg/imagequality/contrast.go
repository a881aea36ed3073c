package imagequality

import (
	"fmt"
	"image"
)

// RMSContrast is the root-mean-square contrast of img's luminance over the
// pixels of mask (nil: all of them): its standard deviation (Peli 1990),
// between 0 for a flat image and 0.5 for half black, half white. A mask
// keeps a fundus photograph's black surround, which is no part of the
// picture, from dominating the number.
func RMSContrast(img image.Image, mask *image.Alpha) (float64, error) {
	in, err := inMask("the mask", mask, img.Bounds())
	if err != nil {
		return 0, err
	}
	_, std, n := meanStd(luminance(img).v, in)
	if n == 0 {
		return 0, fmt.Errorf("imagequality: RMSContrast over an empty mask (image %v)", img.Bounds())
	}
	return std, nil
}
