package purego

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors/images"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

// weightedSum returns Σ y·w: a scalar whose gradient is w pulled back through y.
func weightedSum(y *graph.Node, w array) *graph.Node {
	return graph.ReduceAllSum(graph.Mul(y, graph.ConvertDType(graph.Const(y.Graph(), w.Tensor()), y.DType())))
}

// TestConvolveGradients checks GoMLX's Convolve gradients (built from
// ConvGeneral with input dilation, negative padding and swapped axes) on this
// backend. Kernels are odd-sized: GoMLX v0.26's input gradient is off by one
// tap for even effective kernel sizes on every backend (see nn.Conv2D).
func TestConvolveGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []struct {
		channels         images.ChannelsAxisConfig
		size, kernel     int
		stride, dilation int
		padSame          bool
		batch, cin, cout int
	}{
		{images.ChannelsFirst, 6, 3, 1, 1, true, 2, 3, 2},
		{images.ChannelsFirst, 7, 3, 2, 1, true, 1, 2, 3},
		{images.ChannelsFirst, 8, 5, 2, 1, false, 2, 2, 2},
		{images.ChannelsFirst, 7, 3, 1, 2, true, 1, 2, 2},
		{images.ChannelsFirst, 3, 5, 1, 1, true, 1, 2, 2}, // input gradient with a kernel larger than the image
		{images.ChannelsLast, 6, 3, 1, 1, true, 2, 3, 2},
		{images.ChannelsLast, 9, 3, 3, 1, false, 1, 2, 3},
		{images.ChannelsFirst, 10, 1, 3, 1, false, 1, 2, 2}, // phases of the input gradient without taps
		{images.ChannelsLast, 5, 1, 1, 1, true, 1, 1, 2},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s-%dpx-k%d-s%d-d%d-same%v", c.channels, c.size, c.kernel, c.stride, c.dilation, c.padSame)
		t.Run(name, func(t *testing.T) {
			var x, k array
			if c.channels == images.ChannelsFirst {
				x = backendtest.RandomArray(rng, c.batch, c.cin, c.size, c.size+1)
				k = backendtest.RandomArray(rng, c.cout, c.cin, c.kernel, c.kernel)
			} else {
				x = backendtest.RandomArray(rng, c.batch, c.size, c.size+1, c.cin)
				k = backendtest.RandomArray(rng, c.kernel, c.kernel, c.cin, c.cout)
			}
			conv := func(x, k *graph.Node) *graph.Node {
				b := graph.Convolve(x, k).ChannelsAxis(c.channels).Strides(c.stride)
				if c.dilation > 1 {
					b = b.Dilations(c.dilation)
				}
				if c.padSame {
					b = b.PadSame()
				} else {
					b = b.NoPadding()
				}
				return b.Done()
			}
			y := execute(t, conv, x, k)[0]
			w := backendtest.RandomArray(rng, y.Dims...)
			checkGradients(t, name, func(in []*graph.Node) *graph.Node { return weightedSum(conv(in[0], in[1]), w) }, x, k)
		})
	}
}

func TestPoolGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		name           string
		window, stride int
		same, mean     bool
	}{
		{"max2x2", 2, 2, false, false},
		{"max3x3s2", 3, 2, false, false},
		{"max3x3s1same", 3, 1, true, false},
		{"max3x3s2same", 3, 2, true, false},
		{"mean2x2", 2, 2, false, true},
		{"mean3x3s2same", 3, 2, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := backendtest.RandomArray(rng, 2, 3, 7, 6)
			pool := func(x *graph.Node) *graph.Node {
				var b *graph.PoolBuilder
				if c.mean {
					b = graph.MeanPool(x)
				} else {
					b = graph.MaxPool(x)
				}
				b = b.ChannelsAxis(images.ChannelsFirst).Window(c.window).Strides(c.stride)
				if c.same {
					b = b.PadSame()
				} else {
					b = b.NoPadding()
				}
				return b.Done()
			}
			y := execute(t, pool, x)[0]
			w := backendtest.RandomArray(rng, y.Dims...)
			checkGradients(t, c.name, func(in []*graph.Node) *graph.Node { return weightedSum(pool(in[0]), w) }, x)
		})
	}
}
