package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// The corruptions below degrade real images by a known amount; a metric that
// judges images should grow steadily with it (Heusel et al. 2017, Fig. 1
// shows FID doing so for noise, blur and other disturbances).

// AddNoise returns images float32 NCHW in [0, 1] plus Gaussian noise of
// standard deviation sigma, clipped back to [0, 1].
func AddNoise(images *tensors.Tensor, sigma float64, seed uint64) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 0x6e6f697365)) // "noise"
	src := tensors.MustCopyFlatData[float32](images)
	out := make([]float32, len(src))
	for i, v := range src {
		out[i] = float32(min(1, max(0, float64(v)+sigma*rng.NormFloat64())))
	}
	return tensors.FromFlatDataAndDimensions(out, images.Shape().Dimensions...)
}

// GaussianBlur returns images float32 NCHW blurred with a Gaussian of
// standard deviation sigma pixels (separable, truncated at 3σ, borders
// clamped to the edge). sigma 0 returns a copy.
func GaussianBlur(images *tensors.Tensor, sigma float64) (*tensors.Tensor, error) {
	dims := images.Shape().Dimensions
	if len(dims) != 4 {
		return nil, fmt.Errorf("metrics: blur of shape %v, expected NCHW", dims)
	}
	h, w := dims[2], dims[3]
	data := tensors.MustCopyFlatData[float32](images)
	if sigma > 0 {
		radius := int(math.Ceil(3 * sigma))
		kernel := make([]float32, 2*radius+1)
		var sum float32
		for i := range kernel {
			x := float64(i - radius)
			kernel[i] = float32(math.Exp(-x * x / (2 * sigma * sigma)))
			sum += kernel[i]
		}
		for i := range kernel {
			kernel[i] /= sum
		}
		tmp := make([]float32, h*w)
		for p := 0; p < len(data); p += h * w {
			plane := data[p : p+h*w]
			// Rows, then columns.
			convolve1D(tmp, plane, kernel, h, w, 1, w)
			convolve1D(plane, tmp, kernel, w, h, w, 1)
		}
	}
	return tensors.FromFlatDataAndDimensions(data, dims...), nil
}

// convolve1D filters src along one axis into dst: lines lines of length n,
// stride the distance between neighbours along the axis, lineStride between
// lines.
func convolve1D(dst, src, kernel []float32, lines, n, stride, lineStride int) {
	radius := len(kernel) / 2
	for l := range lines {
		base := l * lineStride
		for i := range n {
			var s float32
			for k, kv := range kernel {
				j := min(n-1, max(0, i+k-radius))
				s += kv * src[base+j*stride]
			}
			dst[base+i*stride] = s
		}
	}
}
