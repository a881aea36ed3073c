package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Stats are the first two moments of a set of feature vectors, what FID
// compares: pytorch-fid's mu and sigma.
type Stats struct {
	// N is the number of feature vectors the moments were taken over.
	N int
	// Mean is μ, of length Dim.
	Mean []float64
	// Cov is Σ, the unbiased covariance (divided by N−1, as np.cov).
	Cov *mat.SymDense
}

// Dim returns the feature dimension.
func (s *Stats) Dim() int { return len(s.Mean) }

// Accumulator gathers Stats from batches of feature vectors, so that the
// features of a large set never need to be in memory at once. It merges each
// batch's mean and centred scatter matrix into the running ones with the
// pairwise update of Chan, Golub & LeVeque (1979), the batched form of
// Welford's algorithm, in float64: no sum of squares of uncentred values is
// ever formed, so no precision is lost to cancellation when the features
// have a large mean.
type Accumulator struct {
	n       int
	mean    []float64
	scatter *mat.SymDense // Σ (x−mean)(x−mean)ᵀ
}

// NewAccumulator returns an empty accumulator of feature vectors of length dim.
func NewAccumulator(dim int) *Accumulator {
	return &Accumulator{mean: make([]float64, dim), scatter: mat.NewSymDense(dim, nil)}
}

// Add merges a batch of feature vectors, one per row. Rows of the wrong
// length and values that are NaN or infinite are errors.
func (a *Accumulator) Add(batch mat.Matrix) error {
	rows, cols := batch.Dims()
	dim := len(a.mean)
	if cols != dim {
		return fmt.Errorf("metrics: feature batch has dimension %d, expected %d", cols, dim)
	}
	if rows == 0 {
		return nil
	}
	if err := checkFinite(batch); err != nil {
		return err
	}
	// Centre the batch on its own mean.
	bmean := make([]float64, dim)
	centred := mat.DenseCopyOf(batch)
	for j := range dim {
		var s float64
		for i := range rows {
			s += centred.At(i, j)
		}
		bmean[j] = s / float64(rows)
	}
	for i := range rows {
		row := centred.RawRowView(i)
		for j := range row {
			row[j] -= bmean[j]
		}
	}
	// scatter += Xcᵀ·Xc + δδᵀ·n·m/(n+m), mean += δ·m/(n+m), δ = bmean − mean.
	raw := a.scatter.RawSymmetric()
	blas64.Syrk(blas.Trans, 1, centred.RawMatrix(), 1, raw)
	n, m := float64(a.n), float64(rows)
	delta := make([]float64, dim)
	for j := range dim {
		delta[j] = bmean[j] - a.mean[j]
	}
	blas64.Syr(n*m/(n+m), blas64.Vector{N: dim, Inc: 1, Data: delta}, raw)
	for j := range dim {
		a.mean[j] += delta[j] * m / (n + m)
	}
	a.n += rows
	return nil
}

// N returns the number of feature vectors added so far.
func (a *Accumulator) N() int { return a.n }

// Stats returns the mean and unbiased covariance of everything added; it
// needs at least two feature vectors.
func (a *Accumulator) Stats() (*Stats, error) {
	if a.n < 2 {
		return nil, fmt.Errorf("metrics: %d feature vectors, expected at least 2 for a covariance", a.n)
	}
	dim := len(a.mean)
	cov := mat.NewSymDense(dim, nil)
	cov.ScaleSym(1/float64(a.n-1), a.scatter)
	return &Stats{N: a.n, Mean: append([]float64(nil), a.mean...), Cov: cov}, nil
}

// ComputeStats returns the Stats of the feature vectors in the rows of
// features, [N, Dim].
func ComputeStats(features mat.Matrix) (*Stats, error) {
	_, dim := features.Dims()
	a := NewAccumulator(dim)
	if err := a.Add(features); err != nil {
		return nil, err
	}
	return a.Stats()
}

// checkFinite reports the first NaN or infinite value of m.
func checkFinite(m mat.Matrix) error {
	rows, cols := m.Dims()
	for i := range rows {
		for j := range cols {
			if v := m.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("metrics: feature [%d, %d] is %g, expected finite values", i, j, v)
			}
		}
	}
	return nil
}
