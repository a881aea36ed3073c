// Package winograd computes 3×3, stride-1 2-D convolutions in float32 with
// Winograd's minimal filtering algorithms, as in Lavin & Gray 2016, "Fast
// Algorithms for Convolutional Neural Networks" (arXiv:1509.09308): the
// forward convolutions of VGG-style networks, and their input gradients
// (the same convolution with the kernel flipped and its channels swapped).
//
// # The idea
//
// F(m×m, 3×3) computes an m×m block of outputs of one channel pair from an
// α×α input patch d (α = m+2) and the 3×3 kernel g as
//
//	Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A
//
// where ⊙ is the element-wise product: α² multiplies instead of the 9m² of
// the direct convolution. Summed over input channels, the element-wise
// products become, for each of the α² positions ξ, a matrix product over
// channels: with U[ξ] = (G g Gᵀ)[ξ] laid out [cout][cin] and V[ξ] = (Bᵀ d
// B)[ξ] laid out [cin][tiles], M[ξ] = U[ξ]·V[ξ] is a [cout][tiles] GEMM,
// and each output block is Aᵀ M A of its tile. Conv thus runs, on chunks of
// up to 256 tiles at a time: the input transform, α² GEMMs (sgemm.Mul), and
// the output transform. TransformKernel computes U once per kernel.
//
// # The matrices
//
// F(4×4, 3×3) (F4x4) interpolates at the points 0, ±1, ±2 and ∞; α = 6 and
// a tile takes 36 multiplies for 144 direct ones (4×):
//
//	     ⎡4  0 −5  0  1  0⎤        ⎡ 1/4     0     0  ⎤
//	     ⎢0 −4 −4  1  1  0⎥        ⎢−1/6  −1/6  −1/6  ⎥        ⎡1  1  1  1  1  0⎤
//	Bᵀ = ⎢0  4 −4 −1  1  0⎥    G = ⎢−1/6   1/6  −1/6  ⎥   Aᵀ = ⎢0  1 −1  2 −2  0⎥
//	     ⎢0 −2 −1  2  1  0⎥        ⎢ 1/24  1/12  1/6  ⎥        ⎢0  1  1  4  4  0⎥
//	     ⎢0  2 −1 −2  1  0⎥        ⎢ 1/24 −1/12  1/6  ⎥        ⎣0  1 −1  8 −8  1⎦
//	     ⎣0  4  0 −5  0  1⎦        ⎣ 0     0     1    ⎦
//
// F(2×2, 3×3) (F2x2) interpolates at 0, ±1 and ∞; α = 4 and a tile takes
// 16 multiplies for 36 (2.25×):
//
//	     ⎡1  0 −1  0⎤        ⎡1    0    0  ⎤
//	Bᵀ = ⎢0  1  1  0⎥    G = ⎢1/2  1/2  1/2⎥    Aᵀ = ⎡1  1  1  0⎤
//	     ⎢0 −1  1  0⎥        ⎢1/2 −1/2  1/2⎥         ⎣0  1 −1 −1⎦
//	     ⎣0  1  0 −1⎦        ⎣0    0    1  ⎦
//
// # Accuracy
//
// The transforms' larger entries (up to 5 in Bᵀ, 8 in Aᵀ) amplify float32
// rounding. On VGG-19's layers F4x4's error is about 5× that of a float32
// direct convolution (‖error‖/‖y‖ of 0.4–1.2e-6 against 0.8–2.4e-7), and
// up to 17× in the worst output; F2x2's is 1–1.5× direct's. TestVGGError
// measures it.
//
// # Speed
//
// The GEMMs do the multiplies. The transforms are adds and multiplies by
// small constants; with GOEXPERIMENT=simd on AVX2 they run 8 tiles at a
// time in vector lanes, and runs of 8 tiles side by side are loaded and
// stored with vector shuffles. Both transforms and the GEMMs are split over
// GOMAXPROCS goroutines. Few input channels (VGG's first layer has 3) leave
// little for the GEMMs to save against the output transform: there a
// direct convolution is faster.
package winograd
