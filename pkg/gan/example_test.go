package gan_test

import (
	"fmt"

	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/gan"
)

// Spherical interpolation keeps the codes on the great circle between the
// endpoints: halfway between two orthogonal unit codes lies a unit code,
// where a straight line would give one of norm √½.
func ExampleSlerp() {
	z, err := gan.Slerp([]float32{1, 0}, []float32{0, 1}, 3)
	if err != nil {
		panic(err)
	}
	for _, row := range z.Value().([][]float32) {
		fmt.Printf("%.4f\n", row)
	}
	// Output:
	// [1.0000 0.0000]
	// [0.7071 0.7071]
	// [0.0000 1.0000]
}

// A generator's codes and images: the article's MNIST generator maps 100
// numbers to one 28x28 grey image.
func ExampleMNISTGenerator() {
	g := gan.MNISTGenerator()
	c, h, w := g.ImageShape()
	z := gan.RandomLatents(g, 16, 1)
	fmt.Println("latent codes:", z.Shape())
	fmt.Printf("images: [16 %d %d %d]\n", c, h, w)
	// Output:
	// latent codes: (Float32)[16 100]
	// images: [16 1 28 28]
}

// A class-conditional generator draws the class it is asked for: here an
// untrained DCGAN generator for 28x28 digits, one image per digit.
func ExampleSampler_GenerateClasses() {
	b, err := purego.New()
	if err != nil {
		panic(err)
	}
	g, d := gan.NewDCGAN(28, 1)
	g.NumClasses, d.NumClasses = 10, 10
	trainer, err := gan.NewTrainer(b, g, d, nil, gan.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	digits := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	images, err := trainer.Sampler().GenerateClasses(gan.RandomLatents(g, len(digits), 3), digits)
	if err != nil {
		panic(err)
	}
	fmt.Println("digits 0-9:", images.Shape())
	// Output:
	// digits 0-9: (Float32)[10 1 28 28]
}
