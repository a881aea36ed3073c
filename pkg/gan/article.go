package gan

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/neuralart/neuralart/pkg/nn"
)

// leakySlope is the negative slope of the discriminators' LeakyReLU
// (Radford et al. 2015, §3: "leak ... set to 0.2").
const leakySlope = 0.2

// ArticleGenerator is the article's upsampling generator:
//
//	Linear z → FeatureMaps·InitSize² → reshape [FeatureMaps, InitSize, InitSize]
//	→ BatchNorm → Upsample×2 → Conv3x3 FeatureMaps→FeatureMaps/2 → BatchNorm → ReLU
//	→ Upsample×2 → Conv3x3 FeatureMaps/2→Channels → Tanh
//
// so the images are 4·InitSize pixels square. Nearest-neighbour upsampling
// followed by a convolution avoids the checkerboard artefacts of transposed
// convolutions (Odena et al. 2016, https://distill.pub/2016/deconv-checkerboard/).
// For MNIST use MNISTGenerator. With NumClasses > 0 it is class-conditional:
// the linear layer reads z and a class embedding (see conditionLatent).
//
// Between the first batch norm and the upsampling there is no
// non-linearity, so the map up to the ReLU is affine in z: one hidden
// layer's worth of expressiveness, which is why this generator's digits
// stay blurry however long it trains (DCGANGenerator at 28 px has a ReLU
// after every batch norm).
type ArticleGenerator struct {
	Latent, InitSize, Channels, FeatureMaps int
	Init                                    Init
	NumClasses                              int
}

// MNISTGenerator returns the article's generator for 28x28 grey digits:
// z of 100, 7x7x128 seed, convolutions 128→64→1, DCGAN initialisation.
func MNISTGenerator() ArticleGenerator {
	return ArticleGenerator{Latent: 100, InitSize: 7, Channels: 1, FeatureMaps: 128, Init: InitDCGAN}
}

// LatentDim implements Generator.
func (a ArticleGenerator) LatentDim() int { return a.Latent }

// ImageShape implements Generator.
func (a ArticleGenerator) ImageShape() (channels, height, width int) {
	return a.Channels, 4 * a.InitSize, 4 * a.InitSize
}

// Classes implements Generator.
func (a ArticleGenerator) Classes() int { return a.NumClasses }

// Generate implements Generator: z [N, Latent] → images [N, Channels, 4·InitSize, 4·InitSize].
func (a ArticleGenerator) Generate(ctx *context.Context, z, labels *Node) *Node {
	checkLatent(z, a.Latent)
	n := z.Shape().Dimensions[0]
	x := linear(ctx.In("linear"), conditionLatent(ctx, z, labels, a.NumClasses), a.FeatureMaps*a.InitSize*a.InitSize)
	x = Reshape(x, n, a.FeatureMaps, a.InitSize, a.InitSize)
	x = batchNorm2d(ctx.In("bn0"), x)
	x = nn.Upsample2xNearest(x)
	x = conv{out: a.FeatureMaps / 2, kernel: 3, stride: 1, padding: 1, bias: true, init: a.Init}.apply(ctx.In("conv1"), x)
	x = nn.ReLU(batchNorm2d(ctx.In("bn1"), x))
	x = nn.Upsample2xNearest(x)
	x = conv{out: a.Channels, kernel: 3, stride: 1, padding: 1, bias: true, init: a.Init}.apply(ctx.In("conv2"), x)
	return Tanh(x)
}

// ArticleDiscriminator is the article's discriminator for images of
// ImageSize pixels square (a multiple of 4):
//
//	Conv4x4 s2 Channels→64 → LeakyReLU 0.2 → Conv4x4 s2 64→128 → BatchNorm
//	→ LeakyReLU 0.2 → Linear 128·(ImageSize/4)² → 1
//
// With NumClasses > 0 it is class-conditional: a projection of the features
// the linear layer reads onto a class embedding is added to the logit.
type ArticleDiscriminator struct {
	Channels, ImageSize int
	Init                Init
	NumClasses          int
}

// MNISTDiscriminator returns the article's discriminator for 28x28 grey digits.
func MNISTDiscriminator() ArticleDiscriminator {
	return ArticleDiscriminator{Channels: 1, ImageSize: 28, Init: InitDCGAN}
}

// Logits implements Discriminator.
func (a ArticleDiscriminator) Logits(ctx *context.Context, images, labels *Node) *Node {
	checkImages(images, a.Channels, a.ImageSize, a.ImageSize)
	x := conv{out: 64, kernel: 4, stride: 2, padding: 1, bias: true, init: a.Init}.apply(ctx.In("conv1"), images)
	x = activations.LeakyReluWithAlpha(x, leakySlope)
	x = conv{out: 128, kernel: 4, stride: 2, padding: 1, bias: true, init: a.Init}.apply(ctx.In("conv2"), x)
	x = activations.LeakyReluWithAlpha(batchNorm2d(ctx.In("bn2"), x), leakySlope)
	n := x.Shape().Dimensions[0]
	x = Reshape(x, n, -1)
	logits := Reshape(linear(ctx.In("linear"), x, 1), n)
	if p := projection(ctx, x, labels, a.NumClasses); p != nil {
		logits = Add(logits, p)
	}
	return logits
}

// checkLatent panics (GoMLX's graph-building convention) with a message
// naming the expected shape when z is not [N, latent].
func checkLatent(z *Node, latent int) {
	if z.Rank() != 2 || z.Shape().Dimensions[1] != latent {
		panic(fmt.Errorf("gan: latent codes must be shaped [N, %d], got %s", latent, z.Shape()))
	}
}

// checkImages panics with a message naming the expected shape when images
// is not [N, channels, height, width].
func checkImages(images *Node, channels, height, width int) {
	d := images.Shape().Dimensions
	if images.Rank() != 4 || d[1] != channels || d[2] != height || d[3] != width {
		panic(fmt.Errorf("gan: images must be NCHW [N, %d, %d, %d], got %s", channels, height, width, images.Shape()))
	}
}
