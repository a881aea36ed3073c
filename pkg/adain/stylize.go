package adain

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// StylizeOptions are the knobs of test.py's style_transfer.
type StylizeOptions struct {
	// Alpha is the content–style trade-off α in [0, 1] (Huang & Belongie,
	// eq. 14): the decoder decodes α·AdaIN(f(c), f(s)) + (1−α)·f(c), so 0
	// reconstructs the content and 1 stylises fully. Default 1.
	Alpha float64
	// PreserveColor gives each style image the content's colour statistics
	// (Coral) before stylising, test.py's --preserve_color. Default false.
	PreserveColor bool
}

// DefaultStylizeOptions returns test.py's defaults: α = 1, colours not preserved.
func DefaultStylizeOptions() StylizeOptions { return StylizeOptions{Alpha: 1} }

func (o StylizeOptions) check() error {
	if !(o.Alpha >= 0 && o.Alpha <= 1) {
		return fmt.Errorf("adain: StylizeOptions.Alpha is %v, want a value in [0, 1]", o.Alpha)
	}
	return nil
}

// ErrMaskRegion reports a spatial-control mask whose foreground or
// background covers fewer than 2 pixels of relu4_1 (an eighth of the
// image's size), too few for a standard deviation.
var ErrMaskRegion = errors.New("adain: a mask region covers fewer than 2 feature pixels")

// Stylizer stylises images with an encoder and a decoder in one forward
// pass each: the encoder's relu4_1 features of the content take the style's
// channel means and deviations (AdaIN), and the decoder turns them back into
// an image. Its graphs are compiled once per image size and reused; a
// Stylizer is safe for use by one goroutine at a time.
type Stylizer struct {
	Encoder *Encoder
	Decoder *Decoder

	encode  *Exec // image → relu4_1, its mean and std
	render  *Exec // relu4_1 of the content, a style's mean and std, α → image
	regions *Exec // relu4_1, mask, two styles' mean and std, α → image
}

