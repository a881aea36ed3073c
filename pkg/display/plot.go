package display

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one named line of a plot.
type Series struct {
	Name string
	// X holds the abscissae; nil means 0, 1, 2, ... Points whose X or Y is
	// not finite (or whose Y is not positive on a log scale) are left out.
	X, Y []float64
}

// PlotOptions are the knobs of LinePlot; the zero value draws a 640×360
// plot with linear axes and no titles.
type PlotOptions struct {
	Title, XLabel, YLabel string
	// LogY draws the Y axis on a log scale, as losses spanning several
	// orders of magnitude need.
	LogY bool
	// YRange is a range the Y axis covers besides the data's, such as
	// {0, 1} for fractions, so that noise in a nearly constant fraction is
	// not stretched over the whole plot; the zero value adds nothing.
	YRange [2]float64
	// Width and Height are the size in pixels; 0 means 640×360.
	Width, Height int
}

const (
	defaultPlotWidth  = 640
	defaultPlotHeight = 360
	// targetTicks is about how many labelled ticks a linear axis gets.
	targetTicks = 5
	// maxLogLabels is the most decades a log axis labels.
	maxLogLabels = 6
	fontSize     = 12
	// charWidth estimates the width of a character at fontSize, to size the
	// legend and the margin of the Y tick labels.
	charWidth = 7
)

// palette is matplotlib's "tab10", the colours of successive series.
var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
	"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

