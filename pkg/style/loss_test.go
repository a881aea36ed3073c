package style

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/backend/purego"
)

func testBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := purego.New()
	if err != nil {
		t.Fatalf("pure-Go backend: %v", err)
	}
	return b
}

// randomNCHW returns a random [n, c, h, w] tensor and its values.
func randomNCHW(rng *rand.Rand, n, c, h, w int) (*tensors.Tensor, []float32) {
	data := make([]float32, n*c*h*w)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(data, n, c, h, w), data
}

// run1 executes a one-output graph function on the given inputs.
func run1(t *testing.T, fn any, args ...any) []float32 {
	t.Helper()
	exec, err := NewExecAny(testBackend(t), fn)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out[0])
}

func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > tol*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}

// directGram computes G_ij = Σ_k F_ik F_jk / (C·H·W) for each batch element.
func directGram(f []float32, n, c, hw int) []float32 {
	g := make([]float32, n*c*c)
	for b := range n {
		for i := range c {
			for j := range c {
				var sum float64
				for k := range hw {
					sum += float64(f[(b*c+i)*hw+k]) * float64(f[(b*c+j)*hw+k])
				}
				g[(b*c+i)*c+j] = float32(sum / float64(c*hw))
			}
		}
	}
	return g
}

func meanSquaredDiff(a, b []float32) float64 {
	var sum float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		sum += d * d
	}
	return sum / float64(len(a))
}

func TestGram(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, c, h, w := 2, 5, 3, 7
	x, data := randomNCHW(rng, n, c, h, w)
	got := run1(t, Gram, x)
	assertClose(t, "Gram", got, directGram(data, n, c, h*w), 1e-5)
}

func TestContentLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a, da := randomNCHW(rng, 1, 4, 5, 6)
	b, db := randomNCHW(rng, 1, 4, 5, 6)
	got := run1(t, ContentLoss, a, b)
	assertClose(t, "ContentLoss", got, []float32{float32(meanSquaredDiff(da, db))}, 1e-5)
}

func TestStyleLayerLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	c, h, w := 6, 4, 9
	f, df := randomNCHW(rng, 1, c, h, w)
	_, ds := randomNCHW(rng, 1, c, h, w)
	target := directGram(ds, 1, c, h*w)
	got := run1(t, StyleLayerLoss, f, tensors.FromFlatDataAndDimensions(target, 1, c, c))
	want := meanSquaredDiff(directGram(df, 1, c, h*w), target)
	assertClose(t, "StyleLayerLoss", got, []float32{float32(want)}, 1e-5)
}

func TestTotalVariation(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n, c, h, w := 2, 3, 5, 4
	x, d := randomNCHW(rng, n, c, h, w)
	at := func(b, ch, i, j int) float64 { return float64(d[((b*c+ch)*h+i)*w+j]) }
	var sumX, sumY float64
	for b := range n {
		for ch := range c {
			for i := range h {
				for j := range w {
					if j+1 < w {
						sumX += math.Pow(at(b, ch, i, j+1)-at(b, ch, i, j), 2)
					}
					if i+1 < h {
						sumY += math.Pow(at(b, ch, i+1, j)-at(b, ch, i, j), 2)
					}
				}
			}
		}
	}
	want := sumX/float64(n*c*h*(w-1)) + sumY/float64(n*c*(h-1)*w)
	got := run1(t, TotalVariation, x)
	assertClose(t, "TotalVariation", got, []float32{float32(want)}, 1e-5)
}
