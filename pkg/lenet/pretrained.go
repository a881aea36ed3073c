package lenet

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

// Pretrained returns the classifier with the project's trained weights
// (embedded in the package; how they were made is in its metadata and gen.go).
func Pretrained(backend backends.Backend) (*Net, error) {
	f, err := weights.NewReader(bytes.NewReader(lenetMNIST), int64(len(lenetMNIST)), WeightsFile)
	if err != nil {
		return nil, err
	}
	return fromFile(backend, f)
}
