package images

import (
	"image"
	"image/color"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func solid(w, h int, c color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	return img
}

func TestGridLayout(t *testing.T) {
	const w, h, n, nrow, pad = 3, 2, 5, 2, 1
	imgs := make([]image.Image, n)
	for k := range imgs {
		imgs[k] = solid(w, h, color.Gray{Y: uint8(40 * (k + 1))})
	}
	grid := Grid(imgs, GridOptions{NRow: nrow, Padding: pad, PadValue: 1})
	// make_grid: ceil(5/2) = 3 rows of 2 cells, each cell plus padding, plus a final padding.
	assertSize(t, grid, nrow*(w+pad)+pad, 3*(h+pad)+pad)
	owner := func(x, y int) int { // Which image covers (x, y), or -1 for padding.
		cx, cy := (x-pad)/(w+pad), (y-pad)/(h+pad)
		if x < pad || y < pad || (x-pad)%(w+pad) >= w || (y-pad)%(h+pad) >= h || cy*nrow+cx >= n {
			return -1
		}
		return cy*nrow + cx
	}
	for y := range grid.Rect.Dy() {
		for x := range grid.Rect.Dx() {
			want := color.Gray{Y: 255}
			if k := owner(x, y); k >= 0 {
				want = color.Gray{Y: uint8(40 * (k + 1))}
			}
			assertPixel(t, grid, x, y, want, 0)
		}
	}
}

func TestGridDefaultsAndEdgeCases(t *testing.T) {
	imgs := make([]image.Image, 10)
	for k := range imgs {
		imgs[k] = solid(4, 4, color.White)
	}
	// torchvision defaults: 8 per row, padding 2, black padding.
	grid := Grid(imgs, GridOptions{})
	assertSize(t, grid, 8*(4+2)+2, 2*(4+2)+2)
	assertPixel(t, grid, 0, 0, color.Black, 0)
	// Negative padding means none.
	assertSize(t, Grid(imgs[:3], GridOptions{Padding: -1}), 12, 4)
	// Like make_grid, one image comes back without padding.
	assertSize(t, Grid(imgs[:1], GridOptions{}), 4, 4)
	assertSize(t, Grid(nil, GridOptions{}), 0, 0)
	// Mixed sizes get the largest cell, smaller images in its top-left corner.
	mixed := Grid([]image.Image{solid(2, 1, color.White), solid(1, 3, color.White)}, GridOptions{Padding: -1})
	assertSize(t, mixed, 4, 3)
	assertPixel(t, mixed, 1, 2, color.Black, 0)
}

func TestGridTensorNormalize(t *testing.T) {
	// Two one-pixel gray images: a tanh output in [-1, 1] and another range.
	values := []float32{-1, 0, 1, 0.5, 2, 3}
	batch := tensors.FromFlatDataAndDimensions(values, 2, 1, 1, 3)
	for _, tc := range []struct {
		name string
		opts GridOptions
		want []uint8
	}{
		{"clamp only", GridOptions{}, []uint8{0, 0, 255, 128, 255, 255}},
		{"range -1..1", GridOptions{Normalize: true, ValueRange: [2]float32{-1, 1}}, []uint8{0, 128, 255, 191, 255, 255}},
		{"batch min-max", GridOptions{Normalize: true}, []uint8{0, 64, 128, 96, 191, 255}},
		{"each min-max", GridOptions{Normalize: true, ScaleEach: true}, []uint8{0, 128, 255, 0, 153, 255}},
	} {
		tc.opts.Padding = -1
		grid, err := GridTensor(batch, NCHW, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		assertSize(t, grid, 6, 1)
		for i, v := range tc.want {
			assertPixel(t, grid, i, 0, color.Gray{Y: v}, 0)
		}
	}
}
