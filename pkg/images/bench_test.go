package images

import (
	"bytes"
	"image"
	"testing"
)

// The benchmarks use a 512×512 image, the size of a style-transfer run;
// scripts in /work/shared/bench time torchvision's equivalents.
const benchSide = 512

func BenchmarkToTensor(b *testing.B) {
	img := patterned(benchSide, benchSide)
	for b.Loop() {
		ToTensor(img, NCHW)
	}
}

func BenchmarkImageFromTensor(b *testing.B) {
	t := ToTensor(patterned(benchSide, benchSide), NCHW)
	for b.Loop() {
		if _, err := ImageFromTensor(t, NCHW); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResize(b *testing.B) {
	img := ToRGB(patterned(2*benchSide, 2*benchSide))
	for b.Loop() {
		Resize(img, benchSide)
	}
}

func BenchmarkDecodeJPEG(b *testing.B) {
	data := encodeJPEG(b, patterned(benchSide, benchSide))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(data), "bench.jpg", LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGrid(b *testing.B) {
	imgs := make([]image.Image, 64)
	for i := range imgs {
		imgs[i] = ToRGB(patterned(64, 64))
	}
	for b.Loop() {
		Grid(imgs, GridOptions{})
	}
}
