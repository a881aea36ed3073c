package style

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/cache"
)

// Init chooses the image the optimisation starts from.
type Init int

const (
	// InitContent starts from the content image, as PyTorch's neural style
	// tutorial does: the fastest way to a good result.
	InitContent Init = iota
	// InitNoise starts from uniform white noise in [0, 1], as Gatys et al.
	// do; results vary with Options.Seed. Texture synthesis always starts
	// from noise.
	InitNoise
	// InitStyle starts from the (first) style image, resized to the output
	// size.
	InitStyle
)

func (i Init) String() string {
	switch i {
	case InitContent:
		return "content"
	case InitNoise:
		return "noise"
	case InitStyle:
		return "style"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// Default layers: Gatys et al. (2016) match content at conv4_2 and style at
// conv1_1 … conv5_1, taken after their ReLUs as neural-style does.
var (
	DefaultContentLayers = []string{"relu4_2"}
	DefaultStyleLayers   = []string{"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"}
)

// Options are the knobs of a style transfer, named after neural-style's
// flags. Start from DefaultOptions: the zero value is not usable, because
// zero is a meaningful value for most weights (ContentWeight = 0 is texture
// synthesis). The pooling (neural-style's -pooling max|avg) belongs to the
// network: set vgg.Model.Pooling on the model given to Transfer.
type Options struct {
	// ContentWeight α and StyleWeight β weigh the two terms of
	// L_total = α·L_content + β·L_style + γ·L_TV (Gatys et al. 2016, eq. 7).
	// Defaults 1 and 1e6, PyTorch's tutorial's values for losses normalised
	// as in ContentLoss and Gram. ContentWeight 0 synthesises a texture.
	ContentWeight, StyleWeight float64
	// TVWeight γ weighs the total-variation smoothness prior; default 0.
	TVWeight float64
	// Terms are loss terms of one's own, added to L_total (see Term); a
	// term replaces the built-in style or content loss when StyleWeight or
	// ContentWeight is 0. Default none.
	Terms []Term

	// ContentLayers and StyleLayers name the layers the losses compare
	// (DefaultContentLayers, DefaultStyleLayers); ContentLayerWeights and
	// StyleLayerWeights weigh each layer's term (w_l of eq. 5), nil meaning 1
	// for every layer.
	ContentLayers, StyleLayers             []string
	ContentLayerWeights, StyleLayerWeights []float64

	// Size is the longer side of the result in pixels (neural-style's
	// -image_size, default 512); 0 keeps the content image's size. The
	// result, and the style images at StyleScale, must fit the pixel limit
	// of package images (images.DefaultMaxPixels) and be large enough for
	// the layers (see Transfer).
	Size int
	// StyleScale resizes the style images to StyleScale × Size on their
	// longer side (-style_scale, default 1): smaller scales transfer larger
	// brush strokes.
	StyleScale float64
	// StyleBlendWeights mixes several style images: the target Gram
	// matrices are Σ_i b_i·A_i with the weights normalised to sum to 1
	// (-style_blend_weights). nil weighs all styles equally.
	StyleBlendWeights []float64

	// Init chooses the starting image (default InitContent); InitImage, when
	// set ([1, 3, H, W], NCHW, in [0, 1]), overrides it and is resized to the
	// output size. Seed seeds the noise of InitNoise.
	Init      Init
	InitImage *tensors.Tensor
	Seed      uint64

	// Optimizer minimises the loss over the image (default L-BFGS, as
	// neural-style, with the strong-Wolfe line search, which keeps the
	// loss from spiking when the first steps overshoot); Iterations is the
	// number of its steps per level (default 500). With L-BFGS without line
	// search, and with Adam, a step is one evaluation of the loss and its
	// gradient; with the line search a step costs one or more (at most 1.25
	// per step on average, see LBFGS.MaxEvaluations). Pixels are kept in
	// [0, 1] during the optimisation only if the optimiser clamps
	// (LBFGS.Clamp, Adam.Clamp: PyTorch's tutorial does, Gatys and
	// neural-style do not); images are clamped anyway when shown or saved.
	Optimizer  Optimizer
	Iterations int

	// Levels > 1 runs coarse to fine, as neural-style's multi-resolution
	// scripts do: first at Size/2^(Levels−1), then each result, upsampled,
	// starts the next level at twice the size, up to Size. Default 1.
	Levels int

	// OriginalColors keeps the content image's colours and transfers only
	// luminance (neural-style's -original_colors; see KeepOriginalColors).
	OriginalColors bool

	// Callback, when set, is called every CallbackEvery evaluations of the
	// loss (default 10) and after the last: Step carries the loss terms and
	// the current image. An error returned by it stops the transfer.
	Callback      func(Step) error
	CallbackEvery int

	// Cache, when set, keeps finished transfers: Transfer (and Texture)
	// first look there for the result under a key of the network, the
	// images and every option that changes the result (not Callback,
	// CallbackEvery or the backend; a Term by its Name, Weight and Layers),
	// and store what they compute there. A cached result is returned with
	// Result.Cached set, and Callback sees its recorded losses again (see
	// Step.Image). Default nil: nothing is cached.
	Cache *cache.Cache
}

// DefaultOptions returns the defaults documented on each field of Options.
func DefaultOptions() Options {
	lbfgs := *NewLBFGS()
	lbfgs.LineSearch = true
	return Options{
		ContentWeight: 1,
		StyleWeight:   1e6,
		ContentLayers: DefaultContentLayers,
		StyleLayers:   DefaultStyleLayers,
		Size:          512,
		StyleScale:    1,
		Init:          InitContent,
		Optimizer:     &lbfgs,
		Iterations:    500,
		Levels:        1,
		CallbackEvery: 10,
	}
}

// check reports the first option that cannot work, naming it.
func (o *Options) check(numStyles int) error {
	finite := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("style: %s must be a finite number ≥ 0, got %g", name, v)
		}
		return nil
	}
	for _, w := range []struct {
		name  string
		value float64
	}{{"ContentWeight", o.ContentWeight}, {"StyleWeight", o.StyleWeight}, {"TVWeight", o.TVWeight}} {
		if err := finite(w.name, w.value); err != nil {
			return err
		}
	}
	if err := checkTerms(o.Terms); err != nil {
		return err
	}
	if err := checkLayerWeights("Content", o.ContentLayers, o.ContentLayerWeights); err != nil {
		return err
	}
	if err := checkLayerWeights("Style", o.StyleLayers, o.StyleLayerWeights); err != nil {
		return err
	}
	switch {
	case o.ContentWeight > 0 && len(o.ContentLayers) == 0:
		return fmt.Errorf("style: ContentWeight is %g but ContentLayers is empty", o.ContentWeight)
	case o.StyleWeight > 0 && len(o.StyleLayers) == 0:
		return fmt.Errorf("style: StyleWeight is %g but StyleLayers is empty", o.StyleWeight)
	case o.Size < 0:
		return fmt.Errorf("style: Size must be ≥ 0 (0 keeps the content's size), got %d", o.Size)
	case !(o.StyleScale > 0) || math.IsInf(o.StyleScale, 0):
		return fmt.Errorf("style: StyleScale must be a finite number > 0, got %g", o.StyleScale)
	case o.StyleBlendWeights != nil && len(o.StyleBlendWeights) != numStyles:
		return fmt.Errorf("style: %d StyleBlendWeights for %d style images", len(o.StyleBlendWeights), numStyles)
	case o.Optimizer == nil:
		return fmt.Errorf("style: Options.Optimizer is nil: use NewLBFGS() or NewAdam(lr)")
	case o.Iterations < 0:
		return fmt.Errorf("style: Iterations must be ≥ 0, got %d", o.Iterations)
	case o.Levels < 1:
		return fmt.Errorf("style: Levels must be ≥ 1, got %d", o.Levels)
	case o.Init < InitContent || o.Init > InitStyle:
		return fmt.Errorf("style: unknown %s", o.Init)
	}
	var blendSum float64
	for i, b := range o.StyleBlendWeights {
		if err := finite(fmt.Sprintf("StyleBlendWeights[%d]", i), b); err != nil {
			return err
		}
		blendSum += b
	}
	if o.StyleBlendWeights != nil && blendSum == 0 {
		return fmt.Errorf("style: StyleBlendWeights are all 0")
	}
	return nil
}

// checkLayerWeights checks that per-layer weights, when given, match the
// layers one to one.
func checkLayerWeights(kind string, layers []string, weights []float64) error {
	if weights != nil && len(weights) != len(layers) {
		return fmt.Errorf("style: %d %sLayerWeights for %d %sLayers %v", len(weights), kind, len(layers), kind, layers)
	}
	for i, w := range weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("style: %sLayerWeights[%d] (%s) is %g", kind, i, layers[i], w)
		}
	}
	return nil
}

// layerWeight returns the weight of layer i: weights[i], or 1 when weights
// is nil.
func layerWeight(weights []float64, i int) float64 {
	if weights == nil {
		return 1
	}
	return weights[i]
}
