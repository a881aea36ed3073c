package images

import (
	"image"
	"image/draw"

	xdraw "golang.org/x/image/draw"
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
// interpolation, ignoring its aspect ratio.
func ResizeTo(img image.Image, width, height int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, max(width, 1), max(height, 1)))
	xdraw.CatmullRom.Scale(dst, dst.Rect, img, img.Bounds(), xdraw.Src, nil)
	return dst
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
