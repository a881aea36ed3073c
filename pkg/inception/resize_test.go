package inception_test

import (
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/inception"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/nn"
)

// TestResizeDoublingIsUpsample checks Resize to twice the size against
// nn.Upsample2xBilinear (torch.nn.Upsample(scale_factor=2, mode="bilinear")),
// which is checked against torch on its own, on a non-square image.
func TestResizeDoublingIsUpsample(t *testing.T) {
	const n, c, h, w = 2, 3, 5, 7
	data := make([]float32, n*c*h*w)
	for i := range data {
		data[i] = float32((i*37)%23) / 23
	}
	x := tensors.FromFlatDataAndDimensions(data, n, c, h, w)
	exec, err := NewExec(backend.MustNew(), func(x *Node) (*Node, *Node) {
		return inception.Resize(x, 2*h, 2*w), nn.Upsample2xBilinear(x)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	if r := fixtures.RelativeError(t, "Resize(x, 2h, 2w)", out[0], out[1]); r > 1e-6 {
		t.Errorf("Resize to twice the size differs from nn.Upsample2xBilinear by %.2g relative", r)
	}
}

// TestExtractorRefusesBadImages checks that images the network cannot take
// are an error that says what it expected, not a panic.
func TestExtractorRefusesBadImages(t *testing.T) {
	model, err := inception.Load(fixtures.Path("inception_fid_tiny.pth"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := inception.NewExtractor(backend.MustNew(), model)
	if err != nil {
		t.Fatal(err)
	}
	for name, images := range map[string]*tensors.Tensor{
		"gray":    tensors.FromFlatDataAndDimensions(make([]float32, 2*28*28), 2, 1, 28, 28),
		"float64": tensors.FromFlatDataAndDimensions(make([]float64, 3*8*8), 1, 3, 8, 8),
		"NHWC":    tensors.FromFlatDataAndDimensions(make([]float32, 8*8*3), 1, 8, 8, 3),
	} {
		if _, err := e.Features(images); err == nil || !strings.Contains(err.Error(), "[B, 3, H, W]") {
			t.Errorf("%s images %s: error %v, want one saying [B, 3, H, W]", name, images.Shape(), err)
		}
	}
}
