package vgg

import (
	"fmt"
	"strings"
)

// Architecture is one of the two VGG configurations torchvision publishes
// ImageNet weights for. They differ only in the number of 3×3 convolutions
// in the last three blocks.
type Architecture int

const (
	// VGG19 is configuration E (2, 2, 4, 4, 4 convolutions per block), the
	// network of Gatys et al.
	VGG19 Architecture = iota
	// VGG16 is configuration D (2, 2, 3, 3, 3), the loss network of Johnson,
	// Alahi & Fei-Fei's feed-forward style transfer.
	VGG16
)

func (a Architecture) String() string { return a.config().name }

// config describes the layout of one architecture.
type config struct {
	name          string
	convsPerBlock []int
	// widths are the output channels of the convolutions in torchvision's network.
	widths []int
	// layers lists the modules in order: conv1_1, relu1_1, conv1_2, relu1_2, pool1, conv2_1, ...
	layers []layer
	// convIndex is the torchvision Sequential index of each convolution.
	convIndex []int
	// stream separates the random-number streams of Random for each architecture.
	stream uint64
}

var (
	vgg19 = newConfig("VGG-19", []int{2, 2, 4, 4, 4}, 0x5647472d3139) // stream: "VGG-19"
	vgg16 = newConfig("VGG-16", []int{2, 2, 3, 3, 3}, 0x5647472d3136) // stream: "VGG-16"
)

func (a Architecture) config() *config {
	if a == VGG16 {
		return vgg16
	}
	return vgg19
}

// blockWidths are the channels of VGG's five blocks in torchvision's networks.
var blockWidths = [5]int{64, 128, 256, 512, 512}

type layerKind int

const (
	convLayer layerKind = iota
	reluLayer
	poolLayer
)

// layer is one module of torchvision's vgg19().features or vgg16().features.
type layer struct {
	name  string
	kind  layerKind
	index int // position in torchvision's nn.Sequential (the N of features.N.weight)
	conv  int // for conv and relu layers, which convolution (0-based)
}

func newConfig(name string, convsPerBlock []int, stream uint64) *config {
	c := &config{name: name, convsPerBlock: convsPerBlock, stream: stream}
	for b, n := range convsPerBlock {
		for k := 1; k <= n; k++ {
			conv := len(c.convIndex)
			c.convIndex = append(c.convIndex, len(c.layers))
			c.widths = append(c.widths, blockWidths[b])
			c.layers = append(c.layers,
				layer{name: fmt.Sprintf("conv%d_%d", b+1, k), kind: convLayer, index: len(c.layers), conv: conv},
				layer{name: fmt.Sprintf("relu%d_%d", b+1, k), kind: reluLayer, index: len(c.layers) + 1, conv: conv})
		}
		c.layers = append(c.layers, layer{name: fmt.Sprintf("pool%d", b+1), kind: poolLayer, index: len(c.layers)})
	}
	return c
}

// convKeys returns the state_dict keys of convolution c (0-based) in
// torchvision's layout, e.g. features.34.weight and features.34.bias.
func (c *config) convKeys(conv int) (weight, bias string) {
	return fmt.Sprintf("features.%d.weight", c.convIndex[conv]), fmt.Sprintf("features.%d.bias", c.convIndex[conv])
}

// layerPosition returns the position of the named layer in c.layers.
func (c *config) layerPosition(name string) (int, error) {
	for i, l := range c.layers {
		if l.name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("vgg: unknown layer %q; %s's layers are %s", name, c.name, strings.Join(layerNames(c), ", "))
}

func layerNames(c *config) []string {
	names := make([]string, len(c.layers))
	for i, l := range c.layers {
		names[i] = l.name
	}
	return names
}

// WeightKeys returns the state_dict keys of the architecture's features in
// torchvision's layout: features.0.weight, features.0.bias, ..., up to
// features.34.bias for VGG-19 (32 keys) and features.28.bias for VGG-16 (26).
func (a Architecture) WeightKeys() []string {
	c := a.config()
	keys := make([]string, 0, 2*len(c.convIndex))
	for conv := range c.convIndex {
		w, b := c.convKeys(conv)
		keys = append(keys, w, b)
	}
	return keys
}

// LayerNames returns the names of the architecture's layers in network
// order: conv1_1, relu1_1, conv1_2, relu1_2, pool1, conv2_1, ..., pool5.
func (a Architecture) LayerNames() []string { return layerNames(a.config()) }

// CheckLayers returns an error naming the first name that is not one of the
// architecture's layers, if any.
func (a Architecture) CheckLayers(names []string) error {
	for _, name := range names {
		if _, err := a.config().layerPosition(name); err != nil {
			return err
		}
	}
	return nil
}

// WeightKeys returns VGG-19's 32 state_dict keys (VGG19.WeightKeys).
func WeightKeys() []string { return VGG19.WeightKeys() }

// LayerNames returns VGG-19's layer names (VGG19.LayerNames).
func LayerNames() []string { return VGG19.LayerNames() }

// CheckLayers checks names against VGG-19's layers (VGG19.CheckLayers).
func CheckLayers(names []string) error { return VGG19.CheckLayers(names) }
