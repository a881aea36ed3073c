package style

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// vggOptions are toyOptions with VGG-19's default layer names: the size
// checks read the poolings from the names, so the toy network serves.
func vggOptions() Options {
	opts := toyOptions()
	opts.ContentLayers, opts.StyleLayers = DefaultContentLayers, DefaultStyleLayers
	return opts
}

func TestPoolsBefore(t *testing.T) {
	for layer, want := range map[string]int{
		"conv1_1": 0, "relu1_2": 0, "pool1": 1, "conv2_1": 1, "relu3_1": 2, "relu4_2": 3,
		"pool4": 4, "relu5_1": 4, "conv5_4": 4, "pool5": 5, "a": 0, "relu": 0, "poolx": 0,
	} {
		if got := poolsBefore(layer); got != want {
			t.Errorf("poolsBefore(%q) = %d, want %d", layer, got, want)
		}
	}
}

func TestTransferRefusesHugeSizes(t *testing.T) {
	b := testBackend(t)
	content, style := randomImage(1, 4, 6), randomImage(2, 5, 5)
	for _, tc := range []struct {
		name    string
		change  func(o *Options)
		wantErr string
	}{
		{"Size", func(o *Options) { o.Size = 100000 },
			"style: images: the result of Options.Size 100000 would be 100000×66667 (6666.7 megapixels), over the limit of 40.0 megapixels (images.DefaultMaxPixels); use a smaller Size (style transfer works at well under one megapixel)"},
		{"Size with levels and InitImage", func(o *Options) {
			o.Size, o.Levels, o.InitImage = 1<<62, 3, randomImage(3, 2, 2)
		}, "style: images: the result of Options.Size 4611686018427387904 would be 4611686018427387904×3074457345618258432 (14178431955039101252106520100864.0 megapixels), over the limit of 40.0 megapixels (images.DefaultMaxPixels); use a smaller Size (style transfer works at well under one megapixel)"},
		{"StyleScale", func(o *Options) { o.Size, o.StyleScale = 512, 1000 },
			"style: images: style image 0 resized to StyleScale 1000 × 512 pixels would be 512000×512000 (262144.0 megapixels), over the limit of 40.0 megapixels (images.DefaultMaxPixels); lower StyleScale or Size"},
		{"StyleScale at a level", func(o *Options) { o.Size, o.StyleScale, o.Levels = 512, 1e300, 2 },
			"style: images: style image 0 resized to StyleScale 1e+300 × 256 pixels would be 1099511627776×1099511627776 (1208925819614629120.0 megapixels), over the limit of 40.0 megapixels (images.DefaultMaxPixels) at level 0 of 2; lower StyleScale or Size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := toyOptions()
			tc.change(&opts)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := Transfer(t.Context(), b, toyNetwork{}, content, []*tensors.Tensor{style}, opts)
			runtime.ReadMemStats(&after)
			if res != nil || err == nil || err.Error() != tc.wantErr {
				t.Fatalf("Transfer = %v, %v\nwant error %q", res, err, tc.wantErr)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
				t.Errorf("Transfer allocated %d MB before refusing the size", grew>>20)
			}
		})
	}
}

func TestTransferRefusesImagesTooSmallForTheLayers(t *testing.T) {
	b := testBackend(t)
	style := randomImage(2, 64, 64)
	for _, tc := range []struct {
		name    string
		content *tensors.Tensor
		style   *tensors.Tensor
		change  func(o *Options)
		wantErr string
	}{
		{"1x1 content", randomImage(1, 1, 1), style, func(o *Options) {},
			"style: the content image is 1×1 (Options.Size 0), smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; use a larger content image or Size"},
		{"8x400 content", randomImage(1, 400, 8), style, func(o *Options) { o.Size = 512 },
			"style: the content image is 10×512 (Options.Size 512), smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; use a larger content image or Size"},
		{"content layer only", randomImage(1, 4, 6), style, func(o *Options) { o.StyleWeight = 0 },
			"style: the content image is 6×4 (Options.Size 0), smaller than the 8×8 pixels layer relu4_2 needs, as it comes after 3 of VGG-19's 2×2 poolings, each halving the size; use a larger content image or Size"},
		{"coarsest level", randomImage(1, 60, 60), style, func(o *Options) { o.Levels = 3 },
			"style: the content image is 15×15 at level 0 of 3 (Options.Size 0), smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; use a larger content image or Size, or fewer Levels"},
		{"32x1 style", randomImage(1, 64, 64), randomImage(2, 1, 32), func(o *Options) { o.StyleScale = 0.5 },
			"style: style image 0 (32×1) is 32×1 once resized to StyleScale 0.5 × 64 pixels on its longer side, smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; raise StyleScale or Size, or use a style image with a less extreme aspect ratio"},
		{"texture", nil, randomImage(2, 12, 12), func(o *Options) { o.ContentWeight, o.Init = 0, InitNoise },
			"style: the result is 12×12 (Options.Size 0), smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; use a larger Size"},
		{"total variation", randomImage(1, 1, 5), style, func(o *Options) {
			o.ContentLayers, o.StyleLayers, o.TVWeight = []string{"a"}, []string{"b"}, 1
		}, "style: the content image is 5×1 (Options.Size 0), smaller than the 2×2 pixels TVWeight > 0 needs, to take differences between neighbouring pixels; use a larger content image or Size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := vggOptions()
			tc.change(&opts)
			res, err := Transfer(t.Context(), b, toyNetwork{}, tc.content, []*tensors.Tensor{tc.style}, opts)
			if res != nil || err == nil || err.Error() != tc.wantErr {
				t.Fatalf("Transfer = %v, %v\nwant error %q", res, err, tc.wantErr)
			}
		})
	}
}

