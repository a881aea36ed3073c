package datasets

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Scale says how 8-bit pixels map to floats.
type Scale int

const (
	// MinusOneToOne maps 0..255 to [-1, 1], the range of a Tanh generator:
	// p/127.5 − 1 (torchvision's ToTensor then Normalize(0.5, 0.5)).
	MinusOneToOne Scale = iota
	// ZeroToOne maps 0..255 to [0, 1], the project's image convention
	// (torchvision's ToTensor).
	ZeroToOne
)

// lut returns the float of each byte value under s.
func (s Scale) lut() (t [256]float32) {
	for p := range t {
		if s == ZeroToOne {
			t[p] = float32(p) / 255
		} else {
			t[p] = float32(p)/127.5 - 1
		}
	}
	return t
}

// DefaultBatchSize is the batch size of zero BatchOptions.
const DefaultBatchSize = 64

// BatchOptions configure [Dataset.Batches]; the zero value means batches of
// 64, shuffled with seed 0, scaled to [-1, 1], last partial batch kept.
type BatchOptions struct {
	BatchSize int
	// Seed picks the order: epoch e visits the images in the permutation
	// drawn from PCG(Seed, e), so runs with one seed see identical batches.
	Seed uint64
	// Sequential visits the images in stored order (for evaluation).
	Sequential bool
	Scale      Scale
	// DropLast drops each epoch's final partial batch, so every batch has
	// the same shape (no recompilation of the training graph).
	DropLast bool
}

// Batch is one batch of images.
type Batch struct {
	// Images is float32 [B, C, H, W] (NCHW), scaled as asked.
	Images *tensors.Tensor
	// Labels and Indices (positions in the Dataset) of the B images.
	Labels, Indices []int
}

// Iterator yields the batches of a Dataset, epoch after epoch. Batch k of
// the whole stream (over all epochs) depends only on the data set, the
// options and k, so training can resume at any step with [Iterator.Seek].
// It is not safe for concurrent use.
type Iterator struct {
	d        *Dataset
	opts     BatchOptions
	perEpoch int
	lut      [256]float32

	permEpoch int // epoch whose permutation perm holds, -1 for none
	perm      []int

	step       int  // next batch of the stream
	endPending bool // the end of the epoch before step is still to be reported
}

// Batches returns an iterator over d's batches. It holds no copy of the
// pixels: each batch is converted to floats when it is asked for.
func (d *Dataset) Batches(opts BatchOptions) (*Iterator, error) {
	if err := d.validate(); err != nil {
		return nil, err
	}
	if opts.BatchSize == 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.BatchSize < 0 {
		return nil, fmt.Errorf("datasets: %s: batch size %d, expected a positive size", d.Name, opts.BatchSize)
	}
	perEpoch := (d.Len() + opts.BatchSize - 1) / opts.BatchSize
	if opts.DropLast {
		perEpoch = d.Len() / opts.BatchSize
	}
	if perEpoch == 0 {
		return nil, fmt.Errorf("datasets: %s: %d images make no full batch of %d", d.Name, d.Len(), opts.BatchSize)
	}
	return &Iterator{d: d, opts: opts, perEpoch: perEpoch, lut: opts.Scale.lut(), permEpoch: -1}, nil
}

// BatchesPerEpoch returns the number of batches in one pass over the data.
func (it *Iterator) BatchesPerEpoch() int { return it.perEpoch }

// Step returns the stream position of the batch Next will return.
func (it *Iterator) Step() int { return it.step }

// Seek positions the iterator so that Next returns batch step of the stream.
func (it *Iterator) Seek(step int) {
	it.step = step
	it.endPending = false
}

// Next returns the next batch. At the end of each epoch it returns false
// once, and the call after that starts the next epoch.
func (it *Iterator) Next() (Batch, bool) {
	if it.endPending {
		it.endPending = false
		return Batch{}, false
	}
	b := it.At(it.step)
	it.step++
	it.endPending = it.step%it.perEpoch == 0
	return b, true
}

// At returns batch step of the stream without moving the iterator.
func (it *Iterator) At(step int) Batch {
	epoch, k := step/it.perEpoch, step%it.perEpoch
	lo := k * it.opts.BatchSize
	hi := min(lo+it.opts.BatchSize, it.d.Len())
	indices := make([]int, hi-lo)
	for i := range indices {
		indices[i] = it.index(epoch, lo+i)
	}
	return it.d.batch(indices, &it.lut)
}

// index returns the data set position of the i-th image of epoch.
func (it *Iterator) index(epoch, i int) int {
	if it.opts.Sequential {
		return i
	}
	if it.permEpoch != epoch {
		it.perm = rand.New(rand.NewPCG(it.opts.Seed, uint64(epoch))).Perm(it.d.Len())
		it.permEpoch = epoch
	}
	return it.perm[i]
}

// batch converts the images at indices to one NCHW float32 tensor.
func (d *Dataset) batch(indices []int, lut *[256]float32) Batch {
	size := d.ImageSize()
	data := make([]float32, len(indices)*size)
	labels := make([]int, len(indices))
	for i, idx := range indices {
		dst := data[i*size : (i+1)*size]
		for j, p := range d.Image(idx) {
			dst[j] = lut[p]
		}
		labels[i] = d.Labels[idx]
	}
	return Batch{
		Images:  tensors.FromFlatDataAndDimensions(data, len(indices), d.Channels, d.Height, d.Width),
		Labels:  labels,
		Indices: indices,
	}
}

// Name implements GoMLX's train.Dataset.
func (it *Iterator) Name() string { return it.d.Name }

// Reset implements GoMLX's train.Dataset: it rewinds to the start of the
// epoch in progress (after an epoch's end was reported, that is the next
// epoch, which keeps its own shuffle).
func (it *Iterator) Reset() {
	if !it.endPending {
		it.step -= it.step % it.perEpoch
	}
	it.endPending = false
}

// Yield implements GoMLX's train.Dataset: inputs are the images [B, C, H, W]
// float32, labels the classes as int32 [B, 1] (the shape of GoMLX's sparse
// categorical losses); io.EOF marks the end of an epoch.
func (it *Iterator) Yield() (spec any, inputs, labels []*tensors.Tensor, err error) {
	b, ok := it.Next()
	if !ok {
		return nil, nil, nil, io.EOF
	}
	l := make([]int32, len(b.Labels))
	for i, v := range b.Labels {
		l[i] = int32(v)
	}
	return nil, []*tensors.Tensor{b.Images}, []*tensors.Tensor{tensors.FromFlatDataAndDimensions(l, len(l), 1)}, nil
}
