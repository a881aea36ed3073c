package transformernet_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/checkpoint"
	"github.com/neuralart/neuralart/pkg/transformernet"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// pattern is a small test image: stripes whose colours depend on seed.
func pattern(w, h, seed int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8((x + y*seed) % 256), uint8(y * 255 / h), 255})
		}
	}
	return img
}

// fixedContent returns the same batch every step.
type fixedContent struct{ batch *tensors.Tensor }

func (f fixedContent) Batch(int) (*tensors.Tensor, error) { return f.batch, nil }

func tinyOptions() transformernet.TrainOptions {
	opts := transformernet.DefaultTrainOptions()
	opts.Width, opts.LearningRate, opts.ReportEvery = 2, 1e-2, 1
	opts.ContentWeight, opts.StyleWeight = 1, 1e3
	return opts
}

func newTinyTrainer(t *testing.T, content transformernet.Content, opts transformernet.TrainOptions) *transformernet.Trainer {
	t.Helper()
	lossNet, err := vgg.VGG16.Random(1, 16)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := transformernet.NewTrainer(testBackend(t), lossNet, pattern(24, 20, 3), content, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func crops() transformernet.Content {
	return transformernet.RandomCrops{Images: []image.Image{pattern(40, 32, 1), pattern(36, 36, 2)}, Size: 16, BatchSize: 2, Seed: 5}
}

func TestTrainLowersTheLoss(t *testing.T) {
	batch, err := crops().Batch(0)
	if err != nil {
		t.Fatal(err)
	}
	var losses []float64
	opts := tinyOptions()
	opts.Preview = pattern(20, 12, 4)
	opts.OnReport = func(r transformernet.Report) error {
		losses = append(losses, r.ContentLoss+r.StyleLoss)
		if r.Preview == nil || !slices.Equal(r.Preview.Shape().Dimensions, []int{1, 3, 12, 20}) {
			return fmt.Errorf("step %d: preview %v, want a [1 3 12 20] image", r.Step, r.Preview)
		}
		return nil
	}
	tr := newTinyTrainer(t, fixedContent{batch}, opts)
	if err := tr.Train(t.Context(), 30); err != nil {
		t.Fatal(err)
	}
	if len(losses) != 30 || !(losses[29] < 0.5*losses[0]) {
		t.Errorf("losses over 30 steps on one batch %.4g ... %.4g (%d reports); want the last below half the first", losses[0], losses[len(losses)-1], len(losses))
	}
}

// weightsOf returns the network's weights, flattened in key order.
func weightsOf(t *testing.T, tr *transformernet.Trainer) []float32 {
	t.Helper()
	net, err := tr.Net()
	if err != nil {
		t.Fatal(err)
	}
	var all []float32
	_, values := net.Weights()
	for _, v := range values {
		all = append(all, tensors.MustCopyFlatData[float32](v)...)
	}
	return all
}

// TestResume interrupts a run (cancelling it after 3 steps, with a
// checkpoint every 2), resumes it in a new trainer, and compares with a run
// that was never interrupted.
func TestResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three tiny networks")
	}
	const steps = 5
	opts := tinyOptions()
	opts.CheckpointDir, opts.CheckpointEvery = t.TempDir(), 2
	ctx, cancel := context.WithCancel(t.Context())
	opts.OnReport = func(r transformernet.Report) error {
		if r.Step == 3 {
			cancel()
		}
		return nil
	}
	first := newTinyTrainer(t, crops(), opts)
	if err := first.Train(ctx, steps); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Train: err = %v, want context.Canceled", err)
	}
	if latest, ok, err := checkpoint.Latest(opts.CheckpointDir); err != nil || !ok || latest.Step != 3 {
		t.Fatalf("after cancelling at step 3: latest checkpoint %+v (ok %v, err %v), want step 3", latest, ok, err)
	}
	opts.OnReport = nil
	resumed := newTinyTrainer(t, crops(), opts)
	if ok, err := resumed.Resume(); err != nil || !ok || resumed.Steps() != 3 {
		t.Fatalf("Resume: %v, %v, at step %d; want true at step 3", ok, err, resumed.Steps())
	}
	if err := resumed.Train(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
	opts.CheckpointDir = ""
	straight := newTinyTrainer(t, crops(), opts)
	if err := straight.Train(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
	if a, b := weightsOf(t, resumed), weightsOf(t, straight); !slices.Equal(a, b) {
		t.Error("the resumed run's weights differ from the uninterrupted run's")
	}
}

// nanContent is a batch of NaN pixels.
type nanContent struct{}

func (nanContent) Batch(int) (*tensors.Tensor, error) {
	data := make([]float32, 2*3*16*16)
	for i := range data {
		data[i] = float32(math.NaN())
	}
	return tensors.FromFlatDataAndDimensions(data, 2, 3, 16, 16), nil
}

func TestTrainStopsOnNaN(t *testing.T) {
	opts := tinyOptions()
	opts.CheckpointDir = t.TempDir()
	tr := newTinyTrainer(t, nanContent{}, opts)
	err := tr.Train(t.Context(), 10)
	if !errors.Is(err, transformernet.ErrNonFinite) || tr.Steps() != 1 {
		t.Fatalf("Train on NaN images: err = %v after %d steps, want ErrNonFinite after 1", err, tr.Steps())
	}
	if _, ok, _ := checkpoint.Latest(opts.CheckpointDir); ok {
		t.Error("a checkpoint was written after the loss became NaN")
	}
}

func TestTrainOptionsValidation(t *testing.T) {
	lossNet, err := vgg.VGG16.Random(1, 16)
	if err != nil {
		t.Fatal(err)
	}
	bad := tinyOptions()
	bad.LearningRate = 0
	if _, err := transformernet.NewTrainer(testBackend(t), lossNet, pattern(8, 8, 1), crops(), bad); err == nil || !strings.Contains(err.Error(), "LearningRate") {
		t.Errorf("NewTrainer with LearningRate 0: err = %v, want one naming the field", err)
	}
}
