// Package lenet is the feature network of FID, KID and precision/recall on
// MNIST-like digits: a LeNet-style classifier (LeCun, Bottou, Bengio &
// Haffner 1998, "Gradient-based learning applied to document recognition",
// in the layout of PyTorch's examples/mnist), whose 128 penultimate
// activations are the features of the "Fréchet LeNet Distance" that MNIST
// GAN papers report. Net satisfies metrics.FeatureExtractor, as
// inception.Extractor does for other images.
//
// [Pretrained] is the network with the project's own weights (≥ 99% test
// accuracy), embedded in the package and trained here with [Train] by go
// generate (see gen.go); nothing is downloaded. [Load] and [Net.Save] read
// and write such weights as safetensors with PyTorch's parameter names.
package lenet
