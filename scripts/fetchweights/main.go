// Command fetchweights downloads the pre-trained networks neuralart can use
// into its download cache, checks them, and says where they are.
// scripts/fetch-weights.sh runs it; see docs/weights.md.
//
// Usage:
//
//	go run ./scripts/fetchweights [-only LIST] [-sha256 HEX] [-dir DIR] [-safetensors OUT]
//
// The models (-only, comma-separated; default all):
//
//	vgg19              torchvision's ImageNet VGG-19 (Gatys et al.'s style transfer), 548 MiB
//	vgg16              torchvision's ImageNet VGG-16 (fast_neural_style's loss network), 528 MiB
//	fast_neural_style  pytorch/examples' four TransformerNets (candy, mosaic, rain_princess, udnie), one zip
//	adain              naoto0804/pytorch-AdaIN's vgg_normalised.pth and decoder.pth
//
// torchvision's files are checked against the SHA-256 prefix in their names
// (or -sha256, for VGG-19). The other projects publish no digest: the first
// download's SHA-256 is recorded beside the file (<file>.sha256) and later
// runs check the cached file against it, so a file that changes is noticed;
// pass -sha256-fns or -sha256-adain-vgg/-sha256-adain-decoder to check
// against digests you trust instead. Every file is then loaded, so that a
// download that is not the network it should be (an HTML page in place of a
// Google Drive file) is refused, not cached as a model.
//
// With -safetensors it also writes VGG-19's 32 convolution tensors (80 MB
// of the 548 MiB file) to OUT in the safetensors format, for tools that
// prefer it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"

	"github.com/neuralart/neuralart/pkg/adain"
	"github.com/neuralart/neuralart/pkg/download"
	"github.com/neuralart/neuralart/pkg/transformernet"
	"github.com/neuralart/neuralart/pkg/vgg"
	"github.com/neuralart/neuralart/pkg/weights"
)

// The files of naoto0804/pytorch-AdaIN, from its README's Google Drive links
// (vgg_normalized.pth, id 108uza-dsmwvbW2zv-G73jtVcMU_2Nb7Y; decoder.pth, id
// 1w9r1NoYnn7tql1VYG3qDUzkbIks24RBQ), on Drive's direct-download endpoint
// (confirm=t skips the virus-scan page Drive shows for files over 25 MB).
const (
	adainEncoderURL = "https://drive.usercontent.google.com/download?id=108uza-dsmwvbW2zv-G73jtVcMU_2Nb7Y&export=download&confirm=t"
	adainDecoderURL = "https://drive.usercontent.google.com/download?id=1w9r1NoYnn7tql1VYG3qDUzkbIks24RBQ&export=download&confirm=t"
	// adainDir is the cache subdirectory of AdaIN's files.
	adainDir = "adain"
)

var allModels = []string{"vgg19", "vgg16", "fast_neural_style", "adain"}

type flags struct {
	only, sha, dir, out                  string
	shaFNS, shaAdainVGG, shaAdainDecoder string
}

func main() {
	var f flags
	flag.StringVar(&f.only, "only", strings.Join(allModels, ","), "models to fetch, comma-separated: "+strings.Join(allModels, ", "))
	flag.StringVar(&f.sha, "sha256", "", "expected SHA-256 of VGG-19's file (default: check torchvision's prefix "+vgg.TorchvisionSHA256Prefix+")")
	flag.StringVar(&f.shaFNS, "sha256-fns", "", "expected SHA-256 of fast_neural_style's saved_models.zip (default: the one recorded at its first download)")
	flag.StringVar(&f.shaAdainVGG, "sha256-adain-vgg", "", "expected SHA-256 of AdaIN's vgg_normalised.pth (default: as recorded)")
	flag.StringVar(&f.shaAdainDecoder, "sha256-adain-decoder", "", "expected SHA-256 of AdaIN's decoder.pth (default: as recorded)")
	flag.StringVar(&f.dir, "dir", "", "cache directory (default $"+download.CacheEnvVar+", else the user cache dir + /neuralart)")
	flag.StringVar(&f.out, "safetensors", "", "also write VGG-19's features' weights to this safetensors file")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Downloads pre-trained networks (%s) into neuralart's cache,\nchecks them and prints their paths.\n\n", strings.Join(allModels, ", "))
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(f); err != nil {
		fmt.Fprintln(os.Stderr, "fetch-weights:", err)
		os.Exit(1)
	}
}

