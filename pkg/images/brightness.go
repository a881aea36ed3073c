package images

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// brightness is the plane that histogram equalisation ([Equalize], [CLAHE])
// remaps: the 16-bit gray level of a gray image, and of a colour image its
// HSV value V = max(R, G, B), as scikit-image's adapt_rgb(hsv_value) does, so
// that equalising keeps hue and saturation.
type brightness struct {
	rect image.Rectangle
	gray bool
	v    []uint16 // row-major, one per pixel
	rgb  []uint16 // straight (not premultiplied) R, G, B per pixel; colour only
}

// newBrightness reads img's brightness; what names the caller in errors.
// Images over the pixel limit of [Load] are refused, as they are when
// decoded.
func newBrightness(what string, img image.Image) (*brightness, error) {
	r := img.Bounds()
	if r.Empty() {
		return nil, fmt.Errorf("images: %s of an empty %d×%d image", what, r.Dx(), r.Dy())
	}
	if pixels := int64(r.Dx()) * int64(r.Dy()); pixels > DefaultMaxPixels {
		return nil, fmt.Errorf("images: %s of a %d×%d image (%s), over the limit of %s", what, r.Dx(), r.Dy(),
			megapixelsOf(float64(pixels)), megapixels(DefaultMaxPixels))
	}
	b := &brightness{rect: r, v: make([]uint16, r.Dx()*r.Dy())}
	b.gray = img.ColorModel() == color.GrayModel || img.ColorModel() == color.Gray16Model
	if !b.gray {
		b.rgb = make([]uint16, 3*len(b.v))
	}
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if b.gray {
				b.v[i] = color.Gray16Model.Convert(img.At(x, y)).(color.Gray16).Y
			} else {
				c := color.NRGBA64Model.Convert(img.At(x, y)).(color.NRGBA64)
				b.rgb[3*i], b.rgb[3*i+1], b.rgb[3*i+2] = c.R, c.G, c.B
				b.v[i] = max(c.R, c.G, c.B)
			}
			i++
		}
	}
	return b, nil
}

func (b *brightness) width() int  { return b.rect.Dx() }
func (b *brightness) height() int { return b.rect.Dy() }

// valueRange returns the smallest and the largest brightness.
func (b *brightness) valueRange() (lo, hi uint16) {
	lo, hi = math.MaxUint16, 0
	for _, v := range b.v {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// unchanged returns the image rebuilt from its own brightness: what
// equalising a constant image, which has no contrast to spread, returns.
func (b *brightness) unchanged() image.Image {
	f := make([]float64, len(b.v))
	for i, v := range b.v {
		f[i] = float64(v) / math.MaxUint16
	}
	return b.image(f)
}

// image returns the picture with brightness f (one value in [0, 1] per
// pixel): a *image.Gray16 for a gray source, else an opaque *image.RGBA64
// whose R, G, B are scaled by f/V, which is HSV's value replaced with hue
// and saturation kept (a black pixel, which has no hue, becomes gray f).
func (b *brightness) image(f []float64) image.Image {
	quantise := func(x float64) uint16 { return uint16(math.Round(min(max(x, 0), 1) * math.MaxUint16)) }
	if b.gray {
		out := image.NewGray16(b.rect)
		for i, x := range f {
			out.SetGray16(b.rect.Min.X+i%b.width(), b.rect.Min.Y+i/b.width(), color.Gray16{Y: quantise(x)})
		}
		return out
	}
	out := image.NewRGBA64(b.rect)
	for i, x := range f {
		var c color.RGBA64
		if v := b.v[i]; v == 0 {
			g := quantise(x)
			c = color.RGBA64{R: g, G: g, B: g, A: math.MaxUint16}
		} else {
			scale := x / float64(v)
			c = color.RGBA64{R: quantise(float64(b.rgb[3*i]) * scale), G: quantise(float64(b.rgb[3*i+1]) * scale),
				B: quantise(float64(b.rgb[3*i+2]) * scale), A: math.MaxUint16}
		}
		out.SetRGBA64(b.rect.Min.X+i%b.width(), b.rect.Min.Y+i/b.width(), c)
	}
	return out
}
