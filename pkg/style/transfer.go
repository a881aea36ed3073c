package style

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/cache"
	"github.com/neuralart/neuralart/pkg/images"
)

// Step is what Options.Callback sees while a transfer runs.
type Step struct {
	Level, Levels int    // the resolution level (0 is the coarsest) and how many there are
	Evaluation    int    // evaluations of the loss so far at this level, from 1
	Losses        Losses // the loss terms at Image
	// Image is the image the loss was evaluated at, [1, 3, H, W] (NCHW), a
	// copy the callback may keep; with OriginalColors, with the content's
	// colours already restored. A transfer read from Options.Cache replays
	// its losses with Image nil, but for the final Step of the last level.
	Image *tensors.Tensor
	Final bool // the level's last report, at its result
}

// Result is the outcome of a transfer.
type Result struct {
	// Image is the result, [1, 3, H, W] (NCHW), with the content's colours
	// when Options.OriginalColors is set.
	Image  *tensors.Tensor
	Losses Losses // the loss terms at the optimised image
	// History holds the loss at every evaluation, all levels in order.
	History []Losses
	// Cached reports that the result was read from Options.Cache rather
	// than computed.
	Cached bool

	levelEnds []int // len(History) at the end of each finished level, for replaying a cached result
}

// Transfer paints the content image in the style of the style images (Gatys,
// Ecker & Bethge 2016): starting from opts.Init, it minimises
//
//	L_total(x) = α·Σ_l c_l·L_content^l(x, p) + β·Σ_l w_l·E_l(x, a) + γ·L_TV(x) + Σ_t Weight_t·L_t(x)
//
// over the image x with opts.Optimizer, where the targets A^l of the style
// terms E_l are the blend Σ_i b_i·A^l(a_i) of the style images' Gram
// matrices and the L_t are Options.Terms. Images are [1, 3, H, W] float32
// tensors (NCHW, RGB in [0, 1]) of any size; one is resized (8-bit
// Catmull-Rom, see images.ResizeTo) only when the size asked for differs
// from its own. content may be nil when ContentWeight is 0 (texture
// synthesis, see Texture).
//
// The loss and its gradient come from one graph compiled once per level on
// backend; ctx is checked before every evaluation of the loss.
//
// When ctx is cancelled or past its deadline after some evaluations,
// Transfer returns the work done with ctx's error (errors.Is(err,
// context.Canceled) or context.DeadlineExceeded): a non-nil Result whose
// Image and Losses are the evaluated image of lowest loss at the level that
// was running (at that level's size, smaller than the final one when
// Options.Levels > 1 and a coarser level was running; a level with no
// evaluation yet leaves the previous level's result), with History up to
// then. A finished transfer that Options.Cache fails to store is returned
// with that error. Any other error returns a nil Result.
//
// Sizes are checked before anything is allocated: every level's size, and
// the style images' sizes at StyleScale, must be within the pixel limit of
// package images (images.DefaultMaxPixels), and large enough for the
// deepest layer in use (a layer after k of VGG-19's poolings needs 2^k
// pixels on each side). The images must be finite: a NaN or infinite pixel
// is reported with its place.
func Transfer(ctx context.Context, backend backends.Backend, net Network, content *tensors.Tensor,
	styles []*tensors.Tensor, opts Options) (*Result, error) {
	if err := opts.check(len(styles)); err != nil {
		return nil, err
	}
	switch {
	case content == nil && opts.ContentWeight > 0:
		return nil, fmt.Errorf("style: no content image, but ContentWeight is %g (use 0 for texture synthesis)", opts.ContentWeight)
	case content == nil && opts.Init == InitContent && opts.InitImage == nil:
		return nil, fmt.Errorf("style: Init is %s but there is no content image", opts.Init)
	case len(styles) == 0 && (opts.StyleWeight > 0 || opts.Init == InitStyle):
		return nil, fmt.Errorf("style: no style image")
	}
	if err := checkImage("content image", content); err != nil {
		return nil, err
	}
	if err := checkImage("Options.InitImage", opts.InitImage); err != nil {
		return nil, err
	}
	for i, s := range styles {
		if err := checkImage(fmt.Sprintf("style image %d", i), s); err != nil {
			return nil, err
		}
	}
	sizes, err := levelSizes(&opts, content, styles)
	if err != nil {
		return nil, err
	}
	var key cache.Key
	if opts.Cache != nil {
		if key, err = transferKey(net, content, styles, &opts); err != nil {
			return nil, err
		}
		if res, err := fromCache(opts.Cache, key, &opts); res != nil || err != nil {
			return res, err
		}
	}
	var contentLayers, styleLayers []string // only those of the losses in use, as levelSizes checked
	if opts.ContentWeight > 0 {
		contentLayers = opts.ContentLayers
	}
	if opts.StyleWeight > 0 {
		styleLayers = opts.StyleLayers
	}
	extractor, err := newFeatureExtractor(backend, net, contentLayers, styleLayers, termLayers(opts.Terms))
	if err != nil {
		return nil, err
	}
	t := &transfer{ctx: ctx, backend: backend, net: net, opts: &opts, extractor: extractor, result: &Result{}}
	for level, size := range sizes {
		image, err := t.level(level, size[0], size[1], content, styles, t.result.Image)
		if image != nil {
			t.result.Image = image
		}
		if err != nil {
			if ctx.Err() != nil && t.result.Image != nil {
				return t.result, err // the work so far, with the context's error
			}
			return nil, err
		}
	}
	if opts.Cache != nil {
		if err := opts.Cache.Store(key, encodeResult(t.result, &opts)); err != nil {
			return t.result, fmt.Errorf("style: the transfer is done, but keeping it in Options.Cache failed: %w", err)
		}
	}
	return t.result, nil
}

