package style

import (
	"math/rand/v2"
	"testing"
)

// rgbToYUV and yuvToRGB are neural-style's matrices (Torch's image.rgb2yuv
// and image.yuv2rgb).
func rgbToYUV(r, g, b float64) (y, u, v float64) {
	return 0.299*r + 0.587*g + 0.114*b, -0.14713*r - 0.28886*g + 0.436*b, 0.615*r - 0.51499*g - 0.10001*b
}

func yuvToRGB(y, u, v float64) (r, g, b float64) {
	return y + 1.13983*v, y - 0.39465*u - 0.58060*v, y + 2.03211*u
}

func TestKeepOriginalColorsMatchesYUVRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n, h, w := 2, 3, 5
	plane := h * w
	result, content := make([]float32, n*3*plane), make([]float32, n*3*plane)
	for i := range result {
		result[i], content[i] = rng.Float32(), rng.Float32()
	}
	got, err := KeepOriginalColors(result, content, n, h, w)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float32, len(got))
	for b := range n {
		base := b * 3 * plane
		for i := range plane {
			at := func(x []float32, ch int) float64 { return float64(x[base+ch*plane+i]) }
			y, _, _ := rgbToYUV(at(result, 0), at(result, 1), at(result, 2))
			_, u, v := rgbToYUV(at(content, 0), at(content, 1), at(content, 2))
			r, g, bl := yuvToRGB(y, u, v)
			want[base+i], want[base+plane+i], want[base+2*plane+i] = float32(r), float32(g), float32(bl)
		}
	}
	assertClose(t, "KeepOriginalColors", got, want, 1e-4) // neural-style's matrices are rounded to ~1e-5
}

func TestKeepOriginalColorsRejectsMismatch(t *testing.T) {
	if _, err := KeepOriginalColors(make([]float32, 12), make([]float32, 11), 1, 2, 2); err == nil {
		t.Error("KeepOriginalColors accepted images of different sizes")
	}
}
