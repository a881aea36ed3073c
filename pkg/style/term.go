package style

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/exceptions"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
)

// Features are feature maps by layer name, [1, C, H', W'] (NCHW) each.
type Features map[string]*Node

// TermInputs is what a Term's Loss reads: nodes of the loss graph, the
// features of the image being optimised at the term's Layers and the same
// features of the content and style images, computed once per level as the
// built-in targets are.
type TermInputs struct {
	// Pixels is the image being optimised, [1, 3, H, W] (NCHW, RGB in [0, 1]):
	// what the gradient is taken with respect to.
	Pixels *Node
	// Image holds the features of Pixels at the term's layers.
	Image Features
	// Content holds the content image's features at the same layers; nil
	// without a content image (texture synthesis).
	Content Features
	// Styles holds each style image's features at the same layers, the
	// images resized as for the built-in style loss (Options.StyleScale),
	// so their H', W' may differ from Image's.
	Styles []Features
	// Blend holds the style blend weights b_i (Options.StyleBlendWeights),
	// normalised to sum to 1; see BlendStyles.
	Blend []float64
}

// BlendStyles returns Σ_i b_i·statistic(Styles[i]): the target of a
// statistic for several style images, blended as the built-in style loss
// blends Gram matrices. statistic must give nodes of one shape for every
// style image.
func (in TermInputs) BlendStyles(statistic func(Features) *Node) *Node {
	if len(in.Styles) == 0 {
		exceptions.Panicf("style: TermInputs.BlendStyles: no style images")
	}
	var sum *Node
	for i, features := range in.Styles {
		term := MulScalar(statistic(features), in.Blend[i])
		if sum == nil {
			sum = term
		} else {
			sum = Add(sum, term)
		}
	}
	return sum
}

// Term is a loss term of one's own, written as GoMLX graph code (in a
// notebook cell, say) and added to L_total:
//
//	L_total = α·L_content + β·L_style + γ·L_TV + Σ_t Weight_t·Loss_t
//
// Options.Terms lists them. A term replaces the built-in style (or content)
// loss when StyleWeight (ContentWeight) is 0: the built-in is then not
// computed, and the style (content) images are still read for the terms.
// The terms are reported by Name in Losses.Terms, in Step and in the live
// view (Watch).
type Term struct {
	// Name names the term in reports; it must be unique among the terms and
	// differ from the built-in ones ("total", "content", "style", "tv").
	// A cached transfer (Options.Cache) knows a term only by its Name,
	// Weight and Layers: rename it when its code changes.
	Name string
	// Weight multiplies Loss, ≥ 0. A term of weight 0 is computed and
	// reported but does not move the image: a way to watch a statistic.
	Weight float64
	// Layers names the layers whose features Loss reads.
	Layers []string
	// Loss returns the term as a scalar node; it runs once, while the loss
	// graph is built, and may panic to report a misuse (the panic becomes
	// the error of the transfer).
	Loss func(TermInputs) *Node
}

// builtinNames are the names of the built-in terms, which a Term may not take.
var builtinNames = []string{"total", "content", "style", "tv"}

// checkTerms reports the first term that cannot work, naming it.
func checkTerms(terms []Term) error {
	for i, t := range terms {
		what := fmt.Sprintf("style: Terms[%d] (%q)", i, t.Name)
		switch {
		case t.Name == "":
			return fmt.Errorf("style: Terms[%d] has no Name", i)
		case slices.Contains(builtinNames, t.Name):
			return fmt.Errorf("%s: the name of a built-in term; choose another", what)
		case slices.ContainsFunc(terms[:i], func(u Term) bool { return u.Name == t.Name }):
			return fmt.Errorf("%s: two terms of that name", what)
		case math.IsNaN(t.Weight) || math.IsInf(t.Weight, 0) || t.Weight < 0:
			return fmt.Errorf("%s: Weight must be a finite number ≥ 0, got %g", what, t.Weight)
		case t.Loss == nil:
			return fmt.Errorf("%s: Loss is nil", what)
		}
	}
	return nil
}

// termLayers returns the layers the terms read, each once, in order of appearance.
func termLayers(terms []Term) []string {
	var layers []string
	for _, t := range terms {
		layers = unionOf(layers, t.Layers)
	}
	return layers
}

// pick returns the features at layers.
func (f Features) pick(layers []string) Features {
	if f == nil {
		return nil
	}
	out := make(Features, len(layers))
	for _, name := range layers {
		out[name] = f[name]
	}
	return out
}

// build returns the term's weighted value, checking that Loss gave a scalar.
func (t *Term) build(in TermInputs) *Node {
	in.Image, in.Content = in.Image.pick(t.Layers), in.Content.pick(t.Layers)
	styles := make([]Features, len(in.Styles))
	for i, s := range in.Styles {
		styles[i] = s.pick(t.Layers)
	}
	in.Styles = styles
	value := t.Loss(in)
	if value == nil || value.Shape().Rank() != 0 {
		var shape any = "nil"
		if value != nil {
			shape = value.Shape()
		}
		exceptions.Panicf("style: term %q: Loss must return a scalar, got %v", t.Name, shape)
	}
	return MulScalar(ConvertDType(value, in.Pixels.DType()), t.Weight)
}
