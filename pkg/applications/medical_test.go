package applications_test

import (
	"context"
	"image"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/applications"
	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/vgg"
)

func loadRetina(t *testing.T) image.Image {
	t.Helper()
	img, err := images.Load(context.Background(), "../../notebooks/images/retina.jpg", images.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestMedical runs the study small (128 px, a 1/16-width random VGG-19, a
// few steps): the plumbing, and the measures' plain facts, not the verdict.
func TestMedical(t *testing.T) {
	b, err := purego.New()
	if err != nil {
		t.Fatal(err)
	}
	net, err := vgg.RandomWidth(vgg.DefaultSeed, 16)
	if err != nil {
		t.Fatal(err)
	}
	retina := loadRetina(t)
	opts := applications.DefaultMedicalOptions()
	opts.Size, opts.Transfer.Iterations = 128, 3
	study, err := applications.Medical(t.Context(), b, net, retina, retina, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(study.Rows) != 5 {
		t.Fatalf("%d rows, want 5", len(study.Rows))
	}
	orig, low, clahe := study.Row(applications.MethodOriginal), study.Row(applications.MethodLowContrast), study.Row(applications.MethodCLAHE)
	if orig.SSIM != 1 {
		t.Errorf("SSIM of the original to itself = %v", orig.SSIM)
	}
	if r := low.RMSContrast / orig.RMSContrast; r < 0.35 || r > 0.45 {
		t.Errorf("the low-contrast version has %.2f× the original's RMS contrast, want about Contrast = %g", r, opts.Contrast)
	}
	if !(orig.Vessels.Weber > 0) || !(clahe.Vessels.Weber > low.Vessels.Weber) {
		t.Errorf("vessel contrast: original %+v, low %+v, CLAHE %+v; want dark vessels that CLAHE brings out", orig.Vessels, low.Vessels, clahe.Vessels)
	}
	if got := study.Rows[2].Image.Bounds(); got != orig.Image.Bounds() {
		t.Errorf("the style transfer's image is %v, want the original's %v", got, orig.Image.Bounds())
	}
	for _, want := range []string{"RMS contrast", applications.MethodEqualize} {
		if !strings.Contains(study.Table(), want) {
			t.Errorf("Table() lacks %q:\n%s", want, study.Table())
		}
	}
	if v := study.Verdict(); !strings.Contains(v, "clinical") {
		t.Errorf("Verdict() does not say a diagnosis needs clinical data: %s", v)
	}

	opts.Contrast = 0
	if _, err := applications.Medical(t.Context(), b, net, retina, retina, opts); err == nil || !strings.Contains(err.Error(), "MedicalOptions.Contrast") {
		t.Errorf("Contrast 0: error %v, want one naming MedicalOptions.Contrast", err)
	}
}
