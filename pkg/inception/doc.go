// Package inception computes the features of the Fréchet Inception Distance
// exactly as pytorch-fid (https://github.com/mseitzer/pytorch-fid) does, so
// that FIDs computed with package metrics can be compared with published
// ones: the 2048-d final average pool of Inception-v3 (Szegedy, Vanhoucke,
// Ioffe, Shlens & Wojna, "Rethinking the Inception Architecture for
// Computer Vision", CVPR 2016, https://arxiv.org/abs/1512.00567) with the
// weights of TensorFlow's 2015-12-05 graph that Heusel et al.'s original FID
// code used (pytorch-fid's port, pt_inception-2015-12-05-6726825d.pth).
//
// The network is torchvision's Inception3 with pytorch-fid's FID blocks,
// laid out so that the published file loads by its own key names
// (Conv2d_1a_3x3.conv.weight, Mixed_5b.branch1x1.bn.running_var, ...).
// The FID blocks differ from torchvision's in two ways, both TensorFlow's:
// their 3×3 average pools ignore the padding (count_include_pad=False), and
// the last block, Mixed_7c, max-pools where the paper's network averages.
// Batch norm runs in inference mode (running statistics, eps 0.001) and is
// folded into the convolutions when the weights are loaded.
//
// The input path is pytorch-fid's: images [N, 3, H, W] in [0, 1] of any size
// are resized to 299×299 with torch's bilinear interpolation,
// F.interpolate(mode="bilinear", align_corners=False) with torch 1.13's
// default antialias=False, then scaled to [-1, 1] by 2x − 1. The filter
// matters: Parmar, Zhang & Zhu ("On Aliased Resizing and Surprising
// Subtleties in GAN Evaluation", CVPR 2022, https://arxiv.org/abs/2104.11222,
// the clean-fid paper) show that the resize filter and the quantisation of
// the resized images change FID noticeably, and that bilinear resizing
// without antialiasing aliases when it downsamples (it reads only the two
// nearest pixels per axis whatever the scale). They propose an antialiased
// resize; this package matches pytorch-fid's aliased one instead, because
// that is what the published numbers were computed with, and an FID is only
// comparable with FIDs computed through the same resize. Images of 299×299
// are not resized at all. The same holds for quantisation: pytorch-fid reads
// PNG or JPEG files, so its inputs are multiples of 1/255; quantise generated
// images the same way (images.FromTensor then images.BatchToTensor, or PNG
// files) before comparing their FID with published ones.
//
// Channel counts come from the weights file, so networks of the same layout
// at another width load too: the package's tests run the identical code on a
// 1/8-width network with random weights against numbers made with PyTorch
// (pkg/internal/fixtures). Load reads the weights; Download fetches
// pytorch-fid's file; Extractor is the metrics.FeatureExtractor to give to
// metrics.StatsOf and metrics.FeaturesOf.
package inception
