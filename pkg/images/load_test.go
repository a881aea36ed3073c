package images

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/download"
)

// patterned returns a w×h image whose every pixel is distinct and known:
// R = 10·x, G = 20·y, B = 100 + x + y.
func patterned(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, patternColor(x, y))
		}
	}
	return img
}

func patternColor(x, y int) color.NRGBA {
	return color.NRGBA{R: uint8(10 * x), G: uint8(20 * y), B: uint8(100 + x + y), A: 0xff}
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// paletted returns img as a paletted image whose palette holds exactly its
// colours, so that GIF encoding is lossless.
func paletted(img *image.NRGBA) *image.Paletted {
	var palette color.Palette
	index := map[color.NRGBA]uint8{}
	b := img.Bounds()
	out := image.NewPaletted(b, nil)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.NRGBAAt(x, y)
			i, ok := index[c]
			if !ok {
				i = uint8(len(palette))
				index[c] = i
				palette = append(palette, c)
			}
			out.SetColorIndex(x, y, i)
		}
	}
	out.Palette = palette
	return out
}

func encodeGIF(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOrientation inserts an APP1 EXIF segment holding only the
// Orientation tag right after the SOI marker of a JPEG file.
func withOrientation(jpg []byte, o Orientation, order binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if order == binary.LittleEndian {
		copy(tiff, "II*\x00")
	} else {
		copy(tiff, "MM\x00*")
	}
	order.PutUint32(tiff[4:], 8)       // IFD0 right after the header.
	order.PutUint16(tiff[8:], 1)       // One entry,
	order.PutUint16(tiff[10:], 0x0112) // Orientation,
	order.PutUint16(tiff[12:], 3)      // SHORT,
	order.PutUint32(tiff[14:], 1)      // count 1,
	order.PutUint16(tiff[18:], uint16(o))
	payload := append([]byte("Exif\x00\x00"), tiff...)
	segment := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(segment[2:], uint16(2+len(payload)))
	segment = append(segment, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, segment...)
	return append(out, jpg[2:]...)
}

func assertPixel(t *testing.T, img image.Image, x, y int, want color.Color, tolerance int) {
	t.Helper()
	got := color.NRGBAModel.Convert(img.At(img.Bounds().Min.X+x, img.Bounds().Min.Y+y)).(color.NRGBA)
	w := color.NRGBAModel.Convert(want).(color.NRGBA)
	diff := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	if diff(got.R, w.R) > tolerance || diff(got.G, w.G) > tolerance || diff(got.B, w.B) > tolerance || diff(got.A, w.A) > tolerance {
		t.Errorf("pixel (%d, %d) = %v, want %v (±%d)", x, y, got, w, tolerance)
	}
}

func assertSize(t *testing.T, img image.Image, w, h int) {
	t.Helper()
	if s := img.Bounds().Size(); s != image.Pt(w, h) {
		t.Fatalf("size %d×%d, want %d×%d", s.X, s.Y, w, h)
	}
}

func TestDecodePNGAndGIF(t *testing.T) {
	src := patterned(5, 3)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"tiny.png", encodePNG(t, src)},
		// A paletted image with the pattern's 15 colours survives GIF exactly.
		{"tiny.gif", encodeGIF(t, paletted(src))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(bytes.NewReader(tc.data), tc.name, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			assertSize(t, img, 5, 3)
			for y := range 3 {
				for x := range 5 {
					assertPixel(t, img, x, y, patternColor(x, y), 0)
				}
			}
		})
	}
}

// Blocks of a 3×2 grid of 16-pixel squares, in colours far enough apart
// to survive JPEG compression:
//
//	A B C
//	D E F
var blockColors = map[byte]color.NRGBA{
	'A': {255, 0, 0, 255}, 'B': {0, 255, 0, 255}, 'C': {0, 0, 255, 255},
	'D': {255, 255, 0, 255}, 'E': {0, 255, 255, 255}, 'F': {255, 0, 255, 255},
}

const blockSize = 16 // A multiple of the 16-pixel chroma MCU of 4:2:0 JPEGs.

func blockImage(rows ...string) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, len(rows[0])*blockSize, len(rows)*blockSize))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			img.SetNRGBA(x, y, blockColors[rows[y/blockSize][x/blockSize]])
		}
	}
	return img
}

