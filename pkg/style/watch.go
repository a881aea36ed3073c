package style

import (
	"image"

	"github.com/neuralart/neuralart/pkg/images"
)

// View is a live view of a transfer: curves of named series and the latest
// image, redrawn from time to time. *display.Live implements it.
type View interface {
	// Add records the value of the named series at step.
	Add(series string, step int, value float64)
	// Due reports whether step is one to redraw at.
	Due(step int) bool
	// Update redraws the view at step with the given images.
	Update(step int, imgs ...image.Image) error
}

// Watch returns an Options.Callback that plots every term of Losses.Terms,
// by name, on view at each step it is called for, and redraws the view
// with the current image when view.Due says so and at the end of each
// level. The total, their sum, is not plotted: on the log scale losses want
// it would lie on top of the largest term. Steps count the callback's calls
// across levels, so set Options.CallbackEvery to 1 for a point per
// evaluation.
func Watch(view View) func(Step) error {
	step := 0
	return func(s Step) error {
		if !s.Final {
			step++
		}
		for _, t := range s.Losses.Terms {
			view.Add(t.Name, step, t.Value)
		}
		if !s.Final && !view.Due(step) {
			return nil
		}
		if s.Image == nil { // replayed from a cache
			return view.Update(step)
		}
		img, err := images.ImageFromTensor(s.Image, images.NCHW)
		if err != nil {
			return err
		}
		return view.Update(step, img)
	}
}
