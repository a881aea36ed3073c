package vgg

import (
	"fmt"
	"strings"
)

// convsPerBlock is VGG-19's configuration E: five blocks of 3×3
// convolutions, each followed by ReLU, each block ended by a 2×2 pooling.
var convsPerBlock = [5]int{2, 2, 4, 4, 4}

// torchvisionWidths are the output channels of VGG-19's sixteen convolutions.
var torchvisionWidths = [16]int{64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512}

type layerKind int

const (
	convLayer layerKind = iota
	reluLayer
	poolLayer
)

// layer is one module of torchvision's vgg19().features.
type layer struct {
	name  string
	kind  layerKind
	index int // position in torchvision's nn.Sequential (the N of features.N.weight)
	conv  int // for conv and relu layers, which of the 16 convolutions (0-based)
}

// layers lists the 37 modules in order: conv1_1, relu1_1, conv1_2, relu1_2, pool1, conv2_1, ...
var layers = func() []layer {
	var out []layer
	conv := 0
	for b, n := range convsPerBlock {
		for k := 1; k <= n; k++ {
			out = append(out,
				layer{name: fmt.Sprintf("conv%d_%d", b+1, k), kind: convLayer, index: len(out), conv: conv},
				layer{name: fmt.Sprintf("relu%d_%d", b+1, k), kind: reluLayer, index: len(out) + 1, conv: conv})
			conv++
		}
		out = append(out, layer{name: fmt.Sprintf("pool%d", b+1), kind: poolLayer, index: len(out)})
	}
	return out
}()

// convIndex is the torchvision Sequential index of each of the 16 convolutions.
var convIndex = func() (idx [16]int) {
	for _, l := range layers {
		if l.kind == convLayer {
			idx[l.conv] = l.index
		}
	}
	return idx
}()

// convKeys returns the state_dict keys of convolution c (0-based) in
// torchvision's layout, e.g. features.34.weight and features.34.bias.
func convKeys(c int) (weight, bias string) {
	return fmt.Sprintf("features.%d.weight", convIndex[c]), fmt.Sprintf("features.%d.bias", convIndex[c])
}

// WeightKeys returns the 32 state_dict keys of VGG-19's features in
// torchvision's layout: features.0.weight, features.0.bias, ...,
// features.34.bias.
func WeightKeys() []string {
	keys := make([]string, 0, 2*len(convIndex))
	for c := range convIndex {
		w, b := convKeys(c)
		keys = append(keys, w, b)
	}
	return keys
}

// LayerNames returns the names of VGG-19's layers in network order:
// conv1_1, relu1_1, conv1_2, relu1_2, pool1, conv2_1, ..., relu5_4, pool5.
func LayerNames() []string {
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.name
	}
	return names
}

// layerPosition returns the position of the named layer in layers.
func layerPosition(name string) (int, error) {
	for i, l := range layers {
		if l.name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("vgg: unknown layer %q; VGG-19's layers are %s", name, strings.Join(LayerNames(), ", "))
}

// CheckLayers returns an error naming the first unknown layer name, if any.
func CheckLayers(names []string) error {
	for _, name := range names {
		if _, err := layerPosition(name); err != nil {
			return err
		}
	}
	return nil
}
