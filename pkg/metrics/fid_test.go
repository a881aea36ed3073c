package metrics

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/weights"
	"gonum.org/v1/gonum/mat"
)

// fidReference reads the pytorch-fid/scipy reference (see the fixtures'
// README): the two feature sets and the expected fid, fid_self and kid.
func fidReference(t *testing.T) (a, b *mat.Dense, want map[string]float64) {
	t.Helper()
	f, err := weights.Open(fixtures.Path("fid_reference.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	matrix := func(name string) *mat.Dense {
		data, shape, err := f.Float64(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(shape) != 2 {
			t.Fatalf("%s has shape %v, expected [N, D]", name, shape)
		}
		return mat.NewDense(shape[0], shape[1], data)
	}
	want = map[string]float64{}
	for _, name := range []string{"fid", "fid_self", "kid"} {
		v, _, err := f.Float64(name)
		if err != nil {
			t.Fatal(err)
		}
		want[name] = v[0]
	}
	return matrix("features_a"), matrix("features_b"), want
}

// epsilon is float64's machine epsilon.
const epsilon = 0x1p-52

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

func TestFixtureFID(t *testing.T) {
	a, b, want := fidReference(t)
	got, err := FID(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(got, want["fid"]); e > 1e-6 {
		t.Errorf("FID = %.12g, pytorch-fid %.12g (relative error %.2g > 1e-6)", got, want["fid"], e)
	}
	t.Logf("FID %.12g vs pytorch-fid %.12g: relative error %.2g", got, want["fid"], relErr(got, want["fid"]))

	// FID(a, a) is 0 in exact arithmetic; scipy leaves ~1e-10 when Σ has
	// full rank. Allow 1e-9 of the scale of the terms that cancel,
	// tr(Σ) + tr(Σ). With fewer samples than dimensions, Σ is singular: each
	// of its d−n+1 zero eigenvalues comes out as ±ε·λmax and adds up to
	// √(ε·λmax²) to the square-root trace, in scipy as here.
	self, err := FID(a, a)
	if err != nil {
		t.Fatal(err)
	}
	sa, _ := ComputeStats(a)
	tol := 1e-9 * 2 * mat.Trace(sa.Cov)
	if n, d := a.Dims(); n <= d {
		var eig mat.EigenSym
		eig.Factorize(sa.Cov, false)
		values := eig.Values(nil)
		tol = 2 * float64(d-n+1) * math.Sqrt(epsilon) * values[len(values)-1]
	}
	if math.Abs(self) > tol || math.Abs(want["fid_self"]) > tol {
		t.Errorf("self-FID = %g (pytorch-fid %g), want |·| ≤ %g", self, want["fid_self"], tol)
	}
	t.Logf("self-FID %g, pytorch-fid %g", self, want["fid_self"])
}

func TestFixtureKID(t *testing.T) {
	a, b, want := fidReference(t)
	ra, _ := a.Dims()
	rb, _ := b.Dims()
	got, err := KID(a, b, KIDOptions{Subsets: 1, SubsetSize: max(ra, rb)})
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(got.Mean, want["kid"]); e > 1e-6 {
		t.Errorf("KID = %.12g, reference %.12g (relative error %.2g > 1e-6)", got.Mean, want["kid"], e)
	}
	if got.Std != 0 {
		t.Errorf("one subset: std %g, want 0", got.Std)
	}
	t.Logf("KID %.12g vs reference %.12g: relative error %.2g", got.Mean, want["kid"], relErr(got.Mean, want["kid"]))
}

// TestStreamingStats checks that stats merged batch by batch equal the
// two-pass mean and covariance, also for features with a large offset.
func TestStreamingStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, d = 300, 5
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, 1e6+rng.NormFloat64()*float64(j+1))
		}
	}
	acc := NewAccumulator(d)
	for lo := 0; lo < n; lo += 37 {
		if err := acc.Add(x.Slice(lo, min(lo+37, n), 0, d)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := acc.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for j := range d {
		var mean float64
		for i := range n {
			mean += x.At(i, j)
		}
		mean /= n
		if math.Abs(got.Mean[j]-mean) > 1e-9 {
			t.Errorf("mean[%d] = %.12g, want %.12g", j, got.Mean[j], mean)
		}
		for k := range d {
			var c float64
			for i := range n {
				var mk float64
				for r := range n {
					mk += x.At(r, k)
				}
				c += (x.At(i, j) - mean) * (x.At(i, k) - mk/n)
			}
			c /= n - 1
			if math.Abs(got.Cov.At(j, k)-c) > 1e-7*math.Max(1, math.Abs(c)) {
				t.Errorf("cov[%d,%d] = %.12g, want %.12g", j, k, got.Cov.At(j, k), c)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	x := mat.NewDense(4, 3, []float64{1, 2, 3, 4, 5, 6, 7, 8, 10, 1, 0, 1})
	y := mat.NewDense(4, 2, []float64{1, 2, 3, 4, 5, 6, 7, 8})
	one := mat.NewDense(1, 3, []float64{1, 2, 3})
	nan := mat.DenseCopyOf(x)
	nan.Set(2, 1, math.NaN())
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"FID dims", "dimension 3 and 2", second(FID(x, y))},
		{"FID one sample", "at least 2", second(FID(x, one))},
		{"FID NaN", "feature [2, 1] is NaN", second(FID(nan, x))},
		{"KID dims", "dimension 3 and 2", second(KID(x, y, KIDOptions{}))},
		{"KID one sample", "at least 2", second(KID(one, x, KIDOptions{}))},
		{"KID NaN", "is NaN", second(KID(x, nan, KIDOptions{}))},
		{"accumulator dims", "dimension 2, expected 3", NewAccumulator(3).Add(y)},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }
