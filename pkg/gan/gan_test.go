package gan

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/checkpoint"
)

func newBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := purego.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tinyPair is the article's architecture at a size that trains in
// milliseconds: 12x12 images from a 3x3 seed of 8 feature maps.
func tinyPair() (ArticleGenerator, ArticleDiscriminator) {
	g := ArticleGenerator{Latent: 5, InitSize: 3, Channels: 2, FeatureMaps: 8, Init: InitDCGAN}
	return g, ArticleDiscriminator{Channels: 2, ImageSize: 12, Init: InitDCGAN}
}

// randomImages is a deterministic batch shaped like g's images, in [-1, 1].
func randomImages(g Generator, n int, seed uint64) *tensors.Tensor {
	shape := imageShape(g, n)
	rng := newRand(seed)
	data := make([]float32, shape.Size())
	for i := range data {
		data[i] = float32(2*rng.Float64() - 1)
	}
	return tensors.FromFlatDataAndDimensions(data, shape.Dimensions...)
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

// randomTensor returns a tensor of standard normal float32s, reproducible
// from seed.
func randomTensor(seed uint64, dims ...int) *tensors.Tensor {
	rng := newRand(seed)
	size := 1
	for _, d := range dims {
		size *= d
	}
	data := make([]float32, size)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// randomData serves a different deterministic batch for every step.
func randomData(g Generator, n int) Data {
	return DataFunc(func(step int) (*tensors.Tensor, error) { return randomImages(g, n, uint64(step)), nil })
}

func TestShapes(t *testing.T) {
	b := newBackend(t)
	tg, td := tinyPair()
	pairs := []struct {
		name string
		g    Generator
		d    Discriminator
	}{
		{"article-mnist", MNISTGenerator(), MNISTDiscriminator()},
		{"article-tiny", tg, td},
		{"dcgan-28", DCGANGenerator{Latent: 10, Channels: 1, Features: 8, ImageSize: 28}, DCGANDiscriminator{Channels: 1, Features: 8, ImageSize: 28}},
		{"dcgan-32", DCGANGenerator{Latent: 10, Channels: 3, Features: 8, ImageSize: 32}, DCGANDiscriminator{Channels: 3, Features: 8, ImageSize: 32}},
		{"dcgan-64", DCGANGenerator{Latent: 10, Channels: 1, Features: 4, ImageSize: 64}, DCGANDiscriminator{Channels: 1, Features: 4, ImageSize: 64}},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			const n = 3
			ctx := context.New().Checked(false)
			exec := context.MustNewExec(b, ctx, func(ctx *context.Context, z *Node) (*Node, *Node) {
				images := p.g.Generate(ctx.In(GeneratorScope), z, nil)
				return images, p.d.Logits(ctx.In(DiscriminatorScope), images, nil)
			})
			out, err := exec.Exec(RandomLatents(p.g, n, 1))
			if err != nil {
				t.Fatal(err)
			}
			if want := imageShape(p.g, n); !out[0].Shape().Equal(want) {
				t.Errorf("images: got %s, want %s", out[0].Shape(), want)
			}
			if d := out[1].Shape().Dimensions; len(d) != 1 || d[0] != n {
				t.Errorf("logits: got %s, want [%d]", out[1].Shape(), n)
			}
			for _, v := range tensors.MustCopyFlatData[float32](out[0]) {
				if v < -1 || v > 1 {
					t.Fatalf("generated value %v outside Tanh's [-1, 1]", v)
				}
			}
		})
	}
}

// discriminatorLoss evaluates L_D of real against fake on a copy of the
// trainer's context (so batch-norm averages are left alone).
func discriminatorLoss(t *testing.T, tr *Trainer, real, fake *tensors.Tensor) float64 {
	t.Helper()
	ctx, err := tr.Context().Clone()
	if err != nil {
		t.Fatal(err)
	}
	exec := context.MustNewExec(tr.backend, ctx, func(ctx *context.Context, real, fake *Node) *Node {
		ctx.SetTraining(real.Graph(), true)
		dctx := ctx.In(DiscriminatorScope)
		return tr.opts.Loss.Discriminator(tr.D.Logits(dctx, real, nil), tr.D.Logits(dctx, fake, nil))
	})
	out, err := exec.Exec(real, fake)
	if err != nil {
		t.Fatal(err)
	}
	return float64(tensors.ToScalar[float32](out[0]))
}

func variableValues(t *testing.T, ctx *context.Context) map[string][]byte {
	t.Helper()
	values := map[string][]byte{}
	for v := range ctx.IterVariables() {
		value, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		value.ConstBytes(func(b []byte) { values[v.ScopeAndName()] = append([]byte(nil), b...) })
	}
	return values
}