// Texture synthesises a texture like the given one (Gatys, Ecker & Bethge,
// "Texture Synthesis Using Convolutional Neural Networks", NeurIPS 2015,
// https://arxiv.org/abs/1505.07376): Transfer with no content, ContentWeight
// 0, starting from noise unless opts.InitImage is set. The output has
// opts.Size on its longer side with the texture's aspect ratio (the
// texture's own size when Size is 0).
func Texture(ctx context.Context, backend backends.Backend, net Network, texture *tensors.Tensor, opts Options) (*Result, error) {
	opts.ContentWeight = 0
	if opts.Init == InitContent {
		opts.Init = InitNoise
	}
	return Transfer(ctx, backend, net, nil, []*tensors.Tensor{texture}, opts)
}

// transfer is the state of one Transfer call across its levels.
type transfer struct {
	ctx       context.Context
	backend   backends.Backend
	net       Network
	opts      *Options
	extractor *featureExtractor
	result    *Result
}

// level optimises the image at size height × width, starting from the
// previous level's result when there is one, and returns its result.
func (t *transfer) level(level, height, width int, content *tensors.Tensor, styles []*tensors.Tensor,
	previous *tensors.Tensor) (*tensors.Tensor, error) {
	opts := t.opts
	var targets Targets
	var contentData []float32
	if content != nil {
		resized, err := resize(content, height, width)
		if err != nil {
			return nil, err
		}
		contentData = tensors.MustCopyFlatData[float32](resized)
		if opts.ContentWeight > 0 || len(opts.Terms) > 0 {
			contentTargets, err := t.extractor.targets(resized)
			if err != nil {
				return nil, err
			}
			targets.Content, targets.ContentFeatures = contentTargets.Content, contentTargets.ContentFeatures
		}
	}
	if opts.StyleWeight > 0 || len(opts.Terms) > 0 {
		var err error
		if targets.Style, targets.StyleFeatures, err = t.styleTargets(styles, max(height, width)); err != nil {
			return nil, err
		}
	}
	loss, err := NewLoss(t.backend, t.net, targets, height, width, opts)
	if err != nil {
		return nil, err
	}
	x, err := t.start(previous, content, styles, height, width)
	if err != nil {
		return nil, err
	}

	dims := []int{1, 3, height, width}
	report := func(evaluation int, losses Losses, x []float32, final bool) error {
		if opts.Callback == nil {
			return nil
		}
		image, err := t.output(x, contentData, dims)
		if err != nil {
			return err
		}
		return opts.Callback(Step{Level: level, Levels: opts.Levels, Evaluation: evaluation, Losses: losses, Image: image, Final: final})
	}
	every := max(1, opts.CallbackEvery)
	evaluations := 0
	var best []float32 // the evaluated image of lowest loss, returned when ctx stops the level
	var bestLosses Losses
	objective := func(x, grad []float32) (float64, error) {
		if err := t.ctx.Err(); err != nil {
			return 0, err
		}
		losses, err := loss.Evaluate(x, grad)
		if err != nil {
			return 0, fmt.Errorf("%w, at evaluation %d of level %d (%dx%d); a smaller learning rate or LBFGS.LineSearch may help",
				err, evaluations+1, level, width, height)
		}
		evaluations++
		t.result.History = append(t.result.History, losses)
		if best == nil || losses.Total < bestLosses.Total {
			best, bestLosses = append(best[:0], x...), losses
		}
		if evaluations%every == 0 {
			if err := report(evaluations, losses, x, false); err != nil {
				return 0, err
			}
		}
		return losses.Total, nil
	}
	if err := opts.Optimizer.Minimize(objective, x, opts.Iterations); err != nil {
		if t.ctx.Err() != nil && best != nil {
			t.result.Losses = bestLosses
			image, outErr := t.output(best, contentData, dims)
			if outErr != nil {
				return nil, outErr
			}
			return image, err
		}
		return nil, err
	}
	// The optimisers end on a step they have not evaluated: measure it.
	losses, err := loss.Evaluate(x, make([]float32, len(x)))
	if err != nil {
		return nil, fmt.Errorf("%w, at the end of level %d (%dx%d)", err, level, width, height)
	}
	t.result.Losses = losses
	t.result.levelEnds = append(t.result.levelEnds, len(t.result.History))
	if err := report(evaluations, losses, x, true); err != nil {
		return nil, err
	}
	return t.output(x, contentData, dims)
}

