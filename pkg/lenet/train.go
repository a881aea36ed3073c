package lenet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	mlcontext "github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers/cosineschedule"
	"github.com/neuralart/neuralart/pkg/datasets"
)

// TrainOptions are the hyper-parameters of Train, with the defaults
// (DefaultTrainOptions) in brackets; zero fields take them too.
type TrainOptions struct {
	// Epochs over the training set [3].
	Epochs int
	// BatchSize [64].
	BatchSize int
	// LearningRate of Adam (Kingma & Ba 2015), annealed to 1/100 of it over
	// the run with a cosine schedule (Loshchilov & Hutter 2017) [1e-3].
	LearningRate float64
	// Seed draws the initial weights and the order of the batches: one seed,
	// one network.
	Seed uint64
	// Progress receives a line of loss and throughput every ProgressEvery
	// [10s]; nil for silence.
	Progress      io.Writer
	ProgressEvery time.Duration
}

// DefaultTrainOptions returns the defaults that made the embedded weights
// (with Epochs 2 and Seed 1, see gen.go).
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Epochs: 3, BatchSize: 64, LearningRate: 1e-3, ProgressEvery: 10 * time.Second}
}

// Train trains the classifier on an MNIST-like training set (1x28x28
// images) with softmax cross-entropy and Adam, reproducibly for a given
// Seed. It stops with an error naming the step when the loss is not finite;
// on cancel, at the next step, with the network trained so far and
// ctx.Err().
func Train(ctx context.Context, backend backends.Backend, trainSet *datasets.Dataset, opts TrainOptions) (*Net, error) {
	if trainSet.Channels != 1 || trainSet.Height != mnistSide || trainSet.Width != mnistSide {
		return nil, fmt.Errorf("lenet: LeNet trains on 1x%dx%d images, %s has %dx%dx%d", mnistSide, mnistSide, trainSet.Name, trainSet.Channels, trainSet.Height, trainSet.Width)
	}
	defaults := DefaultTrainOptions()
	if opts.Epochs == 0 {
		opts.Epochs = defaults.Epochs
	}
	if opts.BatchSize == 0 {
		opts.BatchSize = defaults.BatchSize
	}
	if opts.LearningRate == 0 {
		opts.LearningRate = defaults.LearningRate
	}
	if opts.ProgressEvery == 0 {
		opts.ProgressEvery = defaults.ProgressEvery
	}
	batches, err := trainSet.Batches(datasets.BatchOptions{BatchSize: opts.BatchSize, Seed: opts.Seed, Scale: datasets.ZeroToOne, DropLast: true})
	if err != nil {
		return nil, err
	}
	steps := opts.Epochs * batches.BatchesPerEpoch()

	net, err := New(backend, initParams(opts.Seed))
	if err != nil {
		return nil, err
	}
	model := func(ctx *mlcontext.Context, _ any, inputs []*graph.Node) []*graph.Node {
		cosineschedule.New(ctx, inputs[0].Graph(), dtypes.Float32).
			LearningRate(opts.LearningRate).MinLearningRate(opts.LearningRate / 100).PeriodSteps(steps).Done()
		return []*graph.Node{lenetLogits(ctx, inputs[0])}
	}
	trainer := train.NewTrainer(backend, net.ctx, model, losses.SparseCategoricalCrossEntropyLogits,
		optimizers.Adam().LearningRate(opts.LearningRate).Done(), nil, nil)

	start, last := time.Now(), time.Now()
	for step := range steps {
		if err := ctx.Err(); err != nil {
			net, netErr := newFromContext(backend, net.ctx)
			return net, errors.Join(err, netErr)
		}
		b, ok := batches.Next()
		if !ok {
			b, _ = batches.Next()
		}
		labels := make([]int32, len(b.Labels))
		for i, l := range b.Labels {
			labels[i] = int32(l)
		}
		out, err := trainer.TrainStep(nil, []*tensors.Tensor{b.Images}, []*tensors.Tensor{tensors.FromFlatDataAndDimensions(labels, len(labels), 1)})
		if err != nil {
			return nil, fmt.Errorf("lenet: LeNet training step %d: %w", step, err)
		}
		loss := tensors.ToScalar[float32](out[0])
		if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
			return nil, fmt.Errorf("lenet: LeNet training stopped at step %d: loss is %g", step, loss)
		}
		if opts.Progress != nil && (time.Since(last) >= opts.ProgressEvery || step == steps-1) {
			last = time.Now()
			fmt.Fprintf(opts.Progress, "LeNet step %d/%d (epoch %d): loss %.4f, %.0f images/s\n",
				step+1, steps, step/batches.BatchesPerEpoch()+1, loss, float64((step+1)*opts.BatchSize)/time.Since(start).Seconds())
		}
	}
	// The trainer's executors hold the context for training; inference gets
	// fresh ones over the trained variables.
	return newFromContext(backend, net.ctx)
}

// Accuracy returns the fraction of d's images (1x28x28) that the classifier
// labels correctly, evaluated in batches of batchSize.
func (n *Net) Accuracy(d *datasets.Dataset, batchSize int) (float64, error) {
	it, err := d.Batches(datasets.BatchOptions{BatchSize: batchSize, Sequential: true, Scale: datasets.ZeroToOne})
	if err != nil {
		return 0, err
	}
	correct := 0
	for b, ok := it.Next(); ok; b, ok = it.Next() {
		logits, err := n.Logits(b.Images)
		if err != nil {
			return 0, err
		}
		scores := tensors.MustCopyFlatData[float32](logits)
		for i, label := range b.Labels {
			row := scores[i*mnistClasses : (i+1)*mnistClasses]
			best := 0
			for c, s := range row {
				if s > row[best] {
					best = c
				}
			}
			if best == label {
				correct++
			}
		}
	}
	return float64(correct) / float64(d.Len()), nil
}
