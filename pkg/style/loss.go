package style

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Losses are the terms of L_total = α·L_content + β·L_style + γ·L_TV +
// Σ_t w_t·L_t at one image, each already multiplied by its weight, so Total
// is the sum of Terms.
type Losses struct {
	Total, Content, Style, TV float64
	// Terms lists every term in use by name: "content", "style" and "tv"
	// when their weights are > 0, then Options.Terms in order.
	Terms []TermLoss
}

// TermLoss is one weighted term of L_total.
type TermLoss struct {
	Name  string
	Value float64
}

func (l Losses) String() string {
	if len(l.Terms) == 0 {
		return fmt.Sprintf("total %.4g", l.Total)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "total %.4g =", l.Total)
	for i, t := range l.Terms {
		if i > 0 {
			b.WriteString(" +")
		}
		fmt.Fprintf(&b, " %s %.4g", t.Name, t.Value)
	}
	return b.String()
}

// termNames returns the names of the terms in use under opts, in the order
// of Losses.Terms.
func termNames(opts *Options) []string {
	var names []string
	for i, weight := range []float64{opts.ContentWeight, opts.StyleWeight, opts.TVWeight} {
		if weight > 0 {
			names = append(names, builtinNames[i+1])
		}
	}
	for _, t := range opts.Terms {
		names = append(names, t.Name)
	}
	return names
}

// newLosses returns the Losses of the given total and term values, in the
// order of termNames, with the built-in terms also in their fields.
func newLosses(total float64, names []string, values []float64) Losses {
	l := Losses{Total: total, Terms: make([]TermLoss, len(names))}
	for i, name := range names {
		l.Terms[i] = TermLoss{Name: name, Value: values[i]}
		switch name {
		case "content":
			l.Content = values[i]
		case "style":
			l.Style = values[i]
		case "tv":
			l.TV = values[i]
		}
	}
	return l
}

// Targets are what the result is compared with: the content image's
// feature maps P^l at the content layers and the style's Gram matrices A^l
// at the style layers, in the order of Options.ContentLayers and
// Options.StyleLayers, and the features Options.Terms read.
type Targets struct {
	Content []*tensors.Tensor // [1, C, H', W'] per content layer
	Style   []*tensors.Tensor // [1, C, C] per style layer
	// ContentFeatures and StyleFeatures are the feature maps, by layer, of
	// the content image and of each style image at the layers of
	// Options.Terms (see ComputeFeatures); ContentFeatures is nil without a
	// content image.
	ContentFeatures map[string]*tensors.Tensor
	StyleFeatures   []map[string]*tensors.Tensor
}

// featureExtractor computes content features, Gram matrices and the
// features the terms read of images; one graph is compiled per image size.
type featureExtractor struct {
	exec                                      *Exec
	contentLayers, styleLayers, featureLayers []string
}

func newFeatureExtractor(backend backends.Backend, net Network, contentLayers, styleLayers, featureLayers []string) (*featureExtractor, error) {
	f := &featureExtractor{contentLayers: contentLayers, styleLayers: styleLayers, featureLayers: featureLayers}
	layers := unionOf(unionOf(contentLayers, styleLayers), featureLayers)
	exec, err := NewExecAny(backend, func(image *Node) []*Node {
		features := net.Features(image, layers)
		outputs := make([]*Node, 0, len(contentLayers)+len(styleLayers)+len(featureLayers))
		for _, name := range contentLayers {
			outputs = append(outputs, features[name])
		}
		for _, name := range styleLayers {
			outputs = append(outputs, Gram(features[name]))
		}
		for _, name := range featureLayers {
			outputs = append(outputs, features[name])
		}
		return outputs
	})
	if err != nil {
		return nil, err
	}
	f.exec = exec.WithName("style.targets")
	return f, nil
}

