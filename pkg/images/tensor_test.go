package images

import (
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func TestToTensorLayouts(t *testing.T) {
	const w, h = 3, 2
	img := patterned(w, h)
	want := func(ch, x, y int) float32 {
		c := patternColor(x, y)
		return float32([]uint8{c.R, c.G, c.B}[ch]) / 255
	}
	nchw := ToTensor(img, NCHW)
	if got := nchw.Shape().Dimensions; !slices.Equal(got, []int{1, 3, h, w}) {
		t.Fatalf("NCHW shape %v", got)
	}
	nhwc := ToTensor(img, NHWC)
	if got := nhwc.Shape().Dimensions; !slices.Equal(got, []int{1, h, w, 3}) {
		t.Fatalf("NHWC shape %v", got)
	}
	a, b := tensors.MustCopyFlatData[float32](nchw), tensors.MustCopyFlatData[float32](nhwc)
	for ch := range 3 {
		for y := range h {
			for x := range w {
				if got := a[(ch*h+y)*w+x]; got != want(ch, x, y) {
					t.Errorf("NCHW[0,%d,%d,%d] = %v, want %v", ch, y, x, got, want(ch, x, y))
				}
				if got := b[(y*w+x)*3+ch]; got != want(ch, x, y) {
					t.Errorf("NHWC[0,%d,%d,%d] = %v, want %v", y, x, ch, got, want(ch, x, y))
				}
			}
		}
	}
}

func TestTensorRoundTrip(t *testing.T) {
	imgs := []image.Image{patterned(4, 3), ResizeTo(patterned(7, 7), 4, 3)}
	for _, layout := range []Layout{NCHW, NHWC} {
		batch, err := BatchToTensor(imgs, layout)
		if err != nil {
			t.Fatal(err)
		}
		back, err := FromTensor(batch, layout)
		if err != nil {
			t.Fatal(err)
		}
		if len(back) != len(imgs) {
			t.Fatalf("%s: %d images back, want %d", layout, len(back), len(imgs))
		}
		for i := range imgs {
			for y := range 3 {
				for x := range 4 {
					assertPixel(t, back[i], x, y, imgs[i].At(x, y), 0)
				}
			}
		}
	}
}

func TestToTensorGrayAndAlpha(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 1, 1))
	gray.Pix[0] = 51
	// 50%-transparent pure red, premultiplied: straight colour is (255, 0, 0).
	translucent := image.NewRGBA(image.Rect(0, 0, 1, 1))
	translucent.SetRGBA(0, 0, color.RGBA{R: 128, A: 128})
	for _, tc := range []struct {
		img  image.Image
		want [3]float32
	}{
		{gray, [3]float32{0.2, 0.2, 0.2}},
		{translucent, [3]float32{1, 0, 0}},
	} {
		got := tensors.MustCopyFlatData[float32](ToTensor(tc.img, NCHW))
		for ch := range 3 {
			if math.Abs(float64(got[ch]-tc.want[ch])) > 1e-6 {
				t.Errorf("%T: channel %d = %v, want %v", tc.img, ch, got[ch], tc.want[ch])
			}
		}
	}
}

func TestFromTensorClamps(t *testing.T) {
	nan := float32(math.NaN())
	values := []float32{-0.5, 1.5, nan, 0.5, 0.2, 1}
	imgs, err := FromTensor(tensors.FromFlatDataAndDimensions(values, 1, 1, 2, 3), NCHW)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := imgs[0].(*image.Gray)
	if !ok {
		t.Fatalf("one-channel tensor gave %T, want *image.Gray", imgs[0])
	}
	want := []uint8{0, 255, 0, 128, 51, 255}
	for i, v := range want {
		if g.Pix[i] != v {
			t.Errorf("pixel %d from %v = %d, want %d", i, values[i], g.Pix[i], v)
		}
	}
}

func TestImageFromTensorRank3AndFloat64(t *testing.T) {
	// [H, W, C] = [1, 2, 3] in float64.
	img, err := ImageFromTensor(tensors.FromFlatDataAndDimensions([]float64{1, 0, 0, 0, 0, 1}, 1, 2, 3), NHWC)
	if err != nil {
		t.Fatal(err)
	}
	assertSize(t, img, 2, 1)
	assertPixel(t, img, 0, 0, color.RGBA{255, 0, 0, 255}, 0)
	assertPixel(t, img, 1, 0, color.RGBA{0, 0, 255, 255}, 0)
}

func TestTensorErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tensor *tensors.Tensor
		layout Layout
		want   string
	}{
		{"nil", nil, NCHW, "nil"},
		{"rank 2", tensors.FromFlatDataAndDimensions(make([]float32, 4), 2, 2), NCHW, "rank"},
		{"2 channels", tensors.FromFlatDataAndDimensions(make([]float32, 8), 1, 2, 2, 2), NCHW, "got 2"},
		{"int32", tensors.FromFlatDataAndDimensions(make([]int32, 3), 1, 3, 1, 1), NCHW, "Int32"},
		{"bad layout", tensors.FromFlatDataAndDimensions(make([]float32, 3), 1, 3, 1, 1), Layout(7), "Layout(7)"},
	} {
		_, err := FromTensor(tc.tensor, tc.layout)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	if _, err := ImageFromTensor(tensors.FromFlatDataAndDimensions(make([]float32, 6), 2, 3, 1, 1), NCHW); err == nil {
		t.Error("ImageFromTensor accepted a batch of 2")
	}
	if _, err := BatchToTensor([]image.Image{patterned(2, 2), patterned(2, 3)}, NCHW); err == nil ||
		!strings.Contains(err.Error(), "2×3") {
		t.Errorf("BatchToTensor of mixed sizes: err = %v", err)
	}
	if _, err := BatchToTensor(nil, NCHW); err == nil {
		t.Error("BatchToTensor accepted no images")
	}
}
