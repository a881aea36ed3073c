// Command trainsample trains the TransformerNet shipped in notebooks/models:
// one style image, a few content images as random crops and flips, and
// vgg.VGG16.Default() as loss network (the ImageNet VGG-16 when it has been
// downloaded, else random weights, which is what this machine has). It
// resumes from -checkpoints when a run was interrupted, stops after -steps
// or -minutes, and writes the network's weights (safetensors with
// fast_neural_style's keys) to -out.
//
//	go run ./pkg/transformernet/internal/trainsample -style notebooks/images/hubble_deep_field.jpg \
//	    -out notebooks/models/transformernet-hubble.safetensors
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/transformernet"
	"github.com/neuralart/neuralart/pkg/vgg"
)

func main() {
	defaults := transformernet.DefaultTrainOptions()
	style := flag.String("style", "notebooks/images/hubble_deep_field.jpg", "style image")
	content := flag.String("content", "notebooks/images/astronaut.png,notebooks/images/coffee.png,notebooks/images/chelsea.png,notebooks/images/rocket.jpg", "content images, comma-separated")
	out := flag.String("out", "", "where to write the trained weights (safetensors)")
	preview := flag.String("preview", "", "also write the style and the stylised content images, side by side, to this PNG")
	dir := flag.String("checkpoints", "", "checkpoint directory (resumed from when it holds checkpoints)")
	width := flag.Int("width", 16, "channels of the first layer (fast_neural_style: 32)")
	size := flag.Int("size", 128, "side of the content crops (fast_neural_style: 256)")
	styleSize := flag.Int("style-size", 256, "long side of the style image")
	batch := flag.Int("batch", 2, "batch size (fast_neural_style: 4)")
	steps := flag.Int("steps", 2000, "training steps")
	minutes := flag.Float64("minutes", 40, "stop (and save) after this many minutes")
	contentWeight := flag.Float64("content-weight", defaults.ContentWeight, "content weight")
	styleWeight := flag.Float64("style-weight", defaults.StyleWeight, "style weight")
	lr := flag.Float64("lr", defaults.LearningRate, "Adam's learning rate")
	seed := flag.Uint64("seed", defaults.Seed, "seed of the weights and the crops")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "trainsample: -out is required")
		os.Exit(2)
	}
	opts := defaults
	opts.Width, opts.StyleSize, opts.ContentWeight, opts.StyleWeight, opts.LearningRate, opts.Seed = *width, *styleSize, *contentWeight, *styleWeight, *lr, *seed
	opts.CheckpointDir, opts.CheckpointEvery, opts.ReportEvery, opts.Log = *dir, 100, 25, os.Stderr
	if err := run(*style, strings.Split(*content, ","), *out, *preview, *size, *batch, *steps, time.Duration(*minutes*float64(time.Minute)), opts); err != nil {
		fmt.Fprintln(os.Stderr, "trainsample:", err)
		os.Exit(1)
	}
}

func run(stylePath string, contentPaths []string, out, preview string, size, batch, steps int, budget time.Duration, opts transformernet.TrainOptions) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	load := func(path string) (image.Image, error) { return images.Load(ctx, path, images.LoadOptions{}) }
	styleImage, err := load(stylePath)
	if err != nil {
		return err
	}
	var contents []image.Image
	for _, p := range contentPaths {
		img, err := load(p)
		if err != nil {
			return err
		}
		contents = append(contents, img)
	}
	lossNet, real, err := vgg.VGG16.Default()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loss network: %s (trained: %v)\n", lossNet, real)
	b, err := backend.New()
	if err != nil {
		return err
	}
	crops := transformernet.RandomCrops{Images: contents, Size: size, BatchSize: batch, Seed: opts.Seed}
	tr, err := transformernet.NewTrainer(b, lossNet, styleImage, crops, opts)
	if err != nil {
		return err
	}
	if opts.CheckpointDir != "" {
		if ok, err := tr.Resume(); err != nil {
			return err
		} else if ok {
			fmt.Fprintf(os.Stderr, "resumed at step %d\n", tr.Steps())
		}
	}
	start := time.Now()
	err = tr.Train(ctx, steps)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	net, err := tr.Net()
	if err != nil {
		return err
	}
	meta := map[string]string{
		"format":       "pt",
		"model":        "fast_neural_style TransformerNet",
		"style":        stylePath,
		"content":      strings.Join(contentPaths, ","),
		"loss_network": lossNet.String(),
		"training": fmt.Sprintf("%d steps, batch %d, %dpx random crops and flips, style size %d, content weight %g, style weight %g, Adam lr %g, seed %d",
			tr.Steps(), batch, size, opts.StyleSize, opts.ContentWeight, opts.StyleWeight, opts.LearningRate, opts.Seed),
	}
	if err := net.Save(out, meta); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s after %d steps (%v this run): wrote %s\n", net, tr.Steps(), time.Since(start).Round(time.Second), out)
	if preview == "" {
		return nil
	}
	s, err := transformernet.NewStylizer(b, net)
	if err != nil {
		return err
	}
	panels := []images.Panel{{Label: "style", Image: styleImage}}
	for i, img := range contents {
		styled, err := s.Stylize(context.Background(), images.Resize(img, 256))
		if err != nil {
			return err
		}
		panels = append(panels, images.Panel{Label: contentPaths[i], Image: styled})
	}
	return images.Save(preview, images.Panels(panels, images.PanelOptions{Height: 192}))
}
