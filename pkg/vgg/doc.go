// Package vgg is the convolutional part ("features") of VGG-19 and VGG-16
// (Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale
// Image Recognition", ICLR 2015, https://arxiv.org/abs/1409.1556,
// configurations E and D), laid out exactly as torchvision's
// vgg19().features and vgg16().features, so that torchvision's pre-trained
// weights (vgg19-dcbb9e9d.pth, vgg16-397923af.pth) load by their own key
// names, features.0.weight ... features.34.bias (VGG-19) or
// features.28.bias (VGG-16). The package functions (Load, Random, Default,
// LayerNames) are VGG-19's unless said otherwise; the Architecture values
// VGG19 and VGG16 carry the same methods for either. VGG-16 is the loss
// network of Johnson, Alahi & Fei-Fei's feed-forward style transfer
// (pkg/transformernet).
//
// It is the feature extractor of neural style transfer (Gatys, Ecker &
// Bethge, "Image Style Transfer Using Convolutional Neural Networks", CVPR
// 2016): Model.Features returns the activations of named layers — relu1_1 ...
// relu5_4, conv1_1 ... conv5_4, pool1 ... pool5 — of images given as NCHW
// float32 in [0, 1], normalising them with the ImageNet mean and standard
// deviation first, as the pre-trained weights expect. Only the layers up to
// the deepest one asked for are computed. Pooling is torchvision's 2×2 max
// pooling or, as Gatys et al. recommend for image synthesis, 2×2 average
// pooling.
//
// Channel counts are read from the weights, so narrower networks with the
// same layout (the project's test fixtures divide every width by 16) load
// too. Without real weights, Random gives a seeded VGG-19 initialised as
// torchvision initialises it (Kaiming-normal, He et al. 2015); random
// features still carry texture statistics (He, Wang & Hopcroft, "A Powerful
// Generative Model Using Random Weights for the Deep Image Representation",
// NIPS 2016; Ustyuzhaninov et al., "Texture Synthesis Using Shallow
// Convolutional Networks with Random Filters", 2016), but real weights are
// what style transfer wants: Default finds them in the download cache and
// says which it returns, and Download fetches them.
package vgg
