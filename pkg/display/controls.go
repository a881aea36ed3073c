package display

import (
	"context"
	"errors"
	"fmt"
	"html"
	"image"
	"os"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Control is one input of Interact: a slider of integers from Min to Max,
// or, when Choices is set, a drop-down list of them (its values are their
// indices). GoNB's widgets carry integers; Format turns one into what the
// reader should see (an α/β ratio, a percentage).
type Control struct {
	Label    string
	Min, Max int      // a slider's range
	Choices  []string // a drop-down list's entries, instead of a slider
	Value    int      // the starting value, which a headless run renders
	// Format shows a value next to the label and under the image; nil
	// shows the number (the entry, for Choices).
	Format func(int) string
}

// DefaultProbe is how long Interact waits for the browser to answer, once
// GoNB has passed its question on: the answer takes a few milliseconds
// when a browser shows the notebook and never comes when none does.
const DefaultProbe = 2 * time.Second

// HeadlessEnv names the environment variable that, set to "1", tells
// Interact that no browser runs the notebook, without asking: for scripted
// runs (nbconvert in CI), where asking costs seconds and GoNB leaves the
// script of its WebSocket in the saved notebook.
const HeadlessEnv = "NEURALART_HEADLESS"

// InteractOptions are the knobs of Interact.
type InteractOptions struct {
	// Title heads the view; default none.
	Title string
	// Screen is where the view goes; nil (the default) means Default.
	Screen *Screen
	// Probe is how long to wait for a widget front-end to answer;
	// default DefaultProbe.
	Probe time.Duration

	// kit replaces GoNB's widgets in tests; nil means gonbWidgets.
	kit widgetKit
}

// DefaultInteractOptions returns the defaults documented on each field of
// InteractOptions.
func DefaultInteractOptions() InteractOptions {
	return InteractOptions{Probe: DefaultProbe}
}

// change is a control's new value.
type change struct{ control, value int }

// widgetKit is the part of GoNB's widgets that Interact uses.
type widgetKit interface {
	// frontEnd reports whether a widget front-end (a browser running the
	// notebook's JavaScript) answers within probe.
	frontEnd(ctx context.Context, probe time.Duration) bool
	// show displays the controls and a Done button in a transient output,
	// and returns their changes, the button's clicks, and a function that
	// removes them.
	show(controls []Control) (changes <-chan change, done <-chan struct{}, remove func())
}

// ErrNoChoices is Interact's error for a Control with an empty range.
var ErrNoChoices = errors.New("display: a control with nothing to choose")

// Interact shows the controls and the image render makes of their values,
// and renders again, in place, each time a control moves, until the
// reader presses Done or ctx ends; the last image stays in the notebook as
// an ordinary output. render gets the controls' values in order.
//
// A headless run (jupyter nbconvert, CI), a program outside a notebook or a
// test has no widget front-end and nobody to move a slider: Interact then
// renders the starting values once, shows the image and returns, never
// waiting for input that cannot come. It tells the two apart by asking the
// browser (GoNB's widgets cannot: they wait for their first value, forever
// when no browser runs them): a probe value is sent to the front-end
// through GoNB's comms and Interact waits opts.Probe for it to come back.
// GoNB itself gives a browser 3 s to connect, before it passes the probe
// on, so a headless cell spends about 3 s + opts.Probe finding out, unless
// $NEURALART_HEADLESS is "1" (HeadlessEnv).
func Interact(ctx context.Context, controls []Control, render func(values []int) (image.Image, error), opts InteractOptions) error {
	values := make([]int, len(controls))
	for i, c := range controls {
		lo, hi := c.Min, c.Max
		if c.Choices != nil {
			lo, hi = 0, len(c.Choices)-1
		}
		if hi < lo || c.Value < lo || c.Value > hi {
			return fmt.Errorf("%w: control %d (%q) has Value %d outside [%d, %d]", ErrNoChoices, i, c.Label, c.Value, lo, hi)
		}
		values[i] = c.Value
	}
	s := opts.Screen
	if s == nil {
		s = Default
	}
	kit := opts.kit
	if kit == nil {
		kit = gonbWidgets{}
	}
	probe := opts.Probe
	if probe <= 0 {
		probe = DefaultProbe
	}
	view := func() (string, error) {
		img, err := render(values)
		if err != nil {
			return "", err
		}
		return interactPage(opts.Title, controls, values, img)
	}
	if !s.Notebook || os.Getenv(HeadlessEnv) == "1" || !kit.frontEnd(ctx, probe) {
		page, err := view()
		if err != nil {
			return err
		}
		return s.HTML(page)
	}

	changes, done, remove := kit.show(controls)
	defer remove()
	id := "neuralart_interact_" + gonbui.UniqueId()
	page, err := view()
	if err != nil {
		return err
	}
	s.front().UpdateHTML(id, page)
	finish := func(cause error) error {
		s.front().UpdateHTML(id, "")
		if err := s.HTML(page); err != nil {
			return err
		}
		return cause
	}
	for {
		select {
		case <-ctx.Done():
			return finish(ctx.Err())
		case <-done:
			return finish(nil)
		case c := <-changes:
			values[c.control] = c.value
			for pending := true; pending; { // render only the latest position of each control
				select {
				case c := <-changes:
					values[c.control] = c.value
				default:
					pending = false
				}
			}
			if page, err = view(); err != nil {
				return finish(err)
			}
			s.front().UpdateHTML(id, page)
		}
	}
}

// formatValue shows value as the control's Format, entry or number.
func (c *Control) formatValue(value int) string {
	switch {
	case c.Format != nil:
		return c.Format(value)
	case c.Choices != nil:
		return c.Choices[value]
	}
	return fmt.Sprint(value)
}

// interactPage is the view of Interact: the title, the image and the
// values it was rendered with.
func interactPage(title string, controls []Control, values []int, img image.Image) (string, error) {
	src, err := pngDataURL(img)
	if err != nil {
		return "", err
	}
	settings := make([]string, len(controls))
	for i := range controls {
		settings[i] = controls[i].Label + " " + controls[i].formatValue(values[i])
	}
	var b strings.Builder
	b.WriteString(`<div style="font-family:sans-serif">`)
	if title != "" {
		fmt.Fprintf(&b, `<div style="margin:4px 0;font-weight:bold">%s</div>`, html.EscapeString(title))
	}
	fmt.Fprintf(&b, `<img src="%s" alt="%s">`, src, html.EscapeString(strings.Join(settings, ", ")))
	fmt.Fprintf(&b, `<div style="margin:4px 0">%s</div>`, html.EscapeString(strings.Join(settings, " · ")))
	b.WriteString("</div>")
	return b.String(), nil
}
