// Command trainmnist trains a GAN on MNIST's training set with the
// project's backend, reporting the Fréchet LeNet Distance of the generator
// to MNIST's test set as it goes, and writes the generators that
// notebooks/03-gan.ipynb ships: the article's pair,
//
//	go run ./pkg/gan/internal/trainmnist -steps 3000 -feature-maps 64 -out notebooks/models/gan-mnist-generator.safetensors
//
// and the class-conditional DCGAN pair at 28 px (see notebooks/models/README.md
// for its command). Training resumes from the newest checkpoint in
// -checkpoints, so an interrupted run (Ctrl-C checkpoints first) loses at
// most -fid-every steps. A class-conditional generator's FID draws its
// classes in the training digits' proportions (gan.Sampler.ImagesFor).
//
// With -select, -out and -grid are the generator of the step whose FID
// against 10 000 training digits was lowest so far, rather than of the last
// step: a choice among the measured steps that never looks at the test
// digits, whose FID is the one reported. The choice survives restarts in
// <out>.selected.json.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/datasets"
	"github.com/neuralart/neuralart/pkg/gan"
	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/internal/atomicfile"
	"github.com/neuralart/neuralart/pkg/lenet"
	"github.com/neuralart/neuralart/pkg/metrics"
)

// config is the command line.
type config struct {
	model                                           string
	steps, batch, featureMaps, fidEvery, fidSamples int
	classes                                         int
	selectBest                                      bool
	lr, lrD, smoothing, average                     float64
	seed                                            uint64
	checkpoints, out, grid                          string
}

func main() {
	var c config
	flag.StringVar(&c.model, "model", "article", "the networks: article (gan.MNISTGenerator and gan.MNISTDiscriminator) or dcgan (gan.NewDCGAN(28, 1))")
	flag.IntVar(&c.steps, "steps", 3000, "training steps (one D and one G update each)")
	flag.IntVar(&c.batch, "batch", 64, "images per batch")
	flag.IntVar(&c.featureMaps, "feature-maps", gan.MNISTGenerator().FeatureMaps, "generator width (article) or both networks' base width F (dcgan)")
	flag.IntVar(&c.classes, "classes", 0, "10 for a class-conditional pair (a row per digit), 0 for an unconditional one")
	flag.Float64Var(&c.lr, "lr", 2e-4, "Adam's learning rate (G's, and D's unless -lr-d)")
	flag.Float64Var(&c.lrD, "lr-d", 0, "D's learning rate when it differs from G's (two time-scales)")
	flag.Float64Var(&c.smoothing, "label-smoothing", 0, "one-sided label smoothing: D's target for real digits is 1 minus this")
	flag.Float64Var(&c.average, "average", 0, "decay β of an exponential moving average of G's weights (0.999 is usual), which the FID, -grid and -out then use; 0 for none")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the weights, latent codes and batch order")
	flag.IntVar(&c.fidEvery, "fid-every", 500, "steps between FID measurements (and checkpoints)")
	flag.IntVar(&c.fidSamples, "fid-samples", 5000, "generated images per FID measurement")
	flag.StringVar(&c.checkpoints, "checkpoints", filepath.Join(os.TempDir(), "neuralart-trainmnist"), "checkpoint directory")
	flag.StringVar(&c.out, "out", "", "safetensors file for the trained generator (none when empty)")
	flag.BoolVar(&c.selectBest, "select", false, "make -out and -grid the generator of the measured step with the lowest FID against 10 000 training digits (see the package doc)")
	flag.StringVar(&c.grid, "grid", "", "PNG file for a 10x10 grid of the trained generator's samples, a row per digit when conditional (none when empty)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		log.Fatal(err)
	}
}

// featureBatch is how many images go through LeNet at once.
const featureBatch = 500

// networks returns the pair the command line names.
func networks(c config) (gan.Generator, gan.Discriminator, error) {
	switch c.model {
	case "article":
		g, d := gan.MNISTGenerator(), gan.MNISTDiscriminator()
		g.FeatureMaps, g.NumClasses, d.NumClasses = c.featureMaps, c.classes, c.classes
		return g, d, nil
	case "dcgan":
		g, d := gan.NewDCGAN(28, 1)
		g.Features, d.Features = c.featureMaps, c.featureMaps
		g.NumClasses, d.NumClasses = c.classes, c.classes
		return g, d, nil
	}
	return nil, nil, fmt.Errorf("trainmnist: -model must be article or dcgan, got %q", c.model)
}

