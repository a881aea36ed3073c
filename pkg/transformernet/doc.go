// Package transformernet is the feed-forward style-transfer network of
// Johnson, Alahi & Fei-Fei, "Perceptual Losses for Real-Time Style Transfer
// and Super-Resolution" (ECCV 2016, https://arxiv.org/abs/1603.08155), laid
// out exactly as pytorch/examples' fast_neural_style TransformerNet
// (neural_style/transformer_net.py), so that its published models (candy,
// mosaic, rain_princess, udnie) load by their own state_dict keys.
//
// Gatys et al. optimise every image for hundreds of VGG evaluations; Johnson
// et al. train one network per style to do the same in a single forward
// pass. The network is three convolutions down (9×9, then two 3×3 of stride
// 2), five residual blocks (He et al. 2016) and two nearest-neighbour
// upsamplings each followed by a 3×3 convolution, back to a 9×9 convolution
// to RGB. Every convolution pads by reflection, and instance normalisation
// (Ulyanov, Vedaldi & Lempitsky 2016, https://arxiv.org/abs/1607.08022)
// replaces the paper's batch normalisation, as in fast_neural_style.
// Upsampling then convolving, in place of transposed convolutions, avoids
// checkerboard artefacts (Odena, Dumoulin & Olah, Distill 2016).
//
// Images enter and leave as fast_neural_style has them: NCHW float32 RGB in
// [0, 255], the output unclamped (its save_image clamps). Stylizer.Stylize
// takes and returns image.Image.
//
// Load reads fast_neural_style's .pth files as torch.save wrote them (the
// published 2017 models carry instance-norm running_mean/running_var keys,
// which its loader deletes and Load ignores) and safetensors files with the
// same keys, such as Net.Save writes. DownloadPublished fetches the four
// published models into the download cache (scripts/fetch-weights.sh runs
// it), LoadPublished loads one of them.
//
// Training (Train) is fast_neural_style's "train": batches of content
// images, one style image, and the perceptual loss of a VGG-16 loss network
// (vgg.VGG16): the squared error of relu2_2 features for content, of the
// Gram matrices at relu1_2, relu2_2, relu3_3 and relu4_3 for style, weighted
// and summed, minimised by Adam.
package transformernet
