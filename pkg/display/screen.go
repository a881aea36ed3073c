package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"github.com/janpfeifer/gonb/gonbui"
)

// DirEnvVar names the environment variable that sets where output goes
// outside a notebook.
const DirEnvVar = "NEURALART_DISPLAY_DIR"

// Screen is where output goes: a GoNB notebook cell, or files and text.
type Screen struct {
	// Notebook sends output to the notebook cell through gonbui.
	Notebook bool
	// Dir receives the files written outside a notebook; empty means
	// $NEURALART_DISPLAY_DIR, or os.TempDir()/neuralart when that is unset.
	Dir string
	// Out receives the paths of the files written and the text progress
	// outside a notebook; nil means os.Stdout.
	Out io.Writer

	// frontend replaces gonbui in tests; nil means gonbui.
	frontend frontend
}

// Default is the Screen the package-level functions use: the notebook when
// the program runs under GoNB, files and standard output otherwise.
var Default = &Screen{Notebook: gonbui.IsNotebook}

// frontend is the part of gonbui that Screen uses.
type frontend interface {
	DisplayHTML(html string)
	UpdateHTML(id, html string)
	DisplayPNG(png []byte)
}

// gonbFrontend waits after each output until GoNB has it (gonbui.Sync): a
// cell's program often ends right after its last output, and GoNB drops what
// it had not read from its pipe when the program exits (seen on one CPU).
type gonbFrontend struct{}

func (gonbFrontend) DisplayHTML(html string)    { gonbui.DisplayHTML(html); gonbui.Sync() }
func (gonbFrontend) UpdateHTML(id, html string) { gonbui.UpdateHTML(id, html); gonbui.Sync() }
func (gonbFrontend) DisplayPNG(png []byte)      { gonbui.DisplayPng(png); gonbui.Sync() }

func (s *Screen) front() frontend {
	if s.frontend == nil {
		return gonbFrontend{}
	}
	return s.frontend
}

func (s *Screen) out() io.Writer {
	if s.Out == nil {
		return os.Stdout
	}
	return s.Out
}

func (s *Screen) dir() string {
	if s.Dir != "" {
		return s.Dir
	}
	if dir := os.Getenv(DirEnvVar); dir != "" {
		return dir
	}
	return filepath.Join(os.TempDir(), "neuralart")
}

// Image shows img: inline in a notebook, else as a PNG file in Dir whose
// path is printed to Out.
func (s *Screen) Image(img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("display: encoding a %v image as PNG: %w", img.Bounds().Size(), err)
	}
	if s.Notebook {
		s.front().DisplayPNG(buf.Bytes())
		return nil
	}
	size := img.Bounds().Size()
	return s.writeFile("image-*.png", buf.Bytes(), fmt.Sprintf(" (%d×%d)", size.X, size.Y))
}

// HTML shows an HTML fragment: in the notebook cell, else as an .html file
// in Dir whose path is printed to Out.
func (s *Screen) HTML(html string) error {
	if s.Notebook {
		s.front().DisplayHTML(html)
		return nil
	}
	return s.writeFile("page-*.html", []byte(htmlPage(html)), "")
}

// SVG shows an SVG document: embedded in HTML in a notebook (as
// gonbui.DisplaySVG does, since Jupyter's HTML export drops image/svg+xml
// outputs), else as an .svg file in Dir whose path is printed to Out.
func (s *Screen) SVG(svg string) error {
	if s.Notebook {
		s.front().DisplayHTML("<div>" + svg + "</div>")
		return nil
	}
	return s.writeFile("plot-*.svg", []byte(svg), "")
}

// writeFile writes data to a new file in Dir named after pattern (as
// os.CreateTemp) and prints its path followed by note.
func (s *Screen) writeFile(pattern string, data []byte, note string) error {
	dir := s.dir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("display: %w (set $%s to a writable directory)", err, DirEnvVar)
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return fmt.Errorf("display: %w (set $%s to a writable directory)", err, DirEnvVar)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("display: writing %s: %w", f.Name(), err)
	}
	fmt.Fprintf(s.out(), "display: wrote %s%s\n", f.Name(), note)
	return nil
}

// htmlPage wraps an HTML fragment into a standalone UTF-8 page.
func htmlPage(body string) string {
	return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>neuralart</title></head><body>\n" +
		body + "\n</body></html>\n"
}

// pngDataURL encodes img as a data: URL for an <img> element, so pages
// carry their images inline.
func pngDataURL(img image.Image) (string, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("display: encoding a %v image as PNG: %w", img.Bounds().Size(), err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
