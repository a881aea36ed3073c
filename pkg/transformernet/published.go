package transformernet

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/neuralart/neuralart/pkg/download"
	"github.com/neuralart/neuralart/pkg/internal/atomicfile"
)

// PublishedURL is where fast_neural_style's download_saved_models.py fetches
// its four trained models (a zip of saved_models/<style>.pth). Their
// SHA-256 is published nowhere; see DownloadPublished.
const PublishedURL = "https://www.dropbox.com/s/lrvwfehqdcxoza8/saved_models.zip?dl=1"

// PublishedStyles are the styles of fast_neural_style's published models.
var PublishedStyles = []string{"candy", "mosaic", "rain_princess", "udnie"}

// publishedZip is the zip's name in the download cache.
const publishedZip = "fast_neural_style_saved_models.zip"

// publishedDir is the cache subdirectory the models are extracted into.
const publishedDir = "fast_neural_style"

// maxModelBytes bounds what DownloadPublished extracts from one zip entry:
// a full-width TransformerNet is 6.7 MB.
const maxModelBytes = 64 << 20

// modelName is the file name of an extractable model.
var modelName = regexp.MustCompile(`^[A-Za-z0-9_-]+\.(pth|model)$`)

// PublishedPath returns where DownloadPublished puts the model of a style
// (in download.CacheDir(), under fast_neural_style/); the file may not exist.
func PublishedPath(style string) (string, error) {
	dir, err := download.CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, publishedDir, style+".pth"), nil
}

// LoadPublished loads the published model of a style (one of
// PublishedStyles) from the download cache. When DownloadPublished has not
// run, the error wraps fs.ErrNotExist, so that callers can fall back to a
// model trained here and say so.
func LoadPublished(style string) (*Net, error) {
	p, err := PublishedPath(style)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(p); err != nil {
		return nil, fmt.Errorf("transformernet: fast_neural_style's %q model is not in the cache (run scripts/fetch-weights.sh): %w", style, err)
	}
	return Load(p)
}

// DownloadPublished fetches fast_neural_style's models (PublishedURL) into
// the cache directory (opts.Dir, else download.CacheDir()) unless the zip
// is already there, extracts its .pth files into fast_neural_style/ beside
// it, loads each to check that it is a TransformerNet, and returns their
// paths by style. The zip is checked against opts.SHA256 when given; no
// digest is published for it, so without one the file is taken as served
// (scripts/fetchweights records the digest of its first download and
// checks later ones against it).
func DownloadPublished(ctx context.Context, opts download.Options) (map[string]string, error) {
	if opts.Name == "" {
		opts.Name = publishedZip
	}
	zipPath, err := download.Fetch(ctx, PublishedURL, opts)
	if err != nil {
		return nil, err
	}
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, fmt.Errorf("transformernet: %s is not a zip archive (delete it to download again): %w", zipPath, err)
	}
	defer r.Close()
	dir := filepath.Join(filepath.Dir(zipPath), publishedDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("transformernet: %w", err)
	}
	paths := map[string]string{}
	for _, f := range r.File {
		name := path.Base(f.Name)
		if f.FileInfo().IsDir() || !modelName.MatchString(name) {
			continue
		}
		if f.UncompressedSize64 > maxModelBytes {
			return nil, fmt.Errorf("transformernet: %s: %s is %d bytes, more than a TransformerNet (at most %d)", zipPath, f.Name, f.UncompressedSize64, maxModelBytes)
		}
		style := strings.TrimSuffix(name, path.Ext(name))
		dst := filepath.Join(dir, style+".pth")
		if err := extract(f, dst); err != nil {
			return nil, fmt.Errorf("transformernet: %s: extracting %s: %w", zipPath, f.Name, err)
		}
		if _, err := Load(dst); err != nil {
			return nil, err
		}
		paths[style] = dst
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("transformernet: %s holds no .pth model (it has %d entries)", zipPath, len(r.File))
	}
	return paths, nil
}

// extract writes the zip entry f to dst atomically, reading at most
// maxModelBytes (the header's size may lie).
func extract(f *zip.File, dst string) error {
	src, err := f.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	return atomicfile.Write(dst, func(w io.Writer) error {
		n, err := io.Copy(w, io.LimitReader(src, maxModelBytes+1))
		if err == nil && n > maxModelBytes {
			err = fmt.Errorf("more than %d bytes", maxModelBytes)
		}
		return err
	})
}