// output makes the tensor of image x, restoring the content's colours when
// asked to.
func (t *transfer) output(x, content []float32, dims []int) (*tensors.Tensor, error) {
	if t.opts.OriginalColors && content != nil {
		var err error
		if x, err = KeepOriginalColors(x, content, 1, dims[2], dims[3]); err != nil {
			return nil, err
		}
	}
	return tensors.FromFlatDataAndDimensions(x, dims...), nil
}

// styleTargets returns the blended Gram targets, Σ_i b_i·A^l(a_i), of the
// style images resized to StyleScale × longSide on their longer side, and
// each one's features at the layers of the terms.
func (t *transfer) styleTargets(styles []*tensors.Tensor, longSide int) ([]*tensors.Tensor, []map[string]*tensors.Tensor, error) {
	blend := normalisedBlend(t.opts.StyleBlendWeights, len(styles))
	var blended [][]float32
	var shapes [][]int
	var features []map[string]*tensors.Tensor
	for i, s := range styles {
		h, w, err := styleSize(fmt.Sprintf("style image %d", i), s, longSide, t.opts.StyleScale)
		if err != nil {
			return nil, nil, fmt.Errorf("style: %w", err)
		}
		resized, err := resize(s, h, w)
		if err != nil {
			return nil, nil, err
		}
		targets, err := t.extractor.targets(resized)
		if err != nil {
			return nil, nil, err
		}
		if targets.ContentFeatures != nil {
			features = append(features, targets.ContentFeatures)
		}
		for l, gram := range targets.Style {
			data := tensors.MustCopyFlatData[float32](gram)
			if i == 0 {
				blended = append(blended, make([]float32, len(data)))
				shapes = append(shapes, gram.Shape().Dimensions)
			}
			axpy(blend[i], data, blended[l])
		}
	}
	out := make([]*tensors.Tensor, len(blended))
	for l, data := range blended {
		out[l] = tensors.FromFlatDataAndDimensions(data, shapes[l]...)
	}
	return out, features, nil
}

// start returns the flat data of the level's starting image.
func (t *transfer) start(previous, content *tensors.Tensor, styles []*tensors.Tensor, height, width int) ([]float32, error) {
	from := previous
	switch {
	case from != nil:
	case t.opts.InitImage != nil:
		from = t.opts.InitImage
	case t.opts.Init == InitContent:
		from = content
	case t.opts.Init == InitStyle:
		from = styles[0]
	default:
		rng := rand.New(rand.NewPCG(t.opts.Seed, 0x6e6f697365)) // "noise"
		x := make([]float32, 3*height*width)
		for i := range x {
			x[i] = rng.Float32()
		}
		return x, nil
	}
	resized, err := resize(from, height, width)
	if err != nil {
		return nil, err
	}
	return tensors.MustCopyFlatData[float32](resized), nil
}

// checkImage checks that t, when not nil, is a float32 [1, 3, H, W] image.
func checkImage(what string, t *tensors.Tensor) error {
	if t == nil {
		return nil
	}
	dims := t.Shape().Dimensions
	if t.DType() != dtypes.Float32 || len(dims) != 4 || dims[0] != 1 || dims[1] != 3 || dims[2] < 1 || dims[3] < 1 {
		return fmt.Errorf("style: the %s must be a float32 [1, 3, H, W] (NCHW) tensor, got %s", what, t.Shape())
	}
	return checkFinite(what, t)
}

// imageSize returns the height and width of an image [1, 3, H, W].
func imageSize(t *tensors.Tensor) (height, width int) {
	dims := t.Shape().Dimensions
	return dims[2], dims[3]
}

// fitLongSide scales height × width so that the longer side is longSide,
// rounding the shorter one, as images.Resize does.
func fitLongSide(height, width, longSide int) (int, int) {
	if longSide > math.MaxInt32 { // in float64, as height·longSide may overflow
		short := int(max(1, math.Round(float64(min(height, width))*float64(longSide)/float64(max(height, width)))))
		if width >= height {
			return short, longSide
		}
		return longSide, short
	}
	if width >= height {
		return max(1, (height*longSide+width/2)/width), longSide
	}
	return longSide, max(1, (width*longSide+height/2)/height)
}

// resize returns a copy of image resized to height × width; the copy is
// exact when the size is already right. Working on copies leaves the
// caller's tensors alone, whichever backend they live on.
func resize(image *tensors.Tensor, height, width int) (*tensors.Tensor, error) {
	if h, w := imageSize(image); h == height && w == width {
		return tensors.FromFlatDataAndDimensions(tensors.MustCopyFlatData[float32](image), 1, 3, h, w), nil
	}
	img, err := images.ImageFromTensor(image, images.NCHW)
	if err != nil {
		return nil, fmt.Errorf("style: resizing an image: %w", err)
	}
	resized, err := images.ResizeToLimit(img, width, height, 0, "an image resized for style transfer")
	if err != nil {
		return nil, fmt.Errorf("style: %w", err)
	}
	return images.ToTensor(resized, images.NCHW), nil
}
