package applications

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/imagequality"
	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/style"
)

// PanZoom makes a short video from a still: n frames of width × height,
// each a crop of img resized with Catmull-Rom, by a window that starts at
// 80% of the largest one of that aspect ratio, moves right by pan (a
// fraction of img's width) and shrinks by the factor zoom, at an even pace.
func PanZoom(img image.Image, n, width, height int, pan, zoom float64) ([]image.Image, error) {
	switch {
	case n < 1 || width < 1 || height < 1:
		return nil, fmt.Errorf("applications: PanZoom of %d frames of %d×%d, want at least 1 of at least 1×1", n, width, height)
	case !(zoom >= 1) || math.IsInf(zoom, 0) || math.IsNaN(pan):
		return nil, fmt.Errorf("applications: PanZoom with zoom %g (want ≥ 1) and pan %g", zoom, pan)
	}
	r := img.Bounds()
	aspect := float64(width) / float64(height)
	w0 := 0.8 * math.Min(float64(r.Dx()), float64(r.Dy())*aspect)
	frames := make([]image.Image, n)
	for i := range frames {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		w := w0 / math.Pow(zoom, t)
		h := w / aspect
		cx := float64(r.Dx())/2 + (t-0.5)*pan*float64(r.Dx())
		x0 := math.Min(math.Max(cx-w/2, 0), float64(r.Dx())-w)
		y0 := (float64(r.Dy()) - h) / 2
		crop := image.NewRGBA(image.Rect(0, 0, int(math.Round(w)), int(math.Round(h))))
		draw.Draw(crop, crop.Rect, img, r.Min.Add(image.Pt(int(math.Round(x0)), int(math.Round(y0)))), draw.Src)
		frames[i] = images.ResizeTo(crop, width, height)
	}
	return frames, nil
}

// FrameStylizer stylises one image in a single pass, as a trained
// feed-forward network does (transformernet.Stylizer).
type FrameStylizer interface {
	Stylize(ctx context.Context, img image.Image) (image.Image, error)
}

// Video is a sequence stylised three ways, and each way's flicker
// (imagequality.Flicker against the content frames).
type Video struct {
	// Independent has every frame optimised on its own, from its content
	// frame.
	Independent        []image.Image
	IndependentFlicker float64
	// Warm starts every frame after the first from the previous stylised
	// frame (Ruder, Dosovitskiy & Brox 2016's simplest baseline).
	Warm        []image.Image
	WarmFlicker float64
	// FeedForward is the feed-forward network's, when one was given.
	FeedForward        []image.Image
	FeedForwardFlicker float64
}

// StylizeVideo stylises frames in the style of styleImage with Gatys et
// al.'s optimisation (style.Transfer with opts on net, opts.Iterations per
// frame), independently and warm-started, and with ff when it is not nil,
// and measures the flicker of each. On cancellation it returns what it has with ctx's error.
func StylizeVideo(ctx context.Context, backend backends.Backend, net style.Network, frames []image.Image, styleImage image.Image,
	ff FrameStylizer, opts style.Options) (*Video, error) {
	if len(frames) < 2 {
		return nil, fmt.Errorf("applications: StylizeVideo of %d frames, want at least 2", len(frames))
	}
	styles := []*tensors.Tensor{images.ToTensor(styleImage, images.NCHW)}
	v := &Video{}
	run := func(frame image.Image, o style.Options) (image.Image, error) {
		res, err := style.Transfer(ctx, backend, net, images.ToTensor(frame, images.NCHW), styles, o)
		if err != nil {
			return nil, err
		}
		return images.ImageFromTensor(res.Image, images.NCHW)
	}
	for i, frame := range frames {
		o := opts
		o.Init = style.InitContent
		img, err := run(frame, o)
		if err != nil {
			return v, fmt.Errorf("applications: frame %d on its own: %w", i, err)
		}
		v.Independent = append(v.Independent, img)
		if i == 0 {
			v.Warm = append(v.Warm, img)
			continue
		}
		o.InitImage = images.ToTensor(v.Warm[i-1], images.NCHW)
		if img, err = run(frame, o); err != nil {
			return v, fmt.Errorf("applications: frame %d from frame %d: %w", i, i-1, err)
		}
		v.Warm = append(v.Warm, img)
	}
	if ff != nil {
		for i, frame := range frames {
			img, err := ff.Stylize(ctx, frame)
			if err != nil {
				return v, fmt.Errorf("applications: frame %d through the feed-forward network: %w", i, err)
			}
			v.FeedForward = append(v.FeedForward, img)
		}
	}
	var err error
	if v.IndependentFlicker, err = imagequality.Flicker(frames, v.Independent); err != nil {
		return v, err
	}
	if v.WarmFlicker, err = imagequality.Flicker(frames, v.Warm); err != nil {
		return v, err
	}
	if ff != nil {
		if v.FeedForwardFlicker, err = imagequality.Flicker(frames, v.FeedForward); err != nil {
			return v, err
		}
	}
	return v, nil
}
