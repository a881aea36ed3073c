// Command fetchweights downloads torchvision's ImageNet-trained VGG-19
// weights into neuralart's download cache, checks them, and says where they
// are. scripts/fetch-weights.sh runs it; see docs/weights.md.
//
// Usage:
//
//	go run ./scripts/fetchweights [-sha256 HEX] [-dir DIR] [-safetensors OUT]
//
// With -safetensors it also writes the 32 convolution tensors (80 MB of the
// 548 MiB file) to OUT in the safetensors format, for tools that prefer it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/neuralart/neuralart/pkg/download"
	"github.com/neuralart/neuralart/pkg/vgg"
	"github.com/neuralart/neuralart/pkg/weights"
)

func main() {
	sha := flag.String("sha256", "", "expected SHA-256 of the file (default: check torchvision's prefix "+vgg.TorchvisionSHA256Prefix+")")
	dir := flag.String("dir", "", "cache directory (default $"+download.CacheEnvVar+", else the user cache dir + /neuralart)")
	out := flag.String("safetensors", "", "also write the features' weights to this safetensors file")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Downloads VGG-19 weights from %s\ninto neuralart's cache, checks them and prints their path.\n\n", vgg.TorchvisionURL)
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*sha, *dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "fetch-weights:", err)
		os.Exit(1)
	}
}

func run(sha, dir, out string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(os.Stderr, "fetching %s\n", vgg.TorchvisionURL)
	path, err := vgg.Download(ctx, download.Options{Dir: dir, SHA256: sha, Progress: os.Stderr})
	if err != nil {
		return err
	}
	sum, err := download.FileSHA256(path)
	if err != nil {
		return err
	}
	model, err := vgg.Load(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "SHA-256 %s\n%s\n", sum, model)
	if out != "" {
		if err := saveFeatures(path, out); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", out)
	}
	if dir != "" {
		fmt.Fprintf(os.Stderr, "vgg.Default() looks in the default cache: set %s=%s to use this file\n", vgg.WeightsEnvVar, path)
	}
	fmt.Println(path)
	return nil
}

// saveFeatures copies VGG-19's convolution weights from the file at path
// into a safetensors file at out.
func saveFeatures(path, out string) error {
	want := map[string][]int{}
	for _, k := range vgg.WeightKeys() {
		want[k] = nil // shapes were checked by vgg.Load
	}
	tensors, err := weights.Load(path, want)
	if err != nil {
		return err
	}
	return weights.SaveSafetensors(out, tensors, map[string]string{"format": "pt", "source": vgg.TorchvisionURL})
}
