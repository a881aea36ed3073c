package metrics

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/weights"
	"gonum.org/v1/gonum/mat"
)

func TestStatsFileRoundTrip(t *testing.T) {
	x := mat.NewDense(5, 3, []float64{1, 2, 3, 4, 5, 7, 7, 8, 8, 1, 0, 1, 2, 2, 2})
	s, err := ComputeStats(x)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ref.safetensors")
	if err := SaveStats(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := LoadStats(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.N != s.N || !mat.Equal(got.Cov, s.Cov) || !slices.Equal(got.Mean, s.Mean) {
		t.Errorf("round trip: got %+v, want %+v", got, s)
	}
	if d, err := FrechetDistance(got, s); err != nil || math.Abs(d) > 1e-12 {
		t.Errorf("FID to itself after reload: %g, %v", d, err)
	}

	// A non-symmetric sigma and a NaN are refused.
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := weights.SaveSafetensors(bad, map[string]*weights.Tensor64{
		"mu":    {Shape: []int{2}, Data: []float64{0, 0}},
		"sigma": {Shape: []int{2, 2}, Data: []float64{1, 0.5, 0.2, 1}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadStats(bad); err == nil || !strings.Contains(err.Error(), "symmetric") {
		t.Errorf("asymmetric sigma: got %v", err)
	}
	if err := weights.SaveSafetensors(bad, map[string]*weights.Tensor64{
		"mu":    {Shape: []int{2}, Data: []float64{0, math.NaN()}},
		"sigma": {Shape: []int{2, 2}, Data: []float64{1, 0, 0, 1}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadStats(bad); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN mu: got %v", err)
	}
}

func TestKIDSubsets(t *testing.T) {
	a, b, _ := fidReference(t)
	ra, _ := a.Dims()
	got, err := KID(a, b, KIDOptions{Subsets: 20, SubsetSize: ra / 2, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := KID(a, b, KIDOptions{Subsets: 20, SubsetSize: ra / 2, Seed: 9})
	all, _ := KID(a, b, KIDOptions{Subsets: 1, SubsetSize: ra})
	if got != again {
		t.Errorf("same seed, different KID: %+v then %+v", got, again)
	}
	// Subset estimates are unbiased: their mean lies within a few standard
	// errors of the all-sample estimate.
	if got.Std <= 0 || math.Abs(got.Mean-all.Mean) > 4*got.Std {
		t.Errorf("KID over subsets %+v, over all samples %g", got, all.Mean)
	}
}

func TestCorruptions(t *testing.T) {
	// One 1x15x15 image with a single bright pixel in the middle, far
	// enough from the borders for the blur to keep its mass.
	img := make([]float32, 15*15)
	const c = 7*15 + 7
	img[c] = 1
	x := tensors.FromFlatDataAndDimensions(img, 1, 1, 15, 15)
	blurred, err := GaussianBlur(x, 1)
	if err != nil {
		t.Fatal(err)
	}
	out := tensors.MustCopyFlatData[float32](blurred)
	var sum float32
	for _, v := range out {
		sum += v
	}
	if math.Abs(float64(sum-1)) > 1e-5 || out[c] >= 1 || out[c] <= out[c-1] || out[c-1] != out[c+1] || out[c-15] != out[c-1] {
		t.Errorf("blurred impulse %v: want a symmetric bump of mass 1", out)
	}
	// Noise on mid-gray changes every pixel and stays in [0, 1].
	gray := make([]float32, len(img))
	for i := range gray {
		gray[i] = 0.5
	}
	noisy := tensors.MustCopyFlatData[float32](AddNoise(tensors.FromFlatDataAndDimensions(gray, 1, 1, 15, 15), 0.5, 1))
	changed := 0
	for i, v := range noisy {
		if v < 0 || v > 1 {
			t.Fatalf("noisy pixel %d = %g outside [0, 1]", i, v)
		}
		if v != gray[i] {
			changed++
		}
	}
	if changed != len(img) {
		t.Errorf("noise changed %d of %d pixels", changed, len(img))
	}
}

// FuzzLoadStats feeds arbitrary bytes to LoadStats: errors are fine, panics
// and accepted statistics that break the invariants are not.
func FuzzLoadStats(f *testing.F) {
	var buf bytes.Buffer
	if err := weights.WriteSafetensors(&buf, map[string]*weights.Tensor64{
		"mu":    {Shape: []int{2}, Data: []float64{1, 2}},
		"sigma": {Shape: []int{2, 2}, Data: []float64{1, 0.5, 0.5, 1}},
	}, map[string]string{"n": "10"}); err != nil {
		f.Fatal(err)
	}
	good := buf.Bytes()
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add([]byte("not safetensors"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "stats.safetensors")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := LoadStats(path)
		if err != nil {
			return
		}
		if d := s.Dim(); s.Cov.SymmetricDim() != d {
			t.Fatalf("mean of %d but covariance of %d", d, s.Cov.SymmetricDim())
		}
	})
}
