package adain_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/adain"
	"github.com/neuralart/neuralart/pkg/checkpoint"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/weights"
)

func TestLoadRefusesOtherNetworks(t *testing.T) {
	decoderFile := fixtures.Path("adain_decoder_tiny.pth")
	_, err := adain.LoadEncoder(decoderFile)
	if err == nil || !strings.Contains(err.Error(), decoderFile) || !strings.Contains(err.Error(), "missing 0.weight") {
		t.Errorf("LoadEncoder(a decoder) = %v, want an error naming %s and its missing 0.weight", err, decoderFile)
	}
	// A decoder whose last convolution does not make RGB.
	f, err := weights.Open(decoderFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tensors := map[string]*weights.Tensor{}
	for _, key := range f.Keys() {
		if tensors[key], err = f.Tensor(key); err != nil {
			t.Fatal(err)
		}
	}
	tensors["28.weight"] = &weights.Tensor{Shape: []int{4, tensors["28.weight"].Shape[1], 3, 3},
		Data: make([]float32, 4*tensors["28.weight"].Shape[1]*9)}
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := weights.SaveSafetensors(path, tensors, nil); err != nil {
		t.Fatal(err)
	}
	_, err = adain.LoadDecoder(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "28.weight has shape [4") {
		t.Errorf("LoadDecoder(4-channel output) = %v, want an error naming %s and 28.weight's shape", err, path)
	}
}

func TestSaveLoadRandomEncoder(t *testing.T) {
	enc, err := adain.RandomEncoder(3, 16)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "encoder.safetensors")
	if err := enc.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := adain.LoadEncoder(path)
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.IsRandom() || loaded.Channels() != 32 || !strings.Contains(loaded.String(), "RANDOM") {
		t.Errorf("loaded %q: random %v, %d channels; want a RANDOM encoder of 32 channels", loaded, loaded.IsRandom(), loaded.Channels())
	}
	if _, err := adain.RandomEncoder(3, 5); err == nil {
		t.Error("RandomEncoder with divisor 5 (not dividing 64) succeeded")
	}
}

func TestStylizeRefusesBadInput(t *testing.T) {
	r := openReference(t)
	s, err := adain.NewStylizer(r.backend, r.encoder, r.decoder)
	if err != nil {
		t.Fatal(err)
	}
	content, style := r.tensor(t, "content"), r.tensor(t, "style")
	ctx := context.Background()
	opts := adain.DefaultStylizeOptions()
	opts.Alpha = 1.5
	if _, err := s.Stylize(ctx, content, style, opts); err == nil || !strings.Contains(err.Error(), "Alpha") {
		t.Errorf("Alpha 1.5: got %v, want an error naming Alpha", err)
	}
	if _, err := s.Interpolate(ctx, content, []*tensors.Tensor{style, style}, []float64{1, -1}, adain.DefaultStylizeOptions()); err == nil {
		t.Error("Interpolate with a negative weight succeeded")
	}
	fh, fw := r.tensor(t, "mask").Shape().Dimensions[0], r.tensor(t, "mask").Shape().Dimensions[1]
	ones := make([]float32, fh*fw)
	for i := range ones {
		ones[i] = 1
	}
	_, err = s.Mask(ctx, content, tensors.FromFlatDataAndDimensions(ones, fh, fw), style, style, adain.DefaultStylizeOptions())
	if !errors.Is(err, adain.ErrMaskRegion) {
		t.Errorf("Mask with an empty background: got %v, want ErrMaskRegion", err)
	}
	if _, err := s.Stylize(ctx, tensors.FromFlatDataAndDimensions(make([]float32, 3*4*4), 1, 3, 4, 4), style, adain.DefaultStylizeOptions()); err == nil {
		t.Error("Stylize of a 4x4 image succeeded")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Stylize(cancelled, content, style, adain.DefaultStylizeOptions()); !errors.Is(err, context.Canceled) {
		t.Errorf("Stylize with a cancelled context: got %v, want context.Canceled", err)
	}
}

// randomBatches are seeded random batches, the same for a step every time;
// poison makes step poison's images NaN.
type randomBatches struct {
	batch, size, poison int
}

func (d randomBatches) Batch(step int) (content, style *tensors.Tensor, err error) {
	rng := rand.New(rand.NewPCG(uint64(step), 9))
	draw := func() *tensors.Tensor {
		v := make([]float32, d.batch*3*d.size*d.size)
		for i := range v {
			v[i] = rng.Float32()
			if step == d.poison {
				v[i] = float32(math.NaN())
			}
		}
		return tensors.FromFlatDataAndDimensions(v, d.batch, 3, d.size, d.size)
	}
	return draw(), draw(), nil
}

// decoderWeights returns a decoder's weights as saved, by key.
func decoderWeights(t *testing.T, d *adain.Decoder) map[string][]float32 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "decoder.safetensors")
	if err := d.Save(path); err != nil {
		t.Fatal(err)
	}
	f, err := weights.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]float32{}
	for _, key := range f.Keys() {
		w, err := f.Tensor(key)
		if err != nil {
			t.Fatal(err)
		}
		out[key] = w.Data
	}
	return out
}

