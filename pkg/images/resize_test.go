package images

import (
	"errors"
	"image"
	"image/color"
	"testing"
)

func TestResizePreservesAspect(t *testing.T) {
	for _, tc := range []struct{ w, h, long, wantW, wantH int }{
		{40, 20, 10, 10, 5},
		{20, 40, 10, 5, 10},
		{451, 300, 256, 256, 170}, // 300·256/451 = 170.3
		{30, 1, 10, 10, 1},        // Never collapses to zero rows.
		{8, 8, 16, 16, 16},        // Enlarges too.
	} {
		assertSize(t, Resize(solid(tc.w, tc.h, color.White), tc.long), tc.wantW, tc.wantH)
	}
}

func TestResizeKeepsFlatColour(t *testing.T) {
	c := color.RGBA{200, 100, 50, 255}
	out := Resize(solid(37, 23, c), 11)
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			assertPixel(t, out, x, y, c, 1)
		}
	}
}

func TestCenterCrop(t *testing.T) {
	src := patterned(6, 5)
	crop := CenterCrop(src, 2, 3)
	assertSize(t, crop, 2, 3)
	// Offsets (6-2)/2 = 2 and (5-3)/2 = 1.
	for y := range 3 {
		for x := range 2 {
			assertPixel(t, crop, x, y, patternColor(x+2, y+1), 0)
		}
	}
	// Cropping to more than the image pads with black, the image centred.
	padded := CenterCrop(patterned(2, 2), 4, 4)
	assertPixel(t, padded, 0, 0, color.Black, 0)
	assertPixel(t, padded, 1, 1, patternColor(0, 0), 0)
	assertPixel(t, padded, 2, 2, patternColor(1, 1), 0)
	assertPixel(t, padded, 3, 3, color.Black, 0)
}

func TestToRGB(t *testing.T) {
	gray := image.NewGray(image.Rect(3, 4, 5, 5)) // A non-zero origin, as SubImage gives.
	gray.SetGray(4, 4, color.Gray{Y: 77})
	rgb := ToRGB(gray)
	assertSize(t, rgb, 2, 1)
	if got := rgb.RGBAAt(1, 0); got != (color.RGBA{77, 77, 77, 255}) {
		t.Errorf("gray 77 became %v", got)
	}
}

func TestResizeToLimitRefusesAbsurdSizes(t *testing.T) {
	src := solid(4, 4, color.White)
	for _, tc := range []struct {
		w, h, max int
		want      string
	}{
		{100000, 66667, 0, "images: the result would be 100000×66667 (6666.7 megapixels), over the limit of 40.0 megapixels (images.DefaultMaxPixels)"},
		{11, 10, 100, "images: the result would be 11×10 (0.0 megapixels), over the limit of 0.0 megapixels (images.DefaultMaxPixels)"},
		{0, 10, 0, "images: the result would be 0×10, an empty image"},
	} {
		img, err := ResizeToLimit(src, tc.w, tc.h, tc.max, "the result")
		if img != nil || err == nil || err.Error() != tc.want {
			t.Errorf("ResizeToLimit(%d, %d, %d) = %v, %v; want nil, %q", tc.w, tc.h, tc.max, img, err, tc.want)
		}
		if tooLarge := tc.w > 0 && tc.h > 0; errors.Is(err, ErrTooLarge) != tooLarge {
			t.Errorf("ResizeToLimit(%d, %d, %d): errors.Is(err, ErrTooLarge) = %v, want %v", tc.w, tc.h, tc.max, !tooLarge, tooLarge)
		}
	}
	img, err := ResizeToLimit(src, 10, 10, 100, "the result")
	if err != nil {
		t.Fatal(err)
	}
	assertSize(t, img, 10, 10)
}

func TestCheckPixelsDoesNotOverflow(t *testing.T) {
	if err := CheckPixels("x", 1<<40, 1<<40, 0); err == nil {
		t.Error("CheckPixels accepted 2^40 × 2^40 pixels")
	}
	if err := CheckPixels("x", 4000, 10000, 0); err != nil {
		t.Errorf("CheckPixels refused 40 megapixels: %v", err)
	}
}
