// Command trainlenet trains the metrics package's MNIST classifier on
// MNIST's training set with the project's backend and writes its weights
// (run by go generate in pkg/metrics):
//
//	go run ./internal/trainlenet -out lenet_mnist.safetensors
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/datasets"
	"github.com/neuralart/neuralart/pkg/lenet"
)

func main() {
	out := flag.String("out", lenet.WeightsFile, "safetensors file to write")
	epochs := flag.Int("epochs", 2, "epochs over MNIST's 60000 training images")
	seed := flag.Uint64("seed", 1, "seed of the initial weights and batch order")
	flag.Parse()

	b, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	trainSet, err := datasets.LoadMNIST(datasets.Train, datasets.MNISTOptions{})
	if err != nil {
		log.Fatal(err)
	}
	testSet, err := datasets.LoadMNIST(datasets.Test, datasets.MNISTOptions{})
	if err != nil {
		log.Fatal(err)
	}
	// Ctrl-C stops the training at the next step.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	net, err := lenet.Train(ctx, b, trainSet, lenet.TrainOptions{Epochs: *epochs, Seed: *seed, Progress: os.Stderr, ProgressEvery: 30 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	elapsed := time.Since(start)
	acc, err := net.Accuracy(testSet, 500)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("trained in %s on %s; test accuracy %.4f\n", elapsed.Round(time.Second), b.Name(), acc)
	meta := map[string]string{
		"model":         "LeNet-style MNIST classifier of github.com/neuralart/neuralart/pkg/metrics",
		"trained_by":    "lenet.Train (go generate in pkg/lenet)",
		"epochs":        strconv.Itoa(*epochs),
		"seed":          strconv.FormatUint(*seed, 10),
		"backend":       b.Name(),
		"train_time":    elapsed.Round(time.Second).String(),
		"test_accuracy": strconv.FormatFloat(acc, 'f', 4, 64),
	}
	if err := net.Save(*out, meta); err != nil {
		log.Fatal(err)
	}
}
