package vgg

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/weights"
)

// Load reads VGG-19 or VGG-16 weights with torchvision's key names
// (features.0.weight ... features.34.bias for VGG-19, ... features.28.bias
// for VGG-16) from a .pth (torch.save) or safetensors file, ignoring any
// other tensors (such as the classifier's). The architecture is the one
// whose keys the file holds (VGG-19's conv3_4 is features.16, VGG-16's
// conv4_1 features.17). Channel counts are taken from the file; they must
// chain (each convolution's input channels are the previous one's outputs,
// the first's are 3) and every kernel must be 3×3.
func Load(path string) (*Model, error) {
	f, err := weights.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return FromFile(f)
}

// FromFile is Load for an already open weights file.
func FromFile(f *weights.File) (*Model, error) {
	arch := VGG19
	if _, _, err := f.Info("features.16.weight"); err != nil {
		if _, _, err := f.Info("features.17.weight"); err == nil {
			arch = VGG16
		}
	}
	return arch.FromFile(f)
}

// FromFile reads the architecture's weights from f, as Load does, without
// guessing which VGG the file holds.
func (a Architecture) FromFile(f *weights.File) (*Model, error) {
	cfg := a.config()
	var problems []string
	in := 3 // input channels of the next convolution; -1 when unknown after a problem
	for c := range cfg.convIndex {
		wKey, bKey := cfg.convKeys(c)
		expected := fmt.Sprintf("[?, %d, 3, 3]", in)
		if in < 0 {
			expected = "[?, ?, 3, 3]"
		}
		_, shape, err := f.Info(wKey)
		if err != nil {
			problems = append(problems, fmt.Sprintf("missing %s (conv %d, expected shape %s)", wKey, c+1, expected))
			if _, _, err := f.Info(bKey); err != nil {
				problems = append(problems, fmt.Sprintf("missing %s", bKey))
			}
			in = -1
			continue
		}
		if len(shape) != 4 || (in >= 0 && shape[1] != in) || shape[2] != 3 || shape[3] != 3 {
			problems = append(problems, fmt.Sprintf("%s has shape %v, expected %s", wKey, shape, expected))
			in = -1
			continue
		}
		out := shape[0]
		if _, bShape, err := f.Info(bKey); err != nil {
			problems = append(problems, fmt.Sprintf("missing %s (expected shape [%d])", bKey, out))
		} else if len(bShape) != 1 || bShape[0] != out {
			problems = append(problems, fmt.Sprintf("%s has shape %v, expected [%d]", bKey, bShape, out))
		}
		in = out
	}
	if len(problems) > 0 {
		keys := f.Keys()
		if len(keys) > 4 {
			keys = append(keys[:4], fmt.Sprintf("... (%d tensors in all)", len(f.Keys())))
		}
		return nil, fmt.Errorf("vgg: %s is not a torchvision %s (%s().features) state_dict: %s; the file holds %s",
			f.Name(), a, strings.ToLower(strings.ReplaceAll(a.String(), "-", "")), strings.Join(problems, "; "), strings.Join(keys, ", "))
	}
	m := &Model{arch: a, convs: make([]convWeights, len(cfg.convIndex)), source: "weights from " + f.Name()}
	for c := range cfg.convIndex {
		wKey, bKey := cfg.convKeys(c)
		kernel, err := f.Tensor(wKey)
		if err != nil {
			return nil, err
		}
		bias, err := f.Tensor(bKey)
		if err != nil {
			return nil, err
		}
		m.convs[c] = convWeights{
			kernel: tensors.FromFlatDataAndDimensions(kernel.Data, kernel.Shape...),
			bias:   tensors.FromFlatDataAndDimensions(bias.Data, bias.Shape...),
		}
	}
	return m, nil
}