func TestTrainResumesBitIdentical(t *testing.T) {
	r := openReference(t)
	data := randomBatches{batch: 2, size: 16, poison: -1}
	opts := adain.DefaultTrainOptions()
	opts.Steps, opts.CheckpointEvery, opts.LearningRate, opts.ReportEvery = 4, 2, 1e-3, 2
	var reports []int
	opts.OnReport = func(rep adain.TrainReport) error {
		reports = append(reports, rep.Step)
		if math.IsNaN(rep.Losses.Total()) || rep.LearningRate <= 0 {
			t.Errorf("report %+v", rep)
		}
		return nil
	}
	straight, err := adain.NewTrainer(r.backend, r.encoder, nil, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := straight.Train(context.Background()); err != nil {
		t.Fatal(err)
	}

	// The same run in two halves, the second a new trainer resuming from
	// the first's checkpoint.
	opts.CheckpointDir, opts.Steps = t.TempDir(), 2
	first, err := adain.NewTrainer(r.backend, r.encoder, nil, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	opts.Steps = 4
	second, err := adain.NewTrainer(r.backend, r.encoder, nil, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if resumed, _, err := second.Resume(); err != nil || !resumed || second.Steps() != 2 {
		t.Fatalf("Resume: resumed %v at step %d, %v; want step 2", resumed, second.Steps(), err)
	}
	if err := second.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	want, got := decoderWeights(t, straight.Decoder()), decoderWeights(t, second.Decoder())
	for key, w := range want {
		if !slices.Equal(got[key], w) {
			t.Errorf("%s differs between the straight and the resumed run", key)
		}
	}
	if !slices.Equal(reports, []int{2, 4, 2, 4}) {
		t.Errorf("reports at steps %v, want [2 4 2 4] (the straight run's, then each half's)", reports)
	}
	if list, err := checkpoint.List(opts.CheckpointDir); err != nil || len(list) != 2 || list[1].Step != 4 {
		t.Errorf("checkpoints %v, %v; want those of steps 2 and 4", list, err)
	}
}

func TestTrainStops(t *testing.T) {
	r := openReference(t)
	opts := adain.DefaultTrainOptions()
	opts.Steps = 5
	trainer, err := adain.NewTrainer(r.backend, r.encoder, nil, randomBatches{batch: 1, size: 16, poison: 1}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := trainer.Train(context.Background()); !errors.Is(err, adain.ErrNonFinite) || trainer.Steps() != 1 {
		t.Errorf("NaN images at step 2: stopped after %d steps with %v, want 1 and ErrNonFinite", trainer.Steps(), err)
	}

	opts.CheckpointDir, opts.ReportEvery = t.TempDir(), 1
	ctx, cancel := context.WithCancel(context.Background())
	opts.OnReport = func(adain.TrainReport) error { cancel(); return nil }
	trainer, err = adain.NewTrainer(r.backend, r.encoder, nil, randomBatches{batch: 1, size: 16, poison: -1}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := trainer.Train(ctx); !errors.Is(err, context.Canceled) || trainer.Steps() != 1 {
		t.Errorf("cancelled after step 1: stopped after %d steps with %v, want 1 and context.Canceled", trainer.Steps(), err)
	}
	if latest, ok, err := checkpoint.Latest(opts.CheckpointDir); err != nil || !ok || latest.Step != 1 {
		t.Errorf("checkpoint after the cancel: %v, %v, %v; want step 1's", latest, ok, err)
	}

	opts = adain.DefaultTrainOptions()
	opts.LearningRate = 0
	if _, err := adain.NewTrainer(r.backend, r.encoder, nil, nil, opts); err == nil || !strings.Contains(err.Error(), "LearningRate") {
		t.Errorf("LearningRate 0: got %v, want an error naming LearningRate", err)
	}
}
