package metrics

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// FIDEpsilon is the ridge pytorch-fid adds to both covariances (ε·I) when the
// square root of their product comes out non-finite.
const FIDEpsilon = 1e-6

// FrechetDistance returns the Fréchet distance between the Gaussians
// N(μ1, Σ1) and N(μ2, Σ2) fitted to two feature sets (Heusel et al. 2017,
// "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
// Equilibrium", eq. 6; Dowson & Landau 1982):
//
//	d² = ‖μ1 − μ2‖² + tr(Σ1) + tr(Σ2) − 2·tr(√(Σ1·Σ2))
//
// computed in float64 as pytorch-fid's calculate_frechet_distance does,
// including its fallback: when the square-root trace is not finite, ε·I
// (FIDEpsilon) is added to both covariances and it is computed again.
//
// pytorch-fid takes scipy.linalg.sqrtm of the non-symmetric product Σ1·Σ2
// and keeps the real part of its trace. This function gets the same number
// from a symmetric problem instead. With S = √Σ1 (the symmetric PSD root of
// Σ1), Σ1·Σ2 = S·(S·Σ2) and M = (S·Σ2)·S = S·Σ2·S have the same eigenvalues
// (AB and BA always do). M is symmetric positive semi-definite, so its
// eigenvalues λi are real and ≥ 0 and a symmetric eigensolver finds them
// accurately. The principal square root that sqrtm computes has eigenvalues
// √λi, so tr(√(Σ1·Σ2)) = Σ √λi. Rounding can leave λi slightly negative
// when a covariance is singular (fewer samples than dimensions); sqrtm then
// returns tiny imaginary parts that pytorch-fid discards with .real, which
// is the same as taking √max(λi, 0) here.
func FrechetDistance(s1, s2 *Stats) (float64, error) {
	if s1.Dim() != s2.Dim() {
		return 0, fmt.Errorf("metrics: FID of features of dimension %d and %d, expected equal dimensions", s1.Dim(), s2.Dim())
	}
	if s1.Dim() == 0 {
		return 0, errors.New("metrics: FID of empty feature vectors")
	}
	var dist float64
	for i, m := range s1.Mean {
		d := m - s2.Mean[i]
		dist += d * d
	}
	trSqrt, err := traceSqrtProduct(s1.Cov, s2.Cov)
	if err != nil || math.IsNaN(trSqrt) || math.IsInf(trSqrt, 0) {
		trSqrt, err = traceSqrtProduct(addRidge(s1.Cov, FIDEpsilon), addRidge(s2.Cov, FIDEpsilon))
		if err != nil {
			return 0, fmt.Errorf("metrics: FID: %w", err)
		}
	}
	return dist + mat.Trace(s1.Cov) + mat.Trace(s2.Cov) - 2*trSqrt, nil
}

// FID returns the Fréchet distance between the feature sets a and b, one
// feature vector per row; see FrechetDistance.
func FID(a, b mat.Matrix) (float64, error) {
	_, da := a.Dims()
	_, db := b.Dims()
	if da != db {
		return 0, fmt.Errorf("metrics: FID of features of dimension %d and %d, expected equal dimensions", da, db)
	}
	sa, err := ComputeStats(a)
	if err != nil {
		return 0, err
	}
	sb, err := ComputeStats(b)
	if err != nil {
		return 0, err
	}
	return FrechetDistance(sa, sb)
}

// traceSqrtProduct returns tr(√(A·B)) for symmetric PSD A and B as the sum of
// the square roots of the eigenvalues of √A·B·√A.
func traceSqrtProduct(a, b *mat.SymDense) (float64, error) {
	sqrtA, err := sqrtSym(a)
	if err != nil {
		return 0, err
	}
	var t, m mat.Dense
	t.Mul(sqrtA, b)
	m.Mul(&t, sqrtA)
	var eig mat.EigenSym
	if !eig.Factorize(symmetrize(&m), false) {
		return 0, errors.New("eigen-decomposition of √Σ1·Σ2·√Σ1 did not converge")
	}
	var tr float64
	for _, l := range eig.Values(nil) {
		tr += math.Sqrt(max(l, 0))
	}
	return tr, nil
}

// sqrtSym returns the symmetric PSD square root V·diag(√max(w, 0))·Vᵀ of a
// symmetric matrix with eigen-decomposition V·diag(w)·Vᵀ.
func sqrtSym(a *mat.SymDense) (*mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, errors.New("eigen-decomposition of a covariance did not converge")
	}
	var v mat.Dense
	eig.VectorsTo(&v)
	w := eig.Values(nil)
	n := len(w)
	scaled := mat.DenseCopyOf(&v)
	for j, l := range w {
		s := math.Sqrt(max(l, 0))
		for i := range n {
			scaled.Set(i, j, scaled.At(i, j)*s)
		}
	}
	var root mat.Dense
	root.Mul(scaled, v.T())
	return &root, nil
}

// symmetrize returns (M + Mᵀ)/2, removing the rounding asymmetry of a
// product that is symmetric in exact arithmetic.
func symmetrize(m *mat.Dense) *mat.SymDense {
	n, _ := m.Dims()
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	return s
}

// addRidge returns a + eps·I.
func addRidge(a *mat.SymDense, eps float64) *mat.SymDense {
	n := a.SymmetricDim()
	r := mat.NewSymDense(n, nil)
	r.CopySym(a)
	for i := range n {
		r.SetSym(i, i, r.At(i, i)+eps)
	}
	return r
}
