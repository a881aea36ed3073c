package datasets

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/internal/errkind"
	_ "golang.org/x/image/bmp" // decoders for the formats beyond images' PNG, JPEG and GIF
	_ "golang.org/x/image/webp"
)

// ImageFolderOptions give the size of the images [LoadImageFolder] produces.
type ImageFolderOptions struct {
	// Width and Height of every image; Height 0 means Width (square).
	Width, Height int
	// Channels is 3 (RGB, the default) or 1 (grayscale, ITU-R 601 luma).
	Channels int
}

// imageExtensions are the file name endings LoadImageFolder decodes
// (compared case-insensitively); other files are skipped.
var imageExtensions = []string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}

// LoadImageFolder reads a directory laid out like torchvision's ImageFolder:
// root/<class>/<image>, classes sorted by name, labels their index. A root
// with images but no subdirectories is one class named "". Each image is
// scaled (Catmull-Rom, antialiased) so that it covers Width x Height and then
// centre-cropped, like torchvision's Resize + CenterCrop. A file that does
// not decode is an error naming it, and so is a class directory without
// images (torchvision refuses it too).
func LoadImageFolder(root string, opts ImageFolderOptions) (*Dataset, error) {
	if opts.Width <= 0 {
		return nil, fmt.Errorf("datasets: image folder %s: width %d, expected a positive size", root, opts.Width)
	}
	if opts.Height == 0 {
		opts.Height = opts.Width
	}
	if opts.Channels == 0 {
		opts.Channels = 3
	}
	if opts.Channels != 1 && opts.Channels != 3 {
		return nil, fmt.Errorf("datasets: image folder %s: %d channels, expected 1 or 3", root, opts.Channels)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("datasets: image folder: %w", err)
	}
	var classes []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			classes = append(classes, e.Name())
		}
	}
	if len(classes) == 0 {
		classes = []string{""}
	}
	d := &Dataset{Name: filepath.Base(root), Channels: opts.Channels, Height: opts.Height, Width: opts.Width, Classes: classes}
	// List every class first, so that an empty one is refused before any
	// image is decoded.
	files := make([][]string, len(classes))
	for label, class := range classes {
		dir := filepath.Join(root, class)
		if files[label], err = imageFiles(dir); err != nil {
			return nil, err
		}
		if len(files[label]) == 0 && class != "" {
			// As torchvision's ImageFolder: a class without images would
			// be a label that never occurs.
			return nil, errkind.Mark(ErrNotFound, fmt.Errorf("datasets: image folder %s: class directory %s holds no images (%s)",
				root, dir, strings.Join(imageExtensions, ", ")))
		}
	}
	for label := range classes {
		for _, path := range files[label] {
			pixels, err := loadResized(path, opts)
			if err != nil {
				return nil, err
			}
			d.Pixels = append(d.Pixels, pixels...)
			d.Labels = append(d.Labels, label)
		}
	}
	if d.Len() == 0 {
		return nil, errkind.Mark(ErrNotFound, fmt.Errorf("datasets: image folder %s: no images (%s) found", root, strings.Join(imageExtensions, ", ")))
	}
	return d, nil
}

// imageFiles lists the image files directly inside dir, sorted.
func imageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("datasets: image folder: %w", err)
	}
	var files []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && slices.Contains(imageExtensions, ext) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	return files, nil
}

// loadResized decodes path (JPEGs turned upright by their EXIF orientation)
// and returns its pixels CHW at the asked size.
func loadResized(path string, opts ImageFolderOptions) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	src, err := images.Decode(f, path, images.LoadOptions{})
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	// Scale so the image covers the target, then keep the centre.
	b := src.Bounds()
	scale := max(float64(opts.Width)/float64(b.Dx()), float64(opts.Height)/float64(b.Dy()))
	sw := max(opts.Width, int(float64(b.Dx())*scale+0.5))
	sh := max(opts.Height, int(float64(b.Dy())*scale+0.5))
	img := images.CenterCrop(images.ResizeTo(src, sw, sh), opts.Width, opts.Height)
	plane := opts.Width * opts.Height
	out := make([]uint8, opts.Channels*plane)
	for y := range opts.Height {
		for x := range opts.Width {
			c := img.RGBAAt(x, y)
			i := y*opts.Width + x
			if opts.Channels == 1 {
				out[i] = color.GrayModel.Convert(c).(color.Gray).Y
				continue
			}
			out[i], out[plane+i], out[2*plane+i] = c.R, c.G, c.B
		}
	}
	return out, nil
}
