package imagequality_test

import (
	"encoding/json"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/imagequality"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/weights"
)

// gray16 makes a w × h gray image with the luminance f(x, y) in [0, 1].
func gray16(w, h int, f func(x, y int) float64) *image.Gray16 {
	img := image.NewGray16(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetGray16(x, y, color.Gray16{Y: uint16(math.Round(math.Min(math.Max(f(x, y), 0), 1) * math.MaxUint16))})
		}
	}
	return img
}

func fixtureGray(t *testing.T, f *weights.File, name string) *image.Gray16 {
	t.Helper()
	data, shape, err := f.Float64(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 2 {
		t.Fatalf("%s: %s has shape %v, want [H, W]", f.Name(), name, shape)
	}
	return gray16(shape[1], shape[0], func(x, y int) float64 { return data[y*shape[1]+x] })
}

func TestFixtureSSIM(t *testing.T) {
	f, err := weights.Open(fixtures.Path("quality_reference.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var meta struct {
		SSIM []struct {
			Name             string  `json:"name"`
			Window           int     `json:"window"`
			GaussianSigma    float64 `json:"gaussian_sigma"`
			SampleCovariance bool    `json:"sample_covariance"`
		} `json:"ssim"`
	}
	if err := json.Unmarshal([]byte(f.Metadata()["meta"]), &meta); err != nil || len(meta.SSIM) == 0 {
		t.Fatalf("%s: metadata \"meta\" lists no SSIM cases (%v)", f.Name(), err)
	}
	for _, c := range meta.SSIM {
		t.Run(c.Name, func(t *testing.T) {
			if c.SampleCovariance == (c.GaussianSigma > 0) {
				t.Skipf("%s: sample covariance %v with σ %g: SSIMOptions ties sample covariances to the uniform window", c.Name, c.SampleCovariance, c.GaussianSigma)
			}
			opts := imagequality.DefaultSSIMOptions()
			opts.Window, opts.GaussianSigma = c.Window, c.GaussianSigma
			got, err := imagequality.SSIM(fixtureGray(t, f, "ssim/"+c.Name+"/a"), fixtureGray(t, f, "ssim/"+c.Name+"/b"), opts)
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := f.Float64("ssim/" + c.Name + "/ssim")
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want[0]) > 1e-9 {
				t.Errorf("SSIM = %.12f, scikit-image %.12f", got, want[0])
			}
		})
	}
}

func TestSSIMIdenticalAndErrors(t *testing.T) {
	a := gray16(16, 12, func(x, y int) float64 { return float64(x*y%7) / 7 })
	if s, err := imagequality.SSIM(a, a, imagequality.DefaultSSIMOptions()); err != nil || math.Abs(s-1) > 1e-12 {
		t.Errorf("SSIM of an image with itself = %v, %v; want 1", s, err)
	}
	inverted := gray16(16, 12, func(x, y int) float64 { return 1 - float64(x*y%7)/7 })
	if s, _ := imagequality.SSIM(a, inverted, imagequality.DefaultSSIMOptions()); s >= 0 {
		t.Errorf("SSIM of an image with its negative = %v, want < 0", s)
	}
	for _, c := range []struct {
		b     image.Image
		opts  func(*imagequality.SSIMOptions)
		error string
	}{
		{gray16(15, 12, func(int, int) float64 { return 0 }), func(*imagequality.SSIMOptions) {}, "different sizes"},
		{a, func(o *imagequality.SSIMOptions) { o.GaussianSigma = 3 }, "smaller than its 23×23 window"},
		{a, func(o *imagequality.SSIMOptions) { o.GaussianSigma, o.Window = 0, 4 }, "SSIMOptions.Window"},
		{a, func(o *imagequality.SSIMOptions) { o.DataRange = 0 }, "SSIMOptions.DataRange"},
	} {
		opts := imagequality.DefaultSSIMOptions()
		c.opts(&opts)
		if _, err := imagequality.SSIM(a, c.b, opts); err == nil || !strings.Contains(err.Error(), c.error) {
			t.Errorf("SSIM(%+v): error %v, want one saying %q", opts, err, c.error)
		}
	}
}

func TestRMSContrast(t *testing.T) {
	halves := gray16(8, 4, func(x, _ int) float64 { return float64(x / 4) })
	if c, err := imagequality.RMSContrast(halves, nil); err != nil || math.Abs(c-0.5) > 1e-12 {
		t.Errorf("RMSContrast of half black, half white = %v, %v; want 0.5", c, err)
	}
	right := image.NewAlpha(halves.Rect)
	for y := range 4 {
		for x := 4; x < 8; x++ {
			right.SetAlpha(x, y, color.Alpha{A: 0xff})
		}
	}
	if c, err := imagequality.RMSContrast(halves, right); err != nil || c != 0 {
		t.Errorf("RMSContrast over the white half = %v, %v; want 0", c, err)
	}
	if _, err := imagequality.RMSContrast(halves, image.NewAlpha(halves.Rect)); err == nil || !strings.Contains(err.Error(), "empty mask") {
		t.Errorf("RMSContrast over an empty mask: error %v, want one saying so", err)
	}
	if _, err := imagequality.RMSContrast(halves, image.NewAlpha(image.Rect(0, 0, 2, 2))); err == nil || !strings.Contains(err.Error(), "covers") {
		t.Errorf("RMSContrast with a mask smaller than the image: error %v, want one saying what it covers", err)
	}
}

// vesselImage is a bright, slightly noisy background with a dark vertical
// vessel 3 pixels wide at x = 20 … 22 (luminance 0.8 and 0.4).
func vesselImage(dark float64) *image.Gray16 {
	rng := rand.New(rand.NewPCG(1, 2))
	return gray16(48, 40, func(x, _ int) float64 {
		v := 0.8 + 0.01*rng.NormFloat64()
		if x >= 20 && x <= 22 {
			v = dark
		}
		return v
	})
}

func TestVesselMaskAndContrast(t *testing.T) {
	img := vesselImage(0.4)
	opts := imagequality.DefaultVesselnessOptions()
	opts.Fraction = 3.0 / 48 // the vessel's share of the image
	region := imagequality.Erode(imagequality.Threshold(img, 0), 4)
	vessels, err := imagequality.VesselMask(img, region, opts)
	if err != nil {
		t.Fatal(err)
	}
	on, off := 0, 0
	for y := range 40 {
		for x := range 48 {
			if vessels.AlphaAt(x, y).A != 0 {
				if x >= 19 && x <= 23 {
					on++
				} else {
					off++
				}
			}
		}
	}
	if on < 60 || off > on/10 {
		t.Errorf("the vessel mask has %d pixels on the vessel (±1 px) and %d off it, want most on it", on, off)
	}
	c, err := imagequality.VesselContrast(img, vessels, imagequality.Without(region, vessels))
	if err != nil {
		t.Fatal(err)
	}
	if c.Weber < 0.35 || c.Weber > 0.51 || c.CNR < 3 {
		t.Errorf("contrast of a 0.4 vessel on a 0.8 background = %+v, want Weber near 0.5 and a CNR well above 1", c)
	}

	// A bright line is no dark vessel: with the default polarity its centre
	// scores 0.
	v, err := imagequality.Vesselness(vesselImage(1), imagequality.DefaultVesselnessOptions())
	if err != nil {
		t.Fatal(err)
	}
	if centre := v[20*48+21]; centre != 0 {
		t.Errorf("vesselness at the centre of a bright line = %v, want 0 for dark vessels", centre)
	}
}

func TestErode(t *testing.T) {
	m := image.NewAlpha(image.Rect(0, 0, 7, 5))
	for y := range 5 {
		for x := range 7 {
			m.SetAlpha(x, y, color.Alpha{A: 0xff})
		}
	}
	m.SetAlpha(3, 2, color.Alpha{}) // a hole in the middle
	e := imagequality.Erode(m, 1)
	for y := range 5 {
		for x := range 7 {
			want := x >= 1 && x <= 5 && y >= 1 && y <= 3 && (x < 2 || x > 4 || y < 1 || y > 3)
			if got := e.AlphaAt(x, y).A != 0; got != want {
				t.Errorf("Erode(radius 1) at (%d, %d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestSeamError(t *testing.T) {
	periodic := gray16(32, 24, func(x, y int) float64 {
		return 0.5 + 0.2*math.Sin(2*math.Pi*float64(x)/16) + 0.2*math.Cos(2*math.Pi*float64(y)/12)
	})
	ramp := gray16(32, 24, func(x, y int) float64 { return float64(x+y) / 60 })
	p, err := imagequality.SeamError(periodic)
	if err != nil {
		t.Fatal(err)
	}
	r, err := imagequality.SeamError(ramp)
	if err != nil {
		t.Fatal(err)
	}
	if p > 1.2 || r < 10 {
		t.Errorf("SeamError: periodic texture %v (want about 1), ramp %v (want ≫ 1)", p, r)
	}
	if _, err := imagequality.SeamError(gray16(4, 4, func(int, int) float64 { return 0.3 })); err == nil {
		t.Error("SeamError of a flat image: no error")
	}
}

func TestFlicker(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var content, same, noisy []image.Image
	for i := range 4 {
		frame := gray16(20, 10, func(x, y int) float64 { return float64((x+i)%20) / 20 }) // a pan
		content, same = append(content, frame), append(same, frame)
		noisy = append(noisy, gray16(20, 10, func(x, y int) float64 { return 0.5*float64((x+i)%20)/20 + 0.5*rng.Float64() }))
	}
	if f, err := imagequality.Flicker(content, same); err != nil || math.Abs(f-1) > 1e-12 {
		t.Errorf("Flicker of the content itself = %v, %v; want 1", f, err)
	}
	if f, err := imagequality.Flicker(content, noisy); err != nil || f < 1.5 {
		t.Errorf("Flicker with fresh noise in every frame = %v, %v; want well above 1", f, err)
	}
	if _, err := imagequality.Flicker(content[:1], same[:1]); err == nil {
		t.Error("Flicker of one frame: no error")
	}
	if _, err := imagequality.Flicker([]image.Image{content[0], content[0]}, same[:2]); err == nil || !strings.Contains(err.Error(), "identical") {
		t.Errorf("Flicker of a still: error %v, want one saying the content does not change", err)
	}
}
