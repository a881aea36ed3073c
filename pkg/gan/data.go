package gan

import (
	"iter"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/datasets"
)

// Batches adapts a datasets iterator to ClassData: step k trains on
// it.At(k), so the order is the iterator's seeded one and resuming replays
// it. Create the iterator with BatchOptions.DropLast and Scale MinusOneToOne
// (the range of the generator's Tanh), so every batch has one shape.
func Batches(it *datasets.Iterator) ClassData {
	return &iteratorData{it: it, step: -1}
}

// iteratorData keeps the last batch it made, since the trainer asks for a
// step's images and then for its labels.
type iteratorData struct {
	it    *datasets.Iterator
	step  int
	batch datasets.Batch
}

func (d *iteratorData) at(step int) datasets.Batch {
	if step != d.step {
		d.batch, d.step = d.it.At(step), step
	}
	return d.batch
}

// Batch implements Data.
func (d *iteratorData) Batch(step int) (*tensors.Tensor, error) { return d.at(step).Images, nil }

// Labels implements ClassData.
func (d *iteratorData) Labels(step int) (*tensors.Tensor, error) {
	b := d.at(step)
	labels := make([]int32, len(b.Labels))
	for i, c := range b.Labels {
		labels[i] = int32(c)
	}
	return tensors.FromFlatDataAndDimensions(labels, len(labels)), nil
}

// Images yields n generated images in batches of batchSize (the last may be
// smaller), from latent codes drawn from seed, as NCHW float32 in [0, 1]
// (the project's image convention, what pkg/metrics and pkg/images take).
// A class-conditional generator draws every class equally often.
func (s *Sampler) Images(n, batchSize int, seed uint64) iter.Seq2[*tensors.Tensor, error] {
	return func(yield func(*tensors.Tensor, error) bool) {
		for done, k := 0, uint64(0); done < n; k++ {
			size := min(batchSize, n-done)
			images, err := s.GenerateClasses(RandomLatents(s.G, size, seed+k), cyclicLabels(done, size, s.G.Classes()))
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
