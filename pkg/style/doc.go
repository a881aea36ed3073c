// Package style is neural style transfer and texture synthesis as Gatys,
// Ecker & Bethge define them: an image is optimised, pixel by pixel, until
// the VGG-19 features of its content match a photograph's and the
// correlations of its features (Gram matrices) match a painting's.
//
// Gatys, Ecker, Bethge, "Image Style Transfer Using Convolutional Neural
// Networks", CVPR 2016,
// https://openaccess.thecvf.com/content_cvpr_2016/html/Gatys_Image_Style_Transfer_CVPR_2016_paper.html
//
// # The loss
//
// For the image x being optimised, a content image p and style images a_i,
// with F^l the feature maps [C, H·W] of x at layer l, P^l those of p, and
// G^l = F^l·F^lᵀ/(C·H·W) the Gram matrix (Gram, eq. 3):
//
//	L_content = Σ_l c_l · mean((F^l − P^l)²)                    (ContentLoss, eq. 1)
//	L_style   = Σ_l w_l · mean((G^l − A^l)²),  A^l = Σ_i b_i·G^l(a_i)  (StyleLayerLoss, eqs. 4-5)
//	L_TV      = mean(∂x/∂u)² + mean(∂x/∂v)²                       (TotalVariation)
//	L_total   = α·L_content + β·L_style + γ·L_TV                   (eq. 7)
//
// The means instead of the paper's sums are PyTorch's neural style
// tutorial's normalisation: they make the weights independent of the layer
// and image size (α = 1, β = 1e6 are its defaults, and DefaultOptions').
// ContentWeight α = 0 is texture synthesis (Gatys et al., NeurIPS 2015).
//
// # Terms of one's own
//
// Options.Terms adds loss terms written as GoMLX graph code, in a program
// or a notebook cell, without touching this package: a Term names the
// layers it reads, and its Loss, given the features of the image being
// optimised at those layers and the same features of the content and style
// images (computed once per level, as the Gram targets are), returns a
// scalar node. Weighted by Term.Weight it is added to L_total and its
// gradient; setting StyleWeight (ContentWeight) to 0 replaces the built-in
// style (content) loss by the terms. Losses.Terms, Step, LogProgress and
// the live view (Watch) report every term by its name. The Example of Term
// matches the channel means and standard deviations of the features instead
// of their Gram matrices: the statistics of adaptive instance normalisation
// (Huang & Belongie, "Arbitrary Style Transfer in Real-time with Adaptive
// Instance Normalization", ICCV 2017, https://arxiv.org/abs/1703.06868),
// which Li et al. show to be a style loss of its own ("Demystifying Neural
// Style Transfer", IJCAI 2017, https://arxiv.org/abs/1701.01036).
//
// # The pieces
//
// The losses are graph functions (ContentLoss, Gram, StyleLayerLoss,
// TotalVariation). Loss compiles L_total and its gradient with respect to
// the image into one GoMLX graph, once per image size, and evaluates both in
// one execution; the network's weights stay with the compiled graph. The
// optimisers work on the flat pixels with the Objective that Loss.Evaluate
// provides: LBFGS (PyTorch's torch.optim.LBFGS, with its optional
// strong-Wolfe line search) and Adam (torch.optim.Adam). Transfer ties
// them together with the options of jcjohnson/neural-style: initialisation
// from the content, noise or a style image; image size and style scale;
// several styles blended with weights; original-colour preservation
// (KeepOriginalColors); coarse-to-fine levels; a callback for live views;
// cancellation through a context.Context; results kept on disk
// (Options.Cache, see package cache). Texture is Transfer with α = 0.
//
// Images are float32 tensors [1, 3, H, W] (NCHW, RGB in [0, 1]); the
// network (a Network, in practice *vgg.Model) normalises them itself.
package style
