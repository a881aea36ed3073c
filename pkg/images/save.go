package images

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// writeAtomically writes through encode into a temporary file next to path
// and renames it into place once complete.
func writeAtomically(path string, encode func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("images: saving %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // Fails harmlessly once renamed.
	if err := encode(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("images: encoding %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("images: saving %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("images: saving %s: %w", path, err)
	}
	return nil
}
