package metrics

import (
	"math/rand/v2"
	"testing"

	"github.com/neuralart/neuralart/pkg/datasets"
	"gonum.org/v1/gonum/mat"
)

// BenchmarkLeNetFeatures extracts the FID features of a batch of 500 MNIST
// test images (forward pass to the penultimate layer).
func BenchmarkLeNetFeatures(b *testing.B) {
	net, err := NewLeNet(testBackend(b), initLeNet(1))
	if err != nil {
		b.Fatal(err)
	}
	it, err := mnist(b, datasets.Test).Batches(datasets.BatchOptions{BatchSize: 500, Sequential: true, Scale: datasets.ZeroToOne})
	if err != nil {
		b.Fatal(err)
	}
	batch := it.At(0).Images
	if _, err := net.Features(batch); err != nil { // compile outside the timing
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := net.Features(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(500*b.N)/b.Elapsed().Seconds(), "images/s")
}

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

// BenchmarkFID is FID between two sets of 10000 LeNet-sized (128) features:
// the statistics and the distance.
func BenchmarkFID(b *testing.B) {
	x, y := randomFeatures(10000, lenetHidden, 1), randomFeatures(10000, lenetHidden, 2)
	for range b.N {
		if _, err := FID(x, y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKID is KID with torchmetrics' defaults (100 subsets of 1000) on
// two sets of 2000 features of dimension 128.
func BenchmarkKID(b *testing.B) {
	x, y := randomFeatures(2000, lenetHidden, 1), randomFeatures(2000, lenetHidden, 2)
	for range b.N {
		if _, err := KID(x, y, KIDOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