func TestDecodeJPEGOrientation(t *testing.T) {
	stored := encodeJPEG(t, blockImage("ABC", "DEF"))
	// How the stored grid must look once upright, from the EXIF 2.3 table
	// of where row 0 and column 0 of the stored image end up.
	upright := map[Orientation][]string{
		OrientNormal:     {"ABC", "DEF"},
		OrientFlipH:      {"CBA", "FED"},
		OrientRotate180:  {"FED", "CBA"},
		OrientFlipV:      {"DEF", "ABC"},
		OrientTranspose:  {"AD", "BE", "CF"},
		OrientRotate90:   {"DA", "EB", "FC"},
		OrientTransverse: {"FC", "EB", "DA"},
		OrientRotate270:  {"CF", "BE", "AD"},
	}
	for o, rows := range upright {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			name := "photo.jpg"
			img, err := Decode(bytes.NewReader(withOrientation(stored, o, order)), name, LoadOptions{})
			if err != nil {
				t.Fatalf("orientation %d (%v): %v", o, order, err)
			}
			assertSize(t, img, len(rows[0])*blockSize, len(rows)*blockSize)
			for by, row := range rows {
				for bx := range row {
					// Block centres are free of the ringing at block edges.
					assertPixel(t, img, bx*blockSize+blockSize/2, by*blockSize+blockSize/2, blockColors[row[bx]], 24)
				}
			}
		}
	}
}

func TestJPEGOrientationIgnoresBadMetadata(t *testing.T) {
	jpg := encodeJPEG(t, blockImage("AB"))
	good := withOrientation(jpg, OrientRotate90, binary.LittleEndian)
	if o := jpegOrientation(good); o != OrientRotate90 {
		t.Fatalf("jpegOrientation = %d, want %d", o, OrientRotate90)
	}
	const tiff = 2 + 4 + 6 // After SOI, the APP1 marker and length, and "Exif\0\0".
	for name, corrupt := range map[string]func([]byte){
		"orientation 9":      func(b []byte) { b[tiff+18] = 9 },
		"not a SHORT":        func(b []byte) { b[tiff+12] = 4 },
		"IFD past the end":   func(b []byte) { binary.LittleEndian.PutUint32(b[tiff+4:], 1<<30) },
		"unknown byte order": func(b []byte) { b[tiff] = 'X' },
		"segment too long":   func(b []byte) { binary.BigEndian.PutUint16(b[4:], 0xFFFF) },
	} {
		b := bytes.Clone(good)
		corrupt(b)
		if o := jpegOrientation(b); o != OrientNormal {
			t.Errorf("%s: jpegOrientation = %d, want %d", name, o, OrientNormal)
		}
	}
}

// pngHeader returns the signature and IHDR chunk of a PNG claiming the
// given size, without any pixel data.
func pngHeader(t *testing.T, w, h int) []byte {
	full := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	header := bytes.Clone(full[:8+8+13+4]) // Signature, IHDR length+type, data, CRC.
	binary.BigEndian.PutUint32(header[16:], uint32(w))
	binary.BigEndian.PutUint32(header[20:], uint32(h))
	// Re-compute the IHDR CRC so the header is valid.
	crc := crc32IEEE(header[12 : 12+4+13])
	binary.BigEndian.PutUint32(header[29:], crc)
	return header
}

func TestDecodeRefusesLargeImagesFromHeader(t *testing.T) {
	// 100000×100000 would need 40 GB decoded: the header alone must be refused.
	_, err := Decode(bytes.NewReader(pngHeader(t, 100000, 100000)), "huge.png", LoadOptions{})
	if err == nil {
		t.Fatal("Decode accepted a 10-gigapixel image")
	}
	for _, want := range []string{"huge.png", "100000×100000", "40.0 megapixels", "resize"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if !errors.Is(err, ErrTooLarge) || errors.Is(err, image.ErrFormat) {
		t.Errorf("error %q: errors.Is ErrTooLarge %v, image.ErrFormat %v; want true, false", err, errors.Is(err, ErrTooLarge), errors.Is(err, image.ErrFormat))
	}

	opts := LoadOptions{MaxPixels: 5*3 - 1}
	if _, err := Decode(bytes.NewReader(encodePNG(t, patterned(5, 3))), "small.png", opts); err == nil || !errors.Is(err, ErrTooLarge) {
		t.Errorf("Decode of 15 pixels with MaxPixels 14: got %v, want an ErrTooLarge", err)
	}
	opts.MaxPixels = 5 * 3
	if _, err := Decode(bytes.NewReader(encodePNG(t, patterned(5, 3))), "small.png", opts); err != nil {
		t.Errorf("Decode refused 15 pixels with MaxPixels 15: %v", err)
	}
}

func TestDecodeRefusesOverlongStreams(t *testing.T) {
	opts := LoadOptions{MaxPixels: 1}
	limit := bytesPerPixelBound + metadataAllowance
	_, err := Decode(bytes.NewReader(make([]byte, limit+1)), "endless.png", opts)
	if err == nil || !strings.Contains(err.Error(), "endless.png") || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode of an overlong stream: err = %v, want an ErrTooLarge naming the file", err)
	}
}