// targets returns the content features, Gram matrices and term features
// (in ContentFeatures) of image [1, 3, H, W].
func (f *featureExtractor) targets(image *tensors.Tensor) (Targets, error) {
	outputs, err := f.exec.Exec(image)
	if err != nil {
		return Targets{}, fmt.Errorf("style: computing the features of a %v image: %w", image.Shape().Dimensions, err)
	}
	n, m := len(f.contentLayers), len(f.contentLayers)+len(f.styleLayers)
	t := Targets{Content: outputs[:n], Style: outputs[n:m]}
	if len(f.featureLayers) > 0 {
		t.ContentFeatures = make(map[string]*tensors.Tensor, len(f.featureLayers))
		for i, name := range f.featureLayers {
			t.ContentFeatures[name] = outputs[m+i]
		}
	}
	return t, nil
}

// ComputeTargets returns the feature maps at contentLayers and the Gram
// matrices at styleLayers of image [1, 3, H, W] (NCHW, in [0, 1]): the
// targets a Loss compares with, for a content image (Targets.Content) or a
// style image (Targets.Style).
func ComputeTargets(backend backends.Backend, net Network, image *tensors.Tensor, contentLayers, styleLayers []string) (Targets, error) {
	f, err := newFeatureExtractor(backend, net, contentLayers, styleLayers, nil)
	if err != nil {
		return Targets{}, err
	}
	return f.targets(image)
}

// ComputeFeatures returns the feature maps of image [1, 3, H, W] (NCHW, in
// [0, 1]) at layers: what Targets.ContentFeatures and Targets.StyleFeatures
// hold for the layers of Options.Terms.
func ComputeFeatures(backend backends.Backend, net Network, image *tensors.Tensor, layers []string) (map[string]*tensors.Tensor, error) {
	f, err := newFeatureExtractor(backend, net, nil, nil, layers)
	if err != nil {
		return nil, err
	}
	t, err := f.targets(image)
	return t.ContentFeatures, err
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
	names   []string // of the terms, as termNames
}

