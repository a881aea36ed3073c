// Package conv computes 2-D convolutions in XLA's general form (strides,
// padding, input and kernel dilation, channel and batch groups, any memory
// layout) as matrix products over patches built in small blocks: im2col
// (Chellapilla, Puri & Simard 2006, "High Performance Convolutional Neural
// Networks for Document Processing") without the patch tensor.
//
// For one group, with r = (input channel, kernel row, kernel column) and
// j = (image, output row, output column),
//
//	y[co, j] = Σ_r w[co, r] · P[r, j],   P[r, j] = x[image, channel, u_row, u_column]
//
// where u = o·stride + t·kernelDilation − padStart is the position in the
// input dilated by inputDilation (zero off its grid and outside it). The
// patch matrix P is never whole: Direct fills a block of at most
// patchBudget values (columns of P, split along r when a column is long, as
// in a kernel gradient), multiplies it with sgemm and writes the block of y
// in place when the output's layout allows, so memory stays a few MB
// whatever the image size, where a patch tensor costs kernel-size times the
// input (9× for 3×3 kernels). A 1×1 convolution without padding or stride
// (a matrix product written as a convolution) needs no patches at all: it
// is multiplied on the tensors as they are stored.
package conv
