package images_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/images"
)

// A style-transfer input: load, shrink to a 256-pixel long side, and turn
// into an NCHW tensor in [0, 1].
func ExampleLoad() {
	img, err := images.Load(context.Background(), "../../notebooks/images/chelsea.png", images.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	small := images.Resize(img, 256)
	t := images.ToTensor(small, images.NCHW)
	fmt.Println(img.Bounds().Size(), small.Bounds().Size(), t.Shape())
	// Output: (451,300) (256,170) (Float32)[1 3 170 256]
}

// Back from a tensor: values are clamped to [0, 1] before quantising.
func ExampleImageFromTensor() {
	// [1, 3, 1, 2]: one RGB image, one row, two pixels; the optimiser overshot.
	t := tensors.FromFlatDataAndDimensions([]float32{1.2, 0, 0, 0.5, -0.1, 1}, 1, 3, 1, 2)
	img, err := images.ImageFromTensor(t, images.NCHW)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.At(0, 0), img.At(1, 0))
	// Output: {255 0 0 255} {0 128 255 255}
}

// GAN samples come out of tanh in [-1, 1]: GridTensor maps that range to
// [0, 1] and lays 6 of them out 3 to a row, like torchvision's make_grid.
func ExampleGridTensor() {
	samples := make([]float32, 6*1*28*28) // [6, 1, 28, 28] in [-1, 1].
	for i := range samples {
		samples[i] = float32(i%3) - 1
	}
	grid, err := images.GridTensor(tensors.FromFlatDataAndDimensions(samples, 6, 1, 28, 28), images.NCHW,
		images.GridOptions{NRow: 3, Normalize: true, ValueRange: [2]float32{-1, 1}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(grid.Bounds().Size())
	// Output: (92,62)
}

// Content, style and result side by side, scaled to a common height and
// labelled, then saved.
func ExamplePanels() {
	panel := func(w, h int) image.Image { return image.NewGray(image.Rect(0, 0, w, h)) }
	out := images.Panels([]images.Panel{
		{Label: "content", Image: panel(300, 200)},
		{Label: "style", Image: panel(100, 100)},
		{Label: "result", Image: panel(300, 200)},
	}, images.PanelOptions{Height: 200})
	path := filepath.Join(os.TempDir(), "panels-example.png")
	if err := images.Save(path, out); err != nil {
		log.Fatal(err)
	}
	defer os.Remove(path)
	fmt.Println(out.Bounds().Dx())
	// Output: 832
}

// A Gram matrix (Gatys et al. 2016, eq. 3) as a viridis heatmap; its 4×4
// values are enlarged to 256×256 pixels.
func ExampleHeatmap() {
	gram := tensors.FromValue([][]float32{
		{4, 1, 0, 2},
		{1, 3, 1, 0},
		{0, 1, 2, 1},
		{2, 0, 1, 5},
	})
	img, err := images.Heatmap(gram, images.HeatmapOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds().Size(), img.At(0, 0) == images.Viridis(0.8))
	// Output: (256,256) true
}

// A caller that shrinks what is too large to load: the error says why, and
// errors.Is tells it from a file that is not an image at all.
func ExampleErrTooLarge() {
	opts := images.LoadOptions{MaxPixels: 100_000}
	_, err := images.Load(context.Background(), "../../notebooks/images/chelsea.png", opts)
	switch {
	case errors.Is(err, images.ErrTooLarge):
		fmt.Println("too large: resize it, or raise MaxPixels")
	case errors.Is(err, image.ErrFormat):
		fmt.Println("not an image")
	}
	// Output: too large: resize it, or raise MaxPixels
}
