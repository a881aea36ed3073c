package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// KIDOptions are the knobs of KID; the zero value means torchmetrics'
// defaults: 100 subsets of 1000 samples, seed 0.
type KIDOptions struct {
	// Subsets is the number of random subset pairs averaged.
	Subsets int
	// SubsetSize is the number of samples drawn (without replacement) from
	// each set per subset; a set smaller than it is used whole, so
	// SubsetSize ≥ both sizes and Subsets = 1 is the estimate over all
	// samples.
	SubsetSize int
	// Seed picks the subsets.
	Seed uint64
}

// KIDResult is the mean and spread of the subset estimates.
type KIDResult struct {
	// Mean of the per-subset MMD² estimates: the KID.
	Mean float64
	// Std is their population standard deviation (torchmetrics'
	// std(unbiased=False)), a measure of the estimate's noise.
	Std float64
}

// KID returns the Kernel Inception Distance between feature sets a and b
// (rows are feature vectors): Bińkowski, Sutherland, Arbel & Gretton 2018,
// "Demystifying MMD GANs", the unbiased estimator of the squared maximum mean
// discrepancy (Gretton et al. 2012, eq. 3)
//
//	MMD² = Σ_{i≠j} k(xi, xj)/(m(m−1)) + Σ_{i≠j} k(yi, yj)/(n(n−1)) − 2·Σ_{i,j} k(xi, yj)/(mn)
//
// with the cubic polynomial kernel k(x, y) = (x·y/d + 1)³, averaged over
// random subsets as torchmetrics' KernelInceptionDistance does. Unlike FID it
// is unbiased, so it can be compared across sample sizes, and it can be
// negative when the sets are alike.
func KID(a, b mat.Matrix, opts KIDOptions) (KIDResult, error) {
	m, da := a.Dims()
	n, db := b.Dims()
	if da != db {
		return KIDResult{}, fmt.Errorf("metrics: KID of features of dimension %d and %d, expected equal dimensions", da, db)
	}
	if m < 2 || n < 2 {
		return KIDResult{}, fmt.Errorf("metrics: KID of %d and %d feature vectors, expected at least 2 in each set", m, n)
	}
	if err := checkFinite(a); err != nil {
		return KIDResult{}, err
	}
	if err := checkFinite(b); err != nil {
		return KIDResult{}, err
	}
	if opts.Subsets == 0 {
		opts.Subsets = 100
	}
	if opts.SubsetSize == 0 {
		opts.SubsetSize = 1000
	}
	if opts.Subsets < 0 || opts.SubsetSize < 2 {
		return KIDResult{}, fmt.Errorf("metrics: KID with %d subsets of %d, expected a positive count and a size of at least 2", opts.Subsets, opts.SubsetSize)
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x4b4944)) // "KID"
	scores := make([]float64, opts.Subsets)
	for s := range scores {
		scores[s] = polyMMD(subset(a, opts.SubsetSize, rng), subset(b, opts.SubsetSize, rng))
	}
	var mean, sq float64
	for _, v := range scores {
		mean += v
	}
	mean /= float64(len(scores))
	for _, v := range scores {
		sq += (v - mean) * (v - mean)
	}
	return KIDResult{Mean: mean, Std: math.Sqrt(sq / float64(len(scores)))}, nil
}

// subset returns size rows of x drawn without replacement, or x itself when
// it has no more rows than that.
func subset(x mat.Matrix, size int, rng *rand.Rand) mat.Matrix {
	rows, cols := x.Dims()
	if rows <= size {
		return x
	}
	out := mat.NewDense(size, cols, nil)
	row := make([]float64, cols)
	for i, r := range rng.Perm(rows)[:size] {
		out.SetRow(i, mat.Row(row, r, x))
	}
	return out
}

// polyMMD is the unbiased MMD² of x and y under k(x, y) = (x·y/d + 1)³.
func polyMMD(x, y mat.Matrix) float64 {
	m, d := x.Dims()
	n, _ := y.Dims()
	fm, fn := float64(m), float64(n)
	var xy mat.Dense
	xy.Mul(x, y.T())
	return selfKernelSum(x, d)/(fm*(fm-1)) + selfKernelSum(y, d)/(fn*(fn-1)) - 2*kernelSum(xy.RawMatrix().Data, d)/(fm*fn)
}

// selfKernelSum is Σ_{i≠j} k(x_i, x_j). The products come from a symmetric
// rank-k update (half the multiplications of x·xᵀ); the upper triangle,
// diagonal excluded, counts twice.
func selfKernelSum(x mat.Matrix, d int) float64 {
	n, _ := x.Dims()
	var g mat.SymDense
	g.SymOuterK(1, x)
	raw := g.RawSymmetric()
	var s float64
	for i := range n {
		s += kernelSum(raw.Data[i*raw.Stride+i+1:i*raw.Stride+n], d)
	}
	return 2 * s
}

// kernelSum is Σ k over the products x·y in dots: (x·y/d + 1)³.
func kernelSum(dots []float64, d int) float64 {
	var s float64
	for _, v := range dots {
		k := v/float64(d) + 1
		s += k * k * k
	}
	return s
}
