package display

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/images"
)

// call is one message a fake notebook front-end received.
type call struct {
	kind, id, html string
	png            []byte
}

// recorder is a notebook front-end that records what it is sent.
type recorder struct{ calls []call }

func (r *recorder) DisplayHTML(html string) {
	r.calls = append(r.calls, call{kind: "display", html: html})
}
func (r *recorder) UpdateHTML(id, html string) {
	r.calls = append(r.calls, call{kind: "update", id: id, html: html})
}
func (r *recorder) DisplayPNG(png []byte) { r.calls = append(r.calls, call{kind: "png", png: png}) }

// fileScreen returns a screen writing into a fresh directory, printing into
// the returned buffer, and makes it the Default for the test.
func fileScreen(t *testing.T) (*Screen, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	s := &Screen{Dir: filepath.Join(t.TempDir(), "display"), Out: &out}
	saved := Default
	Default = s
	t.Cleanup(func() { Default = saved })
	return s, &out
}

var wrotePath = regexp.MustCompile(`display: wrote (\S+)`)

// writtenFiles returns the paths printed in out, checking each exists.
func writtenFiles(t *testing.T, out string) []string {
	t.Helper()
	var paths []string
	for _, m := range wrotePath.FindAllStringSubmatch(out, -1) {
		if _, err := os.Stat(m[1]); err != nil {
			t.Errorf("printed path %s: %v", m[1], err)
		}
		paths = append(paths, m[1])
	}
	return paths
}

func decodePNGFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func TestScreenWritesFilesOutsideNotebook(t *testing.T) {
	s, out := fileScreen(t)
	img := image.NewRGBA(image.Rect(0, 0, 5, 3))
	img.Set(4, 2, color.RGBA{10, 20, 30, 255})
	if err := s.Image(img); err != nil {
		t.Fatal(err)
	}
	if err := s.HTML("<b>hi</b>"); err != nil {
		t.Fatal(err)
	}
	if err := s.SVG(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`); err != nil {
		t.Fatal(err)
	}
	paths := writtenFiles(t, out.String())
	if len(paths) != 3 {
		t.Fatalf("printed %d paths, want 3:\n%s", len(paths), out)
	}
	for i, ext := range []string{".png", ".html", ".svg"} {
		if filepath.Ext(paths[i]) != ext || filepath.Dir(paths[i]) != s.Dir {
			t.Errorf("file %d is %s, want a %s file in %s", i, paths[i], ext, s.Dir)
		}
	}
	if !strings.Contains(out.String(), "(5×3)") {
		t.Errorf("output %q does not give the image size", out)
	}
	back := decodePNGFile(t, paths[0])
	if got := color.RGBAModel.Convert(back.At(4, 2)); got != (color.RGBA{10, 20, 30, 255}) {
		t.Errorf("pixel (4, 2) of the written PNG = %v", got)
	}
	page, _ := os.ReadFile(paths[1])
	if !strings.Contains(string(page), "<b>hi</b>") || !strings.HasPrefix(string(page), "<!DOCTYPE html>") {
		t.Errorf("HTML page:\n%s", page)
	}
}

func TestScreenDirFromEnvironment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "from-env")
	t.Setenv(DirEnvVar, dir)
	var out bytes.Buffer
	s := &Screen{Out: &out}
	if err := s.Image(image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	if paths := writtenFiles(t, out.String()); len(paths) != 1 || filepath.Dir(paths[0]) != dir {
		t.Errorf("wrote %v, want one file in $%s = %s", paths, DirEnvVar, dir)
	}
}

func TestScreenSendsToNotebook(t *testing.T) {
	rec := &recorder{}
	s := &Screen{Notebook: true, frontend: rec, Out: &bytes.Buffer{}}
	if err := s.Image(image.NewGray(image.Rect(0, 0, 2, 7))); err != nil {
		t.Fatal(err)
	}
	if err := s.SVG("<svg></svg>"); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 2 || rec.calls[0].kind != "png" || rec.calls[1].kind != "display" {
		t.Fatalf("front-end calls %+v, want a PNG then an HTML display", rec.calls)
	}
	img, err := png.Decode(bytes.NewReader(rec.calls[0].png))
	if err != nil || img.Bounds().Size() != image.Pt(2, 7) {
		t.Errorf("PNG sent: %v, %v", img.Bounds(), err)
	}
	if !strings.Contains(rec.calls[1].html, "<svg></svg>") {
		t.Errorf("SVG not embedded in the HTML sent: %q", rec.calls[1].html)
	}
}

func TestShowFunctions(t *testing.T) {
	_, out := fileScreen(t)
	batch := tensors.FromFlatDataAndDimensions(make([]float32, 4*3*8*6), 4, 3, 8, 6)
	activations := tensors.FromFlatDataAndDimensions(make([]float32, 3*8*6), 1, 3, 8, 6)
	gram := tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4}, 2, 2)
	gray := image.NewGray(image.Rect(0, 0, 10, 20))
	for _, tc := range []struct {
		name string
		show func() error
		size image.Point
	}{
		// make_grid defaults: 4 images in one row, padding 2.
		{"Tensor", func() error { return Tensor(batch, images.NCHW) }, image.Pt(4*(6+2)+2, 8+4)},
		{"Grid", func() error { return Grid(batch, images.NCHW, images.GridOptions{NRow: 2}) }, image.Pt(2*(6+2)+2, 2*(8+2)+2)},
		{"Heatmap", func() error { return Heatmap(gram, images.HeatmapOptions{}) }, image.Pt(256, 256)},
		// 3 maps in rows of 2, each enlarged 8 times to a 64-pixel long side.
		{"FeatureMaps", func() error { return FeatureMaps(activations, images.NCHW, images.HeatmapOptions{}) },
			image.Pt(2*(6*8+2)+2, 2*(8*8+2)+2)},
		{"Compare", func() error {
			return Compare(images.Panel{Label: "a", Image: gray}, images.Panel{Label: "b", Image: gray})
		}, image.Pt(3*images.DefaultPanelPadding+2*10, 0)},
	} {
		out.Reset()
		if err := tc.show(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		paths := writtenFiles(t, out.String())
		if len(paths) != 1 {
			t.Fatalf("%s: printed %d paths, want 1", tc.name, len(paths))
		}
		got := decodePNGFile(t, paths[0]).Bounds().Size()
		if got.X != tc.size.X || (tc.size.Y != 0 && got.Y != tc.size.Y) {
			t.Errorf("%s: image %v, want %v", tc.name, got, tc.size)
		}
	}
	if err := Tensor(gram, images.NCHW); err == nil {
		t.Error("Tensor accepted a matrix")
	}
	out.Reset()
	if err := Plot([]Series{{Name: "loss", Y: []float64{3, 2, 1}}}, PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	if paths := writtenFiles(t, out.String()); len(paths) != 1 || filepath.Ext(paths[0]) != ".svg" {
		t.Errorf("Plot wrote %v, want one .svg file", paths)
	}
}