func run(ctx context.Context, c config) error {
	g, d, err := networks(c)
	if err != nil {
		return err
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	featureNet, err := lenet.Pretrained(b)
	if err != nil {
		return err
	}
	testStats, err := mnistStats(featureNet, datasets.Test)
	if err != nil {
		return err
	}
	trainSet, err := datasets.LoadMNIST(datasets.Train, datasets.MNISTOptions{})
	if err != nil {
		return err
	}
	batches, err := trainSet.Batches(datasets.BatchOptions{BatchSize: c.batch, Seed: c.seed, DropLast: true, Scale: datasets.MinusOneToOne})
	if err != nil {
		return err
	}
	trainer, err := gan.NewTrainer(b, g, d, gan.Batches(batches), gan.Options{
		LearningRate: c.lr, DiscriminatorLearningRate: c.lrD, LabelSmoothing: c.smoothing, GeneratorAverage: c.average,
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
	fmt.Printf("%s pair, %d classes, %d steps of batch %d, width %d, %s backend; FID of %d samples vs MNIST test\n",
		c.model, c.classes, c.steps, c.batch, c.featureMaps, b.Name(), c.fidSamples)
	var selected selection
	if c.selectBest {
		if c.out == "" {
			return errors.New("trainmnist: -select needs -out")
		}
		if selected, err = readSelection(c.out); err != nil {
			return err
		}
	}
	trainStats, err := metrics.StatsOf(featureNet, metrics.DatasetImages(trainSet.Subset(selectionDigits), featureBatch))
	if err != nil {
		return err
	}
	start := time.Now()
	for next := (trainer.Steps()/c.fidEvery + 1) * c.fidEvery; trainer.Steps() < c.steps; next += c.fidEvery {
		if err := trainer.Train(ctx, min(next, c.steps)); err != nil {
			return err
		}
		sampler, err := evaluated(trainer, c)
		if err != nil {
			return err
		}
		generated, err := metrics.StatsOf(featureNet, sampler.ImagesFor(c.fidSamples, trainSet.Labels, featureBatch, 7))
		if err != nil {
			return err
		}
		fid, err := metrics.FrechetDistance(generated, testStats)
		if err != nil {
			return err
		}
		fidTrain, err := metrics.FrechetDistance(generated, trainStats)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("step %5d  FID %7.2f  (train digits %.2f", trainer.Steps(), fid, fidTrain)
		if c.average != 0 {
			live, err := metrics.StatsOf(featureNet, trainer.Sampler().ImagesFor(c.fidSamples, trainSet.Labels, featureBatch, 7))
			if err != nil {
				return err
			}
			liveFID, err := metrics.FrechetDistance(live, testStats)
			if err != nil {
				return err
			}
			line += fmt.Sprintf("; live weights %.2f", liveFID)
		}
		line += ")"
		better := c.selectBest && (selected.Step == 0 || fidTrain < selected.TrainFID)
		if better {
			line += "  selected"
		}
		fmt.Printf("%s  %s\n", line, time.Since(start).Round(time.Second))
		if better {
			selected = selection{Step: trainer.Steps(), TrainFID: fidTrain, TestFID: fid}
			if err := write(trainer, sampler, c, selected); err != nil {
				return err
			}
		}
	}
	if c.selectBest {
		fmt.Printf("%s holds step %d: FID %.2f (train digits %.2f)\n", c.out, selected.Step, selected.TestFID, selected.TrainFID)
		return nil
	}
	sampler, err := evaluated(trainer, c)
	if err != nil {
		return err
	}
	return write(trainer, sampler, c, selection{})
}

// selectionDigits is how many training digits -select compares with.
const selectionDigits = 10000

// selection is the step -select chose, as <out>.selected.json keeps it.
type selection struct {
	Step              int
	TrainFID, TestFID float64
}

func selectionPath(out string) string { return out + ".selected.json" }

// readSelection returns the step chosen by an earlier run into out, if any.
func readSelection(out string) (selection, error) {
	var s selection
	data, err := os.ReadFile(selectionPath(out))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &s)
	}
	if err != nil {
		return s, fmt.Errorf("trainmnist: the earlier selection: %w", err)
	}
	return s, nil
}

// write writes -grid and -out from sampler (the trainer's current
// generator), and the selection beside -out when -select chose it.
func write(trainer *gan.Trainer, sampler *gan.Sampler, c config, chosen selection) error {
	if c.grid != "" {
		if err := saveGrid(sampler, c.grid); err != nil {
			return err
		}
		fmt.Printf("samples written to %s\n", c.grid)
	}
	if c.out == "" {
		return nil
	}
	if err := trainer.SaveGenerator(c.out); err != nil {
		return err
	}
	fmt.Printf("generator written to %s\n", c.out)
	if !c.selectBest {
		return nil
	}
	return atomicfile.Write(selectionPath(c.out), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(chosen)
	})
}

// evaluated is the generator that the FID, -grid and -out use: the average
// of its weights with -average, the live weights otherwise.
func evaluated(trainer *gan.Trainer, c config) (*gan.Sampler, error) {
	if c.average != 0 {
		return trainer.AveragedSampler()
	}
	return trainer.Sampler(), nil
}

// saveGrid writes 100 samples at 4x, 10 to a row: row k asks for digit k
// when the generator is class-conditional.
func saveGrid(s *gan.Sampler, path string) error {
	var labels []int
	if s.G.Classes() > 0 {
		for i := range 100 {
			labels = append(labels, i/10)
		}
	}
	samples, err := s.GenerateClasses(gan.RandomLatents(s.G, 100, 2024), labels)
	if err != nil {
		return err
	}
	grid, err := images.GridTensor(samples, images.NCHW, images.GridOptions{NRow: 10, Normalize: true, ValueRange: [2]float32{-1, 1}})
	if err != nil {
		return err
	}
	return images.SavePNG(path, images.Resize(grid, 4*grid.Bounds().Dx()))
}

// mnistStats returns the LeNet feature statistics of an MNIST split.
func mnistStats(featureNet *lenet.Net, split datasets.Split) (*metrics.Stats, error) {
	d, err := datasets.LoadMNIST(split, datasets.MNISTOptions{})
	if err != nil {
		return nil, err
	}
	return metrics.StatsOf(featureNet, metrics.DatasetImages(d, featureBatch))
}
