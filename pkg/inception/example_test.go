package inception_test

import (
	"fmt"
	"log"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/inception"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/metrics"
)

// Example computes the Inception features of two batches of images with
// metrics.FeaturesOf, as an FID computation does for each image set.
func Example() {
	// The test fixture: pytorch-fid's layout at 1/8 width with random weights.
	// For FIDs comparable with papers: path, err := inception.Download(ctx, download.Options{}).
	model, err := inception.Load(fixtures.Path("inception_fid_tiny.pth"))
	if err != nil {
		log.Fatal(err)
	}
	extractor, err := inception.NewExtractor(backend.MustNew(), model)
	if err != nil {
		log.Fatal(err)
	}
	batches := func(yield func(*tensors.Tensor, error) bool) {
		const side = 64 // any size: images are resized to 299×299
		for range 2 {
			gray := make([]float32, 2*3*side*side)
			for i := range gray {
				gray[i] = 0.5
			}
			if !yield(tensors.FromFlatDataAndDimensions(gray, 2, 3, side, side), nil) {
				return
			}
		}
	}
	features, err := metrics.FeaturesOf(extractor, batches)
	if err != nil {
		log.Fatal(err)
	}
	rows, cols := features.Dims()
	fmt.Println(rows, "images,", cols == model.Dim())
	// Output: 4 images, true
}
