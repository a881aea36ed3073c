package images

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	"github.com/neuralart/neuralart/pkg/internal/atomicfile"
)

// DefaultJPEGQuality is the quality [Save] uses for .jpg and .jpeg files.
const DefaultJPEGQuality = 95

// Save writes img to path as PNG or JPEG, chosen by the extension (.png,
// .jpg, .jpeg). The file is written to a temporary name and renamed, so a
// reader never sees half an image.
func Save(path string, img image.Image) error {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		return SavePNG(path, img)
	case ".jpg", ".jpeg":
		return SaveJPEG(path, img, DefaultJPEGQuality)
	default:
		return fmt.Errorf("images: cannot save %s: expected a .png, .jpg or .jpeg extension, got %q", path, ext)
	}
}

// SavePNG writes img to path as a PNG, atomically.
func SavePNG(path string, img image.Image) error {
	return writeAtomically(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// SaveJPEG writes img to path as a JPEG of the given quality (1..100),
// atomically.
func SaveJPEG(path string, img image.Image, quality int) error {
	if quality < 1 || quality > 100 {
		return fmt.Errorf("images: cannot save %s: JPEG quality must be in 1..100, got %d", path, quality)
	}
	return writeAtomically(path, func(w io.Writer) error {
		return jpeg.Encode(w, img, &jpeg.Options{Quality: quality})
	})
}

// writeAtomically writes through encode so that path never holds a
// half-written image (see atomicfile).
func writeAtomically(path string, encode func(io.Writer) error) error {
	if err := atomicfile.Write(path, encode); err != nil {
		return fmt.Errorf("images: saving %s: %w", path, err)
	}
	return nil
}
