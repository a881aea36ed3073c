package applications

import (
	"context"
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/mat"

	"github.com/neuralart/neuralart/pkg/datasets"
	"github.com/neuralart/neuralart/pkg/metrics"
)

// SameFID is two corruptions of the same real images that FID scores
// alike although they look nothing alike: one blurred, one noisy.
type SameFID struct {
	BlurSigma, NoiseSigma float64
	BlurFID, NoiseFID     float64
	// Blurred and Noisy are the first images of each set, [N, C, H, W].
	Blurred, Noisy *tensors.Tensor
}

// fidBatch is how many images go through the feature network at once.
const fidBatch = 500

// EqualFID blurs the first n images of test with a Gaussian of blurSigma
// pixels and finds, by bisection over σ in [0, 1], the Gaussian noise whose
// FID against the first n images of reference (features from fe) is the
// same to within 1%, or the closest of 12 halvings. It returns the two
// levels, their FIDs and the first show images of each set.
func EqualFID(ctx context.Context, fe metrics.FeatureExtractor, reference, test *datasets.Dataset, n int, blurSigma float64, show int) (*SameFID, error) {
	ref, err := metrics.FeaturesOf(fe, metrics.DatasetImages(reference.Subset(n), fidBatch))
	if err != nil {
		return nil, err
	}
	fid := func(corrupt func(*tensors.Tensor) (*tensors.Tensor, error)) (float64, error) {
		f, err := metrics.FeaturesOf(fe, metrics.Transformed(metrics.DatasetImages(test.Subset(n), fidBatch), corrupt))
		if err != nil {
			return 0, err
		}
		return metrics.FID(ref, mat.Matrix(f))
	}
	blur := func(x *tensors.Tensor) (*tensors.Tensor, error) { return metrics.GaussianBlur(x, blurSigma) }
	noise := func(sigma float64) func(*tensors.Tensor) (*tensors.Tensor, error) {
		return func(x *tensors.Tensor) (*tensors.Tensor, error) { return metrics.AddNoise(x, sigma, 1), nil }
	}
	s := &SameFID{BlurSigma: blurSigma}
	if s.BlurFID, err = fid(blur); err != nil {
		return nil, err
	}
	lo, hi := 0.0, 1.0
	best := math.Inf(1)
	for range 12 {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		sigma := (lo + hi) / 2
		f, err := fid(noise(sigma))
		if err != nil {
			return nil, err
		}
		if d := math.Abs(f - s.BlurFID); d < best {
			best, s.NoiseSigma, s.NoiseFID = d, sigma, f
		}
		if best <= 0.01*s.BlurFID {
			break
		}
		if f < s.BlurFID {
			lo = sigma
		} else {
			hi = sigma
		}
	}
	for first, err := range metrics.DatasetImages(test.Subset(show), show) {
		if err != nil {
			return nil, err
		}
		if s.Blurred, err = blur(first); err != nil {
			return nil, err
		}
		s.Noisy = metrics.AddNoise(first, s.NoiseSigma, 1)
		break
	}
	if s.Blurred == nil {
		return nil, fmt.Errorf("applications: EqualFID: no test images to show")
	}
	return s, nil
}
