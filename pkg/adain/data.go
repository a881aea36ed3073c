package adain

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/datasets"
)

// TrainData supplies the trainer's batches: Batch(step) returns the content
// and style images of training step `step` (0-based), each [B, 3, H, W]
// NCHW float32 in [0, 1], the same shape at every step. It must be a
// deterministic function of step, so that a resumed run sees the batches an
// uninterrupted one would.
type TrainData interface {
	Batch(step int) (content, style *tensors.Tensor, err error)
}

// FolderDataOptions are the knobs of train.py's data pipeline.
type FolderDataOptions struct {
	// BatchSize is the number of content and of style images per step.
	// Default 8 (train.py's --batch_size).
	BatchSize int
	// LoadSize is the side images are resized to (covering it, then
	// centre-cropped to a square) when loaded. Default 512 (train.py resizes
	// to 512×512, ignoring the aspect ratio).
	LoadSize int
	// CropSize is the side of the random crop each step takes. Default 256.
	CropSize int
	// Flip mirrors each crop left–right with probability ½, which train.py
	// does not; it multiplies a small data set. Default false.
	Flip bool
	// Seed fixes the images, crops and flips drawn at every step. Default 0.
	Seed uint64
}

// DefaultFolderDataOptions returns train.py's settings.
func DefaultFolderDataOptions() FolderDataOptions {
	return FolderDataOptions{BatchSize: 8, LoadSize: 512, CropSize: 256}
}

func (o FolderDataOptions) check() error {
	switch {
	case o.BatchSize < 1:
		return fmt.Errorf("adain: FolderDataOptions.BatchSize is %d, want at least 1", o.BatchSize)
	case o.CropSize < minImageSide:
		return fmt.Errorf("adain: FolderDataOptions.CropSize is %d, want at least %d", o.CropSize, minImageSide)
	case o.LoadSize < o.CropSize:
		return fmt.Errorf("adain: FolderDataOptions.LoadSize is %d, want at least CropSize (%d)", o.LoadSize, o.CropSize)
	}
	return nil
}

// FolderData draws train.py's batches from a folder of content images and
// a folder of style images: each step, BatchSize images of each (uniformly,
// with replacement, where train.py walks endless random permutations), a
// random CropSize crop of each, optionally flipped.
type FolderData struct {
	content, style *datasets.Dataset
	opts           FolderDataOptions
}

// NewFolderData loads every image of contentDir and styleDir (PNG, JPEG,
// GIF, BMP, WebP) at LoadSize.
func NewFolderData(contentDir, styleDir string, opts FolderDataOptions) (*FolderData, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	load := datasets.ImageFolderOptions{Width: opts.LoadSize, Height: opts.LoadSize, Channels: 3}
	content, err := datasets.LoadImageFolder(contentDir, load)
	if err != nil {
		return nil, fmt.Errorf("adain: content images: %w", err)
	}
	style, err := datasets.LoadImageFolder(styleDir, load)
	if err != nil {
		return nil, fmt.Errorf("adain: style images: %w", err)
	}
	return &FolderData{content: content, style: style, opts: opts}, nil
}

// Len returns the number of content and of style images.
func (d *FolderData) Len() (content, style int) { return d.content.Len(), d.style.Len() }

// Batch implements TrainData.
func (d *FolderData) Batch(step int) (content, style *tensors.Tensor, err error) {
	rng := rand.New(rand.NewPCG(d.opts.Seed, uint64(step)))
	return d.crops(d.content, rng), d.crops(d.style, rng), nil
}

// crops draws a batch of random crops of images.
func (d *FolderData) crops(images *datasets.Dataset, rng *rand.Rand) *tensors.Tensor {
	size, side := d.opts.CropSize, images.Width
	out := make([]float32, d.opts.BatchSize*3*size*size)
	for b := range d.opts.BatchSize {
		pixels := images.Image(rng.IntN(images.Len()))
		top, left := rng.IntN(images.Height-size+1), rng.IntN(side-size+1)
		flip := d.opts.Flip && rng.IntN(2) == 1
		for c := range 3 {
			plane := out[(b*3+c)*size*size : (b*3+c+1)*size*size]
			for y := range size {
				row := pixels[(c*images.Height+top+y)*side+left : (c*images.Height+top+y)*side+left+size]
				for x, v := range row {
					if flip {
						x = size - 1 - x
					}
					plane[y*size+x] = float32(v) / 255
				}
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(out, d.opts.BatchSize, 3, size, size)
}
