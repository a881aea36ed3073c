package applications

import (
	"context"
	"fmt"
	"image"

	"github.com/gomlx/gomlx/backends"

	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/style"
)

// LayerTextures decomposes the style of img layer by layer: for each of
// layers, a texture synthesised from that layer's Gram matrix alone
// (style.Texture with StyleLayers = {layer}), which shows what the layer's
// feature correlations keep: colours and fine grain at relu1_1, larger
// and larger patterns deeper (Gatys, Ecker & Bethge 2015, figure 1). Each
// texture starts from the same noise (opts.Seed).
func LayerTextures(ctx context.Context, backend backends.Backend, net style.Network, img image.Image, layers []string,
	opts style.Options) ([]image.Image, error) {
	src := images.ToTensor(img, images.NCHW)
	var out []image.Image
	for _, layer := range layers {
		o := opts
		o.StyleLayers, o.StyleLayerWeights = []string{layer}, nil
		res, err := style.Texture(ctx, backend, net, src, o)
		if err != nil {
			return out, fmt.Errorf("applications: the texture of %s alone: %w", layer, err)
		}
		t, err := images.ImageFromTensor(res.Image, images.NCHW)
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}
	return out, nil
}
