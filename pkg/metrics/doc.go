// Package metrics judges generated images the way the GAN literature does:
// by comparing the statistics of a network's features on generated and on
// real images.
//
// FID, the Fréchet Inception Distance (Heusel, Ramsauer, Unterthiner,
// Nessler & Hochreiter 2017, "GANs Trained by a Two Time-Scale Update Rule
// Converge to a Local Nash Equilibrium"), fits a Gaussian to each feature
// set and returns the Fréchet (2-Wasserstein) distance between the two:
//
//	FID = ‖μr − μg‖² + tr(Σr) + tr(Σg) − 2·tr(√(Σr·Σg))
//
// The first term compares where the features lie, the rest how they spread:
// a generator that draws only one kind of digit has a small Σg and pays for
// it even if each image looks perfect. [FrechetDistance] reproduces
// pytorch-fid's numbers (float64, unbiased covariances, its 1e-6·I fallback)
// with a symmetric eigenvalue problem instead of scipy's sqrtm.
//
// KID, the Kernel Inception Distance (Bińkowski, Sutherland, Arbel &
// Gretton 2018, "Demystifying MMD GANs"), is the unbiased squared maximum
// mean discrepancy with a cubic polynomial kernel, averaged over random
// subsets: [KID]. Unlike FID it has no bias that depends on the sample count.
//
// Precision and recall (Kynkäänniemi, Karras, Laine, Lehtinen & Aila 2019,
// "Improved Precision and Recall Metric for Assessing Generative Models")
// separate what FID and KID mix: [PrecisionRecall] estimates each set's
// manifold as the union of balls reaching to every sample's k-th nearest
// neighbour ([Manifold], k = 3) and counts the generated samples inside
// the real manifold (precision: fidelity) and the real samples inside the
// generated one (recall: diversity). A generator that draws one digit well
// scores high precision and low recall.
//
// Features come from a [FeatureExtractor]: for MNIST, package lenet's
// classifier (FID on its penultimate layer is the "Fréchet LeNet Distance"
// common for MNIST GANs); for other images, package inception's Inception-v3
// as pytorch-fid runs it. Numbers from two extractors are not comparable:
// compare models with one extractor and one sample count.
//
// [Accumulator] gathers the statistics batch by batch, so tens of thousands
// of images never sit in memory as features; [SaveStats] and [LoadStats]
// keep a reference set's statistics, like pytorch-fid's .npz files.
//
// [AddNoise] and [GaussianBlur] degrade real images by known amounts, the
// sanity check of Heusel et al.'s Fig. 1: the distance must grow with them.
package metrics