// NewLoss compiles the loss of Gatys et al. (2016), eq. 7, with the
// weights, layers and Terms of opts, for images [1, 3, height, width]
// (NCHW). targets holds the content features and style Grams the loss
// compares with (only the content or only the style targets may be given
// when the other weight is 0), and, when opts has Terms, the features they
// read (ContentFeatures may be nil, StyleFeatures empty, when there is no
// such image). Only the fields of opts that define the loss are used.
func NewLoss(backend backends.Backend, net Network, targets Targets, height, width int, opts *Options) (*Loss, error) {
	useContent, useStyle, useTV := opts.ContentWeight > 0, opts.StyleWeight > 0, opts.TVWeight > 0
	if err := checkTerms(opts.Terms); err != nil {
		return nil, err
	}
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
	featureLayers := termLayers(opts.Terms)
	hasContent := len(opts.Terms) > 0 && targets.ContentFeatures != nil
	numStyles := 0
	if len(opts.Terms) > 0 {
		numStyles = len(targets.StyleFeatures)
		if numStyles > 0 && opts.StyleBlendWeights != nil && len(opts.StyleBlendWeights) != numStyles {
			return nil, fmt.Errorf("style: %d StyleBlendWeights for the features of %d style images", len(opts.StyleBlendWeights), numStyles)
		}
		addFeatures := func(what string, set map[string]*tensors.Tensor) error {
			for _, name := range featureLayers {
				t, ok := set[name]
				if !ok {
					return fmt.Errorf("style: %s has no layer %s, which Options.Terms read", what, name)
				}
				args = append(args, t)
			}
			return nil
		}
		if hasContent {
			if err := addFeatures("Targets.ContentFeatures", targets.ContentFeatures); err != nil {
				return nil, err
			}
		}
		for i, set := range targets.StyleFeatures {
			if err := addFeatures(fmt.Sprintf("Targets.StyleFeatures[%d]", i), set); err != nil {
				return nil, err
			}
		}
	}
	blend := normalisedBlend(opts.StyleBlendWeights, numStyles)
	var layers []string
	if useContent {
		layers = unionOf(layers, opts.ContentLayers)
	}
	if useStyle {
		layers = unionOf(layers, opts.StyleLayers)
	}
	layers = unionOf(layers, featureLayers)
	contentLayers, styleLayers := slices.Clone(opts.ContentLayers), slices.Clone(opts.StyleLayers)
	contentLayerWeights, styleLayerWeights := slices.Clone(opts.ContentLayerWeights), slices.Clone(opts.StyleLayerWeights)
	alpha, beta, gamma := opts.ContentWeight, opts.StyleWeight, opts.TVWeight
	terms := slices.Clone(opts.Terms)

	exec, err := NewExecAny(backend, func(inputs []*Node) []*Node {
		image, targetNodes := inputs[0], inputs[1:]
		g := image.Graph()
		var features map[string]*Node
		if len(layers) > 0 {
			features = net.Features(image, layers)
		}
		var values []*Node // the terms in use, in the order of termNames
		if useContent {
			contentLoss := ScalarZero(g, image.DType())
			for i, name := range contentLayers {
				term := ContentLoss(features[name], targetNodes[i])
				contentLoss = Add(contentLoss, MulScalar(term, layerWeight(contentLayerWeights, i)))
			}
			values = append(values, MulScalar(contentLoss, alpha))
			targetNodes = targetNodes[len(contentLayers):]
		}
		if useStyle {
			styleLoss := ScalarZero(g, image.DType())
			for i, name := range styleLayers {
				term := StyleLayerLoss(features[name], targetNodes[i])
				styleLoss = Add(styleLoss, MulScalar(term, layerWeight(styleLayerWeights, i)))
			}
			values = append(values, MulScalar(styleLoss, beta))
			targetNodes = targetNodes[len(styleLayers):]
		}
		if useTV {
			values = append(values, MulScalar(TotalVariation(image), gamma))
		}
		if len(terms) > 0 {
			in := TermInputs{Pixels: image, Image: Features(features).pick(featureLayers), Blend: blend}
			nextSet := func() Features {
				set := make(Features, len(featureLayers))
				for i, name := range featureLayers {
					set[name] = targetNodes[i]
				}
				targetNodes = targetNodes[len(featureLayers):]
				return set
			}
			if hasContent {
				in.Content = nextSet()
			}
			for range numStyles {
				in.Styles = append(in.Styles, nextSet())
			}
			for i := range terms {
				values = append(values, terms[i].build(in))
			}
		}
		total := ScalarZero(g, image.DType())
		for _, v := range values {
			total = Add(total, v)
		}
		return append(append([]*Node{total}, values...), Gradient(total, image)[0])
	})
	if err != nil {
		return nil, err
	}
	return &Loss{exec: exec.WithName("style.objective"), dims: []int{1, 3, height, width}, targets: args, names: termNames(opts)}, nil
}

// normalisedBlend returns the blend weights of n style images normalised to
// sum to 1: weights, or equal weights when weights is nil.
func normalisedBlend(weights []float64, n int) []float64 {
	blend := make([]float64, n)
	var sum float64
	for i := range blend {
		blend[i] = layerWeight(weights, i)
		sum += blend[i]
	}
	for i := range blend {
		blend[i] /= sum
	}
	return blend
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
	values := make([]float64, len(o.names))
	for i := range values {
		values[i] = scalar(outputs[1+i])
	}
	losses := newLosses(scalar(outputs[0]), o.names, values)
	tensors.MustConstFlatData(outputs[len(outputs)-1], func(flat []float32) { copy(grad, flat) })
	if math.IsNaN(losses.Total) || math.IsInf(losses.Total, 0) {
		return losses, fmt.Errorf("style: the loss is %g (%s)", losses.Total, losses)
	}
	return losses, nil
}
