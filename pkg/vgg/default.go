package vgg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/neuralart/neuralart/pkg/download"
)

// Torchvision's ImageNet-trained VGG-19 (torchvision.models.VGG19_Weights.IMAGENET1K_V1).
const (
	TorchvisionURL = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth"
	// TorchvisionSHA256Prefix is the start of the file's SHA-256, which
	// torchvision puts in its file names and checks on download
	// (torch.hub's check_hash). The full digest is not recorded here because
	// it could not be verified while writing this package; pass it in
	// download.Options.SHA256 to Download when you have it.
	TorchvisionSHA256Prefix = "dcbb9e9d"
)

// WeightsEnvVar names an environment variable holding the path of a VGG-19
// weights file (.pth or safetensors, torchvision key names) that Default
// prefers to the download cache.
const WeightsEnvVar = "NEURALART_VGG19"

// DefaultSeed is the seed of the random weights Default falls back to.
const DefaultSeed = 2016

// CachedPath returns where Download stores torchvision's file (in
// download.CacheDir()); the file may not exist yet.
func CachedPath() (string, error) {
	return download.Path(TorchvisionURL, download.Options{})
}

// Download fetches torchvision's VGG-19 weights (548 MB) into the cache
// directory unless they are already there, checks the SHA-256 (opts.SHA256
// when given, else TorchvisionSHA256Prefix) and returns the file's path.
// opts.Progress, when set, receives a progress line every few seconds.
func Download(ctx context.Context, opts download.Options) (string, error) {
	if opts.SHA256 == "" {
		opts.SHA256 = TorchvisionSHA256Prefix
	}
	return download.Fetch(ctx, TorchvisionURL, opts)
}

// Default returns VGG-19 with trained weights when it finds them — the file
// named by $NEURALART_VGG19, else torchvision's file in the download cache
// (see Download) — and real = true. Otherwise it returns Random(DefaultSeed)
// and real = false, so that code runs everywhere; callers should tell their
// users (m.String() says "RANDOM weights"). A weights file that exists but
// cannot be loaded is an error, never silently replaced by random weights.
func Default() (m *Model, real bool, err error) {
	path := os.Getenv(WeightsEnvVar)
	if path == "" {
		if path, err = CachedPath(); err != nil {
			return nil, false, err
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return Random(DefaultSeed), false, nil
		}
	}
	m, err = Load(path)
	if err != nil {
		return nil, false, fmt.Errorf("vgg: loading the VGG-19 weights at %s (delete the file or unset $%s to fall back to random weights): %w", path, WeightsEnvVar, err)
	}
	return m, true, nil
}
