package images_test

import (
	"encoding/json"
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/weights"
)

// exposureTolerance is how far a pixel may be from scikit-image's: the Go
// result is 16-bit, so half a step of rounding plus float64 noise.
const exposureTolerance = 0.5/math.MaxUint16 + 1e-9

type exposureCase struct {
	Name      string  `json:"name"`
	Tiles     [2]int  `json:"tiles"`
	ClipLimit float64 `json:"clip_limit"`
	Bins      int     `json:"bins"`
}

// openExposure opens exposure_reference.safetensors and returns its cases.
func openExposure(t *testing.T) (*weights.File, map[string][]exposureCase) {
	t.Helper()
	f, err := weights.Open(fixtures.Path("exposure_reference.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	var meta map[string][]exposureCase
	if err := json.Unmarshal([]byte(f.Metadata()["meta"]), &meta); err != nil {
		t.Fatalf("%s: metadata \"meta\": %v", f.Name(), err)
	}
	return f, meta
}

// fixtureImage turns a [H, W] (gray) or [H, W, 3] (RGB) array on the 16-bit
// grid into a *image.Gray16 or *image.RGBA64.
func fixtureImage(t *testing.T, f *weights.File, name string) image.Image {
	t.Helper()
	data, shape, err := f.Float64(name)
	if err != nil {
		t.Fatal(err)
	}
	q := func(v float64) uint16 { return uint16(math.Round(v * math.MaxUint16)) }
	h, w := shape[0], shape[1]
	if len(shape) == 2 {
		img := image.NewGray16(image.Rect(0, 0, w, h))
		for i, v := range data {
			img.SetGray16(i%w, i/w, color.Gray16{Y: q(v)})
		}
		return img
	}
	img := image.NewRGBA64(image.Rect(0, 0, w, h))
	for i := range h * w {
		img.SetRGBA64(i%w, i/w, color.RGBA64{R: q(data[3*i]), G: q(data[3*i+1]), B: q(data[3*i+2]), A: math.MaxUint16})
	}
	return img
}

// compareFixture compares img with the reference array name ([H, W] or
// [H, W, 3], in [0, 1]).
func compareFixture(t *testing.T, f *weights.File, name string, img image.Image) {
	t.Helper()
	want, shape, err := f.Float64(name)
	if err != nil {
		t.Fatal(err)
	}
	w := shape[1]
	if got := img.Bounds().Size(); got != image.Pt(w, shape[0]) {
		t.Fatalf("%s: size %v, want %d×%d", name, got, w, shape[0])
	}
	channels := len(want) / (w * shape[0])
	worst, at := 0.0, 0
	for i, ref := range want {
		r, g, b, _ := img.At(i/channels%w, i/channels/w).RGBA()
		got := float64([]uint32{r, g, b}[i%channels]) / math.MaxUint16
		if d := math.Abs(got - ref); d > worst {
			worst, at = d, i
		}
	}
	if worst > exposureTolerance {
		t.Errorf("%s: largest difference from scikit-image %.3g at element %d (tolerance %.3g)", name, worst, at, exposureTolerance)
	}
}

func TestFixtureCLAHE(t *testing.T) {
	f, meta := openExposure(t)
	if len(meta["clahe"]) == 0 {
		t.Fatalf("%s: no CLAHE cases in its metadata", f.Name())
	}
	for _, c := range meta["clahe"] {
		t.Run(c.Name, func(t *testing.T) {
			in := fixtureImage(t, f, "clahe/"+c.Name+"/input")
			out, err := images.CLAHE(in, images.CLAHEOptions{Tiles: image.Pt(c.Tiles[0], c.Tiles[1]), ClipLimit: c.ClipLimit, Bins: c.Bins})
			if err != nil {
				t.Fatal(err)
			}
			compareFixture(t, f, "clahe/"+c.Name+"/output", out)
		})
	}
}

func TestFixtureEqualize(t *testing.T) {
	f, meta := openExposure(t)
	if len(meta["equalize"]) == 0 {
		t.Fatalf("%s: no Equalize cases in its metadata", f.Name())
	}
	for _, c := range meta["equalize"] {
		t.Run(c.Name, func(t *testing.T) {
			in := fixtureImage(t, f, "equalize/"+c.Name+"/input")
			out, err := images.Equalize(in, images.EqualizeOptions{Bins: c.Bins})
			if err != nil {
				t.Fatal(err)
			}
			compareFixture(t, f, "equalize/"+c.Name+"/output", out)
		})
	}
}
