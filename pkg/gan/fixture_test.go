package gan

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/neuralart/neuralart/pkg/checkpoint"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/weights"
)

// replayMeta is the "meta" metadata of gan_replay.safetensors.
type replayMeta struct {
	Width, Batch, Steps int
	Adam                struct {
		LR    float64
		Betas [2]float64
		Eps   float64
	}
}

// replayVariable maps a PyTorch state_dict key of the replay
// ("generator/bn0.running_var") to the trainer's variable (scope and name).
func replayVariable(key string) (scope, name string) {
	module, param, _ := strings.Cut(key, ".")
	scope = context.ScopeSeparator + module
	if layer := module[strings.LastIndex(module, "/")+1:]; strings.HasPrefix(layer, "bn") {
		scope += context.ScopeSeparator + "batch_normalization"
		return scope, map[string]string{"weight": "scale", "bias": "offset", "running_mean": "mean", "running_var": "variance"}[param]
	}
	return scope, map[string]string{"weight": "weights", "bias": "bias"}[param]
}

// replayBeforeBatchNorm are the biases that feed a batch norm: their exact
// gradient is 0, so PyTorch's float32 run moves them by rounding noise (the
// README of the fixture).
var replayBeforeBatchNorm = []string{"generator/conv1.bias", "discriminator/conv2.bias"}

// TestFixtureGANReplay replays PyTorch's training steps of the article's
// GAN (gan_replay.safetensors: initial weights, real batches, latent codes)
// and compares each step's losses and D's outputs, and the weights and
// batch-norm running statistics after the last step, at the fixture's
// tolerances.
func TestFixtureGANReplay(t *testing.T) {
	f, err := weights.Open(fixtures.Path("gan_replay.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var meta replayMeta
	if err := json.Unmarshal([]byte(f.Metadata()["meta"]), &meta); err != nil {
		t.Fatalf("%s: metadata \"meta\": %v", f.Name(), err)
	}
	data, err := f.Tensor("data")
	if err != nil {
		t.Fatal(err)
	}
	z, err := f.Tensor("z")
	if err != nil {
		t.Fatal(err)
	}
	losses, lossShape, err := f.Float64("losses")
	if err != nil {
		t.Fatal(err)
	}
	steps, batch, channels, size, latent := data.Shape[0], data.Shape[1], data.Shape[2], data.Shape[3], z.Shape[2]
	if steps != meta.Steps || batch != meta.Batch || lossShape[0] != steps {
		t.Fatalf("%s: data %v, z %v and losses %v disagree with the metadata's %d steps of batch %d", f.Name(), data.Shape, z.Shape, lossShape, meta.Steps, meta.Batch)
	}

	g := ArticleGenerator{Latent: latent, InitSize: size / 4, Channels: channels, FeatureMaps: meta.Width, Init: InitDCGAN}
	d := ArticleDiscriminator{Channels: channels, ImageSize: size, Init: InitDCGAN}
	tr, err := NewTrainer(newBackend(t), g, d, nil, Options{LearningRate: meta.Adam.LR, Beta1: meta.Adam.Betas[0], Beta2: meta.Adam.Betas[1]})
	if err != nil {
		t.Fatal(err)
	}
	if meta.Adam.Eps != torchAdamEpsilon {
		t.Fatalf("%s: Adam's ε is %g, the trainer's %g", f.Name(), meta.Adam.Eps, torchAdamEpsilon)
	}

	// Every variable of both networks comes from init/.
	initial := map[string][]float32{}
	set := map[*context.Variable]bool{}
	for _, key := range f.Keys() {
		name, ok := strings.CutPrefix(key, "init/")
		if !ok {
			continue
		}
		w, err := f.Tensor(key)
		if err != nil {
			t.Fatal(err)
		}
		v := tr.Context().GetVariableByScopeAndName(replayVariable(name))
		if v == nil {
			t.Fatalf("%s: %s has no variable in the trainer", f.Name(), key)
		}
		if !slices.Equal(v.Shape().Dimensions, w.Shape) {
			t.Fatalf("%s: %s is %v, the trainer's %s is %s", f.Name(), key, w.Shape, v.ScopeAndName(), v.Shape())
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(w.Data, w.Shape...)); err != nil {
			t.Fatal(err)
		}
		initial[name], set[v] = w.Data, true
	}
	for v := range tr.Context().IterVariables() {
		if (checkpoint.InScope(v.Scope(), GeneratorScope) || checkpoint.InScope(v.Scope(), DiscriminatorScope)) && !set[v] {
			t.Fatalf("%s: the trainer's %s is not in init/", f.Name(), v.ScopeAndName())
		}
	}

	var worstLoss, worstMove float64
	realSize, zSize := batch*channels*size*size, batch*latent
	for s := range steps {
		real := tensors.FromFlatDataAndDimensions(data.Data[s*realSize:(s+1)*realSize], batch, channels, size, size)
		codes := tensors.FromFlatDataAndDimensions(z.Data[s*zSize:(s+1)*zSize], batch, latent)
		r, err := tr.stepWith(real, codes, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, got := range []float64{r.LossD, r.LossG, r.DReal, r.DFake} {
			want := losses[s*4+i]
			worstLoss = max(worstLoss, math.Abs(got-want)/math.Abs(want))
			if math.Abs(got-want) > 1e-3*math.Abs(want) {
				t.Errorf("step %d: %s = %.7g, PyTorch %.7g (relative error %.1e, tolerance 1e-3)",
					s+1, []string{"loss D", "loss G", "D(x)", "D(G(z))"}[i], got, want, math.Abs(got-want)/math.Abs(want))
			}
		}
	}

	// The weights' and statistics' movement over the run, against PyTorch's.
	for _, key := range f.Keys() {
		name, ok := strings.CutPrefix(key, "final/")
		if !ok || slices.Contains(replayBeforeBatchNorm, name) {
			continue
		}
		want, _, err := f.Float64(key)
		if err != nil {
			t.Fatal(err)
		}
		value, err := tr.Context().GetVariableByScopeAndName(replayVariable(name)).Value()
		if err != nil {
			t.Fatal(err)
		}
		got := tensors.MustCopyFlatData[float32](value)
		var diff, moved float64
		for i, w := range want {
			step := w - float64(initial[name][i])
			diff += math.Pow(float64(got[i])-float64(initial[name][i])-step, 2)
			moved += step * step
		}
		rel := math.Sqrt(diff / moved)
		worstMove = max(worstMove, rel)
		if rel > 5e-2 {
			t.Errorf("%s: moved %.3g from init, %.1e relative off PyTorch's movement %.3g (tolerance 5e-2)", name, math.Sqrt(diff), rel, math.Sqrt(moved))
		}
	}
	t.Logf("%d steps of batch %d, width %d: worst relative error of a loss %.1e, of a tensor's movement %.1e", steps, batch, meta.Width, worstLoss, worstMove)
}
