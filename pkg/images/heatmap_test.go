package images

import (
	"image/color"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func TestViridisMatchesMatplotlib(t *testing.T) {
	// matplotlib.cm.viridis at 0, 0.5 and 1, times 255.
	for _, tc := range []struct {
		v    float32
		want color.RGBA
	}{
		{0, color.RGBA{68, 1, 84, 255}},
		{0.5, color.RGBA{33, 145, 140, 255}},
		{1, color.RGBA{253, 231, 37, 255}},
		{-3, color.RGBA{68, 1, 84, 255}},
		{7, color.RGBA{253, 231, 37, 255}},
	} {
		if got := Viridis(tc.v); got != tc.want {
			t.Errorf("Viridis(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
	// Lightness increases monotonically, which is what makes viridis readable.
	prev := -1
	for i := range 101 {
		c := Viridis(float32(i) / 100)
		luma := 299*int(c.R) + 587*int(c.G) + 114*int(c.B)
		if luma < prev {
			t.Fatalf("Viridis gets darker at %v", float32(i)/100)
		}
		prev = luma
	}
}

func TestHeatmap(t *testing.T) {
	// A 2×3 matrix with a leading batch axis of 1, values 0..5.
	m := tensors.FromFlatDataAndDimensions([]float32{0, 1, 2, 3, 4, 5}, 1, 2, 3)
	img, err := Heatmap(m, HeatmapOptions{Scale: 2})
	if err != nil {
		t.Fatal(err)
	}
	assertSize(t, img, 6, 4)
	assertPixel(t, img, 0, 0, Viridis(0), 0)
	assertPixel(t, img, 1, 1, Viridis(0), 0) // Still value (0, 0) at scale 2.
	assertPixel(t, img, 2, 0, Viridis(0.2), 0)
	assertPixel(t, img, 5, 3, Viridis(1), 0)

	fixed, err := Heatmap(m, HeatmapOptions{Scale: 1, ValueRange: [2]float32{0, 10}, Colormap: Grays})
	if err != nil {
		t.Fatal(err)
	}
	assertPixel(t, fixed, 2, 1, color.Gray{Y: 128}, 0)

	auto, err := Heatmap(m, HeatmapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertSize(t, auto, 3*86, 2*86) // ceil(256/3) = 86.

	if _, err := Heatmap(tensors.FromFlatDataAndDimensions(make([]float32, 8), 2, 2, 2), HeatmapOptions{}); err == nil ||
		!strings.Contains(err.Error(), "[2 2 2]") {
		t.Errorf("Heatmap of a stack of matrices: err = %v", err)
	}
}

func TestFeatureMaps(t *testing.T) {
	const c, h, w = 5, 2, 3
	values := make([]float32, c*h*w)
	for i := range values {
		values[i] = float32(i % (h * w)) // Every map runs 0..5 in reading order.
	}
	fm, err := FeatureMaps(tensors.FromFlatDataAndDimensions(values, 1, c, h, w), NCHW, HeatmapOptions{Scale: 1, MaxMaps: 4})
	if err != nil {
		t.Fatal(err)
	}
	// 4 maps in rows of ceil(sqrt(4)) = 2, white padding of 2.
	assertSize(t, fm, 2*(w+2)+2, 2*(h+2)+2)
	assertPixel(t, fm, 0, 0, color.White, 0)
	for _, origin := range [][2]int{{2, 2}, {2 + w + 2, 2}, {2, 2 + h + 2}, {2 + w + 2, 2 + h + 2}} {
		assertPixel(t, fm, origin[0], origin[1], Viridis(0), 0)
		assertPixel(t, fm, origin[0]+w-1, origin[1]+h-1, Viridis(1), 0)
	}
	if _, err := FeatureMaps(tensors.FromFlatDataAndDimensions(values, 2, c, 1, w), NCHW, HeatmapOptions{}); err == nil {
		t.Error("FeatureMaps accepted a batch of 2")
	}
}
