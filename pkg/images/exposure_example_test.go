package images_test

import (
	"fmt"
	"image"
	"log"

	"github.com/neuralart/neuralart/pkg/images"
)

// A dim, low-contrast picture: both spread its eight gray levels over the
// whole range. Equalize maps the darkest to its share of the pixels (1/8),
// CLAHE stretches its result to start at 0.
func ExampleCLAHE() {
	dim := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range dim.Pix {
		dim.Pix[i] = uint8(100 + i%16/2) // 100 … 107, in vertical stripes
	}
	opts := images.DefaultCLAHEOptions()
	opts.Tiles = image.Pt(2, 2)
	for _, eq := range []struct {
		name string
		f    func() (image.Image, error)
	}{
		{"Equalize", func() (image.Image, error) { return images.Equalize(dim, images.DefaultEqualizeOptions()) }},
		{"CLAHE", func() (image.Image, error) { return images.CLAHE(dim, opts) }},
	} {
		out, err := eq.f()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-8s", eq.name)
		for x := 0; x < 16; x += 2 {
			fmt.Printf(" %3d", out.(*image.Gray16).Gray16At(x, 8).Y>>8)
		}
		fmt.Println()
	}
	// Output:
	// Equalize  32  64  84 128 153 191 221 255
	// CLAHE      0  36  73 109 146 182 219 255
}
