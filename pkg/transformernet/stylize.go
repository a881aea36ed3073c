package transformernet

import (
	"context"
	"fmt"
	"image"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/images"
)

// Stylizer runs a Net on a backend. The graph is compiled once per input
// shape (graph.Exec's cache), so stylising frames of one size pays the
// compilation once.
type Stylizer struct {
	net  *Net
	exec *Exec
}

// NewStylizer prepares net to run on backend.
func NewStylizer(backend backends.Backend, net *Net) (*Stylizer, error) {
	exec, err := NewExec(backend, net.Apply)
	if err != nil {
		return nil, fmt.Errorf("transformernet: %w", err)
	}
	return &Stylizer{net: net, exec: exec}, nil
}

// StylizeTensor runs the network on images [N, 3, H, W] (NCHW float32, RGB
// in [0, 255], fast_neural_style's range) and returns its output, in the
// same layout and range, unclamped. One forward pass cannot be interrupted:
// ctx is checked before it starts.
func (s *Stylizer) StylizeTensor(ctx context.Context, batch *tensors.Tensor) (*tensors.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d := batch.Shape().Dimensions; len(d) != 4 || d[1] != 3 {
		return nil, fmt.Errorf("transformernet: want images [N, 3, H, W] (NCHW, RGB in [0, 255]), got shape %s", batch.Shape())
	}
	out, err := s.exec.Exec(batch)
	if err != nil {
		return nil, fmt.Errorf("transformernet: %w", err)
	}
	return out[0], nil
}

// Stylize returns img in the network's style, at img's size when its sides
// are multiples of 4 (else as many pixels as the strided layers keep).
func (s *Stylizer) Stylize(ctx context.Context, img image.Image) (image.Image, error) {
	x := scale(images.ToTensor(img, images.NCHW), 255)
	y, err := s.StylizeTensor(ctx, x)
	if err != nil {
		return nil, err
	}
	return images.ImageFromTensor(scale(y, 1.0/255), images.NCHW)
}

// scale returns t·factor as a new float32 tensor.
func scale(t *tensors.Tensor, factor float32) *tensors.Tensor {
	data := tensors.MustCopyFlatData[float32](t)
	for i := range data {
		data[i] *= factor
	}
	return tensors.FromFlatDataAndDimensions(data, t.Shape().Dimensions...)
}