func run(f flags) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	models := strings.Split(f.only, ",")
	for _, m := range models {
		if !slices.Contains(allModels, m) {
			return fmt.Errorf("-only: unknown model %q; known: %s", m, strings.Join(allModels, ", "))
		}
	}
	if f.dir != "" {
		// The libraries look in download.CacheDir(): point it at -dir for this run.
		if err := os.Setenv(download.CacheEnvVar, f.dir); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "set %s=%s for the notebooks and programs to find these files\n", download.CacheEnvVar, f.dir)
	}
	for _, m := range models {
		var err error
		switch m {
		case "vgg19":
			err = fetchVGG(ctx, vgg.VGG19, f.sha, f.out)
		case "vgg16":
			err = fetchVGG(ctx, vgg.VGG16, "", "")
		case "fast_neural_style":
			err = fetchFastNeuralStyle(ctx, f.shaFNS)
		case "adain":
			err = fetchAdaIN(ctx, f.shaAdainVGG, f.shaAdainDecoder)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
	}
	return nil
}

func fetchVGG(ctx context.Context, arch vgg.Architecture, sha, out string) error {
	fmt.Fprintf(os.Stderr, "fetching %s\n", arch.URL())
	path, err := arch.Download(ctx, download.Options{SHA256: sha, Progress: os.Stderr})
	if err != nil {
		return err
	}
	sum, err := download.FileSHA256(path)
	if err != nil {
		return err
	}
	file, err := weights.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	model, err := arch.FromFile(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "SHA-256 %s\n%s\n", sum, model)
	if out != "" {
		if err := saveFeatures(arch, path, out); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", out)
	}
	fmt.Println(path)
	return nil
}

func fetchFastNeuralStyle(ctx context.Context, sha string) error {
	fmt.Fprintf(os.Stderr, "fetching %s\n", transformernet.PublishedURL)
	zipPath, err := download.Path(transformernet.PublishedURL, download.Options{Name: "fast_neural_style_saved_models.zip"})
	if err != nil {
		return err
	}
	if sha, err = pinnedSHA256(zipPath, sha); err != nil {
		return err
	}
	paths, err := transformernet.DownloadPublished(ctx, download.Options{Name: filepath.Base(zipPath), SHA256: sha, Progress: os.Stderr})
	if err != nil {
		return err
	}
	if err := recordSHA256(zipPath); err != nil {
		return err
	}
	for _, style := range slices.Sorted(maps.Keys(paths)) {
		fmt.Println(paths[style])
	}
	return nil
}

func fetchAdaIN(ctx context.Context, shaVGG, shaDecoder string) error {
	cache, err := download.CacheDir()
	if err != nil {
		return err
	}
	dir := filepath.Join(cache, adainDir)
	for _, file := range []struct {
		url, name, sha string
		check          func(string) error
	}{
		{adainEncoderURL, "vgg_normalised.pth", shaVGG, func(p string) error { _, err := adain.LoadEncoder(p); return err }},
		{adainDecoderURL, "decoder.pth", shaDecoder, func(p string) error { _, err := adain.LoadDecoder(p); return err }},
	} {
		fmt.Fprintf(os.Stderr, "fetching %s (%s)\n", file.name, file.url)
		opts := download.Options{Dir: dir, Name: file.name, Progress: os.Stderr}
		path := filepath.Join(dir, file.name)
		if opts.SHA256, err = pinnedSHA256(path, file.sha); err != nil {
			return err
		}
		if _, err := download.Fetch(ctx, file.url, opts); err != nil {
			return err
		}
		if err := file.check(path); err != nil {
			// Google Drive answers with an HTML page when it refuses a
			// direct download: do not leave that in the cache as a model.
			os.Remove(path)
			return fmt.Errorf("%w; the download is not AdaIN's %s and was deleted: download it by hand from "+
				"https://github.com/naoto0804/pytorch-AdaIN#download-models and put it at %s", err, file.name, path)
		}
		if err := recordSHA256(path); err != nil {
			return err
		}
		fmt.Println(path)
	}
	return nil
}

// pinnedSHA256 returns the digest to check the file at path against: the
// one given, else the one recorded at its first download (path + ".sha256"),
// else "" (nothing to check yet).
func pinnedSHA256(path, given string) (string, error) {
	if given != "" {
		return given, nil
	}
	recorded, err := os.ReadFile(path + ".sha256")
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(recorded)), nil
}

// recordSHA256 writes the file's SHA-256 to path + ".sha256" when none is
// recorded yet, and prints it.
func recordSHA256(path string) error {
	sum, err := download.FileSHA256(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "SHA-256 %s  %s\n", sum, filepath.Base(path))
	if _, err := os.Stat(path + ".sha256"); err == nil {
		return nil
	}
	return os.WriteFile(path+".sha256", []byte(sum+"\n"), 0o644)
}

// saveFeatures copies the architecture's convolution weights from the file
// at path into a safetensors file at out.
func saveFeatures(arch vgg.Architecture, path, out string) error {
	want := map[string][]int{}
	for _, k := range arch.WeightKeys() {
		want[k] = nil // shapes were checked by FromFile
	}
	tensors, err := weights.Load(path, want)
	if err != nil {
		return err
	}
	return weights.SaveSafetensors(out, tensors, map[string]string{"format": "pt", "source": arch.URL()})
}
