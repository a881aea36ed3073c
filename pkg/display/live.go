package display

import (
	"fmt"
	"html"
	"image"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// DefaultLiveEvery is how often, in steps, Live.Due is true when Every is 0.
const DefaultLiveEvery = 10

// Live is a training view: loss curves of several named series and the
// latest images, redrawn in place in a notebook. Outside a notebook each
// Update prints a line of the latest values, and Close writes the final
// view as an HTML page. The zero value is ready to use:
//
//	live := &display.Live{Title: "style transfer", LogY: true}
//	for step := range steps {
//		... // compute the losses
//		live.Add("content", step, contentLoss)
//		live.Add("style", step, styleLoss)
//		if live.Due(step) {
//			live.Update(step, currentImage)
//		}
//	}
//	live.Close()
//
// A Live is not safe for concurrent use.
type Live struct {
	Title string
	// Every is the period, in steps, of Due; 0 means DefaultLiveEvery.
	Every int
	// LogY draws the losses on a log scale.
	LogY bool
	// Panels, when set, draws the series in plots side by side, each
	// listing the names of the series it holds (see PanelPlot): losses
	// beside probabilities, say, rather than on one axis. Series it does
	// not name are not drawn, but the header still shows their values.
	// Nil draws every series in one plot.
	Panels [][]string
	// Screen is where the view goes; nil means Default.
	Screen *Screen

	series []Series
	index  map[string]int
	step   int
	images []image.Image
	id     string // gonbui display id of the transient view; empty before the first Update.
}

func (l *Live) screen() *Screen {
	if l.Screen == nil {
		return Default
	}
	return l.Screen
}

// Add records the value of the named series at step. Series are drawn in
// the order they were first added.
func (l *Live) Add(series string, step int, value float64) {
	if l.index == nil {
		l.index = map[string]int{}
	}
	i, ok := l.index[series]
	if !ok {
		i = len(l.series)
		l.index[series] = i
		l.series = append(l.series, Series{Name: series})
	}
	s := &l.series[i]
	s.X, s.Y = append(s.X, float64(step)), append(s.Y, value)
	l.step = max(l.step, step)
}

// Due reports whether step is one to Update at: every Every steps.
func (l *Live) Due(step int) bool {
	every := l.Every
	if every <= 0 {
		every = DefaultLiveEvery
	}
	return step%every == 0
}

// Update redraws the view at step with the given images (or the previous
// ones when none are given).
func (l *Live) Update(step int, imgs ...image.Image) error {
	l.step = max(l.step, step)
	if len(imgs) > 0 {
		l.images = imgs
	}
	s := l.screen()
	if !s.Notebook {
		_, err := fmt.Fprintln(s.out(), l.summary())
		return err
	}
	page, err := l.render()
	if err != nil {
		return err
	}
	if l.id == "" {
		l.id = "neuralart_live_" + gonbui.UniqueId()
	}
	s.front().UpdateHTML(l.id, page)
	return nil
}

// Close leaves the final view: in a notebook it blanks the transient
// output and displays the view as an ordinary output, which saved
// notebooks keep; elsewhere it writes the view as an HTML page.
func (l *Live) Close() error {
	page, err := l.render()
	if err != nil {
		return err
	}
	s := l.screen()
	if s.Notebook && l.id != "" {
		s.front().UpdateHTML(l.id, "")
		l.id = ""
	}
	return s.HTML(page)
}

// summary is the one-line text form of the view: the latest value of each
// series.
func (l *Live) summary() string {
	var b strings.Builder
	if l.Title != "" {
		b.WriteString(l.Title + ": ")
	}
	fmt.Fprintf(&b, "step %d", l.step)
	for _, s := range l.series {
		if n := len(s.Y); n > 0 {
			fmt.Fprintf(&b, "  %s=%.4g", s.Name, s.Y[n-1])
		}
	}
	return b.String()
}

// render returns the view as HTML: a header with the latest values, the
// plot and the images, side by side when they fit.
func (l *Live) render() (string, error) {
	var b strings.Builder
	b.WriteString(`<div style="font-family:sans-serif">`)
	fmt.Fprintf(&b, `<div style="margin:4px 0">%s</div>`, html.EscapeString(l.summary()))
	b.WriteString(`<div style="display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start">`)
	if len(l.Panels) == 0 {
		b.WriteString(LinePlot(l.series, PlotOptions{XLabel: "step", YLabel: "loss", LogY: l.LogY}))
	} else {
		panels := make([]Panel, len(l.Panels))
		for i, names := range l.Panels {
			panels[i].LogY = l.LogY
			for _, name := range names {
				if k, ok := l.index[name]; ok {
					panels[i].Series = append(panels[i].Series, l.series[k])
				}
			}
		}
		b.WriteString(PanelPlot(panels, PlotOptions{XLabel: "step", Width: defaultPlotWidth, Height: defaultPlotHeight * 3 / 4}))
	}
	for _, img := range l.images {
		src, err := pngDataURL(img)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, `<img src="%s" style="max-width:100%%" alt="step %d">`, src, l.step)
	}
	b.WriteString("</div></div>")
	return b.String(), nil
}
