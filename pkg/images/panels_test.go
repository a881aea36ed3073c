package images

import (
	"image"
	"image/color"
	"testing"
)

// darkPixels counts the pixels of r in img darker than mid-gray.
func darkPixels(img *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := img.RGBAAt(x, y); int(c.R)+int(c.G)+int(c.B) < 3*128 {
				n++
			}
		}
	}
	return n
}

func TestPanelsLayout(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	const pad = 4
	out := Panels([]Panel{
		{Label: "content", Image: solid(60, 40, red)},
		{Label: "", Image: solid(30, 80, blue)}, // Tallest: sets the height.
	}, PanelOptions{Padding: pad})
	const height = 80
	// The first panel is scaled to 120×80, keeping its 3:2 aspect.
	wantW := pad + 120 + pad + 30 + pad
	if out.Rect.Dx() != wantW {
		t.Fatalf("width %d, want %d", out.Rect.Dx(), wantW)
	}
	labelBottom := out.Rect.Dy() - pad - height
	top := labelBottom // Images sit on the bottom margin.
	assertPixel(t, out, pad+60, top+height/2, red, 0)
	assertPixel(t, out, pad+120+pad+15, top+height/2, blue, 0)
	assertPixel(t, out, pad+120+pad/2, top+height/2, color.White, 0) // Between panels.
	if labelBottom <= pad {
		t.Fatalf("no room for labels: images start at y=%d", top)
	}
	if n := darkPixels(out, image.Rect(pad, 0, pad+120, labelBottom)); n == 0 {
		t.Error("no text drawn above the labelled panel")
	}
	if n := darkPixels(out, image.Rect(2*pad+120, 0, 2*pad+150, labelBottom)); n != 0 {
		t.Errorf("%d dark pixels above the unlabelled panel", n)
	}
}

func TestPanelsFixedHeightAndLongLabel(t *testing.T) {
	out := Panels([]Panel{{Label: "a label far too long for a ten-pixel image", Image: solid(10, 10, color.Black)}},
		PanelOptions{Height: 20, Padding: -1})
	if out.Rect.Dx() != 20 {
		t.Fatalf("width %d, want 20 (a 10×10 image scaled to height 20, no padding)", out.Rect.Dx())
	}
	if n := darkPixels(out, image.Rect(0, 0, 20, out.Rect.Dy()-20)); n == 0 {
		t.Error("the shortened label was not drawn")
	}
}

func TestPanelsEmpty(t *testing.T) {
	out := Panels(nil, PanelOptions{})
	if out.Rect.Dx() != DefaultPanelPadding {
		t.Errorf("no panels gave a %v image, want only the margin", out.Rect.Size())
	}
}
