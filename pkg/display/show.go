package display

import (
	"image"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/images"
)

// Image shows img on the Default screen.
func Image(img image.Image) error {
	return Default.Image(img)
}

// HTML shows an HTML fragment on the Default screen.
func HTML(html string) error {
	return Default.HTML(html)
}

// Tensor shows an image tensor in [0, 1] ([N, C, H, W] for NCHW,
// [N, H, W, C] for NHWC, or rank 3 for one image; C = 1 or 3), a batch as a
// grid, clamping values outside [0, 1].
func Tensor(t *tensors.Tensor, layout images.Layout) error {
	return Grid(t, layout, images.GridOptions{})
}

// Grid shows a batch tensor laid out like torchvision's make_grid; use
// opts.Normalize with ValueRange {-1, 1} for GAN outputs.
func Grid(t *tensors.Tensor, layout images.Layout, opts images.GridOptions) error {
	grid, err := images.GridTensor(t, layout, opts)
	if err != nil {
		return err
	}
	return Default.Image(grid)
}

// Compare shows labelled images side by side at a common height, e.g.
//
//	display.Compare(images.Panel{Label: "content", Image: content},
//		images.Panel{Label: "style", Image: style},
//		images.Panel{Label: "result", Image: result})
func Compare(panels ...images.Panel) error {
	return Default.Image(images.Panels(panels, images.PanelOptions{}))
}

// Heatmap shows a matrix, such as a Gram matrix, colour-mapped (viridis
// unless opts.Colormap says otherwise).
func Heatmap(t *tensors.Tensor, opts images.HeatmapOptions) error {
	img, err := images.Heatmap(t, opts)
	if err != nil {
		return err
	}
	return Default.Image(img)
}

// FeatureMaps shows the first channels of a batch-of-one activation tensor
// as a grid of heatmaps.
func FeatureMaps(t *tensors.Tensor, layout images.Layout, opts images.HeatmapOptions) error {
	img, err := images.FeatureMaps(t, layout, opts)
	if err != nil {
		return err
	}
	return Default.Image(img)
}

// Plot shows a line plot of the series (see LinePlot).
func Plot(series []Series, opts PlotOptions) error {
	return Default.SVG(LinePlot(series, opts))
}
