package transformernet

import (
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/neuralart/neuralart/pkg/style"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// ContentLayer is the VGG-16 layer of fast_neural_style's content loss
// (Johnson et al. 2016, section 3.1).
const ContentLayer = "relu2_2"

// StyleLayers are the VGG-16 layers of its style loss: the ends of vgg.py's
// four Vgg16 slices.
var StyleLayers = []string{"relu1_2", "relu2_2", "relu3_3", "relu4_3"}

// StyleGrams returns the Gram matrices of the style image [1, 3, H, W]
// (RGB in [0, 255]) at StyleLayers, each [1, C, C]: the style targets.
func StyleGrams(lossNet *vgg.Model, styleImage *Node) []*Node {
	f := lossNet.Features(MulScalar(styleImage, 1.0/255), StyleLayers)
	grams := make([]*Node, len(StyleLayers))
	for i, name := range StyleLayers {
		grams[i] = style.Gram(f[name])
	}
	return grams
}

// PerceptualLoss is the loss of neural_style.py's train for the network's
// output on a batch of content images [N, 3, H, W] (both RGB in [0, 255]):
//
//	content = contentWeight · mean((φ₂₂(output) − φ₂₂(content))²)
//	style   = styleWeight · Σ_l mean((G(φ_l(output)) − G_l)²)
//
// with φ the loss network's features at ContentLayer and StyleLayers (after
// utils.normalize_batch: /255, then ImageNet's mean and deviation, which
// vgg.Model.Features applies), G the normalised Gram matrix (style.Gram, as
// utils.gram_matrix) and G_l the style targets of StyleGrams. It returns both
// weighted terms; the total is their sum.
func PerceptualLoss(lossNet *vgg.Model, output, content *Node, styleGrams []*Node, contentWeight, styleWeight float64) (contentLoss, styleLoss *Node) {
	fy := lossNet.Features(MulScalar(output, 1.0/255), StyleLayers)
	fx := lossNet.Features(MulScalar(content, 1.0/255), []string{ContentLayer})
	contentLoss = MulScalar(style.ContentLoss(fy[ContentLayer], StopGradient(fx[ContentLayer])), contentWeight)
	styleLoss = ScalarZero(output.Graph(), output.DType())
	for i, name := range StyleLayers {
		styleLoss = Add(styleLoss, style.StyleLayerLoss(fy[name], styleGrams[i]))
	}
	return contentLoss, MulScalar(styleLoss, styleWeight)
}
