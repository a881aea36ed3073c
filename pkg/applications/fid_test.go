package applications_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/applications"
	"github.com/neuralart/neuralart/pkg/datasets"
)

// pixelStats is a stand-in feature network: each image's mean, spread and
// mean step between neighbours, which blur and noise move differently.
type pixelStats struct{}

func (pixelStats) Dim() int { return 3 }

func (pixelStats) Features(images *tensors.Tensor) (*tensors.Tensor, error) {
	d := images.Shape().Dimensions
	data := tensors.MustCopyFlatData[float32](images)
	size := d[1] * d[2] * d[3]
	out := make([]float32, 3*d[0])
	for i := range d[0] {
		img := data[i*size : (i+1)*size]
		var mean, sq, step float64
		for j, v := range img {
			mean += float64(v)
			sq += float64(v) * float64(v)
			if j%d[3] > 0 {
				step += math.Abs(float64(v - img[j-1]))
			}
		}
		mean /= float64(size)
		out[3*i], out[3*i+1], out[3*i+2] = float32(mean), float32(math.Sqrt(sq/float64(size)-mean*mean)), float32(step/float64(size))
	}
	return tensors.FromFlatDataAndDimensions(out, d[0], 3), nil
}

func blobs(seed uint64, n int) *datasets.Dataset {
	rng := rand.New(rand.NewPCG(seed, 9))
	d := &datasets.Dataset{Name: "blobs", Channels: 1, Height: 12, Width: 12, Pixels: make([]uint8, n*144), Labels: make([]int, n), Classes: []string{"blob"}}
	for i := range n {
		cx, cy, r := 3+rng.Float64()*6, 3+rng.Float64()*6, 1.5+rng.Float64()*2
		for y := range 12 {
			for x := range 12 {
				if math.Hypot(float64(x)-cx, float64(y)-cy) < r {
					d.Pixels[i*144+y*12+x] = 255
				}
			}
		}
	}
	return d
}

func TestEqualFID(t *testing.T) {
	s, err := applications.EqualFID(t.Context(), pixelStats{}, blobs(1, 400), blobs(2, 400), 400, 1.5, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !(s.NoiseSigma > 0 && s.NoiseSigma < 1) || math.Abs(s.NoiseFID-s.BlurFID) > 0.05*s.BlurFID {
		t.Errorf("blur σ 1.5: FID %.4g; noise σ %.3f: FID %.4g; want a noise level in (0, 1) with the same FID", s.BlurFID, s.NoiseSigma, s.NoiseFID)
	}
	if got := s.Noisy.Shape().Dimensions; got[0] != 4 || s.Blurred.Shape().Dimensions[0] != 4 {
		t.Errorf("shown images: %v noisy, %v blurred; want 4 of each", got, s.Blurred.Shape().Dimensions)
	}
}
