package gan_test

import (
	"fmt"

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
