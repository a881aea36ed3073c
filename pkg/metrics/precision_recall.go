package metrics

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// PrecisionRecallOptions are the knobs of PrecisionRecall.
type PrecisionRecallOptions struct {
	// K is the neighbour whose distance is each sample's radius: the k-th
	// nearest other sample of its own set. Default 3, the paper's choice:
	// larger K gives fatter manifolds and higher scores.
	K int
}

// DefaultPrecisionRecallOptions returns K = 3, Kynkäänniemi et al.'s
// default.
func DefaultPrecisionRecallOptions() PrecisionRecallOptions {
	return PrecisionRecallOptions{K: 3}
}

func (o PrecisionRecallOptions) validate() error {
	if o.K < 1 {
		return fmt.Errorf("metrics: PrecisionRecallOptions.K is %d, expected at least 1", o.K)
	}
	return nil
}

// PrecisionRecallResult separates the two things FID mixes.
type PrecisionRecallResult struct {
	// Precision is the fraction of generated samples that fall inside the
	// real samples' manifold: how many look real (fidelity).
	Precision float64
	// Recall is the fraction of real samples that fall inside the generated
	// samples' manifold: how much of the data the generator covers
	// (diversity).
	Recall float64
}

// PrecisionRecall returns the improved precision and recall of generated
// features against real ones (rows are feature vectors): Kynkäänniemi,
// Karras, Laine, Lehtinen & Aila 2019, "Improved Precision and Recall
// Metric for Assessing Generative Models". Each set's manifold is the union
// of balls around its samples, each ball's radius the distance to that
// sample's K-th nearest neighbour in its set ([Manifold]); precision is the
// share of generated samples inside the real manifold, recall the share of
// real samples inside the generated one.
//
// A generator that draws one digit perfectly has precision near 1 and
// recall near 0.1; FID would only say it is bad. Both sets need more than K
// samples; the cost is two distance matrices, |real|·|fake|·Dim
// multiplications each. On cancellation it returns ctx.Err().
func PrecisionRecall(ctx context.Context, real, fake mat.Matrix, opts PrecisionRecallOptions) (PrecisionRecallResult, error) {
	if err := opts.validate(); err != nil {
		return PrecisionRecallResult{}, err
	}
	_, dr := real.Dims()
	_, df := fake.Dims()
	if dr != df {
		return PrecisionRecallResult{}, fmt.Errorf("metrics: precision and recall of features of dimension %d and %d, expected equal dimensions", dr, df)
	}
	realManifold, err := NewManifold(ctx, real, opts.K)
	if err != nil {
		return PrecisionRecallResult{}, fmt.Errorf("metrics: real features: %w", err)
	}
	fakeManifold, err := NewManifold(ctx, fake, opts.K)
	if err != nil {
		return PrecisionRecallResult{}, fmt.Errorf("metrics: generated features: %w", err)
	}
	precision, err := realManifold.Coverage(ctx, fake)
	if err != nil {
		return PrecisionRecallResult{}, err
	}
	recall, err := fakeManifold.Coverage(ctx, real)
	if err != nil {
		return PrecisionRecallResult{}, err
	}
	return PrecisionRecallResult{Precision: precision, Recall: recall}, nil
}
