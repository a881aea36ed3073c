package transformernet

import (
	"fmt"
	"image"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/images"
)

// Content gives the training batches of content images: Batch(step) is
// [N, 3, S, S] NCHW float32 RGB in [0, 1]. It must be a function of step, so
// that a resumed run sees the batches an uninterrupted one would.
type Content interface {
	Batch(step int) (*tensors.Tensor, error)
}

// RandomCrops is Content drawn from a few images by data augmentation: each
// image of a batch is a random square of a random side (between half and
// all of the image's shorter side) at a random place, resized to Size and
// flipped left-right half of the time. fast_neural_style trains on COCO's
// 83 000 photographs resized and centre-cropped; with a handful of sample
// images, crops and flips stand in for the variety.
type RandomCrops struct {
	Images    []image.Image
	Size      int    // side of the crops in pixels
	BatchSize int    // images per batch
	Seed      uint64 // the crops of step k come from (Seed, k)
}

// Batch returns the crops of a step.
func (r RandomCrops) Batch(step int) (*tensors.Tensor, error) {
	if len(r.Images) == 0 || r.Size < 1 || r.BatchSize < 1 {
		return nil, fmt.Errorf("transformernet: RandomCrops needs images, Size >= 1 and BatchSize >= 1; got %d images, Size %d, BatchSize %d",
			len(r.Images), r.Size, r.BatchSize)
	}
	rng := rand.New(rand.NewPCG(r.Seed, cropStream+uint64(step)))
	crops := make([]image.Image, r.BatchSize)
	for i := range crops {
		img := images.ToRGB(r.Images[rng.IntN(len(r.Images))])
		b := img.Bounds()
		short := min(b.Dx(), b.Dy())
		side := short/2 + rng.IntN(short-short/2+1)
		x0, y0 := b.Min.X+rng.IntN(b.Dx()-side+1), b.Min.Y+rng.IntN(b.Dy()-side+1)
		crop := images.ResizeTo(img.SubImage(image.Rect(x0, y0, x0+side, y0+side)), r.Size, r.Size)
		if rng.IntN(2) == 1 {
			flipHorizontally(crop)
		}
		crops[i] = crop
	}
	return images.BatchToTensor(crops, images.NCHW)
}

// cropStream separates RandomCrops' random numbers from other uses of a seed.
const cropStream = 0x63726f7073 << 24 // "crops"

// flipHorizontally mirrors img left to right in place.
func flipHorizontally(img *image.RGBA) {
	w := img.Rect.Dx()
	for y := range img.Rect.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
			for c := range 4 {
				row[4*i+c], row[4*j+c] = row[4*j+c], row[4*i+c]
			}
		}
	}
}
