package style_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/internal/fixtures/vggref"
	"github.com/neuralart/neuralart/pkg/style"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// The optimisers must land within this factor of PyTorch's final loss.
const lossSlack = 1.1

// Keys of gatys_reference.json and the runs they describe (fixtures/README.md).
const (
	lbfgsFinalKey = "lbfgs_300_iters_final_loss"
	lbfgsEvalsKey = "lbfgs_evaluations"
	adamFinalKey  = "adam_lr0.01_300_steps_final_loss"
	adamTraceKey  = "adam_trace_every_50"
	adamRate      = 0.01
	adamSteps     = 300
	adamTraceStep = 50
)

// gatysFixture is the tiny VGG-19, the images and the loss definition of
// the reference fixtures, with PyTorch's optimisation results.
type gatysFixture struct {
	backend        backends.Backend
	net            *vgg.Model
	content, style *tensors.Tensor
	image          *tensors.Tensor   // the point the reference loss and gradient were taken at
	ref            *vggref.Reference // the tiny VGG's reference tensors and loss definition
	opts           style.Options     // α, β and layers of the reference loss
	results        map[string]map[string]json.RawMessage
}

// tinyVGG is the pure-Go backend and the fixtures' VGG-19 (reduced width).
func tinyVGG(t *testing.T) (backends.Backend, *vgg.Model) {
	t.Helper()
	b, err := purego.New()
	if err != nil {
		t.Fatal(err)
	}
	net, err := vgg.Load(fixtures.Path("vgg19_tiny.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	return b, net
}

// greyImage is a mid-grey [1, 3, h, w] image.
func greyImage(h, w int) *tensors.Tensor {
	data := make([]float32, 3*h*w)
	for i := range data {
		data[i] = 0.5
	}
	return tensors.FromFlatDataAndDimensions(data, 1, 3, h, w)
}

func loadGatysFixture(t *testing.T) *gatysFixture {
	t.Helper()
	b, net := tinyVGG(t)
	ref := vggref.Open(t)
	f := &gatysFixture{backend: b, net: net, ref: ref, opts: style.DefaultOptions()}
	f.content, f.style, f.image = ref.Tensor(t, "content_image"), ref.Tensor(t, "style_image"), ref.Tensor(t, "image")
	f.opts.ContentWeight, f.opts.StyleWeight = ref.Alpha, ref.Beta
	f.opts.ContentLayers, f.opts.StyleLayers = []string{ref.ContentLayer}, ref.StyleLayers
	f.opts.Size = 0 // the fixture's own size
	f.opts.Init = style.InitContent

	data, err := os.ReadFile(fixtures.Path("gatys_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var results map[string]json.RawMessage
	if err := json.Unmarshal(data, &results); err != nil {
		t.Fatalf("gatys_reference.json: %v", err)
	}
	f.results = map[string]map[string]json.RawMessage{}
	for _, pooling := range []vgg.Pooling{vgg.MaxPooling, vgg.AvgPooling} {
		var byKey map[string]json.RawMessage
		if err := json.Unmarshal(results[pooling.String()], &byKey); err != nil {
			t.Fatalf("gatys_reference.json: %q: %v", pooling, err)
		}
		f.results[pooling.String()] = byKey
	}
	return f
}

// result reads one of PyTorch's results for a pooling into v.
func (f *gatysFixture) result(t *testing.T, pooling vgg.Pooling, key string, v any) {
	t.Helper()
	raw, ok := f.results[pooling.String()][key]
	if !ok {
		t.Fatalf("gatys_reference.json: no %q for %s pooling", key, pooling)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("gatys_reference.json: %s/%s: %v", pooling, key, err)
	}
}

// network returns the fixture's VGG with the given pooling.
func (f *gatysFixture) network(pooling vgg.Pooling) *vgg.Model {
	net := *f.net
	net.Pooling = pooling
	return &net
}

// transfer runs the reference optimisation with the given optimiser and
// logs its time.
func (f *gatysFixture) transfer(t *testing.T, pooling vgg.Pooling, optimizer style.Optimizer, steps int) *style.Result {
	t.Helper()
	opts := f.opts
	opts.Optimizer, opts.Iterations = optimizer, steps
	start := time.Now()
	res, err := style.Transfer(t.Context(), f.backend, f.network(pooling), f.content, []*tensors.Tensor{f.style}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s pooling, %T: %d evaluations in %s", pooling, optimizer, len(res.History)+1, time.Since(start).Round(time.Millisecond))
	return res
}

// checkFinal fails unless got ≤ lossSlack × PyTorch's want.
func checkFinal(t *testing.T, what string, got, want float64) {
	t.Helper()
	t.Logf("%s: final loss %.6g, PyTorch %.6g, ratio %.4f", what, got, want, got/want)
	if !(got <= lossSlack*want) {
		t.Errorf("%s: final loss %.6g, want ≤ %g × PyTorch's %.6g", what, got, lossSlack, want)
	}
}

var poolings = []vgg.Pooling{vgg.MaxPooling, vgg.AvgPooling}

// The compiled loss and its gradient agree with PyTorch's at the
// reference image: losses to 1e-5, the gradient to 1e-4 (‖a−b‖/‖b‖).
func TestFixtureLossAndGradient(t *testing.T) {
	f := loadGatysFixture(t)
	for _, pooling := range poolings {
		t.Run(pooling.String(), func(t *testing.T) {
			net := f.network(pooling)
			contentTargets, err := style.ComputeTargets(f.backend, net, f.content, f.opts.ContentLayers, f.opts.StyleLayers)
			if err != nil {
				t.Fatal(err)
			}
			styleTargets, err := style.ComputeTargets(f.backend, net, f.style, f.opts.ContentLayers, f.opts.StyleLayers)
			if err != nil {
				t.Fatal(err)
			}
			targets := style.Targets{Content: contentTargets.Content, Style: styleTargets.Style}
			dims := f.image.Shape().Dimensions
			loss, err := style.NewLoss(f.backend, net, targets, dims[2], dims[3], &f.opts)
			if err != nil {
				t.Fatal(err)
			}
			x := tensors.MustCopyFlatData[float32](f.image)
			grad := make([]float32, len(x))
			got, err := loss.Evaluate(x, grad)
			if err != nil {
				t.Fatal(err)
			}
			scalar := func(name string) float64 {
				return float64(tensors.MustCopyFlatData[float32](f.ref.Tensor(t, pooling.String()+"/"+name))[0])
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"content loss", got.Content, f.opts.ContentWeight * scalar("content_loss")},
				{"style loss", got.Style, f.opts.StyleWeight * scalar("style_loss")},
				{"total loss", got.Total, scalar("total_loss")},
			} {
				if math.Abs(c.got-c.want) > 1e-5*math.Abs(c.want) {
					t.Errorf("%s = %.8g, PyTorch %.8g", c.name, c.got, c.want)
				}
			}
			want := tensors.MustCopyFlatData[float32](f.ref.Tensor(t, pooling.String()+"/grad_image"))
			var diff, norm float64
			for i := range want {
				d := float64(grad[i]) - float64(want[i])
				diff, norm = diff+d*d, norm+float64(want[i])*float64(want[i])
			}
			if rel := math.Sqrt(diff / norm); !(rel <= 1e-4) {
				t.Errorf("gradient: ‖ours − PyTorch's‖/‖PyTorch's‖ = %.3g, want ≤ 1e-4", rel)
			}
		})
	}
}

// L-BFGS as torch.optim.LBFGS(lr=1, history_size=100, no line search,
// tolerances 0) for PyTorch's number of evaluations, and with the
// strong-Wolfe line search on the same budget.
func TestFixtureLBFGS(t *testing.T) {
	if testing.Short() {
		t.Skip("300 evaluations of VGG-19 per pooling mode: run without -short")
	}
	f := loadGatysFixture(t)
	for _, pooling := range poolings {
		t.Run(pooling.String(), func(t *testing.T) {
			var evaluations int
			var want float64
			f.result(t, pooling, lbfgsEvalsKey, &evaluations)
			f.result(t, pooling, lbfgsFinalKey, &want)
			for _, lineSearch := range []bool{false, true} {
				lbfgs := style.NewLBFGS()
				lbfgs.ToleranceGrad, lbfgs.ToleranceChange = 0, 0
				lbfgs.LineSearch, lbfgs.MaxEvaluations = lineSearch, evaluations
				res := f.transfer(t, pooling, lbfgs, evaluations)
				if len(res.History) > evaluations {
					t.Errorf("line search %v: %d evaluations, the budget was %d", lineSearch, len(res.History), evaluations)
				}
				checkFinal(t, fmt.Sprintf("L-BFGS (line search %v)", lineSearch), res.Losses.Total, want)
			}
		})
	}
}

// Adam (lr 0.01) for 300 steps, checked along the way against PyTorch's
// trace too.
func TestFixtureAdam(t *testing.T) {
	if testing.Short() {
		t.Skip("300 evaluations of VGG-19 per pooling mode: run without -short")
	}
	f := loadGatysFixture(t)
	for _, pooling := range poolings {
		t.Run(pooling.String(), func(t *testing.T) {
			var want float64
			var trace []float64
			f.result(t, pooling, adamFinalKey, &want)
			f.result(t, pooling, adamTraceKey, &trace)
			res := f.transfer(t, pooling, style.NewAdam(adamRate), adamSteps)
			for i, wantLoss := range trace {
				if got := res.History[i*adamTraceStep].Total; !(got <= lossSlack*wantLoss) {
					t.Errorf("Adam step %d: loss %.6g, want ≤ %g × PyTorch's %.6g", i*adamTraceStep, got, lossSlack, wantLoss)
				}
			}
			checkFinal(t, "Adam", res.Losses.Total, want)
		})
	}
}

// With VGG-19 itself, an image one pixel short of what the deepest layer
// needs is refused up front (not by GoMLX's pooling), and one of exactly
// that size runs.
func TestTransferMinimumSizeWithVGG(t *testing.T) {
	b, net := tinyVGG(t)
	opts := style.DefaultOptions()
	opts.Size, opts.Iterations = 0, 1
	styles := []*tensors.Tensor{greyImage(20, 20)}
	_, err := style.Transfer(t.Context(), b, net, greyImage(1, 1), styles, opts)
	want := "style: the content image is 1×1 (Options.Size 0), smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; use a larger content image or Size"
	if err == nil || err.Error() != want {
		t.Fatalf("Transfer of a 1x1 image: %v\nwant %q", err, want)
	}
	_, err = style.Transfer(t.Context(), b, net, greyImage(16, 15), styles, opts)
	want = "style: the content image is 15×16 (Options.Size 0), smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; use a larger content image or Size"
	if err == nil || err.Error() != want {
		t.Fatalf("Transfer of a 15x16 image: %v\nwant %q", err, want)
	}
	res, err := style.Transfer(t.Context(), b, net, greyImage(16, 16), []*tensors.Tensor{greyImage(40, 40)}, opts)
	if err != nil {
		t.Fatalf("Transfer at the minimum size 16x16 (style 40x40 resized to 16x16): %v", err)
	}
	if d := res.Image.Shape().Dimensions; d[2] != 16 || d[3] != 16 {
		t.Errorf("result is %v, want 16x16", d)
	}
}
