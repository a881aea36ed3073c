package metrics

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/weights"
	"gonum.org/v1/gonum/mat"
)

// clusters returns n points in d dimensions around c centres (fixed by
// centreSeed), a Gaussian of spread sigma around each, drawn round-robin
// from the first `of` centres.
func clusters(n, d, c, of int, sigma float64, centreSeed, seed uint64) *mat.Dense {
	centres := rand.New(rand.NewPCG(centreSeed, 1))
	rng := rand.New(rand.NewPCG(seed, 2))
	mid := mat.NewDense(c, d, nil)
	for i := range c {
		for j := range d {
			mid.Set(i, j, 3*centres.NormFloat64())
		}
	}
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, mid.At(i%of, j)+sigma*rng.NormFloat64())
		}
	}
	return x
}

func TestPrecisionRecallConstructed(t *testing.T) {
	ctx := context.Background()
	const d, c = 16, 10
	real := clusters(1000, d, c, c, 0.3, 1, 1)
	for _, tc := range []struct {
		name              string
		fake              *mat.Dense
		precision, recall [2]float64 // allowed ranges
	}{
		// Every sample is the centre of its own ball.
		{"itself", real, [2]float64{1, 1}, [2]float64{1, 1}},
		// Another draw of the same distribution: k-NN balls of 100 samples
		// a cluster in 16 dimensions miss some of a second draw (~0.8).
		{"same distribution", clusters(1000, d, c, c, 0.3, 1, 2), [2]float64{0.7, 1}, [2]float64{0.7, 1}},
		// Mode collapse: all of one cluster, drawn as well as above; a
		// tenth of the data is covered.
		{"collapsed to one cluster", clusters(1000, d, c, 1, 0.3, 1, 3), [2]float64{0.7, 1}, [2]float64{0, 0.15}},
		// Unit Gaussian noise, between the clusters (whose centres are ~12 away).
		{"noise", clusters(1000, d, 1, 1, 1, 99, 4), [2]float64{0, 0.05}, [2]float64{0, 0.05}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PrecisionRecall(ctx, real, tc.fake, DefaultPrecisionRecallOptions())
			if err != nil {
				t.Fatal(err)
			}
			if got.Precision < tc.precision[0] || got.Precision > tc.precision[1] || got.Recall < tc.recall[0] || got.Recall > tc.recall[1] {
				t.Errorf("precision %.3f, recall %.3f; want precision in %v, recall in %v", got.Precision, got.Recall, tc.precision, tc.recall)
			}
		})
	}
}

// TestManifoldBruteForce checks the blocked distances and the running k-th
// smallest against the paper's definition written out directly, with more
// points than one block and ties from duplicated samples.
func TestManifoldBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const n, q, d = manifoldBlock + 37, 300, 5
	samples, points := mat.NewDense(n, d, nil), mat.NewDense(q, d, nil)
	for i := range n {
		for j := range d {
			samples.Set(i, j, rng.NormFloat64())
		}
	}
	samples.SetRow(1, samples.RawRowView(0)) // a duplicate: its neighbour at distance 0
	for i := range q {
		for j := range d {
			points.Set(i, j, 1.5*rng.NormFloat64())
		}
	}
	dist := func(a, b []float64) float64 {
		var s float64
		for i := range a {
			s += (a[i] - b[i]) * (a[i] - b[i])
		}
		return math.Sqrt(s)
	}
	for _, k := range []int{1, 3, 10} {
		radii := make([]float64, n)
		for i := range n {
			var others []float64
			for j := range n {
				if j != i {
					others = append(others, dist(samples.RawRowView(i), samples.RawRowView(j)))
				}
			}
			radii[i] = kthSmallest(others, make([]float64, k)) // checked below against a sort
			sorted := append([]float64(nil), others...)
			slices.Sort(sorted)
			if radii[i] != sorted[k-1] {
				t.Fatalf("kthSmallest = %g, sorted[%d] = %g", radii[i], k-1, sorted[k-1])
			}
		}
		inside := 0
		for p := range q {
			for i := range n {
				if dist(points.RawRowView(p), samples.RawRowView(i)) <= radii[i] {
					inside++
					break
				}
			}
		}
		want := float64(inside) / q
		m, err := NewManifold(context.Background(), samples, k)
		if err != nil {
			t.Fatal(err)
		}
		for i, r2 := range m.radii {
			if math.Abs(math.Sqrt(r2)-radii[i]) > 1e-9 {
				t.Fatalf("k=%d: radius of sample %d is %g, want %g", k, i, math.Sqrt(r2), radii[i])
			}
		}
		got, err := m.Coverage(context.Background(), points)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("k=%d: coverage %g, want %g (brute force)", k, got, want)
		}
	}
}

func TestPrecisionRecallErrors(t *testing.T) {
	ctx := context.Background()
	a := mat.NewDense(5, 2, nil)
	for _, tc := range []struct {
		name       string
		real, fake mat.Matrix
		opts       PrecisionRecallOptions
		want       string
	}{
		{"k", a, a, PrecisionRecallOptions{K: 0}, "PrecisionRecallOptions.K is 0"},
		{"dimensions", a, mat.NewDense(5, 3, nil), DefaultPrecisionRecallOptions(), "dimension 2 and 3"},
		{"too few", a, mat.NewDense(3, 2, nil), DefaultPrecisionRecallOptions(), "generated features: metrics: manifold of 3 samples with k = 3"},
		{"nan", mat.NewDense(5, 2, []float64{0, 0, 1, 1, math.NaN(), 0, 3, 3, 4, 4}), a, DefaultPrecisionRecallOptions(), "feature [2, 0] is NaN"},
	} {
		if _, err := PrecisionRecall(ctx, tc.real, tc.fake, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := PrecisionRecall(cancelled, a, a, DefaultPrecisionRecallOptions()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got error %v, want context.Canceled", err)
	}
}

// TestFixturePrecisionRecall compares with NumPy's run of the paper's
// algorithm (make_precision_recall.py; see the fixtures' README) for every
// k the file lists. Distances computed another way can put a sample on the
// other side of a ball's boundary, so one sample of difference is allowed.
func TestFixturePrecisionRecall(t *testing.T) {
	f, err := weights.Open(fixtures.Path("precision_recall_reference.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	read := func(name string) ([]float64, []int) {
		data, shape, err := f.Float64(name)
		if err != nil {
			t.Fatal(err)
		}
		return data, shape
	}
	matrix := func(name string) *mat.Dense {
		data, shape := read(name)
		if len(shape) != 2 {
			t.Fatalf("%s has shape %v, expected [N, D]", name, shape)
		}
		return mat.NewDense(shape[0], shape[1], data)
	}
	real, fake := matrix("real"), matrix("fake")
	ks, _ := read("k")
	precision, _ := read("precision")
	recall, _ := read("recall")
	n, _ := real.Dims()
	m, _ := fake.Dims()
	for i, k := range ks {
		got, err := PrecisionRecall(context.Background(), real, fake, PrecisionRecallOptions{K: int(k)})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Precision-precision[i]) > 1.5/float64(m) || math.Abs(got.Recall-recall[i]) > 1.5/float64(n) {
			t.Errorf("k=%g: precision %.4f, recall %.4f; NumPy %.4f, %.4f", k, got.Precision, got.Recall, precision[i], recall[i])
		}
	}
}
