// Command trainmnist trains the article's GAN on MNIST's training set with
// the project's backend, reporting the Fréchet LeNet Distance of the
// generator to MNIST's test set as it goes, and writes the generator that
// notebooks/03-gan.ipynb ships:
//
//	go run ./pkg/gan/internal/trainmnist -steps 3000 -out notebooks/models/gan-mnist-generator.safetensors
//
// Training resumes from the newest checkpoint in -checkpoints, so an
// interrupted run loses at most -fid-every steps.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/datasets"
	"github.com/neuralart/neuralart/pkg/gan"
	"github.com/neuralart/neuralart/pkg/metrics"
)

// config is the command line.
type config struct {
	steps, batch, featureMaps, fidEvery, fidSamples int
	seed                                            int64
	checkpoints, out                                string
}

func main() {
	var c config
	flag.IntVar(&c.steps, "steps", 3000, "training steps (one D and one G update each)")
	flag.IntVar(&c.batch, "batch", 64, "images per batch")
	flag.IntVar(&c.featureMaps, "feature-maps", gan.MNISTGenerator().FeatureMaps, "generator width")
	flag.Int64Var(&c.seed, "seed", 1, "seed of the weights, latent codes and batch order")
	flag.IntVar(&c.fidEvery, "fid-every", 500, "steps between FID measurements (and checkpoints)")
	flag.IntVar(&c.fidSamples, "fid-samples", 5000, "generated images per FID measurement")
	flag.StringVar(&c.checkpoints, "checkpoints", filepath.Join(os.TempDir(), "neuralart-trainmnist"), "checkpoint directory")
	flag.StringVar(&c.out, "out", "", "safetensors file for the trained generator (none when empty)")
	flag.Parse()
	if err := run(c); err != nil {
		log.Fatal(err)
	}
}

// featureBatch is how many images go through LeNet at once.
const featureBatch = 500

func run(c config) error {
	b, err := backend.New()
	if err != nil {
		return err
	}
	lenet, err := metrics.PretrainedLeNet(b)
	if err != nil {
		return err
	}
	testStats, err := mnistStats(lenet, datasets.Test)
	if err != nil {
		return err
	}
	trainSet, err := datasets.LoadMNIST(datasets.Train, nil)
	if err != nil {
		return err
	}
	batches, err := trainSet.Batches(datasets.BatchOptions{BatchSize: c.batch, Seed: uint64(c.seed), DropLast: true, Scale: datasets.MinusOneToOne})
	if err != nil {
		return err
	}
	g := gan.MNISTGenerator()
	g.FeatureMaps = c.featureMaps
	trainer, err := gan.NewTrainer(b, g, gan.MNISTDiscriminator(), gan.Batches(batches), gan.Options{
		Seed: c.seed, CheckpointDir: c.checkpoints, CheckpointEvery: c.fidEvery, KeepCheckpoints: 2,
		ReportEvery: 50, Log: os.Stderr,
	})
	if err != nil {
		return err
	}
	if resumed, err := trainer.Resume(); err != nil {
		return err
	} else if resumed {
		log.Printf("resumed from step %d in %s", trainer.Steps(), c.checkpoints)
	}
	fmt.Printf("%d steps of batch %d, generator width %d, %s backend; FID of %d samples vs MNIST test\n",
		c.steps, c.batch, c.featureMaps, b.Name(), c.fidSamples)
	start := time.Now()
	for next := (trainer.Steps()/c.fidEvery + 1) * c.fidEvery; trainer.Steps() < c.steps; next += c.fidEvery {
		if err := trainer.Train(min(next, c.steps)); err != nil {
			return err
		}
		generated, err := metrics.StatsOf(lenet, trainer.Sampler().Images(c.fidSamples, featureBatch, 7))
		if err != nil {
			return err
		}
		fid, err := metrics.FrechetDistance(generated, testStats)
		if err != nil {
			return err
		}
		fmt.Printf("step %5d  FID %7.2f  (%s)\n", trainer.Steps(), fid, time.Since(start).Round(time.Second))
	}
	if c.out == "" {
		return nil
	}
	if err := trainer.SaveTo(c.out, gan.GeneratorScope); err != nil {
		return err
	}
	fmt.Printf("generator written to %s\n", c.out)
	return nil
}

// mnistStats returns the LeNet feature statistics of an MNIST split.
func mnistStats(lenet *metrics.LeNet, split datasets.Split) (*metrics.Stats, error) {
	d, err := datasets.LoadMNIST(split, nil)
	if err != nil {
		return nil, err
	}
	return metrics.StatsOf(lenet, metrics.DatasetImages(d, featureBatch))
}
