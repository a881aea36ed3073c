// Package nn holds the layers the project's models need that GoMLX v0.26
// lacks, as graph functions on NCHW (PyTorch layout) *graph.Node values, with
// PyTorch's semantics so that weights and numbers carry over from torch:
//
//   - Conv2D: a convolution whose gradients are right for even-sized kernels
//     too (GoMLX's Convolve input gradient is off by one tap there).
//   - ConvTranspose2D: the "fractionally strided" convolution of DCGAN
//     generators (Radford, Metz & Chintala 2015, https://arxiv.org/abs/1511.06434),
//     computed as one matrix product and a sub-pixel interleave (Shi et al.
//     2016, https://arxiv.org/abs/1609.05158), with no multiplications by
//     inserted zeros.
//   - MatMulTransposed: a·bᵀ (nn.Linear's product, a Gram matrix) whose
//     gradients are products of the forward one's size: GoMLX v0.26's
//     DotGeneral gradient materialises the [M, N, K] broadcast product.
//   - Upsample2xNearest, Upsample2xBilinear: torch.nn.Upsample(scale_factor=2),
//     bilinear with align_corners=False.
//   - ReflectionPad2D: torch.nn.ReflectionPad2d, used by feed-forward style
//     networks (Johnson, Alahi & Fei-Fei 2016, https://arxiv.org/abs/1603.08155).
//   - InstanceNorm: torch.nn.InstanceNorm2d (Ulyanov, Vedaldi & Lempitsky 2016,
//     https://arxiv.org/abs/1607.08022).
//
// Every function is differentiable with GoMLX's autodiff on any backend: they
// are built from Slice, Concatenate, Reshape, convolutions and arithmetic only
// (GoMLX v0.26 has no gradient for Pad or Reverse).
//
// Shape errors panic with a message, as GoMLX graph functions do; graph.Exec
// returns them as errors.
package nn
