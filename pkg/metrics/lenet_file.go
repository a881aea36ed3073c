package metrics

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/neuralart/neuralart/pkg/weights"
)

// LeNetWeightsFile is the name of the committed weights, embedded in the package.
const LeNetWeightsFile = "lenet_mnist.safetensors"

// LoadLeNet reads the classifier's weights from a safetensors file written
// by SaveLeNet (PyTorch names and layouts: conv1.weight [16, 1, 5, 5] …).
func LoadLeNet(backend backends.Backend, path string) (*LeNet, error) {
	f, err := weights.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return lenetFromFile(backend, f)
}

func lenetFromFile(backend backends.Backend, f *weights.File) (*LeNet, error) {
	loaded, err := f.Load(lenetShapes)
	if err != nil {
		return nil, err
	}
	params := map[string][]float32{}
	for name, t := range loaded {
		params[name] = t.Data
	}
	return NewLeNet(backend, params)
}

// SaveLeNet writes the classifier's weights as safetensors, atomically,
// with metadata (e.g. how it was trained).
func (n *LeNet) SaveLeNet(path string, metadata map[string]string) error {
	params, err := n.Params()
	if err != nil {
		return err
	}
	tensors := map[string]*weights.Tensor{}
	for name, data := range params {
		tensors[name] = &weights.Tensor{Shape: lenetShapes[name], Data: data}
	}
	if err := weights.SaveSafetensors(path, tensors, metadata); err != nil {
		return fmt.Errorf("metrics: saving LeNet: %w", err)
	}
	return nil
}
