package images

import (
	"fmt"
	"image"
	"image/draw"

	xdraw "golang.org/x/image/draw"

	"github.com/neuralart/neuralart/pkg/internal/errkind"
)

// Resize scales img so that its longer side is longSide pixels, preserving
// the aspect ratio (the shorter side is rounded, and at least 1). It uses
// Catmull-Rom interpolation, which is sharp when enlarging and filters
// (antialiases) when shrinking, like PIL's bicubic resampling.
func Resize(img image.Image, longSide int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w >= h {
		return ResizeTo(img, longSide, scaleSide(h, longSide, w))
	}
	return ResizeTo(img, scaleSide(w, longSide, h), longSide)
}

// scaleSide returns side × num / den rounded to the nearest integer, at
// least 1.
func scaleSide(side, num, den int) int {
	return max(1, (side*num+den/2)/den)
}

// ResizeTo scales img to exactly width × height with Catmull-Rom
// interpolation, ignoring its aspect ratio. It allocates width × height
// pixels unchecked: for sizes that come from users use [ResizeToLimit],
// which refuses sizes over a pixel limit instead of running out of memory.
func ResizeTo(img image.Image, width, height int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, max(width, 1), max(height, 1)))
	xdraw.CatmullRom.Scale(dst, dst.Rect, img, img.Bounds(), xdraw.Src, nil)
	return dst
}

// ResizeToLimit is [ResizeTo] for sizes that may be absurd: it returns the
// error of [CheckPixels] (what names the target in it), before allocating
// anything, when width × height is empty or over maxPixels (0 means
// [DefaultMaxPixels]).
func ResizeToLimit(img image.Image, width, height, maxPixels int, what string) (*image.RGBA, error) {
	if err := CheckPixels(what, width, height, maxPixels); err != nil {
		return nil, err
	}
	return ResizeTo(img, width, height), nil
}

// CheckPixels refuses a size width × height that is empty or over maxPixels
// pixels (0 means [DefaultMaxPixels], the limit of [Load] and [Decode]),
// before anything of that size is allocated; what names the image in the
// error, which gives the size and the limit.
func CheckPixels(what string, width, height, maxPixels int) error {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	if width <= 0 || height <= 0 {
		return fmt.Errorf("images: %s would be %d×%d, an empty image", what, width, height)
	}
	// In float64: width × height may overflow an int.
	if pixels := float64(width) * float64(height); pixels > float64(maxPixels) {
		return errkind.Mark(ErrTooLarge, fmt.Errorf("images: %s would be %d×%d (%s), over the limit of %s (images.DefaultMaxPixels)",
			what, width, height, megapixelsOf(pixels), megapixels(maxPixels)))
	}
	return nil
}

// CenterCrop cuts the central width × height region out of img. Like
// torchvision's CenterCrop, a crop larger than the image is padded with
// black.
func CenterCrop(img image.Image, width, height int) *image.RGBA {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(dst, dst.Rect, image.Black, image.Point{}, draw.Src)
	// An odd margin leaves the extra pixel on the right or bottom.
	offset := image.Pt((b.Dx()-width)/2, (b.Dy()-height)/2)
	draw.Draw(dst, dst.Rect, img, b.Min.Add(offset), draw.Src)
	return dst
}

// ToRGB returns img as an 8-bit RGBA image with its origin at (0, 0):
// grayscale images get three equal channels, paletted (GIF) images their
// palette colours. It returns img itself when it already is one.
func ToRGB(img image.Image) *image.RGBA {
	return toRGBA(img)
}
