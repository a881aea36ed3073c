package metrics

import (
	"bytes"
	_ "embed"

	"github.com/gomlx/gomlx/backends"
	"github.com/neuralart/neuralart/pkg/weights"
)

// lenetMNIST holds the weights that `go generate` trained (see gen.go).
//
//go:embed lenet_mnist.safetensors
var lenetMNIST []byte

// PretrainedLeNet returns the classifier with the project's trained weights
// (embedded in the package; how they were made is in its metadata and gen.go).
func PretrainedLeNet(backend backends.Backend) (*LeNet, error) {
	f, err := weights.NewReader(bytes.NewReader(lenetMNIST), int64(len(lenetMNIST)), LeNetWeightsFile)
	if err != nil {
		return nil, err
	}
	return lenetFromFile(backend, f)
}
