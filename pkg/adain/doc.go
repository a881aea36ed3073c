// Package adain is arbitrary style transfer in one forward pass with
// adaptive instance normalisation: Huang & Belongie, "Arbitrary Style
// Transfer in Real-time with Adaptive Instance Normalization", ICCV 2017,
// https://arxiv.org/abs/1703.06868, as naoto0804/pytorch-AdaIN implements it
// (net.py, function.py, test.py, train.py), loading that project's published
// vgg_normalised.pth and decoder.pth as they are.
//
// Gatys et al. optimise an image for each style, hundreds of network
// evaluations. Huang & Belongie observed that a feature map's style is
// largely in its channel means and deviations, and that instance
// normalisation with those statistics swapped in,
//
//	AdaIN(x, y) = σ(y) · (x − μ(x)) / σ(x) + μ(y),
//
// moves the content features x of a fixed encoder f (VGG-19 to relu4_1) to
// the style of y. A decoder g trained once maps the result back to an
// image, so stylising is f, AdaIN and g: one pass, any style,
//
//	T(c, s) = g(α · AdaIN(f(c), f(s)) + (1 − α) · f(c)),
//
// with α trading content for style (eq. 14). Mixing several styles'
// statistics interpolates between them; normalising two regions of the
// content with two styles gives spatial control; matching the style image's
// colours to the content's first (Coral) preserves colour.
//
// Encoder and Decoder hold the networks (LoadEncoder, LoadDecoder read the
// published files, or any with the same keys and narrower widths); AdaIN and
// MeanStd are the graph functions; Stylizer runs Stylize, Interpolate and
// Mask. Trainer trains a decoder as train.py does, with the content loss at
// relu4_1 and the style loss on the means and deviations of relu1_1 to
// relu4_1, Adam and its decaying learning rate, checkpoints (pkg/checkpoint)
// and resume. RandomEncoder is the offline stand-in for the trained VGG.
//
// Images are NCHW float32 [1, 3, H, W], RGB in [0, 1]; weights are in
// PyTorch's layouts. The tests compare every output, and one training
// step's gradients, with PyTorch's on files in the published format
// (pkg/internal/fixtures, make_adain.py).
package adain
