package gan

import (
	"iter"
	"math"

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
// A class-conditional generator draws every class equally often; ImagesOf
// draws the classes asked for.
func (s *Sampler) Images(n, batchSize int, seed uint64) iter.Seq2[*tensors.Tensor, error] {
	return s.images(n, cyclicLabels(0, n, s.G.Classes()), batchSize, seed)
}

// ImagesFor is Images for comparing with a data set whose class labels are
// given (FID, KID, precision and recall): a class-conditional generator
// draws its classes in the labels' proportions (proportionalLabels), an
// unconditional one ignores them. A conditional GAN models p(x | y); its
// images compare with data as p(x) = Σ p(y)·p(x | y) only when y is drawn
// as often as the data has it, and MNIST's digits are 11.2% ones and 9.0%
// fives, not 10% of each. For the class-conditional DCGAN of
// notebooks/models at step 17 000, FID against the test digits is 10.7 with
// Images' balanced classes and 9.5 with the training digits' proportions.
func (s *Sampler) ImagesFor(n int, labels []int, batchSize int, seed uint64) iter.Seq2[*tensors.Tensor, error] {
	if s.G.Classes() == 0 {
		return s.Images(n, batchSize, seed)
	}
	return s.images(n, proportionalLabels(n, labels), batchSize, seed)
}

func (s *Sampler) images(n int, labels []int, batchSize int, seed uint64) iter.Seq2[*tensors.Tensor, error] {
	return func(yield func(*tensors.Tensor, error) bool) {
		for done, k := 0, uint64(0); done < n; k++ {
			size := min(batchSize, n-done)
			var batch []int
			if labels != nil {
				batch = labels[done : done+size]
			}
			images, err := s.GenerateClasses(RandomLatents(s.G, size, seed+k), batch)
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

// proportionalLabels returns n class labels in the proportions of the
// labels of a data set (each class within one of n times its share),
// interleaved so that every prefix keeps them too.
func proportionalLabels(n int, of []int) []int {
	classes := 0
	for _, c := range of {
		classes = max(classes, c+1)
	}
	if n <= 0 || len(of) == 0 {
		return nil
	}
	freq := make([]float64, classes)
	for _, c := range of {
		freq[c] += 1 / float64(len(of))
	}
	// Each label goes to the class furthest behind its share of the labels
	// so far (ties to the smaller class).
	labels := make([]int, n)
	given := make([]int, classes)
	for i := range labels {
		best, lag := 0, math.Inf(-1)
		for c, f := range freq {
			if l := f*float64(i+1) - float64(given[c]); f > 0 && l > lag {
				best, lag = c, l
			}
		}
		labels[i] = best
		given[best]++
	}
	return labels
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
