package gan

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/checkpoint"
)

// floats returns every variable under scope as float32s, by name.
func floats(t *testing.T, tr *Trainer, scope string) map[string][]float32 {
	t.Helper()
	named, err := checkpoint.Variables(tr.Context(), scope)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float32{}
	for name, value := range named {
		out[name] = tensors.MustCopyFlatData[float32](value)
	}
	return out
}

// The average resumes from a checkpoint of a run that kept none, and is
// then the bias-corrected moving average of the live weights of the steps
// since: after one step the live weights themselves.
func TestGeneratorAverageIsTheBiasCorrectedMovingAverage(t *testing.T) {
	const beta, steps = 0.6, 4
	g, d := tinyPair()
	b := newBackend(t)
	dir := t.TempDir()
	plain, err := NewTrainer(b, g, d, randomData(g, 4), Options{Seed: 3, CheckpointDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Train(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(b, g, d, randomData(g, 4), Options{Seed: 3, CheckpointDir: dir, GeneratorAverage: beta})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := tr.Resume(); !ok || err != nil {
		t.Fatalf("Resume() = %v, %v; want the plain run's checkpoint", ok, err)
	}
	if _, err := tr.AveragedSampler(); err == nil {
		t.Error("AveragedSampler before any averaged step: no error")
	}

	sums := map[string][]float64{}
	for k := 1; k <= steps; k++ {
		if _, err := tr.TrainStep(); err != nil {
			t.Fatal(err)
		}
		live := floats(t, tr, GeneratorScope)
		averaged, err := tr.averagedGenerator()
		if err != nil {
			t.Fatal(err)
		}
		if len(averaged) != len(live) {
			t.Fatalf("step %d: %d averaged variables for %d of the generator's", k, len(averaged), len(live))
		}
		correction := 1 - math.Pow(beta, float64(k))
		for name, values := range live {
			sum := sums[name]
			if sum == nil {
				sum = make([]float64, len(values))
				sums[name] = sum
			}
			got, ok := averaged[name]
			if !ok {
				t.Fatalf("step %d: no average of %s", k, name)
			}
			gotValues := tensors.MustCopyFlatData[float32](got)
			worst := 0.0
			for i, v := range values {
				sum[i] = beta*sum[i] + (1-beta)*float64(v)
				want := sum[i] / correction
				worst = max(worst, math.Abs(float64(gotValues[i])-want)/(math.Abs(want)+1e-3))
			}
			if worst > 1e-5 {
				t.Errorf("step %d: average of %s is off by %.2g relative from the bias-corrected moving average", k, name, worst)
			}
		}
	}
}

func TestSaveGeneratorWritesTheAverage(t *testing.T) {
	g, d := tinyPair()
	b := newBackend(t)
	tr, err := NewTrainer(b, g, d, randomData(g, 4), Options{Seed: 8, GeneratorAverage: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(t.Context(), 3); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "generator.safetensors")
	if err := tr.SaveGenerator(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadSampler(b, g, path)
	if err != nil {
		t.Fatal(err)
	}
	averaged, err := tr.AveragedSampler()
	if err != nil {
		t.Fatal(err)
	}
	z := RandomLatents(g, 4, 2)
	fromFile, err := loaded.Generate(z)
	if err != nil {
		t.Fatal(err)
	}
	fromAverage, err := averaged.Generate(z)
	if err != nil {
		t.Fatal(err)
	}
	live, err := tr.Sampler().Generate(z)
	if err != nil {
		t.Fatal(err)
	}
	a, f, l := tensors.MustCopyFlatData[float32](fromAverage), tensors.MustCopyFlatData[float32](fromFile), tensors.MustCopyFlatData[float32](live)
	if string(f32bytes(a)) != string(f32bytes(f)) {
		t.Error("the saved generator draws other images than AveragedSampler")
	}
	if string(f32bytes(a)) == string(f32bytes(l)) {
		t.Error("the averaged generator draws the live generator's images after 3 steps with β = 0.9")
	}
}

func TestGeneratorAverageOutOfRange(t *testing.T) {
	g, d := tinyPair()
	for _, beta := range []float64{-0.1, 1, 1.5} {
		if _, err := NewTrainer(newBackend(t), g, d, nil, Options{GeneratorAverage: beta}); err == nil {
			t.Errorf("GeneratorAverage %g: no error", beta)
		}
	}
	tr, err := NewTrainer(newBackend(t), g, d, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.AveragedSampler(); err == nil {
		t.Error("AveragedSampler without GeneratorAverage: no error")
	}
}
