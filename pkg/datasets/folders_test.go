package datasets

import (
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writePNG(t *testing.T, path string, w, h int, c color.RGBA) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, img)
}

func TestLoadImageFolder(t *testing.T) {
	root := t.TempDir()
	for _, class := range []string{"cats", "dogs"} {
		os.Mkdir(filepath.Join(root, class), 0o755)
	}
	writePNG(t, filepath.Join(root, "dogs", "a.png"), 40, 20, color.RGBA{200, 100, 50, 255})
	writePNG(t, filepath.Join(root, "cats", "b.png"), 7, 9, color.RGBA{10, 20, 30, 255})
	os.WriteFile(filepath.Join(root, "cats", "notes.txt"), []byte("skipped"), 0o644)
	d, err := LoadImageFolder(root, ImageFolderOptions{Width: 8, Height: 6})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2 || d.Channels != 3 || d.Width != 8 || d.Height != 6 || d.Labels[0] != 0 || d.Labels[1] != 1 || d.Classes[1] != "dogs" {
		t.Fatalf("got %d images %dx%dx%d labels %v classes %v", d.Len(), d.Channels, d.Height, d.Width, d.Labels, d.Classes)
	}
	dog := d.Image(1)
	if dog[0] != 200 || dog[48] != 100 || dog[96] != 50 {
		t.Errorf("dog pixel (R, G, B planes) = %d %d %d, want 200 100 50", dog[0], dog[48], dog[96])
	}
	gray, err := LoadImageFolder(root, ImageFolderOptions{Width: 4, Channels: 1})
	if err != nil || gray.ImageSize() != 16 {
		t.Fatalf("grayscale: %v", err)
	}

	os.WriteFile(filepath.Join(root, "dogs", "broken.jpg"), []byte("not a jpeg"), 0o644)
	if _, err := LoadImageFolder(root, ImageFolderOptions{Width: 4}); err == nil || !strings.Contains(err.Error(), "broken.jpg") {
		t.Errorf("undecodable file: got %v, want an error naming it", err)
	}
	if _, err := LoadImageFolder(t.TempDir(), ImageFolderOptions{Width: 4}); err == nil || !errors.Is(err, ErrNotFound) {
		t.Errorf("empty folder: got %v, want an ErrNotFound", err)
	}
}

func TestLoadImageFolderRefusesAnEmptyClass(t *testing.T) {
	root := t.TempDir()
	for _, class := range []string{"birds", "cats", "dogs"} {
		os.Mkdir(filepath.Join(root, class), 0o755)
	}
	writePNG(t, filepath.Join(root, "dogs", "a.png"), 4, 4, color.RGBA{200, 100, 50, 255})
	writePNG(t, filepath.Join(root, "birds", "b.png"), 4, 4, color.RGBA{10, 20, 30, 255})
	// Only files that are not images: as empty as no file at all.
	os.WriteFile(filepath.Join(root, "cats", "notes.txt"), []byte("skipped"), 0o644)
	empty := filepath.Join(root, "cats")
	_, err := LoadImageFolder(root, ImageFolderOptions{Width: 4})
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), empty) || !strings.Contains(err.Error(), "no images") || !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want an error naming the empty class directory %s", err, empty)
	}
	writePNG(t, filepath.Join(empty, "c.png"), 4, 4, color.RGBA{1, 2, 3, 255})
	if d, err := LoadImageFolder(root, ImageFolderOptions{Width: 4}); err != nil || d.Len() != 3 || len(d.Classes) != 3 {
		t.Fatalf("with an image in every class: %v", err)
	}
}

func TestLoadCIFAR10(t *testing.T) {
	dir := t.TempDir()
	rec := make([]byte, 2*cifarRecordSize)
	rec[0], rec[1], rec[cifarRecordSize] = 3, 77, 9
	os.WriteFile(filepath.Join(dir, "test_batch.bin"), rec, 0o644)
	d, err := LoadCIFAR10(dir, Test)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2 || d.Labels[1] != 9 || d.Image(0)[0] != 77 || d.Classes[3] != "cat" {
		t.Errorf("got %d images, labels %v, first pixel %d", d.Len(), d.Labels, d.Image(0)[0])
	}
	os.WriteFile(filepath.Join(dir, "test_batch.bin"), rec[:cifarRecordSize+5], 0o644)
	if _, err := LoadCIFAR10(dir, Test); err == nil || !strings.Contains(err.Error(), "test_batch.bin") || !errors.Is(err, ErrFormat) {
		t.Errorf("truncated: got %v, want an ErrFormat", err)
	}
	rec[0] = 10
	os.WriteFile(filepath.Join(dir, "test_batch.bin"), rec, 0o644)
	if _, err := LoadCIFAR10(dir, Test); err == nil || !strings.Contains(err.Error(), "label 10") || !errors.Is(err, ErrFormat) {
		t.Errorf("bad label: got %v, want an ErrFormat", err)
	}
}
