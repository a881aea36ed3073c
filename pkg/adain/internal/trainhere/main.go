// Command trainhere trains the AdaIN decoder that notebooks/models ships:
// a decoder for a random-weight encoder (no trained VGG can be downloaded
// where it was made), on the sample images with random crops and flips.
// It saves the encoder and the decoder side by side, resumes from its
// checkpoints, and on SIGINT saves what it has.
//
//	go run ./pkg/adain/internal/trainhere -content notebooks/images/content -style ... -out notebooks/models
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/neuralart/neuralart/pkg/adain"
	"github.com/neuralart/neuralart/pkg/backend"
)

func main() {
	contentDir := flag.String("content", "", "folder of content images")
	styleDir := flag.String("style", "", "folder of style images")
	out := flag.String("out", "notebooks/models", "folder for adain-random-encoder.safetensors and adain-decoder.safetensors")
	checkpoints := flag.String("checkpoints", "", "checkpoint folder (resumed from when it has checkpoints)")
	steps := flag.Int("steps", 3000, "training steps")
	divisor := flag.Int("divisor", 4, "width divisor of the random encoder (1: the published widths)")
	seed := flag.Uint64("seed", 1, "seed of the encoder, the decoder and the batches")
	batch := flag.Int("batch", 4, "batch size")
	crop := flag.Int("crop", 128, "crop size")
	load := flag.Int("load", 256, "size the images are loaded at (then cropped)")
	lr := flag.Float64("lr", 1e-3, "Adam's learning rate at step 0")
	flag.Parse()
	if *contentDir == "" || *styleDir == "" {
		log.Fatal("trainhere: -content and -style are required")
	}

	b, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	enc, err := adain.RandomEncoder(*seed, *divisor)
	if err != nil {
		log.Fatal(err)
	}
	dataOpts := adain.DefaultFolderDataOptions()
	dataOpts.BatchSize, dataOpts.CropSize, dataOpts.LoadSize, dataOpts.Flip, dataOpts.Seed = *batch, *crop, *load, true, *seed
	data, err := adain.NewFolderData(*contentDir, *styleDir, dataOpts)
	if err != nil {
		log.Fatal(err)
	}
	opts := adain.DefaultTrainOptions()
	opts.Steps, opts.Seed, opts.LearningRate = *steps, *seed, *lr
	opts.CheckpointDir, opts.CheckpointEvery, opts.ReportEvery, opts.Log = *checkpoints, 250, 50, os.Stderr
	trainer, err := adain.NewTrainer(b, enc, nil, data, opts)
	if err != nil {
		log.Fatal(err)
	}
	if resumed, _, err := trainer.Resume(); err != nil {
		log.Fatal(err)
	} else if resumed {
		log.Printf("trainhere: resumed at step %d", trainer.Steps())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := trainer.Train(ctx); errors.Is(err, context.Canceled) {
		log.Printf("trainhere: interrupted at step %d; saving what it has", trainer.Steps())
	} else if err != nil {
		log.Fatal(err)
	}
	if err := enc.Save(filepath.Join(*out, "adain-random-encoder.safetensors")); err != nil {
		log.Fatal(err)
	}
	if err := trainer.Decoder().Save(filepath.Join(*out, "adain-decoder.safetensors")); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("trainhere: %d steps; saved the encoder and decoder in %s\n", trainer.Steps(), *out)
}
