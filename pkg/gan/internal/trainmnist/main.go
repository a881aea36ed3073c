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

func main() {
	steps := flag.Int("steps", 3000, "training steps (one D and one G update each)")
	batch := flag.Int("batch", 64, "images per batch")
	featureMaps := flag.Int("feature-maps", gan.MNISTGenerator().FeatureMaps, "generator width")
	seed := flag.Int64("seed", 1, "seed of the weights, latent codes and batch order")
	fidEvery := flag.Int("fid-every", 500, "steps between FID measurements (and checkpoints)")
	fidSamples := flag.Int("fid-samples", 5000, "generated images per FID measurement")
	checkpoints := flag.String("checkpoints", filepath.Join(os.TempDir(), "neuralart-trainmnist"), "checkpoint directory")
	out := flag.String("out", "", "safetensors file for the trained generator (none when empty)")
	flag.Parse()

	b, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	trainSet, err := datasets.LoadMNIST(datasets.Train, nil)
	if err != nil {
		log.Fatal(err)
	}
	testSet, err := datasets.LoadMNIST(datasets.Test, nil)
	if err != nil {
		log.Fatal(err)
	}
	lenet, err := metrics.PretrainedLeNet(b)
	if err != nil {
		log.Fatal(err)
	}
	const featureBatch = 500
	testStats, err := metrics.StatsOf(lenet, metrics.DatasetImages(testSet, featureBatch))
	if err != nil {
		log.Fatal(err)
	}

	batches, err := trainSet.Batches(datasets.BatchOptions{BatchSize: *batch, Seed: uint64(*seed), DropLast: true, Scale: datasets.MinusOneToOne})
	if err != nil {
		log.Fatal(err)
	}
	g := gan.MNISTGenerator()
	g.FeatureMaps = *featureMaps
	trainer, err := gan.NewTrainer(b, g, gan.MNISTDiscriminator(), gan.Batches(batches), gan.Options{
		Seed: *seed, CheckpointDir: *checkpoints, CheckpointEvery: *fidEvery, KeepCheckpoints: 2,
		ReportEvery: 50, Log: os.Stderr,
	})
	if err != nil {
		log.Fatal(err)
	}
	if resumed, err := trainer.Resume(); err != nil {
		log.Fatal(err)
	} else if resumed {
		log.Printf("resumed from step %d in %s", trainer.Steps(), *checkpoints)
	}
	fmt.Printf("%d steps of batch %d, generator width %d, %s backend; FID of %d samples vs MNIST test\n",
		*steps, *batch, *featureMaps, b.Name(), *fidSamples)
	start := time.Now()
	for next := (trainer.Steps() / *fidEvery + 1) * *fidEvery; trainer.Steps() < *steps; next += *fidEvery {
		if err := trainer.Train(min(next, *steps)); err != nil {
			log.Fatal(err)
		}
		generated, err := metrics.StatsOf(lenet, trainer.Sampler().Images(*fidSamples, featureBatch, 7))
		if err != nil {
			log.Fatal(err)
		}
		fid, err := metrics.FrechetDistance(generated, testStats)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("step %5d  FID %7.2f  (%s)\n", trainer.Steps(), fid, time.Since(start).Round(time.Second))
	}
	if *out != "" {
		if err := trainer.SaveTo(*out, gan.GeneratorScope); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("generator written to %s\n", *out)
	}
}