// NewStylizer returns a Stylizer running enc and dec on backend; the
// decoder must decode the encoder's relu4_1 channels.
func NewStylizer(backend backends.Backend, enc *Encoder, dec *Decoder) (*Stylizer, error) {
	if enc.Channels() != dec.Channels() {
		return nil, fmt.Errorf("adain: the decoder (%s) decodes %d channels, the encoder (%s) makes %d",
			dec, dec.Channels(), enc, enc.Channels())
	}
	s := &Stylizer{Encoder: enc, Decoder: dec}
	var err error
	if s.encode, err = NewExec(backend, func(image *Node) (features, mean, std *Node) {
		features = enc.Encode(image)
		mean, std = MeanStd(features)
		return features, mean, std
	}); err != nil {
		return nil, err
	}
	if s.render, err = NewExec(backend, func(content, mean, std, alpha *Node) *Node {
		return dec.Decode(blend(content, Normalize(content, mean, std), alpha))
	}); err != nil {
		return nil, err
	}
	// Inputs: relu4_1, the mask, the foreground style's mean and std, the
	// background's, α (NewExec takes at most 6 separate nodes).
	if s.regions, err = NewExec(backend, func(in []*Node) *Node {
		content, mask := in[0], in[1]
		target := Add(regionNormalize(content, mask, in[2], in[3]), regionNormalize(content, OneMinus(mask), in[4], in[5]))
		return dec.Decode(blend(content, target, in[6]))
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// blend is eq. 14's interpolation α·t + (1−α)·f(c).
func blend(content, target, alpha *Node) *Node {
	return Add(Mul(target, alpha), Mul(content, OneMinus(alpha)))
}

// Stylize renders content [1, 3, H, W] (NCHW, RGB in [0, 1]) in the style of
// style [1, 3, H', W'] and returns the decoder's image, [1, 3, 8h, 8w] where
// h = ⌈H/8⌉ and w = ⌈W/8⌉ (relu4_1's size; the same as H×W when both are
// multiples of 8), not clamped. It checks ctx before each pass.
func (s *Stylizer) Stylize(ctx context.Context, content, style *tensors.Tensor, opts StylizeOptions) (*tensors.Tensor, error) {
	return s.Interpolate(ctx, content, []*tensors.Tensor{style}, []float64{1}, opts)
}

// Interpolate renders content in a mixture of styles, as test.py's
// --style_interpolation_weights does: the decoder decodes Σ_k w_k·AdaIN(f(c),
// f(s_k)) with the weights normalised to sum 1 (Huang & Belongie, section
// 7.3). Because AdaIN is affine in the style's statistics, that is AdaIN with
// the weighted means and deviations Σ w_k μ(s_k), Σ w_k σ(s_k), which is how
// it is computed. The styles may have different sizes; weights must be ≥ 0
// with a positive sum, one per style.
func (s *Stylizer) Interpolate(ctx context.Context, content *tensors.Tensor, styles []*tensors.Tensor, weights []float64,
	opts StylizeOptions) (*tensors.Tensor, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if len(styles) == 0 || len(weights) != len(styles) {
		return nil, fmt.Errorf("adain: Interpolate wants one weight per style, got %d styles and %d weights", len(styles), len(weights))
	}
	var total float64
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			return nil, fmt.Errorf("adain: Interpolate: weight %d is %v, want a finite value ≥ 0", i, w)
		}
		total += w
	}
	if total <= 0 {
		return nil, fmt.Errorf("adain: Interpolate: the weights %v sum to %v, want a positive sum", weights, total)
	}
	features, err := s.encodeImage(ctx, "content", content)
	if err != nil {
		return nil, err
	}
	mean := make([]float32, s.Encoder.Channels())
	std := make([]float32, len(mean))
	for k, style := range styles {
		stats, err := s.styleStats(ctx, fmt.Sprintf("style %d", k), style, content, opts)
		if err != nil {
			return nil, err
		}
		w := float32(weights[k] / total)
		for c := range mean {
			mean[c] += w * stats.mean[c]
			std[c] += w * stats.std[c]
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	outputs, err := s.render.Exec(features, statsTensor(mean), statsTensor(std), float32(opts.Alpha))
	if err != nil {
		return nil, fmt.Errorf("adain: decoding: %w", err)
	}
	return outputs[0], nil
}

// Mask renders the region of content where mask is 1 in the style of
// foreground and the rest in the style of background: test.py's spatial
// control (--mask, Huang & Belongie, section 7.3, figure 9). Each region's
// content features are normalised with their own statistics over the region
// and take their style's. mask is [H, W] or [1, 1, H, W] of any size: it is
// resampled (nearest) to relu4_1's grid and thresholded at 0.5 (test.py
// resizes it bilinearly and keeps only the pixels that stay exactly 0 or 1,
// so pixels on the boundary belong to neither style there). A region of
// fewer than 2 feature pixels is an error wrapping ErrMaskRegion.
func (s *Stylizer) Mask(ctx context.Context, content, mask, foreground, background *tensors.Tensor,
	opts StylizeOptions) (*tensors.Tensor, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	features, err := s.encodeImage(ctx, "content", content)
	if err != nil {
		return nil, err
	}
	d := features.Shape().Dimensions
	grid, err := maskGrid(mask, d[2], d[3])
	if err != nil {
		return nil, err
	}
	fg, err := s.styleStats(ctx, "foreground style", foreground, content, opts)
	if err != nil {
		return nil, err
	}
	bg, err := s.styleStats(ctx, "background style", background, content, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	outputs, err := s.regions.Exec(features, grid, statsTensor(fg.mean), statsTensor(fg.std),
		statsTensor(bg.mean), statsTensor(bg.std), float32(opts.Alpha))
	if err != nil {
		return nil, fmt.Errorf("adain: decoding: %w", err)
	}
	return outputs[0], nil
}

// stats are a style's relu4_1 channel means and deviations.
type stats struct{ mean, std []float32 }

func (s *Stylizer) styleStats(ctx context.Context, what string, style, content *tensors.Tensor, opts StylizeOptions) (stats, error) {
	if err := checkImage(what, style); err != nil {
		return stats{}, err
	}
	if opts.PreserveColor {
		var err error
		if style, err = Coral(style, content); err != nil {
			return stats{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return stats{}, err
	}
	outputs, err := s.encode.Exec(style)
	if err != nil {
		return stats{}, fmt.Errorf("adain: encoding the %s: %w", what, err)
	}
	mean, err := tensors.CopyFlatData[float32](outputs[1])
	if err != nil {
		return stats{}, err
	}
	std, err := tensors.CopyFlatData[float32](outputs[2])
	if err != nil {
		return stats{}, err
	}
	return stats{mean, std}, nil
}

// encodeImage returns relu4_1 of an image.
func (s *Stylizer) encodeImage(ctx context.Context, what string, image *tensors.Tensor) (*tensors.Tensor, error) {
	if err := checkImage(what, image); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	outputs, err := s.encode.Exec(image)
	if err != nil {
		return nil, fmt.Errorf("adain: encoding the %s: %w", what, err)
	}
	return outputs[0], nil
}

// minImageSide is the smallest side whose relu4_1 (an eighth, rounded up)
// has 2 pixels along it: smaller images have no standard deviation.
const minImageSide = 9

func checkImage(what string, t *tensors.Tensor) error {
	if t == nil {
		return fmt.Errorf("adain: the %s image is nil", what)
	}
	d := t.Shape().Dimensions
	if len(d) != 4 || d[0] != 1 || d[1] != 3 || t.DType().String() != "Float32" {
		return fmt.Errorf("adain: the %s must be one float32 RGB image [1, 3, H, W] (NCHW), got %s", what, t.Shape())
	}
	if max(d[2], d[3]) < minImageSide {
		return fmt.Errorf("adain: the %s is %dx%d, want a side of at least %d pixels (relu4_1 is an eighth of it)", what, d[3], d[2], minImageSide)
	}
	return nil
}

// statsTensor shapes per-channel statistics as [1, C, 1, 1].
func statsTensor(v []float32) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(v, 1, len(v), 1, 1)
}

// maskGrid resamples mask to h×w by nearest neighbour (the centre of each
// cell), thresholds it at 0.5 and returns it as [1, 1, h, w].
func maskGrid(mask *tensors.Tensor, h, w int) (*tensors.Tensor, error) {
	if mask == nil {
		return nil, errors.New("adain: Mask: the mask is nil")
	}
	d := mask.Shape().Dimensions
	if len(d) == 4 && d[0] == 1 && d[1] == 1 {
		d = d[2:]
	}
	if len(d) != 2 {
		return nil, fmt.Errorf("adain: Mask: the mask must be [H, W] or [1, 1, H, W], got %s", mask.Shape())
	}
	data, err := tensors.CopyFlatData[float32](mask)
	if err != nil {
		return nil, fmt.Errorf("adain: Mask: the mask: %w", err)
	}
	grid := make([]float32, h*w)
	var ones int
	for y := range h {
		sy := min((2*y+1)*d[0]/(2*h), d[0]-1)
		for x := range w {
			sx := min((2*x+1)*d[1]/(2*w), d[1]-1)
			if data[sy*d[1]+sx] >= 0.5 {
				grid[y*w+x] = 1
				ones++
			}
		}
	}
	if ones < 2 || h*w-ones < 2 {
		return nil, fmt.Errorf("%w: the mask's foreground covers %d of relu4_1's %dx%d pixels, its background %d",
			ErrMaskRegion, ones, w, h, h*w-ones)
	}
	return tensors.FromFlatDataAndDimensions(grid, 1, 1, h, w), nil
}