func TestTrainStepChangesWeightsAndLowersDiscriminatorLoss(t *testing.T) {
	tg, td := tinyPair()
	cases := []struct {
		loss Loss
		g    Generator
		d    Discriminator
	}{
		{NonSaturating, tg, td}, {Hinge, tg, td}, {LeastSquares, tg, td},
		{NonSaturating, DCGANGenerator{Latent: 6, Channels: 2, Features: 4, ImageSize: 16}, DCGANDiscriminator{Channels: 2, Features: 4, ImageSize: 16}},
	}
	for _, tc := range cases {
		loss, g, d := tc.loss, tc.g, tc.d
		t.Run(fmt.Sprintf("%T/%v", g, loss), func(t *testing.T) {
			real := randomImages(g, 16, 42)
			tr, err := NewTrainer(newBackend(t), g, d, DataFunc(func(int) (*tensors.Tensor, error) { return real, nil }),
				Options{Loss: loss, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			fake, err := tr.Sampler().Random(16, 9)
			if err != nil {
				t.Fatal(err)
			}
			before := variableValues(t, tr.Context())
			lossBefore := discriminatorLoss(t, tr, real, fake)
			if _, err := tr.TrainStep(); err != nil {
				t.Fatal(err)
			}
			lossAfter := discriminatorLoss(t, tr, real, fake)
			if !(lossAfter < lossBefore) {
				t.Errorf("L_D on a fixed batch went from %v to %v after one step, want lower", lossBefore, lossAfter)
			}
			after := variableValues(t, tr.Context())
			for _, scope := range []string{GeneratorScope, DiscriminatorScope} {
				changed := 0
				for v := range tr.Context().InAbsPath("/" + scope).IterVariablesInScope() {
					if v.Trainable && string(before[v.ScopeAndName()]) != string(after[v.ScopeAndName()]) {
						changed++
					}
				}
				if changed == 0 {
					t.Errorf("no trainable variable under %q changed in a step", scope)
				}
			}
		})
	}
}

func TestResumeIsBitIdentical(t *testing.T) {
	const n = 3
	g, d := tinyPair()
	opts := func(dir string) Options {
		return Options{Seed: 11, CheckpointDir: dir, CheckpointEvery: n, KeepCheckpoints: 2, GeneratorAverage: 0.9}
	}
	b := newBackend(t)
	straight, err := NewTrainer(b, g, d, randomData(g, 8), opts(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if err := straight.Train(t.Context(), 2*n); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	first, err := NewTrainer(b, g, d, randomData(g, 8), opts(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Train(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	// A fresh process: another seed for initialisation, to show that
	// everything comes from the checkpoint.
	o := opts(dir)
	o.Seed = 99
	resumed, err := NewTrainer(b, g, d, randomData(g, 8), o)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := resumed.Resume(); !ok || err != nil {
		t.Fatalf("Resume() = %v, %v; want a checkpoint", ok, err)
	}
	if resumed.Steps() != n {
		t.Fatalf("resumed at step %d, want %d", resumed.Steps(), n)
	}
	if err := resumed.Train(t.Context(), 2*n); err != nil {
		t.Fatal(err)
	}
	want, got := variableValues(t, straight.Context()), variableValues(t, resumed.Context())
	if len(got) != len(want) {
		t.Errorf("resumed run has %d variables, uninterrupted %d", len(got), len(want))
	}
	for name, w := range want {
		if string(got[name]) != string(w) {
			t.Errorf("variable %s differs between the uninterrupted and the resumed run", name)
		}
	}
	kept, err := checkpoint.List(dir)
	if err != nil || len(kept) != 2 || kept[1].Step != 2*n {
		t.Errorf("checkpoints kept: %v (err %v), want the newest 2 ending at step %d", kept, err, 2*n)
	}
}

func TestNaNStopsTrainingWithTheStep(t *testing.T) {
	g, d := tinyPair()
	const badStep = 2 // 0-based batch index; the step that consumes it is badStep+1.
	data := DataFunc(func(step int) (*tensors.Tensor, error) {
		images := randomImages(g, 4, uint64(step))
		if step == badStep {
			tensors.MutableFlatData(images, func(flat []float32) { flat[0] = float32(math.NaN()) })
		}
		return images, nil
	})
	dir := t.TempDir()
	tr, err := NewTrainer(newBackend(t), g, d, data, Options{CheckpointDir: dir, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Train(t.Context(), 10)
	var nf *NonFiniteError
	if !errors.As(err, &nf) {
		t.Fatalf("Train returned %v, want a *NonFiniteError", err)
	}
	if nf.Step != badStep+1 {
		t.Errorf("error names step %d, want %d: %v", nf.Step, badStep+1, err)
	}
	latest, _, _ := checkpoint.Latest(dir)
	if latest.Step != badStep {
		t.Errorf("latest checkpoint %s, want the one of step %d (before the NaN)", latest.Path, badStep)
	}
}

func TestSamplerFromCheckpointAndInterpolation(t *testing.T) {
	g, d := tinyPair()
	b := newBackend(t)
	tr, err := NewTrainer(b, g, d, randomData(g, 4), Options{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "generator.safetensors")
	if err := tr.SaveTo(path, GeneratorScope); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSampler(b, g, path)
	if err != nil {
		t.Fatal(err)
	}
	z := RandomLatents(g, 3, 8)
	fromFile, err := s.Generate(z)
	if err != nil {
		t.Fatal(err)
	}
	inMemory, err := tr.Sampler().Generate(z)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := tensors.MustCopyFlatData[float32](fromFile), tensors.MustCopyFlatData[float32](inMemory); string(f32bytes(a)) != string(f32bytes(b)) {
		t.Error("the loaded generator draws other images than the trainer's")
	}

	const steps = 5
	za, zb := tensors.MustCopyFlatData[float32](RandomLatents(g, 1, 1)), tensors.MustCopyFlatData[float32](RandomLatents(g, 1, 2))
	images, err := s.Interpolate(za, zb, steps)
	if err != nil {
		t.Fatal(err)
	}
	if want := imageShape(g, steps); !images.Shape().Equal(want) {
		t.Errorf("interpolation images: got %s, want %s", images.Shape(), want)
	}
	if _, err := s.Interpolate(za, zb[1:], steps); err == nil {
		t.Error("Interpolate accepted endpoints of different lengths")
	}

	// A checkpoint of another generator is refused with the variable named.
	other := g
	other.FeatureMaps *= 2
	if _, err := LoadSampler(b, other, path); err == nil {
		t.Error("LoadSampler accepted a checkpoint written for another generator")
	}
	if _, err := LoadSampler(b, g, filepath.Join(t.TempDir(), "missing")); err == nil || !os.IsNotExist(errors.Unwrap(err)) {
		t.Errorf("LoadSampler of a missing file: %v", err)
	}
}

func f32bytes(x []float32) []byte {
	out := make([]byte, 0, 4*len(x))
	for _, v := range x {
		u := math.Float32bits(v)
		out = append(out, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	return out
}

// A network that cannot be built is NewTrainer's error, not a panic.
func TestNewTrainerReportsABadNetwork(t *testing.T) {
	g := DCGANGenerator{Latent: 4, Channels: 1, Features: 4, ImageSize: 36}
	d := DCGANDiscriminator{Channels: 1, Features: 4, ImageSize: 36}
	if _, err := NewTrainer(newBackend(t), g, d, nil, Options{}); err == nil || !strings.Contains(err.Error(), "got 36") {
		t.Errorf("NewTrainer of a DCGAN at 36 px (halves to 9, not 4 to 7): %v, want an error naming the size", err)
	}
}

// DiscriminatorLearningRate is D's alone: at 1e-30 D's Adam steps (at most
// about the learning rate) leave its weights within 1e-25 of where they were,
// while G, at the default rate, moves.
func TestDiscriminatorLearningRateIsDs(t *testing.T) {
	g, d := tinyPair()
	tr, err := NewTrainer(newBackend(t), g, d, randomData(g, 4), Options{DiscriminatorLearningRate: 1e-30})
	if err != nil {
		t.Fatal(err)
	}
	values := func() map[string][]float32 {
		m := map[string][]float32{}
		for v := range tr.Context().IterVariables() {
			if v.Trainable {
				m[v.ScopeAndName()] = tensors.MustCopyFlatData[float32](v.MustValue())
			}
		}
		return m
	}
	before := values()
	if _, err := tr.TrainStep(); err != nil {
		t.Fatal(err)
	}
	moved := map[string]float64{}
	for name, after := range values() {
		scope := strings.Split(name, "/")[1]
		for i, v := range after {
			moved[scope] = max(moved[scope], math.Abs(float64(v-before[name][i])))
		}
	}
	if moved[DiscriminatorScope] > 1e-25 || moved[GeneratorScope] == 0 {
		t.Errorf("with D's learning rate 1e-30, D's weights moved by up to %g and G's by %g; want ≤ 1e-25 and > 0",
			moved[DiscriminatorScope], moved[GeneratorScope])
	}
}

func TestDefaultOptionsAreWhatZeroFieldsRead(t *testing.T) {
	got, want := Options{}.withDefaults(), DefaultOptions().withDefaults()
	if got.LearningRate != want.LearningRate || got.Beta1 != want.Beta1 || got.Beta2 != want.Beta2 ||
		got.GradientPenalty != want.GradientPenalty || got.DiscriminatorLearningRate != want.DiscriminatorLearningRate ||
		got.SampleCount != want.SampleCount || got.CheckpointEvery != want.CheckpointEvery ||
		got.KeepCheckpoints != want.KeepCheckpoints || got.ReportEvery != want.ReportEvery || got.Loss != want.Loss {
		t.Errorf("Options{} reads as %+v, DefaultOptions() as %+v", got, want)
	}
	if d := DefaultOptions(); d.LearningRate != 2e-4 || d.Beta1 != 0.5 || d.Beta2 != 0.999 {
		t.Errorf("DefaultOptions() = %+v, want Radford et al.'s Adam 2e-4, 0.5, 0.999", d)
	}
}
