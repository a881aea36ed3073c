package metrics

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randomFeatures(n, d int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 0))
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, rng.NormFloat64())
		}
	}
	return x
}

// featureDim is the size of LeNet's features (pkg/lenet), the benchmarks' dimension.
const featureDim = 128

// BenchmarkFID is FID between two sets of 10000 LeNet-sized (128) features:
// the statistics and the distance.
func BenchmarkFID(b *testing.B) {
	x, y := randomFeatures(10000, featureDim, 1), randomFeatures(10000, featureDim, 2)
	for range b.N {
		if _, err := FID(x, y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKID is KID with torchmetrics' defaults (100 subsets of 1000) on
// two sets of 2000 features of dimension 128.
func BenchmarkKID(b *testing.B) {
	x, y := randomFeatures(2000, featureDim, 1), randomFeatures(2000, featureDim, 2)
	for range b.N {
		if _, err := KID(x, y, KIDOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
