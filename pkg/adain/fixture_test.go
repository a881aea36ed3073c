package adain_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/adain"
	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/weights"
)

// Tolerances of the references (fixtures/testdata/README.md), as ‖a−b‖/‖b‖.
const (
	forwardTolerance  = 1e-5
	gradientTolerance = 1e-4
)

// reference is adain_reference.safetensors with the networks it was made with.
type reference struct {
	backend backends.Backend
	encoder *adain.Encoder
	decoder *adain.Decoder
	file    *weights.File
	meta    struct {
		Alpha                float64   `json:"alpha"`
		InterpolationWeights []float64 `json:"interpolation_weights"`
		ContentWeight        float64   `json:"content_weight"`
		StyleWeight          float64   `json:"style_weight"`
	}
}

func openReference(t *testing.T) *reference {
	t.Helper()
	b, err := purego.New()
	if err != nil {
		t.Fatal(err)
	}
	r := &reference{backend: b}
	if r.encoder, err = adain.LoadEncoder(fixtures.Path("adain_vgg_tiny.pth")); err != nil {
		t.Fatal(err)
	}
	if r.decoder, err = adain.LoadDecoder(fixtures.Path("adain_decoder_tiny.pth")); err != nil {
		t.Fatal(err)
	}
	if r.file, err = weights.Open(fixtures.Path("adain_reference.safetensors")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.file.Close() })
	if err := json.Unmarshal([]byte(r.file.Metadata()["meta"]), &r.meta); err != nil {
		t.Fatalf("%s: metadata \"meta\": %v", r.file.Name(), err)
	}
	return r
}

// tensor reads a reference tensor.
func (r *reference) tensor(t *testing.T, name string) *tensors.Tensor {
	t.Helper()
	w, err := r.file.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.FromFlatDataAndDimensions(w.Data, w.Shape...)
}

// batchItem is image i of a reference batch, as [1, C, H, W].
func (r *reference) batchItem(t *testing.T, name string, i int) *tensors.Tensor {
	t.Helper()
	w, err := r.file.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	size := len(w.Data) / w.Shape[0]
	return tensors.FromFlatDataAndDimensions(w.Data[i*size:(i+1)*size], append([]int{1}, w.Shape[1:]...)...)
}

// expectClose fails unless got matches the reference want to within
// tolerance, relative to want's norm.
func expectClose(t *testing.T, what string, got, want *tensors.Tensor, tolerance float64) {
	t.Helper()
	if !got.Shape().Equal(want.Shape()) {
		t.Errorf("%s: shape %s, PyTorch's is %s", what, got.Shape(), want.Shape())
		return
	}
	g, w := tensors.MustCopyFlatData[float32](got), tensors.MustCopyFlatData[float32](want)
	var diff, norm float64
	for i := range w {
		d := float64(g[i]) - float64(w[i])
		diff += d * d
		norm += float64(w[i]) * float64(w[i])
	}
	rel := math.Sqrt(diff / norm)
	if !(rel <= tolerance) {
		t.Errorf("%s: relative error %.3g, want ≤ %g", what, rel, tolerance)
	} else {
		t.Logf("%s: relative error %.3g", what, rel)
	}
}

func TestFixtureEncoder(t *testing.T) {
	r := openReference(t)
	exec := MustNewExec(r.backend, func(x *Node) []*Node { return r.encoder.Features(x) })
	outputs, err := exec.Exec(r.tensor(t, "content"))
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range adain.LayerNames {
		expectClose(t, name, outputs[i], r.tensor(t, "features/"+name), forwardTolerance)
	}
}

func TestFixtureAdaIN(t *testing.T) {
	r := openReference(t)
	exec := MustNewExec(r.backend, func(content, style *Node) []*Node {
		c, s := r.encoder.Encode(content), r.encoder.Encode(style)
		mean, std := adain.MeanStd(s)
		t := adain.AdaIN(c, s)
		return []*Node{mean, std, t, r.decoder.Decode(t)}
	})
	outputs, err := exec.Exec(r.tensor(t, "content"), r.tensor(t, "style"))
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"style_mean", "style_std", "adain", "decoded"} {
		expectClose(t, name, outputs[i], r.tensor(t, name), forwardTolerance)
	}
}

func TestFixtureStylize(t *testing.T) {
	r := openReference(t)
	s, err := adain.NewStylizer(r.backend, r.encoder, r.decoder)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	content, style := r.tensor(t, "content"), r.tensor(t, "style")
	opts := adain.DefaultStylizeOptions()
	for _, c := range []struct {
		name  string
		alpha float64
	}{{"stylized/alpha_1", 1}, {"stylized/alpha_0.6", r.meta.Alpha}} {
		opts.Alpha = c.alpha
		got, err := s.Stylize(ctx, content, style, opts)
		if err != nil {
			t.Fatal(err)
		}
		expectClose(t, c.name, got, r.tensor(t, c.name), forwardTolerance)
	}

	styles := []*tensors.Tensor{r.batchItem(t, "styles_resized", 0), r.batchItem(t, "styles_resized", 1)}
	got, err := s.Interpolate(ctx, content, styles, r.meta.InterpolationWeights, adain.DefaultStylizeOptions())
	if err != nil {
		t.Fatal(err)
	}
	expectClose(t, "interpolated", got, r.tensor(t, "interpolated"), forwardTolerance)

	opts.Alpha = r.meta.Alpha
	got, err = s.Mask(ctx, content, r.tensor(t, "mask"), styles[0], styles[1], opts)
	if err != nil {
		t.Fatal(err)
	}
	expectClose(t, "masked", got, r.tensor(t, "masked"), forwardTolerance)

	coral, err := adain.Coral(style, content)
	if err != nil {
		t.Fatal(err)
	}
	expectClose(t, "coral", coral, r.tensor(t, "coral"), forwardTolerance)
	opts = adain.DefaultStylizeOptions()
	opts.PreserveColor = true
	got, err = s.Stylize(ctx, content, style, opts)
	if err != nil {
		t.Fatal(err)
	}
	expectClose(t, "preserve_color", got, r.tensor(t, "preserve_color"), forwardTolerance)
}

func TestFixtureTrainingGradients(t *testing.T) {
	r := openReference(t)
	opts := adain.DefaultTrainOptions()
	opts.ContentWeight, opts.StyleWeight = r.meta.ContentWeight, r.meta.StyleWeight
	trainer, err := adain.NewTrainer(r.backend, r.encoder, r.decoder, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	losses, grads, err := trainer.Gradients(r.tensor(t, "train/content"), r.tensor(t, "train/style"))
	if err != nil {
		t.Fatal(err)
	}
	scalar := func(v float64) *tensors.Tensor { return tensors.FromFlatDataAndDimensions([]float32{float32(v)}, 1) }
	expectClose(t, "content loss", scalar(losses.Content), r.tensor(t, "train/loss_content"), forwardTolerance)
	expectClose(t, "style loss", scalar(losses.Style), r.tensor(t, "train/loss_style"), forwardTolerance)
	var want int
	for _, key := range r.file.Keys() {
		if strings.HasPrefix(key, "train/grad/") {
			want++
		}
	}
	if len(grads) != want || want == 0 {
		t.Fatalf("%d gradients, the reference has %d", len(grads), want)
	}
	for key, g := range grads {
		expectClose(t, "gradient of "+key, g, r.tensor(t, "train/grad/"+key), gradientTolerance)
	}
}
