package vgg

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/neuralart/neuralart/pkg/download"
	"github.com/neuralart/neuralart/pkg/weights"
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

// Torchvision's ImageNet-trained VGG-16 (torchvision.models.VGG16_Weights.IMAGENET1K_V1),
// the loss network of fast_neural_style.
const (
	TorchvisionVGG16URL = "https://download.pytorch.org/models/vgg16-397923af.pth"
	// TorchvisionVGG16SHA256Prefix is the start of its SHA-256, as for VGG-19.
	TorchvisionVGG16SHA256Prefix = "397923af"
)

// WeightsEnvVar names an environment variable holding the path of a VGG-19
// weights file (.pth or safetensors, torchvision key names) that Default
// prefers to the download cache.
const WeightsEnvVar = "NEURALART_VGG19"

// WeightsVGG16EnvVar is WeightsEnvVar for VGG-16 (VGG16.Default).
const WeightsVGG16EnvVar = "NEURALART_VGG16"

// DefaultSeed is the seed of the random weights Default falls back to.
const DefaultSeed = 2016

// URL returns where torchvision publishes the architecture's ImageNet weights.
func (a Architecture) URL() string {
	if a == VGG16 {
		return TorchvisionVGG16URL
	}
	return TorchvisionURL
}

// SHA256Prefix returns the start of the SHA-256 of the file at URL, which
// torchvision puts in its file names.
func (a Architecture) SHA256Prefix() string {
	if a == VGG16 {
		return TorchvisionVGG16SHA256Prefix
	}
	return TorchvisionSHA256Prefix
}

// EnvVar returns the environment variable that names a weights file for
// the architecture (WeightsEnvVar or WeightsVGG16EnvVar).
func (a Architecture) EnvVar() string {
	if a == VGG16 {
		return WeightsVGG16EnvVar
	}
	return WeightsEnvVar
}

// CachedPath returns where Download stores torchvision's VGG-19 file (in
// download.CacheDir()); the file may not exist yet.
func CachedPath() (string, error) { return VGG19.CachedPath() }

// CachedPath returns where Download stores torchvision's file of the
// architecture; the file may not exist yet.
func (a Architecture) CachedPath() (string, error) {
	return download.Path(a.URL(), download.Options{})
}

// Download fetches torchvision's VGG-19 weights (548 MiB) into the cache
// directory unless they are already there, checks the SHA-256 (opts.SHA256
// when given, else TorchvisionSHA256Prefix) and returns the file's path.
// opts.Progress, when set, receives a progress line every few seconds.
func Download(ctx context.Context, opts download.Options) (string, error) {
	return VGG19.Download(ctx, opts)
}

// Download is the package's Download for the architecture's file (VGG-16:
// 528 MiB, checked against TorchvisionVGG16SHA256Prefix).
func (a Architecture) Download(ctx context.Context, opts download.Options) (string, error) {
	if opts.SHA256 == "" {
		opts.SHA256 = a.SHA256Prefix()
	}
	return download.Fetch(ctx, a.URL(), opts)
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
func Default() (m *Model, real bool, err error) { return VGG19.Default() }

// Default is the package's Default for the architecture: VGG-16 looks at
// $NEURALART_VGG16 and vgg16-397923af.pth in the same two caches.
func (a Architecture) Default() (m *Model, real bool, err error) {
	path := os.Getenv(a.EnvVar())
	if path == "" {
		cached, err := a.CachedPath()
		if err != nil {
			return nil, false, err
		}
		for _, candidate := range []string{cached, torchHubPath(a.URL())} {
			if _, err := os.Stat(candidate); err == nil {
				path = candidate
				break
			}
		}
		if path == "" {
			m, err := a.Random(DefaultSeed, 1)
			return m, false, err
		}
	}
	f, err := weights.Open(path)
	if err == nil {
		defer f.Close()
		m, err = a.FromFile(f)
	}
	if err != nil {
		return nil, false, fmt.Errorf("vgg: loading the %s weights at %s (delete the file or set $%s to another to fall back): %w", a, path, a.EnvVar(), err)
	}
	return m, true, nil
}

// torchHubPath is where torch.hub (torchvision's loader) caches the file at
// url: $TORCH_HOME/hub/checkpoints, TORCH_HOME defaulting to
// $XDG_CACHE_HOME/torch or ~/.cache/torch.
func torchHubPath(url string) string {
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
	return filepath.Join(home, "hub", "checkpoints", path.Base(url))
}
