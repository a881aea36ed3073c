package vgg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Random returns a full-width VGG-19 with random weights, initialised as
// torchvision initialises an untrained vgg19(): kernels Kaiming-normal in
// fan-out mode for ReLU, N(0, 2/(out·3·3)) (He et al., "Delving Deep into
// Rectifiers", ICCV 2015, eq. 10), biases 0. The same seed gives the same
// weights. It is NOT a pre-trained network: use it where real weights cannot
// be had, and say so (String does).
func Random(seed uint64) *Model {
	m, _ := VGG19.Random(seed, 1)
	return m
}

// RandomWidth is Random with every channel count divided by divisor (the
// project's fixtures use 16), for fast experiments and tests.
func RandomWidth(seed uint64, divisor int) (*Model, error) {
	return VGG19.Random(seed, divisor)
}

// Random returns the architecture with random weights initialised as
// torchvision initialises it (see the package function Random), every
// channel count divided by divisor (1 for the real widths).
func (a Architecture) Random(seed uint64, divisor int) (*Model, error) {
	if divisor < 1 || blockWidths[0]%divisor != 0 {
		return nil, fmt.Errorf("vgg: width divisor %d does not divide %s's narrowest layer (%d channels)", divisor, a, blockWidths[0])
	}
	cfg := a.config()
	rng := rand.New(rand.NewPCG(seed, cfg.stream))
	m := &Model{arch: a, convs: make([]convWeights, len(cfg.widths)), random: true,
		source: fmt.Sprintf("RANDOM weights (seed %d, Kaiming-normal; not pre-trained)", seed)}
	in := 3
	for c, width := range cfg.widths {
		out := width / divisor
		std := math.Sqrt(2 / float64(out*3*3))
		kernel := make([]float32, out*in*3*3)
		for i := range kernel {
			kernel[i] = float32(rng.NormFloat64() * std)
		}
		m.convs[c] = convWeights{
			kernel: tensors.FromFlatDataAndDimensions(kernel, out, in, 3, 3),
			bias:   tensors.FromFlatDataAndDimensions(make([]float32, out), out),
		}
		in = out
	}
	return m, nil
}
