package vgg

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"

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

// Download fetches torchvision's VGG-19 weights (548 MiB) into the cache
// directory unless they are already there, checks the SHA-256 (opts.SHA256
// when given, else TorchvisionSHA256Prefix) and returns the file's path.
// opts.Progress, when set, receives a progress line every few seconds.
func Download(ctx context.Context, opts download.Options) (string, error) {
	if opts.SHA256 == "" {
		opts.SHA256 = TorchvisionSHA256Prefix
	}
	return download.Fetch(ctx, TorchvisionURL, opts)
}

// Default returns VGG-19 with trained weights when it finds them, and
// real = true. It looks, in order, at the file named by $NEURALART_VGG19,
// torchvision's file in neuralart's download cache (see Download) and in
// PyTorch's own cache (torch.hub: $TORCH_HOME/hub/checkpoints, by default
// ~/.cache/torch/hub/checkpoints), where anyone who has run torchvision's
// vgg19(weights=...) already has it. Otherwise it returns Random(DefaultSeed)
// and real = false, so that code runs everywhere; callers should tell their
// users (m.String() says "RANDOM weights"). A weights file that exists but
// cannot be loaded is an error, never silently replaced by random weights.
func Default() (m *Model, real bool, err error) {
	path := os.Getenv(WeightsEnvVar)
	if path == "" {
		cached, err := CachedPath()
		if err != nil {
			return nil, false, err
		}
		for _, candidate := range []string{cached, torchHubPath()} {
			if _, err := os.Stat(candidate); err == nil {
				path = candidate
				break
			}
		}
		if path == "" {
			return Random(DefaultSeed), false, nil
		}
	}
	m, err = Load(path)
	if err != nil {
		return nil, false, fmt.Errorf("vgg: loading the VGG-19 weights at %s (delete the file or set $%s to another to fall back): %w", path, WeightsEnvVar, err)
	}
	return m, true, nil
}

// torchHubPath is where torch.hub (torchvision's loader) caches the file:
// $TORCH_HOME/hub/checkpoints, TORCH_HOME defaulting to $XDG_CACHE_HOME/torch
// or ~/.cache/torch.
func torchHubPath() string {
	home := os.Getenv("TORCH_HOME")
	if home == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			userHome, err := os.UserHomeDir()
			if err != nil {
				return ""
			}
			cache = filepath.Join(userHome, ".cache")
		}
		home = filepath.Join(cache, "torch")
	}
	return filepath.Join(home, "hub", "checkpoints", path.Base(TorchvisionURL))
}
