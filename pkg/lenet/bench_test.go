package lenet

import (
	"testing"

	"github.com/neuralart/neuralart/pkg/datasets"
)

// BenchmarkLeNetFeatures extracts the FID features of a batch of 500 MNIST
// test images (forward pass to the penultimate layer).
func BenchmarkLeNetFeatures(b *testing.B) {
	net, err := New(testBackend(b), initParams(1))
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
