package metrics

import (
	"context"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// manifoldBlock is how many query rows a block of distances holds: against
// 10 000 samples a block is then 20 MB.
const manifoldBlock = 256

// Manifold is Kynkäänniemi et al.'s estimate of the region a set of feature
// vectors occupies: the union of balls around its samples, each reaching to
// that sample's k-th nearest neighbour. Build it once for a reference set
// and ask [Manifold.Coverage] of many generated sets.
type Manifold struct {
	samples *mat.Dense
	norms   []float64 // ‖s‖² of each sample, for distances as ‖q‖² + ‖s‖² − 2 q·s
	radii   []float64 // squared radius of each sample's ball
}

// NewManifold returns the manifold of features (rows are samples), each
// radius the distance to the k-th nearest other sample. It needs more than
// k samples. On cancellation it returns ctx.Err().
func NewManifold(ctx context.Context, features mat.Matrix, k int) (*Manifold, error) {
	n, _ := features.Dims()
	if k < 1 {
		return nil, fmt.Errorf("metrics: manifold with k = %d, expected k ≥ 1", k)
	}
	if n <= k {
		return nil, fmt.Errorf("metrics: manifold of %d samples with k = %d, expected more than k samples", n, k)
	}
	if err := checkFinite(features); err != nil {
		return nil, err
	}
	m := &Manifold{samples: mat.DenseCopyOf(features)}
	m.norms = rowNorms(m.samples)
	m.radii = make([]float64, n)
	smallest := make([]float64, k+1)
	err := m.eachDistanceRow(ctx, m.samples, func(i int, row []float64) {
		// The sample itself, at distance 0, is the smallest: the k-th other
		// neighbour is the (k+1)-th smallest, as in the paper's code.
		m.radii[i] = kthSmallest(row, smallest)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Coverage returns the fraction of points (rows, of the manifold's
// dimension) inside at least one of its balls, boundary included. On
// cancellation it returns ctx.Err().
func (m *Manifold) Coverage(ctx context.Context, points mat.Matrix) (float64, error) {
	q, d := points.Dims()
	if _, md := m.samples.Dims(); d != md {
		return 0, fmt.Errorf("metrics: coverage of points of dimension %d, expected the manifold's %d", d, md)
	}
	if q == 0 {
		return 0, fmt.Errorf("metrics: coverage of no points, expected at least one")
	}
	if err := checkFinite(points); err != nil {
		return 0, err
	}
	inside := 0
	err := m.eachDistanceRow(ctx, mat.DenseCopyOf(points), func(_ int, row []float64) {
		for j, d2 := range row {
			if d2 <= m.radii[j] {
				inside++
				return
			}
		}
	})
	if err != nil {
		return 0, err
	}
	return float64(inside) / float64(q), nil
}

// eachDistanceRow calls fn with each point's squared distances to the
// manifold's samples, computing them a block of points at a time (one matrix
// product per block) and checking ctx between blocks.
func (m *Manifold) eachDistanceRow(ctx context.Context, points *mat.Dense, fn func(i int, row []float64)) error {
	q, _ := points.Dims()
	n := len(m.norms)
	var block mat.Dense
	for first := 0; first < q; first += manifoldBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := min(manifoldBlock, q-first)
		part := points.Slice(first, first+rows, 0, m.samples.RawMatrix().Cols).(*mat.Dense)
		block.Reset()
		block.Mul(part, m.samples.T())
		raw := block.RawMatrix()
		for i, pn := range rowNorms(part) {
			row := raw.Data[i*raw.Stride : i*raw.Stride+n]
			for j, dot := range row {
				row[j] = max(pn+m.norms[j]-2*dot, 0)
			}
			fn(first+i, row)
		}
	}
	return nil
}

// rowNorms returns ‖row‖² of each row of x.
func rowNorms(x *mat.Dense) []float64 {
	n, _ := x.Dims()
	norms := make([]float64, n)
	for i := range n {
		r := x.RawRowView(i)
		norms[i] = mat.Dot(mat.NewVecDense(len(r), r), mat.NewVecDense(len(r), r))
	}
	return norms
}

// kthSmallest returns the len(smallest)-th smallest value of row, using
// smallest as scratch: a sorted window, O(len(row)·len(smallest)) for the
// small k the metric uses.
func kthSmallest(row, smallest []float64) float64 {
	k := len(smallest)
	copy(smallest, row[:k])
	slices.Sort(smallest)
	for _, v := range row[k:] {
		if v >= smallest[k-1] {
			continue
		}
		i := k - 1
		for ; i > 0 && smallest[i-1] > v; i-- {
			smallest[i] = smallest[i-1]
		}
		smallest[i] = v
	}
	return smallest[k-1]
}
