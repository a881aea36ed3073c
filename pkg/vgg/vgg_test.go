package vgg

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
)

func testBackend(t *testing.T) backends.Backend {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLayerNames(t *testing.T) {
	names := LayerNames()
	if len(names) != 37 || names[0] != "conv1_1" || names[1] != "relu1_1" || names[4] != "pool1" || names[36] != "pool5" {
		t.Errorf("LayerNames() = %v", names)
	}
	// The torchvision indices of the relu layers the style fixtures name.
	for name, index := range map[string]int{"relu1_1": 1, "relu2_1": 6, "relu3_1": 11, "relu4_1": 20, "relu4_2": 22, "relu5_1": 29, "relu5_4": 35} {
		pos, err := vgg19.layerPosition(name)
		if err != nil || vgg19.layers[pos].index != index {
			t.Errorf("%s: torchvision index %d, want %d (err %v)", name, vgg19.layers[pos].index, index, err)
		}
	}
	if keys := WeightKeys(); len(keys) != 32 || keys[0] != "features.0.weight" || keys[31] != "features.34.bias" {
		t.Errorf("WeightKeys() = %v", keys)
	}
	if err := CheckLayers([]string{"relu4_2", "conv6_1"}); err == nil || !strings.Contains(err.Error(), `"conv6_1"`) {
		t.Errorf("CheckLayers: err = %v, want one naming conv6_1", err)
	}
	// VGG-16: the layers fast_neural_style's Vgg16 slices end at
	// (features[:4], [4:9], [9:16], [16:23]).
	for name, index := range map[string]int{"relu1_2": 3, "relu2_2": 8, "relu3_3": 15, "relu4_3": 22, "pool5": 30} {
		pos, err := vgg16.layerPosition(name)
		if err != nil || vgg16.layers[pos].index != index {
			t.Errorf("VGG-16 %s: torchvision index %d, want %d (err %v)", name, vgg16.layers[pos].index, index, err)
		}
	}
	if keys := VGG16.WeightKeys(); len(keys) != 26 || keys[25] != "features.28.bias" {
		t.Errorf("VGG16.WeightKeys() = %v", keys)
	}
	if err := VGG16.CheckLayers([]string{"relu3_4"}); err == nil || !strings.Contains(err.Error(), "VGG-16") {
		t.Errorf("VGG16.CheckLayers(relu3_4): err = %v, want one saying VGG-16 has no such layer", err)
	}
}

// TestFeatureShapes runs a narrow random VGG on a non-square image of odd
// size: pooling drops the odd row or column, channels follow the weights.
func TestFeatureShapes(t *testing.T) {
	m, err := RandomWidth(1, 16)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"conv1_1", "relu1_2", "pool1", "relu3_4", "relu5_4", "pool5"}
	const h, w = 37, 53
	exec := MustNewExec(testBackend(t), func(x *Node) []*Node {
		f := m.Features(x, names)
		out := make([]*Node, len(names))
		for i, name := range names {
			out[i] = f[name]
		}
		return out
	})
	outputs := exec.MustExec(tensors.FromFlatDataAndDimensions(make([]float32, 3*h*w), 1, 3, h, w))
	for i, name := range names {
		pos, _ := vgg19.layerPosition(name)
		pools := 0 // poolings up to and including this layer
		for _, l := range vgg19.layers[:pos+1] {
			if l.kind == poolLayer {
				pools++
			}
		}
		c, err := m.Channels(name)
		if err != nil {
			t.Fatal(err)
		}
		want := []int{1, c, h >> pools, w >> pools}
		if got := outputs[i].Shape().Dimensions; !slices.Equal(got, want) {
			t.Errorf("%s: shape %v, want %v", name, got, want)
		}
	}
}

// TestOnlyDeepestLayer checks that asking for relu1_1 builds nothing past
// the first convolution: a model whose later weights are missing still works.
func TestOnlyDeepestLayer(t *testing.T) {
	m, err := RandomWidth(1, 16)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(m.convs); i++ {
		m.convs[i] = convWeights{}
	}
	exec := MustNewExec(testBackend(t), func(x *Node) *Node { return m.Features(x, []string{"relu1_1"})["relu1_1"] })
	out := exec.MustExec(tensors.FromFlatDataAndDimensions(make([]float32, 3*8*8), 1, 3, 8, 8))[0]
	if dims := out.Shape().Dimensions; !slices.Equal(dims, []int{1, 4, 8, 8}) {
		t.Errorf("relu1_1 shape %v, want [1 4 8 8]", dims)
	}
}

func TestRandom(t *testing.T) {
	a := Random(7)
	if !a.IsRandom() || !strings.Contains(a.String(), "RANDOM") {
		t.Errorf("a random model must say so: IsRandom %v, String %q", a.IsRandom(), a.String())
	}
	ka := tensors.MustCopyFlatData[float32](a.convs[15].kernel)
	narrow := func(seed uint64) []float32 {
		m, err := RandomWidth(seed, 16)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](m.convs[15].kernel)
	}
	if !slices.Equal(narrow(7), narrow(7)) || slices.Equal(narrow(7), narrow(8)) {
		t.Error("the same seed must give the same weights, another seed others")
	}
	// Kaiming-normal, fan-out mode: std = sqrt(2 / (out·3·3)).
	out := a.convs[15].kernel.Shape().Dimensions[0]
	want := math.Sqrt(2 / float64(out*9))
	var sum, sq float64
	for _, v := range ka {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	n := float64(len(ka))
	mean, std := sum/n, math.Sqrt(sq/n-(sum/n)*(sum/n))
	if math.Abs(std/want-1) > 0.01 || math.Abs(mean) > 0.01*want {
		t.Errorf("conv5_4 kernel mean %.3g std %.4g, want 0 and %.4g", mean, std, want)
	}
	for c, w := range vgg19.widths {
		if got := a.convs[c].bias.Shape().Dimensions[0]; got != w {
			t.Errorf("conv %d has %d channels, want torchvision's %d", c, got, w)
		}
	}
	if _, err := RandomWidth(1, 3); err == nil {
		t.Error("RandomWidth accepted a divisor that does not divide 64")
	}
}
