package images

import (
	"fmt"
	"image"
	"math"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// HeatmapOptions are the rare knobs of [Heatmap] and [FeatureMaps].
type HeatmapOptions struct {
	// Colormap colours the values mapped to [0, 1]; nil means Viridis.
	Colormap Colormap
	// ValueRange is the [low, high] range mapped to [0, 1]; the zero value
	// means the minimum and maximum of each map, so every map uses the
	// whole colormap.
	ValueRange [2]float32
	// Scale is the integer factor by which each map is enlarged (nearest
	// neighbour, so every value stays a crisp square); 0 means the
	// smallest factor giving Heatmap a long side of 256 pixels and each of
	// FeatureMaps' maps one of 64.
	Scale int
	// MaxMaps is the number of channels FeatureMaps shows; 0 means 16.
	MaxMaps int
}

// Default sizes, in pixels, that HeatmapOptions.Scale = 0 enlarges to.
const (
	heatmapLongSide    = 256
	featureMapLongSide = 64
	defaultMaxMaps     = 16
)

func (o HeatmapOptions) colormap() Colormap {
	if o.Colormap == nil {
		return Viridis
	}
	return o.Colormap
}

// Heatmap colour-maps a matrix, such as a Gram matrix G = F Fᵀ of style
// features (Gatys et al. 2016, eq. 3): a tensor of shape [H, W], or with
// leading axes of size 1 ([1, H, W], [1, 1, H, W]). Row 0 is at the top.
func Heatmap(t *tensors.Tensor, opts HeatmapOptions) (*image.RGBA, error) {
	if t == nil {
		return nil, fmt.Errorf("images: Heatmap expects a matrix tensor, got nil")
	}
	shape := t.Shape()
	dims := shape.Dimensions
	for len(dims) > 2 && dims[0] == 1 {
		dims = dims[1:]
	}
	if len(dims) != 2 {
		return nil, fmt.Errorf("images: Heatmap expects a matrix of shape [H, W] (leading axes of size 1 allowed), got shape %s", shape)
	}
	values, err := float32Data(t)
	if err != nil {
		return nil, err
	}
	return colorize(values, dims[1], dims[0], opts, scaleFor(opts.Scale, dims[0], dims[1], heatmapLongSide)), nil
}

// FeatureMaps shows the first MaxMaps channels of a batch-of-one
// activation tensor ([1, C, H, W] for NCHW, [1, H, W, C] for NHWC) as a grid
// of heatmaps, each normalised on its own unless ValueRange is set.
func FeatureMaps(t *tensors.Tensor, layout Layout, opts HeatmapOptions) (*image.RGBA, error) {
	b, err := readPlanes(t, layout)
	if err != nil {
		return nil, err
	}
	if b.n != 1 {
		return nil, fmt.Errorf("images: FeatureMaps expects a batch of one image, got %d (shape %s); slice out the one to show",
			b.n, t.Shape())
	}
	count := b.c
	if opts.MaxMaps > 0 {
		count = min(count, opts.MaxMaps)
	} else {
		count = min(count, defaultMaxMaps)
	}
	scale := scaleFor(opts.Scale, b.h, b.w, featureMapLongSide)
	maps := make([]image.Image, count)
	for ch := range maps {
		maps[ch] = colorize(b.plane(0, ch), b.w, b.h, opts, scale)
	}
	return Grid(maps, GridOptions{NRow: int(math.Ceil(math.Sqrt(float64(count)))), PadValue: 1}), nil
}

// scaleFor returns the requested scale or, when it is 0, the smallest
// integer one that brings the long side of an h×w map to at least target.
func scaleFor(scale, h, w, target int) int {
	if scale > 0 {
		return scale
	}
	long := max(h, w, 1)
	return max(1, (target+long-1)/long)
}

// colorize normalises a w×h map of values, colours it and enlarges it
// scale times.
func colorize(values []float32, w, h int, opts HeatmapOptions, scale int) *image.RGBA {
	normalized := make([]float32, len(values))
	copy(normalized, values)
	lo, hi := opts.ValueRange[0], opts.ValueRange[1]
	if opts.ValueRange == [2]float32{} {
		lo, hi = minMax(normalized)
	}
	rescale(normalized, lo, hi)
	cmap := opts.colormap()
	img := image.NewRGBA(image.Rect(0, 0, w*scale, h*scale))
	for y := range img.Rect.Dy() {
		row := normalized[(y/scale)*w:]
		for x := range img.Rect.Dx() {
			c := cmap(row[x/scale])
			copy(img.Pix[img.PixOffset(x, y):], []uint8{c.R, c.G, c.B, c.A})
		}
	}
	return img
}
