package display

import (
	"fmt"
	"html"
	"strings"
)

// Panel is one plot of a figure drawn by [PanelPlot]: its own series and Y
// axis, so that quantities of different scales (FID in the hundreds, KID in
// thousandths, precision in [0, 1]) each get a range where they visibly
// change instead of one flattening the others on a shared axis.
type Panel struct {
	Series []Series
	Title  string
	YLabel string
	// LogY draws this panel's Y axis on a log scale.
	LogY bool
	// YRange is a range the Y axis covers besides the data's; see
	// PlotOptions.YRange.
	YRange [2]float64
}

// defaultPanelWidth is the width of each panel when PlotOptions.Width is 0:
// three panels side by side fill a notebook's output area.
const defaultPanelWidth = 340

// PanelPlot draws the panels side by side as one SVG document, sharing
// opts.XLabel and opts.Height; opts.Title goes above them all, and
// opts.Width, when set, is the width of the whole figure. Each panel is a
// [LinePlot]. The figure scales down to the width of its container.
func PanelPlot(panels []Panel, opts PlotOptions) string {
	n := max(len(panels), 1)
	width := opts.Width
	if width <= 0 {
		width = defaultPanelWidth * n
	}
	height := opts.Height
	if height <= 0 {
		height = defaultPlotHeight
	}
	top := 0
	if opts.Title != "" {
		top = fontSize + 14
	}
	panelWidth := width / n
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" style="max-width:100%%;height:auto" font-family="sans-serif" font-size="%d">`+"\n",
		width, height+top, width, height+top, fontSize)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height+top)
	if opts.Title != "" {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="%d">%s</text>`+"\n", width/2, fontSize+6, fontSize+2, html.EscapeString(opts.Title))
	}
	for i, p := range panels {
		svg := LinePlot(p.Series, PlotOptions{Title: p.Title, XLabel: opts.XLabel, YLabel: p.YLabel, LogY: p.LogY, YRange: p.YRange,
			Width: panelWidth, Height: height})
		// A nested <svg> is positioned by its x and y attributes.
		b.WriteString(strings.Replace(svg, "<svg ", fmt.Sprintf(`<svg x="%d" y="%d" `, i*panelWidth, top), 1))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// Panels shows the panels side by side (see PanelPlot).
func Panels(panels []Panel, opts PlotOptions) error {
	return Default.SVG(PanelPlot(panels, opts))
}
