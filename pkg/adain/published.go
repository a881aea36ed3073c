package adain

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/neuralart/neuralart/pkg/download"
)

// PublishedDir is the subdirectory of the download cache
// (download.CacheDir) that holds naoto0804/pytorch-AdaIN's published files,
// vgg_normalised.pth and decoder.pth (scripts/fetch-weights.sh puts them
// there).
const PublishedDir = "adain"

// PublishedPaths returns where the published encoder and decoder are
// expected; the files may not exist.
func PublishedPaths() (encoder, decoder string, err error) {
	cache, err := download.CacheDir()
	if err != nil {
		return "", "", err
	}
	dir := filepath.Join(cache, PublishedDir)
	return filepath.Join(dir, "vgg_normalised.pth"), filepath.Join(dir, "decoder.pth"), nil
}

// LoadPublished loads the published encoder and decoder from the download
// cache. When either file is missing the error wraps fs.ErrNotExist, so that
// callers can fall back to models trained here and say so; a file that is
// there but does not load is an error of its own.
func LoadPublished() (*Encoder, *Decoder, error) {
	encPath, decPath, err := PublishedPaths()
	if err != nil {
		return nil, nil, err
	}
	for _, p := range []string{encPath, decPath} {
		if _, err := os.Stat(p); err != nil {
			return nil, nil, fmt.Errorf("adain: the published models are not in the cache (run scripts/fetch-weights.sh): %w", err)
		}
	}
	enc, err := LoadEncoder(encPath)
	if err != nil {
		return nil, nil, err
	}
	dec, err := LoadDecoder(decPath)
	if err != nil {
		return nil, nil, err
	}
	return enc, dec, nil
}
