package applications

import (
	"context"
	"fmt"
	"image"

	"github.com/gomlx/gomlx/backends"

	"github.com/neuralart/neuralart/pkg/imagequality"
	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/style"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// Tiling is a texture synthesised twice, through a network with zero
// padding and through the same network with wrap-around padding, and each
// result's seam error (imagequality.SeamError).
type Tiling struct {
	Naive, Seamless             image.Image
	NaiveSeam, SeamlessSeam     float64
	NaiveResult, SeamlessResult *style.Result
}

// Tileable synthesises a texture like texture (style.Texture with opts)
// twice with net: as it is, whose convolutions pad with zeros so the
// result's opposite borders never meet, and with net.Circular set, which
// makes the network see the image as a torus, so the result tiles without
// seams (the network is copied; net is not changed). Sizes whose sides are
// multiples of 16 keep VGG's poolings aligned with the wrap-around. On an
// error (a cancelled ctx) it returns the textures finished so far.
func Tileable(ctx context.Context, backend backends.Backend, net *vgg.Model, texture image.Image, opts style.Options) (*Tiling, error) {
	t := &Tiling{}
	src := images.ToTensor(texture, images.NCHW)
	for _, circular := range []bool{false, true} {
		wrapped := *net
		wrapped.Circular = circular
		res, err := style.Texture(ctx, backend, &wrapped, src, opts)
		if err != nil {
			return t, fmt.Errorf("applications: texture synthesis (circular padding %v): %w", circular, err)
		}
		img, err := images.ImageFromTensor(res.Image, images.NCHW)
		if err != nil {
			return nil, err
		}
		seam, err := imagequality.SeamError(img)
		if err != nil {
			return nil, err
		}
		if circular {
			t.Seamless, t.SeamlessSeam, t.SeamlessResult = img, seam, res
		} else {
			t.Naive, t.NaiveSeam, t.NaiveResult = img, seam, res
		}
	}
	return t, nil
}
