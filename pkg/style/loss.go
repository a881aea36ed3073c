package style

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Losses are the terms of L_total = α·L_content + β·L_style + γ·L_TV at one
// image, each already multiplied by its weight, so Total = Content + Style +
// TV.
type Losses struct {
	Total, Content, Style, TV float64
}

func (l Losses) String() string {
	return fmt.Sprintf("total %.4g = content %.4g + style %.4g + tv %.4g", l.Total, l.Content, l.Style, l.TV)
}

// Targets are what the result is compared with: the content image's
// feature maps P^l at the content layers and the style's Gram matrices A^l
// at the style layers, in the order of Options.ContentLayers and
// Options.StyleLayers.
type Targets struct {
	Content []*tensors.Tensor // [1, C, H', W'] per content layer
	Style   []*tensors.Tensor // [1, C, C] per style layer
}

// featureExtractor computes content features and Gram matrices of images;
// one graph is compiled per image size.
type featureExtractor struct {
	exec                       *Exec
	contentLayers, styleLayers []string
}

func newFeatureExtractor(backend backends.Backend, net Network, contentLayers, styleLayers []string) (*featureExtractor, error) {
	f := &featureExtractor{contentLayers: contentLayers, styleLayers: styleLayers}
	layers := unionOf(contentLayers, styleLayers)
	exec, err := NewExecAny(backend, func(image *Node) []*Node {
		features := net.Features(image, layers)
		outputs := make([]*Node, 0, len(layers))
		for _, name := range contentLayers {
			outputs = append(outputs, features[name])
		}
		for _, name := range styleLayers {
			outputs = append(outputs, Gram(features[name]))
		}
		return outputs
	})
	if err != nil {
		return nil, err
	}
	f.exec = exec.WithName("style.targets")
	return f, nil
}

// targets returns the content features and Gram matrices of image [1, 3, H, W].
func (f *featureExtractor) targets(image *tensors.Tensor) (Targets, error) {
	outputs, err := f.exec.Exec(image)
	if err != nil {
		return Targets{}, fmt.Errorf("style: computing the features of a %v image: %w", image.Shape().Dimensions, err)
	}
	n := len(f.contentLayers)
	return Targets{Content: outputs[:n], Style: outputs[n:]}, nil
}

// ComputeTargets returns the feature maps at contentLayers and the Gram
// matrices at styleLayers of image [1, 3, H, W] (NCHW, in [0, 1]): the
// targets a Loss compares with, for a content image (Targets.Content) or a
// style image (Targets.Style).
func ComputeTargets(backend backends.Backend, net Network, image *tensors.Tensor, contentLayers, styleLayers []string) (Targets, error) {
	f, err := newFeatureExtractor(backend, net, contentLayers, styleLayers)
	if err != nil {
		return Targets{}, err
	}
	return f.targets(image)
}

