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
	m, _ := RandomWidth(seed, 1)
	return m
}

// RandomWidth is Random with every channel count divided by divisor (the
// project's fixtures use 16), for fast experiments and tests.
func RandomWidth(seed uint64, divisor int) (*Model, error) {
	if divisor < 1 || torchvisionWidths[0]%divisor != 0 {
		return nil, fmt.Errorf("vgg: width divisor %d does not divide VGG-19's narrowest layer (%d channels)", divisor, torchvisionWidths[0])
	}
	rng := rand.New(rand.NewPCG(seed, 0x5647472d3139)) // stream: "VGG-19"
	m := &Model{random: true, source: fmt.Sprintf("RANDOM weights (seed %d, Kaiming-normal; not pre-trained)", seed)}
	in := 3
	for c, width := range torchvisionWidths {
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
