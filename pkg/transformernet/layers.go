package transformernet

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/neuralart/neuralart/pkg/nn"
)

// DefaultWidth is the channel count of TransformerNet's first layer in
// fast_neural_style (32; the deeper layers have 64 and 128).
const DefaultWidth = 32

// residualBlocks is the number of residual blocks between the downsampling
// and the upsampling layers.
const residualBlocks = 5

// conv is one ConvLayer or UpsampleConvLayer of transformer_net.py:
// optional 2× nearest upsampling, reflection padding of kernel/2, then a
// convolution with bias, stored under <name>.conv2d.weight and .bias.
type conv struct {
	name           string
	in, out        int // channels as multiples of the width; 0 means RGB (3)
	kernel, stride int
	upsample       bool
	norm           string // the InstanceNorm2d that follows, "" for none
	// residual marks the first layer of a ResidualBlock: it and the next
	// compute in2(conv2(relu(in1(conv1(x))))) + x.
	residual bool
}

// convs lists the layers in network order, the residual blocks' included.
var convs = func() []conv {
	out := []conv{
		{name: "conv1", in: 0, out: 1, kernel: 9, stride: 1, norm: "in1"},
		{name: "conv2", in: 1, out: 2, kernel: 3, stride: 2, norm: "in2"},
		{name: "conv3", in: 2, out: 4, kernel: 3, stride: 2, norm: "in3"},
	}
	for r := 1; r <= residualBlocks; r++ {
		out = append(out,
			conv{name: fmt.Sprintf("res%d.conv1", r), in: 4, out: 4, kernel: 3, stride: 1, norm: fmt.Sprintf("res%d.in1", r), residual: true},
			conv{name: fmt.Sprintf("res%d.conv2", r), in: 4, out: 4, kernel: 3, stride: 1, norm: fmt.Sprintf("res%d.in2", r)})
	}
	return append(out,
		conv{name: "deconv1", in: 4, out: 2, kernel: 3, stride: 1, upsample: true, norm: "in4"},
		conv{name: "deconv2", in: 2, out: 1, kernel: 3, stride: 1, upsample: true, norm: "in5"},
		conv{name: "deconv3", in: 1, out: 0, kernel: 9, stride: 1})
}()

func channels(multiple, width int) int {
	if multiple == 0 {
		return 3
	}
	return multiple * width
}

// shapes returns every state_dict key of a network of the given width with
// its shape, in PyTorch's layout.
func shapes(width int) map[string][]int {
	s := make(map[string][]int, 4*len(convs))
	for _, c := range convs {
		in, out := channels(c.in, width), channels(c.out, width)
		s[c.name+".conv2d.weight"] = []int{out, in, c.kernel, c.kernel}
		s[c.name+".conv2d.bias"] = []int{out}
		if c.norm != "" {
			s[c.norm+".weight"] = []int{out}
			s[c.norm+".bias"] = []int{out}
		}
	}
	return s
}

// Params gives the graph node of each weight by its state_dict key (e.g.
// "res3.conv1.conv2d.weight"): constants for inference, variables for
// training.
type Params func(key string) *Node

// Forward is TransformerNet.forward: images [N, 3, H, W] (NCHW, RGB in
// [0, 255]) to images of the same layout, [N, 3, H', W'] with H' = H and
// W' = W when both are multiples of 4 (else the strided layers round as
// PyTorch's do). It panics on images of the wrong shape, as graph functions
// do.
func Forward(images *Node, p Params) *Node {
	if images.Rank() != 4 || images.Shape().Dimensions[1] != 3 {
		panic(fmt.Errorf("transformernet: want images [N, 3, H, W] (NCHW, RGB in [0, 255]), got shape %s", images.Shape()))
	}
	layer := func(c conv, x *Node) *Node {
		if c.upsample {
			x = nn.Upsample2xNearest(x)
		}
		pad := c.kernel / 2
		x = nn.ReflectionPad2D(x, pad, pad, pad, pad)
		x = nn.Conv2D(x, p(c.name+".conv2d.weight"), nn.Conv2DOptions{Stride: c.stride})
		x = Add(x, Reshape(p(c.name+".conv2d.bias"), 1, -1, 1, 1))
		if c.norm != "" {
			x = nn.InstanceNorm(x, p(c.norm+".weight"), p(c.norm+".bias"), nn.InstanceNormEpsilon)
		}
		return x
	}
	relu := nn.ReLU
	x := images
	for i := 0; i < len(convs); i++ {
		c := convs[i]
		if c.residual {
			y := relu(layer(c, x))
			x = Add(layer(convs[i+1], y), x)
			i++
			continue
		}
		x = layer(c, x)
		if c.norm != "" { // every norm outside the residual blocks is followed by a ReLU
			x = relu(x)
		}
	}
	return x
}
