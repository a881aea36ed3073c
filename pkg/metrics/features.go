package metrics

import (
	"fmt"
	"iter"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/datasets"
	"gonum.org/v1/gonum/mat"
)

// FeatureExtractor maps images to the feature vectors that FID and KID
// compare: a network's activations, in which distances mean something to
// the network (Inception-v3's pool3 for pytorch-fid; LeNet's penultimate
// layer for MNIST).
type FeatureExtractor interface {
	// Features returns float32 [B, Dim()] for images float32 [B, C, H, W]
	// (NCHW) in [0, 1]; each extractor documents the C, H and W it takes.
	Features(images *tensors.Tensor) (*tensors.Tensor, error)
	// Dim is the length of a feature vector.
	Dim() int
}

// DatasetImages yields d's images in stored order as float32 NCHW batches
// in [0, 1], converting one batch at a time.
func DatasetImages(d *datasets.Dataset, batchSize int) iter.Seq2[*tensors.Tensor, error] {
	return func(yield func(*tensors.Tensor, error) bool) {
		it, err := d.Batches(datasets.BatchOptions{BatchSize: batchSize, Sequential: true, Scale: datasets.ZeroToOne})
		if err != nil {
			yield(nil, err)
			return
		}
		for b, ok := it.Next(); ok; b, ok = it.Next() {
			if !yield(b.Images, nil) {
				return
			}
		}
	}
}

// FeaturesOf returns the features, [N, Dim], of all the image batches
// (float32 NCHW in [0, 1]); for KID, which samples subsets of them.
func FeaturesOf(fe FeatureExtractor, batches iter.Seq2[*tensors.Tensor, error]) (*mat.Dense, error) {
	var all []float64
	err := eachFeatureBatch(fe, batches, func(f *mat.Dense) error {
		all = append(all, f.RawMatrix().Data...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("metrics: no images")
	}
	return mat.NewDense(len(all)/fe.Dim(), fe.Dim(), all), nil
}

// StatsOf returns the feature Stats of all the image batches (float32 NCHW
// in [0, 1]), streaming: only one batch of features exists at a time.
func StatsOf(fe FeatureExtractor, batches iter.Seq2[*tensors.Tensor, error]) (*Stats, error) {
	acc := NewAccumulator(fe.Dim())
	if err := eachFeatureBatch(fe, batches, func(f *mat.Dense) error { return acc.Add(f) }); err != nil {
		return nil, err
	}
	return acc.Stats()
}

// eachFeatureBatch calls fn with the float64 features of each batch.
func eachFeatureBatch(fe FeatureExtractor, batches iter.Seq2[*tensors.Tensor, error], fn func(*mat.Dense) error) error {
	for images, err := range batches {
		if err != nil {
			return err
		}
		f, err := fe.Features(images)
		if err != nil {
			return err
		}
		dims := f.Shape().Dimensions
		if len(dims) != 2 || dims[1] != fe.Dim() {
			return fmt.Errorf("metrics: feature extractor returned shape %v, expected [batch, %d]", dims, fe.Dim())
		}
		flat := tensors.MustCopyFlatData[float32](f)
		data := make([]float64, len(flat))
		for i, v := range flat {
			data[i] = float64(v)
		}
		if err := fn(mat.NewDense(dims[0], dims[1], data)); err != nil {
			return err
		}
	}
	return nil
}

// Transformed yields the batches after fn, e.g. a corruption or the mapping
// of a Tanh generator's [-1, 1] output to [0, 1].
func Transformed(batches iter.Seq2[*tensors.Tensor, error], fn func(*tensors.Tensor) (*tensors.Tensor, error)) iter.Seq2[*tensors.Tensor, error] {
	return func(yield func(*tensors.Tensor, error) bool) {
		for images, err := range batches {
			if err == nil {
				images, err = fn(images)
			}
			if !yield(images, err) || err != nil {
				return
			}
		}
	}
}
