package images

import (
	"image"
	"image/color"
	"image/draw"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// DefaultGridPadding is the padding, in pixels, of [Grid] when
// GridOptions.Padding is 0 (torchvision's default).
const DefaultGridPadding = 2

// DefaultGridRow is the number of images per row of [Grid] when
// GridOptions.NRow is 0 (torchvision's default).
const DefaultGridRow = 8

// GridOptions are the knobs of [Grid] and [GridTensor], named after the
// arguments of torchvision.utils.make_grid. The zero value gives
// torchvision's defaults.
type GridOptions struct {
	// NRow is the number of images in each row; 0 means DefaultGridRow.
	NRow int
	// Padding is the border around and between images in pixels; 0 means
	// DefaultGridPadding and a negative value means none.
	Padding int
	// PadValue is the gray level, in [0, 1], of the padding.
	PadValue float32

	// Normalize (GridTensor only) maps ValueRange to [0, 1] before the
	// conversion clamps: use it with ValueRange {-1, 1} for GAN outputs
	// made by tanh.
	Normalize bool
	// ValueRange is the [low, high] range Normalize maps to [0, 1]; the zero
	// value means the minimum and maximum of the data.
	ValueRange [2]float32
	// ScaleEach, with Normalize and no ValueRange, normalises every image
	// by its own minimum and maximum instead of the batch's.
	ScaleEach bool
}

func (o GridOptions) nrow() int {
	if o.NRow <= 0 {
		return DefaultGridRow
	}
	return o.NRow
}

func (o GridOptions) padding() int {
	switch {
	case o.Padding < 0:
		return 0
	case o.Padding == 0:
		return DefaultGridPadding
	}
	return o.Padding
}

// Grid lays images out in rows of NRow like torchvision's make_grid: every
// cell has the size of the largest image (smaller ones sit in its top-left
// corner), with Padding pixels around each cell. Like make_grid, a single
// image is returned as is, without padding.
func Grid(imgs []image.Image, opts GridOptions) *image.RGBA {
	switch len(imgs) {
	case 0:
		return image.NewRGBA(image.Rectangle{})
	case 1:
		return toRGBA(imgs[0])
	}
	var cell image.Point
	for _, img := range imgs {
		s := img.Bounds().Size()
		cell.X, cell.Y = max(cell.X, s.X), max(cell.Y, s.Y)
	}
	pad := opts.padding()
	cols := min(opts.nrow(), len(imgs))
	rows := (len(imgs) + cols - 1) / cols
	grid := image.NewRGBA(image.Rect(0, 0, cols*(cell.X+pad)+pad, rows*(cell.Y+pad)+pad))
	padGray := color.Gray{Y: toByte(clamp01(opts.PadValue))}
	draw.Draw(grid, grid.Rect, image.NewUniform(padGray), image.Point{}, draw.Src)
	for k, img := range imgs {
		at := image.Pt((k%cols)*(cell.X+pad)+pad, (k/cols)*(cell.Y+pad)+pad)
		b := img.Bounds()
		draw.Draw(grid, image.Rectangle{Min: at, Max: at.Add(b.Size())}, img, b.Min, draw.Src)
	}
	return grid
}

// GridTensor is Grid for a batch tensor ([N, C, H, W] for NCHW or
// [N, H, W, C] for NHWC, C = 1 or 3), with make_grid's normalisation.
func GridTensor(t *tensors.Tensor, layout Layout, opts GridOptions) (*image.RGBA, error) {
	b, err := tensorPlanes(t, layout)
	if err != nil {
		return nil, err
	}
	if opts.Normalize {
		b.normalize(opts.ValueRange, opts.ScaleEach)
	}
	b.clamp()
	imgs := make([]image.Image, b.n)
	for i := range imgs {
		imgs[i] = b.image(i)
	}
	return Grid(imgs, opts), nil
}

// normalize maps valueRange (or the data's own range when it is zero,
// per image with scaleEach) to [0, 1], clamping outside it, as make_grid
// does.
func (b *planes) normalize(valueRange [2]float32, scaleEach bool) {
	if valueRange != [2]float32{} {
		rescale(b.data, valueRange[0], valueRange[1])
		return
	}
	if !scaleEach {
		lo, hi := minMax(b.data)
		rescale(b.data, lo, hi)
		return
	}
	size := b.c * b.h * b.w
	for i := range b.n {
		img := b.data[i*size : (i+1)*size]
		lo, hi := minMax(img)
		rescale(img, lo, hi)
	}
}

// minRange keeps rescale from dividing by zero on a constant image, like
// make_grid's max(high - low, 1e-5).
const minRange = 1e-5

// rescale clamps values to [lo, hi] and maps that range to [0, 1].
func rescale(values []float32, lo, hi float32) {
	scale := 1 / max(hi-lo, minRange)
	for i, v := range values {
		values[i] = (min(max(v, lo), hi) - lo) * scale
	}
}

// minMax returns the smallest and largest of values, ignoring NaN.
func minMax(values []float32) (lo, hi float32) {
	first := true
	for _, v := range values {
		if v != v { // NaN
			continue
		}
		if first {
			lo, hi, first = v, v, false
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}
