package images

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // Registers GIF with image.Decode.
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"strings"

	"github.com/neuralart/neuralart/pkg/download"
	"github.com/neuralart/neuralart/pkg/internal/errkind"
)

// ErrTooLarge is matched (errors.Is) by the errors that refuse an image, or an
// image size, over a pixel limit: from [Load] and [Decode] before any pixel is
// decoded, and from [CheckPixels]. A caller can then resize the source, or
// raise [LoadOptions.MaxPixels], and try again.
var ErrTooLarge = errors.New("images: image too large")

// DefaultMaxPixels is the largest image, in pixels (width × height), that
// [Load] and [Decode] accept unless [LoadOptions.MaxPixels] says otherwise:
// 40 megapixels, a large camera photo. Decoded it takes 160 MB as 8-bit RGBA
// and 480 MB as a float32 RGB tensor, and style transfer works at well under
// one megapixel anyway.
const DefaultMaxPixels = 40_000_000

// bytesPerPixelBound bounds the size of an encoded file by its pixel count:
// no PNG, JPEG or GIF needs more than 16-bit RGBA (8 bytes) per pixel plus
// metadata, so a longer file is refused before it fills memory.
const bytesPerPixelBound = 8

// metadataAllowance is the room left for metadata (EXIF, ICC profiles,
// comments) on top of bytesPerPixelBound.
const metadataAllowance = 16 << 20

// LoadOptions holds the rare knobs of [Load] and [Decode]; the zero value
// means the defaults.
type LoadOptions struct {
	// MaxPixels is the largest width × height accepted; 0 means
	// DefaultMaxPixels. Larger images are refused from their header, before
	// any pixel is decoded.
	MaxPixels int

	// Download configures how URLs are fetched (cache directory, expected
	// SHA-256...). Only used by Load with an http:// or https:// source.
	Download download.Options
}

func (o LoadOptions) maxPixels() int {
	if o.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return o.MaxPixels
}

// Load reads a PNG, JPEG or GIF image (the first frame of a GIF) from a
// file path or an http(s) URL. URLs are downloaded once into the download
// cache (see package download) and read from there. JPEGs are turned upright
// according to their EXIF orientation. Errors name the source.
func Load(ctx context.Context, src string, opts LoadOptions) (image.Image, error) {
	path := src
	if isURL(src) {
		var err error
		if path, err = download.Fetch(ctx, src, opts.Download); err != nil {
			return nil, fmt.Errorf("images: loading %s: %w", src, err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	defer f.Close()
	return Decode(f, src, opts)
}

func isURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}

// Decode reads a PNG, JPEG or GIF image from r; name (usually the file
// name) is only used in error messages. It checks the size in the header
// against the pixel limit before decoding, and applies the EXIF orientation
// of JPEGs. Errors match [ErrTooLarge] for an image over the limit and the
// standard library's image.ErrFormat for data that is no PNG, JPEG or GIF.
func Decode(r io.Reader, name string, opts LoadOptions) (image.Image, error) {
	maxPixels := opts.maxPixels()
	maxBytes := int64(maxPixels)*bytesPerPixelBound + metadataAllowance
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("images: reading %s: %w", name, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, errkind.Mark(ErrTooLarge, fmt.Errorf("images: %s is larger than %d bytes, more than any image within the limit of %s needs; resize it first (for example `convert in.jpg -resize 2048x2048 out.jpg`) or raise LoadOptions.MaxPixels",
			name, maxBytes, megapixels(maxPixels)))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, decodeError(name, format, data, err)
	}
	if err := checkSize(name, cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, decodeError(name, format, data, err)
	}
	if format == "jpeg" {
		img = Orient(img, jpegOrientation(data))
	}
	return img, nil
}

// checkSize refuses empty images and images over the pixel limit, with a
// message that says how to get under it.
func checkSize(name string, width, height, maxPixels int) error {
	if width <= 0 || height <= 0 {
		return fmt.Errorf("images: %s has an empty size %d×%d in its header", name, width, height)
	}
	if pixels := int64(width) * int64(height); pixels > int64(maxPixels) {
		return errkind.Mark(ErrTooLarge, fmt.Errorf("images: %s is %d×%d (%s), over the limit of %s; resize it first (for example `convert in.jpg -resize 2048x2048 out.jpg`) or raise LoadOptions.MaxPixels",
			name, width, height, megapixelsOf(float64(pixels)), megapixels(maxPixels)))
	}
	return nil
}

func megapixels(pixels int) string {
	return megapixelsOf(float64(pixels))
}

func megapixelsOf(pixels float64) string {
	return fmt.Sprintf("%.1f megapixels", pixels/1e6)
}

// decodeError says which file failed and, when the format is unknown, what
// the file starts with (often an HTML error page saved under a .jpg name).
func decodeError(name, format string, data []byte, err error) error {
	if errors.Is(err, image.ErrFormat) {
		head := data[:min(len(data), 8)]
		return errkind.Mark(image.ErrFormat, fmt.Errorf("images: %s is not a PNG, JPEG or GIF image (it starts with % x %q)", name, head, head))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("images: %s: truncated %s data (%d bytes): %w", name, orUnknown(format), len(data), err)
	}
	return fmt.Errorf("images: decoding %s %s: %w", orUnknown(format), name, err)
}

func orUnknown(format string) string {
	if format == "" {
		return "image"
	}
	return strings.ToUpper(format)
}
