// Package gan trains generative adversarial networks on images with GoMLX.
//
// A GAN (Goodfellow et al. 2014, "Generative Adversarial Nets",
// https://arxiv.org/abs/1406.2661) is two networks playing a game. The
// generator G maps noise z ~ N(0, I) to images; the discriminator D scores
// images as real or generated. D is trained to tell them apart and G to fool
// it, the minimax game of eq. 1:
//
//	min_G max_D  E_x[log D(x)] + E_z[log(1 − D(G(z)))]
//
// whose equilibrium is G's distribution equal to the data's (§4, D = ½
// everywhere). In practice G maximises log D(G(z)) instead, which has strong
// gradients early in training when D rejects every fake: the
// "non-saturating" loss, NonSaturating here, the article's. Hinge (Lim & Ye
// 2017), LeastSquares (Mao et al. 2017) and WassersteinGP (Gulrajani et al.
// 2017) are other choices of the same two-player loss.
//
// The networks: ArticleGenerator (Linear → BatchNorm → nearest Upsample →
// Conv3x3 → BatchNorm → ReLU → Upsample → Conv3x3 → Tanh) and
// ArticleDiscriminator (two strided 4x4 convolutions with LeakyReLU 0.2 and
// BatchNorm, then Linear), with MNISTGenerator and MNISTDiscriminator for
// 28x28 digits; and DCGAN's pair (Radford, Metz & Chintala 2015,
// "Unsupervised Representation Learning with Deep Convolutional GANs",
// https://arxiv.org/abs/1511.06434) as pytorch/examples writes it, with
// transposed convolutions, for 28x28, 32x32 and 64x64 images. Images are
// NCHW float32 in [-1, 1] (the range of Tanh); weights use PyTorch's layouts,
// and batch normalisation keeps PyTorch's running averages (see
// batchNorm2d), so the trainer replays PyTorch's steps
// (TestFixtureGANReplay).
//
// Every network can be class-conditional (NumClasses > 0; Mirza & Osindero
// 2014, "Conditional Generative Adversarial Nets",
// https://arxiv.org/abs/1411.1784): G reads a class embedding beside z and D
// adds a projection onto one (Miyato & Koyama 2018), so that
// Sampler.GenerateClasses draws the digit asked for.
//
// Trainer alternates one D and one G step with Adam (2e-4, β = (0.5, 0.999);
// optionally a faster D, TTUR, one-sided label smoothing, and an
// exponential moving average of G's weights, whose samples are steadier
// than the live weights' (Yazıcı et al. 2019; AveragedSampler), reports
// losses, D(x), D(G(z)) and samples of a fixed noise every N steps, writes
// checkpoints atomically and keeps the newest K, resumes from the latest
// bit-identically, stops with a *NonFiniteError naming the step when a loss
// becomes NaN or Inf, and stops when its context is cancelled. Sampler draws
// images and latent interpolations from a checkpoint. Checkpoints are
// safetensors files.
package gan
