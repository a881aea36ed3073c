package gan

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/checkpoint"
)

// tinyClassPair is tinyPair made class-conditional with 3 classes.
func tinyClassPair() (ArticleGenerator, ArticleDiscriminator) {
	g, d := tinyPair()
	g.NumClasses, d.NumClasses = 3, 3
	return g, d
}

// labelledData serves randomImages with labels step+i mod classes.
type labelledData struct {
	g       Generator
	n       int
	classes int
}

func (l labelledData) Batch(step int) (*tensors.Tensor, error) {
	return randomImages(l.g, l.n, uint64(step)), nil
}

func (l labelledData) Labels(step int) (*tensors.Tensor, error) {
	labels := make([]int32, l.n)
	for i := range labels {
		labels[i] = int32((step + i) % l.classes)
	}
	return tensors.FromFlatDataAndDimensions(labels, l.n), nil
}

func TestClassConditionalTrainsAndSamplesByClass(t *testing.T) {
	b := newBackend(t)
	for name, pair := range map[string]func() (Generator, Discriminator){
		"article": func() (Generator, Discriminator) { g, d := tinyClassPair(); return g, d },
		"dcgan-28": func() (Generator, Discriminator) {
			return DCGANGenerator{Latent: 5, Channels: 1, Features: 4, ImageSize: 28, NumClasses: 3},
				DCGANDiscriminator{Channels: 1, Features: 4, ImageSize: 28, NumClasses: 3}
		},
	} {
		t.Run(name, func(t *testing.T) {
			g, d := pair()
			if _, err := NewTrainer(b, g, d, randomData(g, 4), Options{}); err == nil {
				t.Fatal("NewTrainer accepted unlabelled Data for a class-conditional generator")
			}
			tr, err := NewTrainer(b, g, d, labelledData{g, 6, 3}, Options{Seed: 2})
			if err != nil {
				t.Fatal(err)
			}
			if err := tr.Train(t.Context(), 2); err != nil {
				t.Fatal(err)
			}
			// The same code drawn as each class: the label must change the image.
			s := tr.Sampler()
			z := tensors.FromFlatDataAndDimensions(append(append(
				tensors.MustCopyFlatData[float32](RandomLatents(g, 1, 4)),
				tensors.MustCopyFlatData[float32](RandomLatents(g, 1, 4))...),
				tensors.MustCopyFlatData[float32](RandomLatents(g, 1, 4))...), 3, g.LatentDim())
			images, err := s.GenerateClasses(z, []int{0, 1, 2})
			if err != nil {
				t.Fatal(err)
			}
			flat := tensors.MustCopyFlatData[float32](images)
			size := len(flat) / 3
			for k := 1; k < 3; k++ {
				if string(f32bytes(flat[:size])) == string(f32bytes(flat[k*size:(k+1)*size])) {
					t.Errorf("classes 0 and %d draw the same image from the same code", k)
				}
			}
			if _, err := s.Generate(z); err == nil {
				t.Error("Generate without labels accepted a class-conditional generator")
			}
			if _, err := s.GenerateClasses(z, []int{0, 1, 3}); err == nil {
				t.Error("GenerateClasses accepted label 3 of 3 classes")
			}
			samples, err := tr.FixedSamples()
			if err != nil {
				t.Fatal(err)
			}
			if want := imageShape(g, tr.opts.SampleCount); !samples.Shape().Equal(want) {
				t.Errorf("fixed samples: got %s, want %s", samples.Shape(), want)
			}
		})
	}
}

func TestCyclicLabelsAreBalanced(t *testing.T) {
	counts := make([]int, 10)
	for first := 0; first < 95; first += 19 { // Images(95, 19, ...) asks in batches of 19.
		for _, c := range cyclicLabels(first, 19, 10) {
			counts[c]++
		}
	}
	for c, n := range counts {
		if n < 9 || n > 10 {
			t.Errorf("class %d drawn %d times of 95, want 9 or 10", c, n)
		}
	}
	if cyclicLabels(0, 5, 0) != nil {
		t.Error("an unconditional generator got labels")
	}
}

func TestTrainStopsOnCancelAndCheckpoints(t *testing.T) {
	g, d := tinyPair()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	opts := Options{CheckpointDir: dir, CheckpointEvery: 100, ReportEvery: 1}
	// Cancel from the second step's report: Train must not start a third.
	opts.OnReport = func(r Report) error {
		if r.Step == 2 {
			cancel()
		}
		return nil
	}
	tr, err := NewTrainer(newBackend(t), g, d, randomData(g, 4), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(ctx, 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("Train after cancel returned %v, want context.Canceled", err)
	}
	if tr.Steps() != 2 {
		t.Errorf("stopped after %d steps, want 2", tr.Steps())
	}
	latest, ok, err := checkpoint.Latest(dir)
	if err != nil || !ok || latest.Step != 2 {
		t.Errorf("latest checkpoint %+v (ok %v, err %v), want the one of step 2", latest, ok, err)
	}
}

func TestProportionalLabels(t *testing.T) {
	// MNIST's test digits per class, and a data set without class 2.
	for _, counts := range [][]int{{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, {5, 1, 0, 3}} {
		var of []int
		for c, n := range counts {
			for range n {
				of = append(of, c)
			}
		}
		for _, n := range []int{1, 7, 100, 5000} {
			labels := proportionalLabels(n, of)
			if len(labels) != n {
				t.Fatalf("%d labels, want %d", len(labels), n)
			}
			given := make([]int, len(counts))
			for k, c := range labels {
				given[c]++
				for class, g := range given {
					if share := float64(counts[class]) / float64(len(of)) * float64(k+1); math.Abs(float64(g)-share) >= 1 {
						t.Fatalf("counts %v, n %d: after %d labels class %d has %d, its share is %.2f", counts, n, k+1, class, g, share)
					}
				}
			}
		}
	}
	if proportionalLabels(0, []int{1}) != nil || proportionalLabels(3, nil) != nil {
		t.Error("no labels asked for, or none to follow: want nil")
	}
}

// ImagesFor draws classes in the data's proportions, as GenerateClasses
// does.
func TestImagesForDrawsTheDataClasses(t *testing.T) {
	g, d := tinyClassPair()
	tr, err := NewTrainer(newBackend(t), g, d, nil, Options{Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	data := []int{2, 2, 0, 1, 2, 2}
	labels := proportionalLabels(5, data)
	var got []float32
	for images, err := range tr.Sampler().ImagesFor(len(labels), data, 2, 9) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tensors.MustCopyFlatData[float32](images)...)
	}
	var want []float32
	for k, start := range []int{0, 2, 4} {
		batch := labels[start:min(start+2, len(labels))]
		images, err := tr.Sampler().GenerateClasses(RandomLatents(g, len(batch), 9+uint64(k)), batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range tensors.MustCopyFlatData[float32](images) {
			want = append(want, (v+1)/2)
		}
	}
	if !slices.Equal(got, want) {
		t.Error("ImagesFor's images differ from GenerateClasses' of the same codes and classes")
	}
}