// LinePlot draws the series as an SVG document: axes with ticks and grid,
// one polyline per series in matplotlib's colours, and a legend when any
// series has a name. It is static SVG (no script), so it survives in saved
// notebooks and their HTML export.
func LinePlot(series []Series, opts PlotOptions) string {
	width, height := opts.Width, opts.Height
	if width <= 0 {
		width = defaultPlotWidth
	}
	if height <= 0 {
		height = defaultPlotHeight
	}
	points := make([][][2]float64, len(series))
	var xs, ys []float64
	for i, s := range series {
		points[i] = validPoints(s, opts.LogY)
		for _, p := range points[i] {
			xs, ys = append(xs, p[0]), append(ys, p[1])
		}
	}
	for _, y := range opts.YRange {
		if opts.YRange != [2]float64{} && (!opts.LogY || y > 0) {
			ys = append(ys, y)
		}
	}
	xAxis := linearAxis(xs)
	yAxis := linearAxis(ys)
	if opts.LogY {
		yAxis = logAxis(ys)
	}

	// The plot area, inside margins for titles and tick labels.
	left := 16 + charWidth*yAxis.labelWidth()
	if opts.YLabel != "" {
		left += fontSize + 6
	}
	// The last X label is centred on the right edge: leave room for its half.
	rightMargin := max(16, charWidth*utf8.RuneCountInString(xAxis.ticks[len(xAxis.ticks)-1].label)/2+4)
	top, right, bottom := 12.0, float64(width-rightMargin), float64(height-28)
	if opts.Title != "" {
		top += fontSize + 12
	}
	if opts.XLabel != "" {
		bottom -= fontSize + 4
	}
	leftF := float64(left)
	px := func(x float64) float64 { return leftF + xAxis.pos(x)*(right-leftF) }
	py := func(y float64) float64 { return bottom - yAxis.pos(y)*(bottom-top) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="%d">`+"\n",
		width, height, width, height, fontSize)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	if opts.Title != "" {
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle" font-size="%d">%s</text>`+"\n",
			coord((leftF+right)/2), 8+fontSize+2, fontSize+2, html.EscapeString(opts.Title))
	}
	b.WriteString(`<g stroke-width="1">` + "\n")
	for _, t := range xAxis.ticks {
		x := coord(px(t.value))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", x, coord(top), x, coord(bottom), t.gridColor())
		if t.label != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" stroke="none">%s</text>`+"\n", x, coord(bottom+fontSize+4), t.label)
		}
	}
	for _, t := range yAxis.ticks {
		y := coord(py(t.value))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", coord(leftF), y, coord(right), y, t.gridColor())
		if t.label != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" stroke="none">%s</text>`+"\n", coord(leftF-5), coord(py(t.value)+fontSize/3), t.label)
		}
	}
	b.WriteString("</g>\n")
	fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#333"/>`+"\n",
		coord(leftF), coord(top), coord(right-leftF), coord(bottom-top))
	if opts.XLabel != "" {
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`+"\n",
			coord((leftF+right)/2), height-8, html.EscapeString(opts.XLabel))
	}
	if opts.YLabel != "" {
		mid := coord((top + bottom) / 2)
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="middle" transform="rotate(-90 %d %s)">%s</text>`+"\n",
			fontSize+2, mid, fontSize+2, mid, html.EscapeString(opts.YLabel))
	}
	column := func(x float64) int { return int(px(x)) }
	for i, s := range series {
		if len(points[i]) > int(right-leftF) {
			points[i] = thin(points[i], column)
		}
		color := palette[i%len(palette)]
		fmt.Fprintf(&b, `<g><title>%s</title>`, html.EscapeString(s.Name))
		b.WriteString(`<polyline fill="none" stroke-width="1.5" stroke-linejoin="round" stroke="` + color + `" points="`)
		for k, p := range points[i] {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(coord(px(p[0])) + "," + coord(py(p[1])))
		}
		b.WriteString(`"/>`)
		if len(points[i]) == 1 { // A lone point draws no line: mark it.
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`, coord(px(points[i][0][0])), coord(py(points[i][0][1])), color)
		}
		b.WriteString("</g>\n")
	}
	var drawn [][2]float64 // the lines in pixels, which the legend should not hide
	for _, pts := range points {
		for k := range pts {
			drawn = append(drawn, [2]float64{px(pts[k][0]), py(pts[k][1])})
			if k+1 < len(pts) { // and points along each segment
				for f := 0.1; f < 1; f += 0.1 {
					drawn = append(drawn, [2]float64{px(pts[k][0] + f*(pts[k+1][0]-pts[k][0])), py(pts[k][1] + f*(pts[k+1][1]-pts[k][1]))})
				}
			}
		}
	}
	writeLegend(&b, series, leftF, top, right, bottom, drawn)
	b.WriteString("</svg>\n")
	return b.String()
}

// writeLegend draws the names of the series in a box in the corner of the
// plot area (left, top)–(right, bottom) that hides the fewest of the drawn
// points, the top right when none is hidden.
func writeLegend(b *strings.Builder, series []Series, left, top, right, bottom float64, drawn [][2]float64) {
	longest := 0
	for _, s := range series {
		longest = max(longest, len([]rune(s.Name)))
	}
	if longest == 0 {
		return
	}
	const row, swatch = fontSize + 6, 20
	w, h := float64(swatch+14+charWidth*longest), float64(row*len(series)+6)
	x, y, hidden := right-8-w, top+8, -1
	for _, corner := range [][2]float64{{right - 8 - w, top + 8}, {left + 8, top + 8}, {right - 8 - w, bottom - 8 - h}, {left + 8, bottom - 8 - h}} {
		n := 0
		for _, p := range drawn {
			if p[0] >= corner[0] && p[0] <= corner[0]+w && p[1] >= corner[1] && p[1] <= corner[1]+h {
				n++
			}
		}
		if hidden < 0 || n < hidden {
			x, y, hidden = corner[0], corner[1], n
		}
	}
	fmt.Fprintf(b, `<g><rect x="%s" y="%s" width="%s" height="%s" fill="white" fill-opacity="0.85" stroke="#ccc"/>`+"\n",
		coord(x), coord(y), coord(w), coord(h))
	for i, s := range series {
		cy := y + 3 + float64(row*i) + row/2
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`,
			coord(x+6), coord(cy), coord(x+6+swatch), coord(cy), palette[i%len(palette)])
		fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`+"\n", coord(x+6+swatch+6), coord(cy+fontSize/3), html.EscapeString(s.Name))
	}
	b.WriteString("</g>\n")
}

// validPoints returns the plottable (x, y) pairs of s.
func validPoints(s Series, logY bool) [][2]float64 {
	var pts [][2]float64
	for i, y := range s.Y {
		x := float64(i)
		if s.X != nil {
			if i >= len(s.X) {
				break
			}
			x = s.X[i]
		}
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) || (logY && y <= 0) {
			continue
		}
		pts = append(pts, [2]float64{x, y})
	}
	return pts
}

// thin keeps, of each run of consecutive points drawn in the same pixel
// column, the first, lowest, highest and last: the drawn line looks the
// same, spikes included, with at most four points per column.
func thin(pts [][2]float64, column func(x float64) int) [][2]float64 {
	var out [][2]float64
	for start := 0; start < len(pts); {
		c := column(pts[start][0])
		end, lo, hi := start, start, start
		for ; end < len(pts) && column(pts[end][0]) == c; end++ {
			if pts[end][1] < pts[lo][1] {
				lo = end
			}
			if pts[end][1] > pts[hi][1] {
				hi = end
			}
		}
		keep := []int{start, min(lo, hi), max(lo, hi), end - 1}
		for k, idx := range keep {
			if k == 0 || idx != keep[k-1] {
				out = append(out, pts[idx])
			}
		}
		start = end
	}
	return out
}

func coord(v float64) string {
	return strconv.FormatFloat(v, 'f', 1, 64)
}
