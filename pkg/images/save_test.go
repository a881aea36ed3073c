package images

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveAndLoad(t *testing.T) {
	dir := t.TempDir()
	img := patterned(6, 4)
	pngPath := filepath.Join(dir, "out.png")
	if err := Save(pngPath, img); err != nil {
		t.Fatal(err)
	}
	back, err := Load(context.Background(), pngPath, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for y := range 4 {
		for x := range 6 {
			assertPixel(t, back, x, y, patternColor(x, y), 0)
		}
	}

	jpgPath := filepath.Join(dir, "out.JPG")
	flat := color.RGBA{90, 160, 30, 255}
	if err := Save(jpgPath, solid(16, 16, flat)); err != nil {
		t.Fatal(err)
	}
	back, err = Load(context.Background(), jpgPath, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertSize(t, back, 16, 16)
	assertPixel(t, back, 8, 8, flat, 4)

	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want the 2 images (no temporary files left)", len(entries))
	}
}

func TestSaveErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "out.gif"), ".gif"},
		{filepath.Join(dir, "missing", "out.png"), filepath.Join(dir, "missing", "out.png")},
	} {
		if err := Save(tc.path, patterned(2, 2)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Save(%s): err = %v, want one mentioning %q", tc.path, err, tc.want)
		}
	}
	if err := SaveJPEG(filepath.Join(dir, "q.jpg"), patterned(2, 2), 0); err == nil {
		t.Error("SaveJPEG accepted quality 0")
	}
}