func TestTransferRefusesNonFinitePixels(t *testing.T) {
	b := testBackend(t)
	withValue := func(img *tensors.Tensor, i int, v float32) *tensors.Tensor {
		tensors.MustMutableFlatData(img, func(flat []float32) { flat[i] = v })
		return img
	}
	for _, tc := range []struct {
		name    string
		change  func(o *Options) (*tensors.Tensor, []*tensors.Tensor)
		wantErr string
	}{
		{"content", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			return withValue(randomImage(1, 6, 5), 30+2*5+3, float32(math.NaN())), []*tensors.Tensor{randomImage(2, 4, 4)}
		}, "style: the content image has a non-finite pixel, NaN, in channel 1 at x=3, y=2 (of 5×6); the image must be finite, in [0, 1]: check how it was made (a division by zero, an uninitialised or failed conversion)"},
		{"style", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			return randomImage(1, 6, 5), []*tensors.Tensor{randomImage(2, 4, 4), withValue(randomImage(3, 4, 4), 47, float32(math.Inf(-1)))}
		}, "style: the style image 1 has a non-finite pixel, -Inf, in channel 2 at x=3, y=3 (of 4×4); the image must be finite, in [0, 1]: check how it was made (a division by zero, an uninitialised or failed conversion)"},
		{"init", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			o.InitImage = withValue(randomImage(4, 3, 3), 0, float32(math.Inf(1)))
			return randomImage(1, 6, 5), []*tensors.Tensor{randomImage(2, 4, 4)}
		}, "style: the Options.InitImage has a non-finite pixel, +Inf, in channel 0 at x=0, y=0 (of 3×3); the image must be finite, in [0, 1]: check how it was made (a division by zero, an uninitialised or failed conversion)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := toyOptions()
			content, styles := tc.change(&opts)
			res, err := Transfer(t.Context(), b, toyNetwork{}, content, styles, opts)
			if res != nil || err == nil || err.Error() != tc.wantErr {
				t.Fatalf("Transfer = %v, %v\nwant error %q", res, err, tc.wantErr)
			}
		})
	}
}

// checkPartial checks that a Transfer stopped by its context kept its work.
func checkPartial(t *testing.T, res *Result, err error, wantErr error, h, w int) {
	t.Helper()
	if !errors.Is(err, wantErr) {
		t.Fatalf("Transfer returned %v, want %v", err, wantErr)
	}
	if res == nil || res.Image == nil {
		t.Fatalf("Transfer returned no result with %v", err)
	}
	if d := res.Image.Shape().Dimensions; d[2] != h || d[3] != w {
		t.Errorf("result is %v, want %dx%d", d, w, h)
	}
	for i, v := range tensors.MustCopyFlatData[float32](res.Image) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("pixel %d of the result is %g", i, v)
		}
	}
	if l := res.Losses; !(l.Total > 0) || math.IsInf(l.Total, 0) || len(res.History) == 0 {
		t.Errorf("result losses %v, history of %d", l, len(res.History))
	}
}

func TestTransferCancelledKeepsTheWork(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	opts := toyOptions()
	opts.Iterations = 50
	evaluations := 0
	opts.Callback = func(s Step) error {
		if evaluations = s.Evaluation; s.Evaluation == 3 {
			cancel()
		}
		return nil
	}
	res, err := Transfer(ctx, testBackend(t), toyNetwork{}, randomImage(1, 6, 5), []*tensors.Tensor{randomImage(2, 4, 4)}, opts)
	checkPartial(t, res, err, context.Canceled, 6, 5)
	if evaluations != 3 || len(res.History) != 3 {
		t.Errorf("%d evaluations reported and %d in History after cancelling at 3", evaluations, len(res.History))
	}
}

// expiring is a context whose deadline passes when expire is called.
type expiring struct {
	context.Context
	expired atomic.Bool
}

func (c *expiring) expire() { c.expired.Store(true) }

func (c *expiring) Err() error {
	if c.expired.Load() {
		return context.DeadlineExceeded
	}
	return c.Context.Err()
}

func TestTransferPastDeadlineKeepsTheWork(t *testing.T) {
	ctx := &expiring{Context: t.Context()}
	opts := toyOptions()
	opts.Iterations, opts.Levels, opts.Size = 1000, 2, 8
	opts.Callback = func(s Step) error {
		if s.Level == 1 && s.Evaluation == 2 {
			ctx.expire()
		}
		return nil
	}
	res, err := Transfer(ctx, testBackend(t), toyNetwork{}, randomImage(1, 8, 6), []*tensors.Tensor{randomImage(2, 4, 4)}, opts)
	checkPartial(t, res, err, context.DeadlineExceeded, 8, 6)
	// Before the deadline: a whole level 0 (at least an evaluation), then 2 of level 1.
	if n := len(res.History); n < 3 {
		t.Errorf("History has %d evaluations", n)
	}
	if last := res.History[len(res.History)-1]; res.Losses.Total > last.Total && res.Losses.Total > res.History[len(res.History)-2].Total {
		t.Errorf("result losses %v are not the best of level 1's evaluations", res.Losses)
	}
}