// unionOf returns the names in a and b, each once, in order of appearance.
func unionOf(a, b []string) []string {
	out := slices.Clone(a)
	for _, name := range b {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// Loss is L_total and its gradient with respect to the image, for
// images of one size: one compiled graph computes both, and the network's
// weights stay with the compiled graph between evaluations.
type Loss struct {
	exec    *Exec
	dims    []int
	targets []any
}

// NewLoss compiles the loss of Gatys et al. (2016), eq. 7, with the
// weights and layers of opts, for images [1, 3, height, width] (NCHW).
// targets holds the content features and style Grams the loss compares with
// (only the content or only the style targets may be given when the other
// weight is 0). Only the fields of opts that define the loss are used.
func NewLoss(backend backends.Backend, net Network, targets Targets, height, width int, opts *Options) (*Loss, error) {
	useContent, useStyle, useTV := opts.ContentWeight > 0, opts.StyleWeight > 0, opts.TVWeight > 0
	var args []any
	if useContent {
		if len(targets.Content) != len(opts.ContentLayers) {
			return nil, fmt.Errorf("style: %d content targets for %d ContentLayers", len(targets.Content), len(opts.ContentLayers))
		}
		for _, t := range targets.Content {
			args = append(args, t)
		}
	}
	if useStyle {
		if len(targets.Style) != len(opts.StyleLayers) {
			return nil, fmt.Errorf("style: %d style targets for %d StyleLayers", len(targets.Style), len(opts.StyleLayers))
		}
		for _, t := range targets.Style {
			args = append(args, t)
		}
	}
	var layers []string
	if useContent {
		layers = unionOf(layers, opts.ContentLayers)
	}
	if useStyle {
		layers = unionOf(layers, opts.StyleLayers)
	}
	contentLayers, styleLayers := slices.Clone(opts.ContentLayers), slices.Clone(opts.StyleLayers)
	contentLayerWeights, styleLayerWeights := slices.Clone(opts.ContentLayerWeights), slices.Clone(opts.StyleLayerWeights)
	alpha, beta, gamma := opts.ContentWeight, opts.StyleWeight, opts.TVWeight

	exec, err := NewExecAny(backend, func(inputs []*Node) []*Node {
		image, targetNodes := inputs[0], inputs[1:]
		g := image.Graph()
		zero := ScalarZero(g, image.DType())
		contentLoss, styleLoss, tvLoss := zero, zero, zero
		var features map[string]*Node
		if len(layers) > 0 {
			features = net.Features(image, layers)
		}
		if useContent {
			for i, name := range contentLayers {
				term := ContentLoss(features[name], targetNodes[i])
				contentLoss = Add(contentLoss, MulScalar(term, layerWeight(contentLayerWeights, i)))
			}
			contentLoss = MulScalar(contentLoss, alpha)
			targetNodes = targetNodes[len(contentLayers):]
		}
		if useStyle {
			for i, name := range styleLayers {
				term := StyleLayerLoss(features[name], targetNodes[i])
				styleLoss = Add(styleLoss, MulScalar(term, layerWeight(styleLayerWeights, i)))
			}
			styleLoss = MulScalar(styleLoss, beta)
		}
		if useTV {
			tvLoss = MulScalar(TotalVariation(image), gamma)
		}
		total := Add(Add(contentLoss, styleLoss), tvLoss)
		return []*Node{total, contentLoss, styleLoss, tvLoss, Gradient(total, image)[0]}
	})
	if err != nil {
		return nil, err
	}
	return &Loss{exec: exec.WithName("style.objective"), dims: []int{1, 3, height, width}, targets: args}, nil
}

// Evaluate returns the loss terms at image x, the flat float32 data of a
// [1, 3, H, W] image, and writes ∂L_total/∂x into grad (same length). The
// first call compiles the graph.
func (o *Loss) Evaluate(x, grad []float32) (Losses, error) {
	if size := 3 * o.dims[2] * o.dims[3]; len(x) != size || len(grad) != size {
		return Losses{}, fmt.Errorf("style: Loss for [1, 3, %d, %d] images (%d values) got an image of %d and a gradient of %d values",
			o.dims[2], o.dims[3], size, len(x), len(grad))
	}
	image := tensors.FromFlatDataAndDimensions(x, o.dims...)
	outputs, err := o.exec.Exec(append([]any{image}, o.targets...)...)
	image.FinalizeAll()
	if err != nil {
		return Losses{}, fmt.Errorf("style: evaluating the loss: %w", err)
	}
	defer func() {
		for _, t := range outputs {
			t.FinalizeAll()
		}
	}()
	scalar := func(t *tensors.Tensor) float64 { return float64(tensors.ToScalar[float32](t)) }
	losses := Losses{Total: scalar(outputs[0]), Content: scalar(outputs[1]), Style: scalar(outputs[2]), TV: scalar(outputs[3])}
	tensors.MustConstFlatData(outputs[4], func(flat []float32) { copy(grad, flat) })
	if math.IsNaN(losses.Total) || math.IsInf(losses.Total, 0) {
		return losses, fmt.Errorf("style: the loss is %g (%s)", losses.Total, losses)
	}
	return losses, nil
}
