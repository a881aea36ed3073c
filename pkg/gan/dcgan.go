package gan

import (
	"fmt"
	"math/bits"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
)

// DCGAN's generator and discriminator as pytorch/examples writes them
// (dcgan/main.py, after Radford et al. 2015, Fig. 1): for 64x64 images
//
//	G: z → ConvT4x4 s1 → 4x4·8F → [BN, ReLU, ConvT4x4 s2 p1] ×4 halving the
//	   feature maps (8F, 4F, 2F, F, Channels) → Tanh
//	D: Conv4x4 s2 p1 → F, LeakyReLU 0.2 → [Conv4x4 s2 p1 doubling, BN,
//	   LeakyReLU 0.2] ×3 → Conv4x4 s1 p0 → 1 logit
//
// without biases, weights from N(0, 0.02). ImageSize 32 drops one stage
// from each (G starts at 4F, D stops at 4F); any ImageSize = 4·2^k with
// k ≥ 2 works the same way. BatchNorm's scale starts at 1 (pytorch/examples
// draws it from N(1, 0.02)).

// DCGANGenerator is DCGAN's transposed-convolution generator.
type DCGANGenerator struct {
	Latent, Channels, Features, ImageSize int
}

// DCGANDiscriminator is DCGAN's strided-convolution discriminator.
type DCGANDiscriminator struct {
	Channels, Features, ImageSize int
}

// NewDCGAN returns pytorch/examples' pair for images of imageSize (32 or
// 64) pixels square with channels channels: nz = 100, ngf = ndf = 64.
func NewDCGAN(imageSize, channels int) (DCGANGenerator, DCGANDiscriminator) {
	return DCGANGenerator{Latent: 100, Channels: channels, Features: 64, ImageSize: imageSize},
		DCGANDiscriminator{Channels: channels, Features: 64, ImageSize: imageSize}
}

// dcganStages is the number of stride-2 stages between 4x4 and size.
func dcganStages(size int) int {
	if size < 16 || size&(size-1) != 0 {
		panic(fmt.Errorf("gan: DCGAN image size must be a power of two ≥ 16, got %d", size))
	}
	return bits.TrailingZeros(uint(size)) - 2
}

// LatentDim implements Generator.
func (d DCGANGenerator) LatentDim() int { return d.Latent }

// ImageShape implements Generator.
func (d DCGANGenerator) ImageShape() (channels, height, width int) {
	return d.Channels, d.ImageSize, d.ImageSize
}

// Generate implements Generator: z [N, Latent] → [N, Channels, ImageSize, ImageSize].
func (d DCGANGenerator) Generate(ctx *context.Context, z *Node) *Node {
	checkLatent(z, d.Latent)
	stages := dcganStages(d.ImageSize)
	features := d.Features << (stages - 1)
	x := Reshape(z, z.Shape().Dimensions[0], d.Latent, 1, 1)
	x = convTranspose{out: features, kernel: 4, stride: 1, init: InitDCGAN}.apply(ctx.In("convt0"), x)
	for i := 1; i <= stages; i++ {
		x = activations.Relu(batchNorm2d(ctx.Inf("bn%d", i-1), x))
		out := features >> i
		if i == stages {
			out = d.Channels
		}
		x = convTranspose{out: out, kernel: 4, stride: 2, padding: 1, init: InitDCGAN}.apply(ctx.Inf("convt%d", i), x)
	}
	return Tanh(x)
}

// Logits implements Discriminator.
func (d DCGANDiscriminator) Logits(ctx *context.Context, images *Node) *Node {
	checkImages(images, d.Channels, d.ImageSize, d.ImageSize)
	stages := dcganStages(d.ImageSize)
	x := images
	for i := range stages {
		x = conv{out: d.Features << i, kernel: 4, stride: 2, padding: 1, init: InitDCGAN}.apply(ctx.Inf("conv%d", i), x)
		if i > 0 {
			x = batchNorm2d(ctx.Inf("bn%d", i), x)
		}
		x = activations.LeakyReluWithAlpha(x, leakySlope)
	}
	x = conv{out: 1, kernel: 4, stride: 1, init: InitDCGAN}.apply(ctx.Inf("conv%d", stages), x)
	return Reshape(x, x.Shape().Dimensions[0])
}
