package vgg

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	timages "github.com/gomlx/gomlx/pkg/core/tensors/images"

	"github.com/neuralart/neuralart/pkg/nn"
)

// Pooling selects the 2×2, stride-2 pooling between VGG's blocks.
type Pooling int

const (
	// MaxPooling is torchvision's (and the original VGG's) max pooling.
	MaxPooling Pooling = iota
	// AvgPooling is average pooling, which Gatys et al. (2016, section 2)
	// found to give slightly more appealing results in image synthesis.
	AvgPooling
)

func (p Pooling) String() string {
	if p == AvgPooling {
		return "avg"
	}
	return "max"
}

// ImageNet statistics the pre-trained weights expect inputs normalised with
// (torchvision.transforms.Normalize in torchvision's ImageNet recipe).
var (
	ImageNetMean = [3]float32{0.485, 0.456, 0.406}
	ImageNetStd  = [3]float32{0.229, 0.224, 0.225}
)

// Model is VGG's features (VGG-19's 16 convolutions or VGG-16's 13) with
// their weights held on the host. Features embeds them as constants of the
// graph being built, so a compiled graph (graph.Exec compiles once per input
// shape) carries them and no execution transfers them again.
//
// Set Pooling before building graphs; a Model is otherwise read-only and safe
// to share.
type Model struct {
	Pooling Pooling
	// Circular pads every convolution by wrapping the image around
	// (nn.CircularPad2D) instead of with zeros, so that the network sees
	// the image as tiled: texture synthesis through it makes textures that
	// tile without seams. Default false (torchvision's zero padding).
	Circular bool
	arch     Architecture
	convs    []convWeights
	source   string
	random   bool
}

// convWeights are one convolution's kernel [out, in, 3, 3] and bias [out].
type convWeights struct {
	kernel, bias *tensors.Tensor
}

// Features returns the activations of the named layers (see
// Architecture.LayerNames) of images [N, 3, H, W] (NCHW, RGB in [0, 1]):
// each [N, C, H', W'], where H' and W' are H and W halved (rounding down)
// once per pooling passed. It normalises the images with ImageNetMean and
// ImageNetStd first and builds the network only up to the deepest layer
// asked for.
//
// Like other graph functions it panics on bad input (an unknown layer name,
// images not [N, 3, H, W]); graph.Exec turns that into an error. Use
// Architecture.CheckLayers to validate names up front.
func (m *Model) Features(images *Node, names []string) map[string]*Node {
	if images.Rank() != 4 || images.Shape().Dimensions[1] != 3 {
		panic(fmt.Errorf("vgg: Features wants images [N, 3, H, W] (NCHW, RGB), got shape %s", images.Shape()))
	}
	cfg := m.arch.config()
	want := make(map[string]bool, len(names))
	deepest := -1
	for _, name := range names {
		pos, err := cfg.layerPosition(name)
		if err != nil {
			panic(err)
		}
		want[name] = true
		deepest = max(deepest, pos)
	}
	g := images.Graph()
	dtype := images.DType()
	constant := func(t *tensors.Tensor) *Node { return ConvertDType(ConstTensor(g, t), dtype) }
	mean := ConvertDType(Reshape(Const(g, ImageNetMean[:]), 1, 3, 1, 1), dtype)
	std := ConvertDType(Reshape(Const(g, ImageNetStd[:]), 1, 3, 1, 1), dtype)
	x := Div(Sub(images, mean), std)

	out := make(map[string]*Node, len(names))
	for _, l := range cfg.layers[:deepest+1] {
		switch l.kind {
		case convLayer:
			w := m.convs[l.conv]
			if m.Circular {
				x = Convolve(nn.CircularPad2D(x, 1, 1, 1, 1), constant(w.kernel)).ChannelsAxis(timages.ChannelsFirst).NoPadding().Done()
			} else {
				x = Convolve(x, constant(w.kernel)).ChannelsAxis(timages.ChannelsFirst).PadSame().Done()
			}
			x = Add(x, Reshape(constant(w.bias), 1, -1, 1, 1))
		case reluLayer:
			x = nn.ReLU(x)
		case poolLayer:
			x = m.pool(x)
		}
		if want[l.name] {
			out[l.name] = x
		}
	}
	return out
}

// pool halves the spatial size with a 2×2 window and stride 2, dropping an
// odd last row or column as PyTorch's pooling does.
func (m *Model) pool(x *Node) *Node {
	if m.Pooling == AvgPooling {
		return MeanPool(x).ChannelsAxis(timages.ChannelsFirst).Window(2).Strides(2).NoPadding().Done()
	}
	return MaxPool(x).ChannelsAxis(timages.ChannelsFirst).Window(2).Strides(2).NoPadding().Done()
}

// Channels returns the number of channels of the named layer's output.
func (m *Model) Channels(name string) (int, error) {
	cfg := m.arch.config()
	pos, err := cfg.layerPosition(name)
	if err != nil {
		return 0, err
	}
	for i := pos; i >= 0; i-- { // a pooling layer has the channels of the conv before it
		if l := cfg.layers[i]; l.kind != poolLayer {
			return m.convs[l.conv].bias.Shape().Dimensions[0], nil
		}
	}
	panic("unreachable: the first layer is a convolution")
}

// Architecture returns which VGG the model is.
func (m *Model) Architecture() Architecture { return m.arch }

// IsRandom reports whether the weights are random (see Random) rather than trained.
func (m *Model) IsRandom() bool { return m.random }

// String says what the model is and where its weights came from.
func (m *Model) String() string {
	widths := make([]int, 0, 5)
	for _, l := range m.arch.config().layers {
		if l.kind == poolLayer {
			c, _ := m.Channels(l.name)
			widths = append(widths, c)
		}
	}
	padding := ""
	if m.Circular {
		padding = ", circular padding" // results through it differ, so caches keyed by String must tell
	}
	return fmt.Sprintf("%s features, block widths %v, %s pooling%s, %s", m.arch, widths, m.Pooling, padding, m.source)
}
