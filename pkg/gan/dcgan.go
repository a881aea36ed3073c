package gan

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/neuralart/neuralart/pkg/nn"
)

// DCGAN's generator and discriminator as pytorch/examples writes them
// (dcgan/main.py, after Radford et al. 2015, Fig. 1): for 64x64 images
//
//	G: z → ConvT4x4 s1 → 4x4·8F → [BN, ReLU, ConvT4x4 s2 p1] ×4 halving the
//	   feature maps (8F, 4F, 2F, F, Channels) → Tanh
//	D: Conv4x4 s2 p1 → F, LeakyReLU 0.2 → [Conv4x4 s2 p1 doubling, BN,
//	   LeakyReLU 0.2] ×3 → Conv4x4 s1 p0 → 1 logit
//
// without biases, weights from N(0, 0.02). Smaller images drop stages from
// each: G starts at F·2^(stages−1), D stops there, where stages is how
// often the image size halves down to a base of 4 to 7 pixels (the first
// transposed convolution and D's last convolution span the base). So 32x32
// starts from 4x4 and 4F, and MNIST's 28x28 from 7x7 and 2F: 7 → 14 → 28.
// BatchNorm's scale starts at 1 (pytorch/examples draws it from N(1, 0.02)).
//
// With NumClasses > 0 both are class-conditional: G reads z and a class
// embedding, D adds a projection of its last features onto a class
// embedding to the logit (see conditional.go).

// DCGANGenerator is DCGAN's transposed-convolution generator.
type DCGANGenerator struct {
	Latent, Channels, Features, ImageSize int
	NumClasses                            int
}

// DCGANDiscriminator is DCGAN's strided-convolution discriminator.
type DCGANDiscriminator struct {
	Channels, Features, ImageSize int
	NumClasses                    int
}

// NewDCGAN returns pytorch/examples' pair for images of imageSize (28, 32 or
// 64) pixels square with channels channels: nz = 100, ngf = ndf = 64.
func NewDCGAN(imageSize, channels int) (DCGANGenerator, DCGANDiscriminator) {
	return DCGANGenerator{Latent: 100, Channels: channels, Features: 64, ImageSize: imageSize},
		DCGANDiscriminator{Channels: channels, Features: 64, ImageSize: imageSize}
}

// dcganStages returns the number of stride-2 stages between the base size
// (4 to 7 pixels) and size, and the base.
func dcganStages(size int) (stages, base int) {
	base = size
	for base%2 == 0 && base/2 >= 4 {
		base /= 2
		stages++
	}
	if stages < 2 || base > 7 {
		panic(fmt.Errorf("gan: a DCGAN image size must be 4 to 7 pixels doubled at least twice (16, 28, 32, 64, ...), got %d", size))
	}
	return stages, base
}

// LatentDim implements Generator.
func (d DCGANGenerator) LatentDim() int { return d.Latent }

// ImageShape implements Generator.
func (d DCGANGenerator) ImageShape() (channels, height, width int) {
	return d.Channels, d.ImageSize, d.ImageSize
}

// Classes implements Generator.
func (d DCGANGenerator) Classes() int { return d.NumClasses }

// Generate implements Generator: z [N, Latent] → [N, Channels, ImageSize, ImageSize].
func (d DCGANGenerator) Generate(ctx *context.Context, z, labels *Node) *Node {
	checkLatent(z, d.Latent)
	stages, base := dcganStages(d.ImageSize)
	features := d.Features << (stages - 1)
	x := conditionLatent(ctx, z, labels, d.NumClasses)
	x = Reshape(x, x.Shape().Dimensions[0], x.Shape().Dimensions[1], 1, 1)
	x = convTranspose{out: features, kernel: base, stride: 1, init: InitDCGAN}.apply(ctx.In("convt0"), x)
	for i := 1; i <= stages; i++ {
		x = nn.ReLU(batchNorm2d(ctx.Inf("bn%d", i-1), x))
		out := features >> i
		if i == stages {
			out = d.Channels
		}
		x = convTranspose{out: out, kernel: 4, stride: 2, padding: 1, init: InitDCGAN}.apply(ctx.Inf("convt%d", i), x)
	}
	return Tanh(x)
}

// Logits implements Discriminator.
func (d DCGANDiscriminator) Logits(ctx *context.Context, images, labels *Node) *Node {
	checkImages(images, d.Channels, d.ImageSize, d.ImageSize)
	stages, base := dcganStages(d.ImageSize)
	x := images
	for i := range stages {
		x = conv{out: d.Features << i, kernel: 4, stride: 2, padding: 1, init: InitDCGAN}.apply(ctx.Inf("conv%d", i), x)
		if i > 0 {
			x = batchNorm2d(ctx.Inf("bn%d", i), x)
		}
		x = activations.LeakyReluWithAlpha(x, leakySlope)
	}
	logits := conv{out: 1, kernel: base, stride: 1, init: InitDCGAN}.apply(ctx.Inf("conv%d", stages), x)
	logits = Reshape(logits, x.Shape().Dimensions[0])
	if p := projection(ctx, x, labels, d.NumClasses); p != nil {
		logits = Add(logits, p)
	}
	return logits
}
