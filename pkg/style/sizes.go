package style

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/images"
)

// poolsBefore returns how many 2×2, stride-2 poolings come before the
// output of the named layer, read from VGG's layer names: convB_K and
// reluB_K follow the B−1 poolings pool1 … pool(B−1), and poolB follows B.
// Other names (a Network not named like VGG) count as 0: nothing is known
// of their downsampling. This is the one place that knows VGG's naming.
func poolsBefore(layer string) int {
	for _, prefix := range []string{"conv", "relu"} {
		if rest, ok := strings.CutPrefix(layer, prefix); ok {
			block, _, found := strings.Cut(rest, "_")
			if b, err := strconv.Atoi(block); found && err == nil && b >= 1 {
				return b - 1
			}
			return 0
		}
	}
	if rest, ok := strings.CutPrefix(layer, "pool"); ok {
		if b, err := strconv.Atoi(rest); err == nil && b >= 1 {
			return b
		}
	}
	return 0
}

// sizeNeed is the smallest side, in pixels, that the images of a transfer
// must have: each pooling halves the size, rounding down as PyTorch does,
// so a layer after k poolings needs 2^k pixels on each side to keep one.
type sizeNeed struct {
	side   int    // the minimum side
	layer  string // the deepest layer, which sets it ("" when no layer does)
	pools  int    // the poolings before layer
	reason string // why side is needed, for the error
}

// minimumSize returns the smallest side the options' layers allow: those
// of the losses that are in use (ContentLayers when ContentWeight > 0,
// StyleLayers when StyleWeight > 0, the layers of Terms), and 2 for total
// variation.
func minimumSize(opts *Options) sizeNeed {
	need := sizeNeed{side: 1}
	for _, layer := range usedLayers(opts) {
		if k := poolsBefore(layer); 1<<min(k, 30) > need.side {
			need = sizeNeed{side: 1 << min(k, 30), layer: layer, pools: k}
		}
	}
	if need.layer != "" {
		need.reason = fmt.Sprintf("layer %s needs, as it comes after %d of VGG-19's 2×2 poolings, each halving the size", need.layer, need.pools)
	}
	if opts.TVWeight > 0 && need.side < 2 {
		need = sizeNeed{side: 2, reason: "TVWeight > 0 needs, to take differences between neighbouring pixels"}
	}
	return need
}

// usedLayers returns the layers the network is asked for: those of the
// losses whose weight is > 0, and those of the Terms.
func usedLayers(opts *Options) []string {
	var layers []string
	if opts.ContentWeight > 0 {
		layers = unionOf(layers, opts.ContentLayers)
	}
	if opts.StyleWeight > 0 {
		layers = unionOf(layers, opts.StyleLayers)
	}
	return unionOf(layers, termLayers(opts.Terms))
}

// levelSizes returns the height and width of the result at each level,
// coarsest first, after checking every one of them, and the style images
// resized for it, against the pixel limit (images.DefaultMaxPixels) and
// the minimum size of the layers, before anything of those sizes is
// allocated.
func levelSizes(opts *Options, content *tensors.Tensor, styles []*tensors.Tensor) ([][2]int, error) {
	reference, what := content, "the content image"
	if reference == nil {
		reference, what = styles[0], "the result"
	}
	height, width := imageSize(reference)
	if opts.Size > 0 {
		height, width = fitLongSide(height, width, opts.Size)
		if err := images.CheckPixels(fmt.Sprintf("the result of Options.Size %d", opts.Size), width, height, 0); err != nil {
			return nil, fmt.Errorf("style: %w; use a smaller Size (style transfer works at well under one megapixel)", err)
		}
	}
	need := minimumSize(opts)
	sizes := make([][2]int, opts.Levels)
	for level := range opts.Levels {
		shrink := 1 << min(opts.Levels-1-level, 40)
		h, w := max(1, (height+shrink/2)/shrink), max(1, (width+shrink/2)/shrink)
		sizes[level] = [2]int{h, w}
		where := ""
		if opts.Levels > 1 {
			where = fmt.Sprintf(" at level %d of %d", level, opts.Levels)
		}
		if min(h, w) < need.side {
			fix := "use a larger content image or Size"
			if content == nil {
				fix = "use a larger Size"
			}
			if opts.Levels > 1 {
				fix += ", or fewer Levels"
			}
			return nil, fmt.Errorf("style: %s is %d×%d%s (Options.Size %d), smaller than the %d×%d pixels %s; %s",
				what, w, h, where, opts.Size, need.side, need.side, need.reason, fix)
		}
		if opts.StyleWeight == 0 && len(opts.Terms) == 0 {
			continue
		}
		longSide := max(h, w)
		for i, s := range styles {
			sh, sw, err := styleSize(fmt.Sprintf("style image %d", i), s, longSide, opts.StyleScale)
			if err != nil {
				return nil, fmt.Errorf("style: %w%s; lower StyleScale or Size", err, where)
			}
			if min(sh, sw) < need.side {
				oh, ow := imageSize(s)
				return nil, fmt.Errorf("style: style image %d (%d×%d) is %d×%d once resized to StyleScale %g × %d pixels on its longer side%s, smaller than the %d×%d pixels %s; raise StyleScale or Size, or use a style image with a less extreme aspect ratio",
					i, ow, oh, sw, sh, opts.StyleScale, longSide, where, need.side, need.side, need.reason)
			}
		}
	}
	return sizes, nil
}

// styleSize returns the size of style image s resized to scale × longSide
// on its longer side, refusing sizes over the pixel limit; what names the
// image in the error.
func styleSize(what string, s *tensors.Tensor, longSide int, scale float64) (height, width int, err error) {
	h, w := imageSize(s)
	// Clamped so that the int cannot overflow: sizes this large are refused anyway.
	side := int(min(math.Round(float64(longSide)*scale), 1<<40))
	h, w = fitLongSide(h, w, max(1, side))
	what = fmt.Sprintf("%s resized to StyleScale %g × %d pixels", what, scale, longSide)
	return h, w, images.CheckPixels(what, w, h, 0)
}

// checkFinite reports the first NaN or infinite pixel of an image
// [1, 3, H, W], naming the image and where the pixel is.
func checkFinite(what string, t *tensors.Tensor) error {
	if t == nil {
		return nil
	}
	h, w := imageSize(t)
	var err error
	tensors.MustConstFlatData(t, func(flat []float32) {
		for i, v := range flat {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				c, y, x := i/(h*w), i/w%h, i%w
				err = fmt.Errorf("style: the %s has a non-finite pixel, %g, in channel %d at x=%d, y=%d (of %d×%d); the image must be finite, in [0, 1]: check how it was made (a division by zero, an uninitialised or failed conversion)",
					what, f, c, x, y, w, h)
				return
			}
		}
	})
	return err
}
