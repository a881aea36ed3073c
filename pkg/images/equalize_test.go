package images_test

import (
	"image"
	"image/color"
	"slices"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/images"
)

// grayImage makes a w-wide *image.Gray from its pixels, row by row.
func grayImage(w int, pix ...uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, len(pix)/w))
	copy(img.Pix, pix)
	return img
}

func TestEqualizeConstantUnchanged(t *testing.T) {
	for _, img := range []image.Image{
		grayImage(3, 90, 90, 90, 90, 90, 90),
		grayImage(1, 0),
	} {
		want := img.At(0, 0)
		for name, f := range map[string]func(image.Image) (image.Image, error){
			"CLAHE": func(i image.Image) (image.Image, error) {
				return images.CLAHE(i, images.CLAHEOptions{Tiles: image.Pt(1, 1), Bins: 256})
			},
			"Equalize": func(i image.Image) (image.Image, error) { return images.Equalize(i, images.DefaultEqualizeOptions()) },
		} {
			out, err := f(img)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for y := range img.Bounds().Dy() {
				for x := range img.Bounds().Dx() {
					if g, w := color.GrayModel.Convert(out.At(x, y)), color.GrayModel.Convert(want); g != w {
						t.Errorf("%s of a constant image: pixel (%d, %d) is %v, want it unchanged at %v", name, x, y, g, w)
					}
				}
			}
		}
	}
}

func TestEqualizeRefusesHugeImages(t *testing.T) {
	huge := image.NewUniform(color.Gray{90}) // 2e9 × 2e9 pixels
	if _, err := images.Equalize(huge, images.DefaultEqualizeOptions()); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("Equalize of a %v image: error %v, want one about the pixel limit", huge.Bounds(), err)
	}
}

func TestEqualizeSpreadsAndKeepsOrder(t *testing.T) {
	// A dim, low-contrast ramp: equalising must reach both ends and keep the
	// order of the gray levels.
	in := grayImage(4, 100, 101, 102, 103, 104, 105, 106, 107)
	for name, out := range map[string]func() (image.Image, error){
		"Equalize": func() (image.Image, error) { return images.Equalize(in, images.DefaultEqualizeOptions()) },
		"CLAHE one region, no clipping": func() (image.Image, error) {
			return images.CLAHE(in, images.CLAHEOptions{Tiles: image.Pt(1, 1), Bins: 256})
		},
	} {
		img, err := out()
		if err != nil {
			t.Fatal(err)
		}
		var prev uint16
		for i := range in.Pix {
			y := img.(*image.Gray16).Gray16At(i%4, i/4).Y
			if i > 0 && y <= prev {
				t.Errorf("%s: pixel %d is %d, not above the previous %d", name, i, y, prev)
			}
			prev = y
		}
		if last := img.(*image.Gray16).Gray16At(3, 1).Y; last != 0xffff {
			t.Errorf("%s: the brightest pixel is %d, want 65535", name, last)
		}
	}
}

func TestEqualizeColourKeepsHue(t *testing.T) {
	in := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	in.SetNRGBA(0, 0, color.NRGBA{100, 50, 25, 255})
	in.SetNRGBA(1, 0, color.NRGBA{0, 0, 0, 255})
	out, err := images.Equalize(in, images.DefaultEqualizeOptions())
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, _ := out.At(0, 0).RGBA()
	if r != 0xffff || g != 0x8000 && g != 0x7fff || b != 0x4000 && b != 0x3fff {
		t.Errorf("the brighter pixel became %d, %d, %d: want R at 65535 and G, B in the same 4:2:1 ratio", r, g, b)
	}
}

func TestCLAHEOptionErrors(t *testing.T) {
	img := grayImage(4, 1, 2, 3, 4, 5, 6, 7, 8)
	for _, c := range []struct {
		opts  images.CLAHEOptions
		field string
	}{
		{images.CLAHEOptions{Tiles: image.Pt(0, 1), Bins: 256}, "Tiles"},
		{images.CLAHEOptions{Tiles: image.Pt(5, 1), Bins: 256}, "Tiles"},
		{images.CLAHEOptions{Tiles: image.Pt(1, 1), ClipLimit: -0.1, Bins: 256}, "ClipLimit"},
		{images.CLAHEOptions{Tiles: image.Pt(1, 1), Bins: 1}, "Bins"},
	} {
		_, err := images.CLAHE(img, c.opts)
		if err == nil || !strings.Contains(err.Error(), "CLAHEOptions."+c.field) {
			t.Errorf("CLAHE(%+v): error %v, want one naming CLAHEOptions.%s", c.opts, err, c.field)
		}
	}
	if _, err := images.Equalize(img, images.EqualizeOptions{}); err == nil || !strings.Contains(err.Error(), "EqualizeOptions.Bins") {
		t.Errorf("Equalize with 0 bins: error %v, want one naming EqualizeOptions.Bins", err)
	}
}

// FuzzCLAHE runs CLAHE on small images with any tiles, clip limit and bins:
// no panic, the size kept, and the result stretched to the full range (or,
// where every pixel got the same level, all black or all white, as
// scikit-image does). The order of gray levels is not a property: like
// scikit-image, CLAHE truncates each interpolated level, so two pixels of
// one bin can come out one level apart.
func FuzzCLAHE(f *testing.F) {
	f.Add(uint8(3), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(1), uint8(1), 0.01, uint16(256))
	f.Add(uint8(1), []byte{0, 255}, uint8(1), uint8(2), 0.0, uint16(2))
	f.Fuzz(func(t *testing.T, w uint8, pix []byte, tx, ty uint8, clip float64, bins uint16) {
		if w == 0 || len(pix) < int(w) || len(pix) > 4096 {
			return
		}
		in := grayImage(int(w), pix[:len(pix)/int(w)*int(w)]...)
		opts := images.CLAHEOptions{Tiles: image.Pt(int(tx), int(ty)), ClipLimit: clip, Bins: int(bins)}
		out, err := images.CLAHE(in, opts)
		if err != nil {
			return // invalid options, checked by TestCLAHEOptionErrors
		}
		if out.Bounds() != in.Bounds() {
			t.Fatalf("CLAHE(%+v) of a %v image gave %v", opts, in.Bounds(), out.Bounds())
		}
		if slices.Min(in.Pix) == slices.Max(in.Pix) {
			return
		}
		lo, hi := uint16(0xffff), uint16(0)
		for y := range in.Bounds().Dy() {
			for x := range in.Bounds().Dx() {
				v := out.(*image.Gray16).Gray16At(x, y).Y
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		if !(lo == 0 && hi == 0xffff) && !(lo == hi && (lo == 0 || lo == 0xffff)) {
			t.Fatalf("CLAHE(%+v) spans levels %d … %d, want 0 … 65535", opts, lo, hi)
		}
	})
}