func TestDecodeErrorsNameTheFile(t *testing.T) {
	pngData := encodePNG(t, patterned(8, 8))
	for _, tc := range []struct {
		name, data string
		want       []string
		notImage   bool // the error matches image.ErrFormat
	}{
		{"page.jpg", "<html>Not Found</html>", []string{"page.jpg", "not a PNG, JPEG or GIF", "<html>"}, true},
		{"empty.png", "", []string{"empty.png"}, true},
		{"cut.png", string(pngData[:len(pngData)/2]), []string{"cut.png", "PNG"}, false},
		{"cut.jpg", string(encodeJPEG(t, patterned(8, 8))[:200]), []string{"cut.jpg", "JPEG"}, false},
	} {
		_, err := Decode(strings.NewReader(tc.data), tc.name, LoadOptions{})
		if err == nil {
			t.Errorf("%s: Decode succeeded", tc.name)
			continue
		}
		for _, want := range tc.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, want)
			}
		}
		if errors.Is(err, image.ErrFormat) != tc.notImage || errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: error %q: errors.Is image.ErrFormat %v, ErrTooLarge %v; want %v, false", tc.name, err, errors.Is(err, image.ErrFormat), errors.Is(err, ErrTooLarge), tc.notImage)
		}
	}
}

func TestLoadFileAndURL(t *testing.T) {
	data := encodePNG(t, patterned(4, 2))
	dir := t.TempDir()
	path := filepath.Join(dir, "local.png")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/remote.png" {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	defer srv.Close()
	opts := LoadOptions{Download: download.Options{Dir: t.TempDir()}}
	for _, src := range []string{path, srv.URL + "/remote.png"} {
		img, err := Load(context.Background(), src, opts)
		if err != nil {
			t.Fatalf("Load(%s): %v", src, err)
		}
		assertSize(t, img, 4, 2)
		assertPixel(t, img, 3, 1, patternColor(3, 1), 0)
	}

	for _, src := range []string{filepath.Join(dir, "missing.png"), srv.URL + "/missing.png"} {
		_, err := Load(context.Background(), src, opts)
		if err == nil || !strings.Contains(err.Error(), src) {
			t.Errorf("Load(%s): err = %v, want an error naming it", src, err)
		}
	}
}

// FuzzDecode checks that no input panics the decoder or slips past the
// pixel limit. Its seeds (tiny PNG, GIF and JPEG files, with and without
// EXIF orientation, and their truncations) also run in plain go test.
func FuzzDecode(f *testing.F) {
	const maxPixels = 1 << 12
	img := patterned(6, 4)
	seeds := [][]byte{
		encodePNG(f, img),
		encodeGIF(f, img),
		encodeJPEG(f, img),
		withOrientation(encodeJPEG(f, img), OrientRotate90, binary.BigEndian),
		withOrientation(encodeJPEG(f, img), OrientTransverse, binary.LittleEndian),
	}
	for _, s := range seeds {
		f.Add(s)
		for _, cut := range []int{1, 2, 8, 30, len(s) / 2, len(s) - 1} {
			f.Add(s[:min(cut, len(s))])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(bytes.NewReader(data), "fuzz.bin", LoadOptions{MaxPixels: maxPixels})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.bin") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if s := img.Bounds().Size(); s.X <= 0 || s.Y <= 0 || s.X*s.Y > maxPixels {
			t.Fatalf("decoded a %d×%d image with a limit of %d pixels", s.X, s.Y, maxPixels)
		}
	})
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
