package applications

import (
	"context"
	"fmt"
	"image"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/style"
)

// Gallery paints every content image in every style (style.Transfer with
// opts on net): row i, column j is contents[i] in the style of styles[j].
// On an error it returns the rows finished so far.
func Gallery(ctx context.Context, backend backends.Backend, net style.Network, contents, styles []image.Image,
	opts style.Options) ([][]image.Image, error) {
	var rows [][]image.Image
	for i, c := range contents {
		content := images.ToTensor(c, images.NCHW)
		var row []image.Image
		for j, s := range styles {
			res, err := style.Transfer(ctx, backend, net, content, []*tensors.Tensor{images.ToTensor(s, images.NCHW)}, opts)
			if err != nil {
				return rows, fmt.Errorf("applications: gallery content %d in style %d: %w", i, j, err)
			}
			img, err := images.ImageFromTensor(res.Image, images.NCHW)
			if err != nil {
				return rows, err
			}
			row = append(row, img)
		}
		rows = append(rows, row)
	}
	return rows, nil
}
