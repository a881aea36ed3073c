package gan

import (
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// benchmarkStep times one training step (D on real + fake, then G), as the
// "mnist gan step" and "dcgan step" of shared/bench do in PyTorch.
func benchmarkStep(b *testing.B, g Generator, d Discriminator, batch int) {
	real := randomImages(g, batch, 1)
	tr, err := NewTrainer(newBackend(b), g, d, DataFunc(func(int) (*tensors.Tensor, error) { return real, nil }), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.TrainStep(); err != nil { // Compiles the step.
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := tr.TrainStep(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMNISTGANStep is the "mnist gan step": the article's generator
// and discriminator on 28x28 digits, batch 64, BCE, Adam 2e-4 (0.5, 0.999).
func BenchmarkMNISTGANStep(b *testing.B) {
	benchmarkStep(b, MNISTGenerator(), MNISTDiscriminator(), 64)
}

// BenchmarkDCGANStep64 is the "dcgan step 64x64": pytorch/examples' DCGAN
// (nz 100, ngf = ndf = 64, 3 channels), the same two updates, at batch 64
// (about 4.1 GB peak on the pure-Go backend).
func BenchmarkDCGANStep64(b *testing.B) {
	g, d := NewDCGAN(64, 3)
	benchmarkStep(b, g, d, 64)
}

// BenchmarkConditionalDCGAN28Step is the step of the better MNIST recipe
// (notebooks/models/README.md): DCGAN's pair at 28 px, F = 32,
// class-conditional on 10 digits, batch 64.
func BenchmarkConditionalDCGAN28Step(b *testing.B) {
	g, d := NewDCGAN(28, 1)
	g.Features, d.Features = 32, 32
	g.NumClasses, d.NumClasses = 10, 10
	tr, err := NewTrainer(newBackend(b), g, d, labelledData{g, 64, 10}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.TrainStep(); err != nil { // Compiles the step.
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := tr.TrainStep(); err != nil {
			b.Fatal(err)
		}
	}
}
