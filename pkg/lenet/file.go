package lenet

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/neuralart/neuralart/pkg/weights"
)

// WeightsFile is the name of the committed weights, embedded in the package.
const WeightsFile = "lenet_mnist.safetensors"

// Load reads the classifier's weights from a safetensors file written
// by Save (PyTorch names and layouts: conv1.weight [16, 1, 5, 5] …).
func Load(backend backends.Backend, path string) (*Net, error) {
	f, err := weights.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return fromFile(backend, f)
}

func fromFile(backend backends.Backend, f *weights.File) (*Net, error) {
	loaded, err := f.Load(lenetShapes)
	if err != nil {
		return nil, err
	}
	params := map[string][]float32{}
	for name, t := range loaded {
		params[name] = t.Data
	}
	return New(backend, params)
}

// Save writes the classifier's weights as safetensors, atomically,
// with metadata (e.g. how it was trained).
func (n *Net) Save(path string, metadata map[string]string) error {
	params, err := n.Params()
	if err != nil {
		return err
	}
	tensors := map[string]*weights.Tensor{}
	for name, data := range params {
		tensors[name] = &weights.Tensor{Shape: lenetShapes[name], Data: data}
	}
	if err := weights.SaveSafetensors(path, tensors, metadata); err != nil {
		return fmt.Errorf("lenet: saving LeNet: %w", err)
	}
	return nil
}
