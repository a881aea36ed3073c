package gan

import (
	"iter"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/datasets"
)

// Batches adapts a datasets iterator to Data: step k trains on it.At(k), so
// the order is the iterator's seeded one and resuming replays it. Create the
// iterator with BatchOptions.DropLast and Scale MinusOneToOne (the range of
// the generator's Tanh), so every batch has one shape.
func Batches(it *datasets.Iterator) Data {
	return DataFunc(func(step int) (*tensors.Tensor, error) { return it.At(step).Images, nil })
}

// Images yields n generated images in batches of batchSize (the last may be
// smaller), from latent codes drawn from seed, as NCHW float32 in [0, 1]
// (the project's image convention, what pkg/metrics and pkg/images take).
func (s *Sampler) Images(n, batchSize int, seed uint64) iter.Seq2[*tensors.Tensor, error] {
	return func(yield func(*tensors.Tensor, error) bool) {
		for done, k := 0, uint64(0); done < n; k++ {
			size := min(batchSize, n-done)
			images, err := s.Generate(RandomLatents(s.G, size, seed+k))
			if err == nil {
				images, err = toUnitRange(images)
			}
			if !yield(images, err) || err != nil {
				return
			}
			done += size
		}
	}
}

// toUnitRange maps a Tanh output in [-1, 1] to [0, 1]: (x + 1) / 2.
func toUnitRange(images *tensors.Tensor) (*tensors.Tensor, error) {
	unit := tensors.FromShape(images.Shape())
	err := tensors.ConstFlatData(images, func(in []float32) {
		tensors.MutableFlatData(unit, func(out []float32) {
			for i, v := range in {
				out[i] = (v + 1) / 2
			}
		})
	})
	return unit, err
}
