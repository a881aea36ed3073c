package inception

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Extractor computes a Model's features on a backend; it is the
// metrics.FeatureExtractor of Inception FID and KID. The graph is compiled
// once per batch shape (batch size and image size).
type Extractor struct {
	model *Model
	exec  *Exec
}

// NewExtractor returns an extractor that runs m on backend.
func NewExtractor(backend backends.Backend, m *Model) (*Extractor, error) {
	exec, err := NewExec(backend, m.Features)
	if err != nil {
		return nil, fmt.Errorf("inception: %w", err)
	}
	return &Extractor{model: m, exec: exec}, nil
}

// Features returns float32 [B, Dim()] for images float32 [B, 3, H, W]
// (NCHW, RGB) in [0, 1], of any size H×W (see Model.Features).
func (e *Extractor) Features(images *tensors.Tensor) (*tensors.Tensor, error) {
	s := images.Shape()
	if s.DType != dtypes.Float32 || s.Rank() != 4 || s.Dimensions[1] != 3 || s.Dimensions[0] < 1 {
		return nil, fmt.Errorf("inception: Features wants float32 images [B, 3, H, W] (NCHW, RGB, B ≥ 1), got %s", s)
	}
	out, err := e.exec.Exec(images)
	if err != nil {
		return nil, fmt.Errorf("inception: computing features of %s: %w", s, err)
	}
	return out[0], nil
}

// Dim is the length of a feature vector (Model.Dim).
func (e *Extractor) Dim() int { return e.model.dim }
