package display

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// svgElement is an element of a parsed SVG document.
type svgElement struct {
	name  string
	attrs map[string]string
	text  string
}

// parseSVG checks that doc is well-formed XML with an <svg> root and
// returns its elements in document order.
func parseSVG(t *testing.T, doc string) []svgElement {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	var elems []svgElement
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 && (tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root element is %v, want svg in the SVG namespace", tok.Name)
			}
			depth++
			e := svgElement{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			elems = append(elems, e)
		case xml.EndElement:
			depth--
		case xml.CharData:
			if len(elems) > 0 {
				elems[len(elems)-1].text += string(tok)
			}
		}
	}
	if len(elems) == 0 {
		t.Fatal("empty SVG")
	}
	return elems
}

// polylinePoints parses the points attribute of each polyline.
func polylinePoints(t *testing.T, elems []svgElement) [][][2]float64 {
	t.Helper()
	var lines [][][2]float64
	for _, e := range elems {
		if e.name != "polyline" {
			continue
		}
		var pts [][2]float64
		for _, pair := range strings.Fields(e.attrs["points"]) {
			xy := strings.Split(pair, ",")
			x, errX := strconv.ParseFloat(xy[0], 64)
			y, errY := strconv.ParseFloat(xy[len(xy)-1], 64)
			if len(xy) != 2 || errX != nil || errY != nil {
				t.Fatalf("bad point %q", pair)
			}
			pts = append(pts, [2]float64{x, y})
		}
		lines = append(lines, pts)
	}
	return lines
}

func texts(elems []svgElement) []string {
	var out []string
	for _, e := range elems {
		if e.name == "text" {
			out = append(out, strings.TrimSpace(e.text))
		}
	}
	return out
}

func TestLinePlotStructure(t *testing.T) {
	nan := math.NaN()
	series := []Series{
		{Name: "content <loss>", Y: []float64{4, 3, nan, 2, 1}}, // One NaN dropped.
		{Name: "style & co", X: []float64{0, 10, 20}, Y: []float64{100, 10, 1}},
		{Name: "", Y: []float64{math.Inf(1), 7}}, // Inf dropped.
	}
	const w, h = 500, 300
	doc := LinePlot(series, PlotOptions{Title: "Losses", XLabel: "step", YLabel: "loss", Width: w, Height: h})
	elems := parseSVG(t, doc)
	if elems[0].attrs["width"] != "500" || elems[0].attrs["height"] != "300" {
		t.Errorf("svg size %s×%s", elems[0].attrs["width"], elems[0].attrs["height"])
	}
	lines := polylinePoints(t, elems)
	wantPoints := []int{4, 3, 1}
	if len(lines) != len(wantPoints) {
		t.Fatalf("%d polylines, want %d", len(lines), len(wantPoints))
	}
	for i, pts := range lines {
		if len(pts) != wantPoints[i] {
			t.Errorf("series %d: %d points, want %d", i, len(pts), wantPoints[i])
		}
		for _, p := range pts {
			if p[0] < 0 || p[0] > w || p[1] < 0 || p[1] > h {
				t.Errorf("series %d: point %v outside the %d×%d canvas", i, p, w, h)
			}
		}
	}
	// A decreasing series goes down the screen (SVG y grows downwards).
	if first, last := lines[0][0], lines[0][3]; !(first[0] < last[0] && first[1] < last[1]) {
		t.Errorf("series 0 runs from %v to %v, want rightwards and downwards", first, last)
	}
	all := strings.Join(texts(elems), "|")
	for _, want := range []string{"Losses", "step", "loss", "content <loss>", "style & co"} {
		if !strings.Contains(all, want) {
			t.Errorf("no text %q in %q", want, all)
		}
	}
}

func TestLinePlotLogScale(t *testing.T) {
	series := []Series{{Name: "loss", Y: []float64{1000, 10, 0, -5, 0.01}}} // Non-positive values dropped.
	elems := parseSVG(t, LinePlot(series, PlotOptions{LogY: true}))
	lines := polylinePoints(t, elems)
	if len(lines) != 1 || len(lines[0]) != 3 {
		t.Fatalf("polylines %v, want one of 3 points", lines)
	}
	// Equal ratios are equal distances on a log scale: 1000→10 and 10→0.01
	// are 2 and 3 decades.
	d1, d2 := lines[0][1][1]-lines[0][0][1], lines[0][2][1]-lines[0][1][1]
	if math.Abs(d2/d1-1.5) > 0.01 {
		t.Errorf("vertical steps %v and %v, want a ratio of 3:2", d1, d2)
	}
	all := strings.Join(texts(elems), "|")
	for _, want := range []string{"0.01", "1", "1000"} {
		if !strings.Contains("|"+all+"|", "|"+want+"|") {
			t.Errorf("no tick label %q in %q", want, all)
		}
	}
}

func TestLinePlotEdgeCases(t *testing.T) {
	for name, series := range map[string][]Series{
		"no series": nil,
		"empty":     {{Name: "a"}},
		"one point": {{Name: "a", Y: []float64{5}}},
		"flat":      {{Y: []float64{2, 2, 2}}},
		"all NaN":   {{Y: []float64{math.NaN()}}},
		"short X":   {{X: []float64{1}, Y: []float64{1, 2, 3}}},
	} {
		for _, logY := range []bool{false, true} {
			elems := parseSVG(t, LinePlot(series, PlotOptions{LogY: logY}))
			for _, e := range elems {
				for k, v := range e.attrs {
					if strings.Contains(v, "NaN") || strings.Contains(v, "Inf") {
						t.Errorf("%s (log %v): <%s %s=%q>", name, logY, e.name, k, v)
					}
				}
			}
		}
	}
}

func TestAxisTicks(t *testing.T) {
	for _, tc := range []struct {
		values []float64
		want   []string
	}{
		{[]float64{0.3, 9.7}, []string{"0", "2", "4", "6", "8", "10"}},
		{[]float64{0.12, 0.31}, []string{"0.10", "0.15", "0.20", "0.25", "0.30", "0.35"}},
		{[]float64{-3, 3}, []string{"-4", "-2", "0", "2", "4"}},
		{[]float64{0, 250000}, []string{"0", "50000", "100000", "150000", "200000", "250000"}},
		// Large values keep the digits that tell ticks apart.
		{[]float64{1.1995e6, 1.2029e6}, []string{"1.199e+06", "1.2e+06", "1.201e+06", "1.202e+06", "1.203e+06"}},
	} {
		a := linearAxis(tc.values)
		var got []string
		for _, tk := range a.ticks {
			got = append(got, tk.label)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("linearAxis(%v) ticks %v, want %v", tc.values, got, tc.want)
		}
		if a.pos(tc.values[0]) < 0 || a.pos(tc.values[1]) > 1 {
			t.Errorf("linearAxis(%v) range [%v, %v] does not cover the data", tc.values, a.lo, a.hi)
		}
	}
	for _, tc := range []struct {
		values []float64
		want   string
	}{
		// 13 decades, labelled every third to stay under maxLogLabels.
		{[]float64{3e-7, 2e5}, "10⁻⁷ 10⁻⁴ 10⁻¹ 10² 10⁵"},
		// Within two decades the range ends at 1, 2 or 5 × 10ᵏ around the
		// data, and 2 and 5 are labelled too.
		{[]float64{2, 8}, "2 5 10"},
		{[]float64{2e4, 8e4}, "2×10⁴ 5×10⁴ 10⁵"},
		{[]float64{35, 180}, "20 50 100 200"},
		// Within a factor of 3, the ticks of a linear axis.
		{[]float64{1520, 1594}, "1520 1540 1560 1580 1600"},
		{[]float64{0.05, 300}, "0.01 0.1 1 10 100 1000"},
	} {
		var labels []string
		for _, tk := range logAxis(tc.values).ticks {
			if tk.label != "" {
				labels = append(labels, tk.label)
			}
		}
		if got := strings.Join(labels, " "); got != tc.want {
			t.Errorf("logAxis(%v) labels %q, want %q", tc.values, got, tc.want)
		}
	}
}

func TestLinePlotThinsLongSeries(t *testing.T) {
	const n, spikeAt = 100000, 61234
	s := Series{Name: "loss", Y: make([]float64, n)}
	for i := range s.Y {
		s.Y[i] = 1 + float64(i%7)/10
	}
	s.Y[spikeAt] = 50
	const width = 640
	lines := polylinePoints(t, parseSVG(t, LinePlot([]Series{s}, PlotOptions{Width: width})))
	if got := len(lines[0]); got > 4*width {
		t.Errorf("%d points drawn for a %d-pixel plot, want at most 4 per column", got, width)
	}
	top := math.Inf(1)
	for _, p := range lines[0] {
		top = math.Min(top, p[1])
	}
	// The spike is the highest point, so it has the smallest SVG y; it must
	// stand far above the rest (values 1..1.6 of a 0..50 axis).
	rest := math.Inf(1)
	for _, p := range lines[0] {
		if p[1] > top {
			rest = math.Min(rest, p[1])
		}
	}
	if rest-top < 100 {
		t.Errorf("the spike at step %d was thinned away: top y %v, next %v", spikeAt, top, rest)
	}
}

func TestPanelPlot(t *testing.T) {
	fid := Series{Name: "FID", X: []float64{0, 1, 2}, Y: []float64{300, 120, 80}}
	kid := Series{Name: "KID", X: []float64{0, 1, 2}, Y: []float64{0.3, 0.1, 0.05}}
	doc := PanelPlot([]Panel{{Series: []Series{fid}, YLabel: "FID"}, {Series: []Series{kid}, YLabel: "KID"}},
		PlotOptions{Title: "over training", XLabel: "step", Width: 600, Height: 250})
	elems := parseSVG(t, doc)
	if elems[0].attrs["width"] != "600" {
		t.Errorf("figure width %s, want 600", elems[0].attrs["width"])
	}
	var xs []string
	for _, e := range elems[1:] {
		if e.name == "svg" {
			xs = append(xs, e.attrs["x"])
		}
	}
	if strings.Join(xs, ",") != "0,300" {
		t.Errorf("panels at x = %v, want 0 and 300", xs)
	}
	// Each panel spans its own series' range: both lines fall by most of
	// their panel's height, which one shared axis would not allow KID.
	for i, pts := range polylinePoints(t, elems) {
		if drop := pts[len(pts)-1][1] - pts[0][1]; drop < 100 {
			t.Errorf("panel %d: line falls %.0f px of 250, want most of the panel", i, drop)
		}
	}
	all := strings.Join(texts(elems), "|")
	for _, want := range []string{"over training", "FID", "KID", "step"} {
		if !strings.Contains(all, want) {
			t.Errorf("no text %q in %q", want, all)
		}
	}
}

func TestLegendAvoidsTheLines(t *testing.T) {
	// Both lines run along the top: the legend goes to a bottom corner.
	high := []Series{{Name: "a", Y: []float64{10, 10, 10}}, {Name: "b", Y: []float64{9.5, 9.8, 9.6}}, {Name: "", Y: []float64{0}}}
	elems := parseSVG(t, LinePlot(high, PlotOptions{Width: 400, Height: 300}))
	for _, e := range elems {
		if e.name == "rect" && e.attrs["stroke"] == "#ccc" {
			if y, _ := strconv.ParseFloat(e.attrs["y"], 64); y < 150 {
				t.Errorf("legend at y = %v over lines along the top, want it in the lower half", y)
			}
			return
		}
	}
	t.Error("no legend box")
}

func TestLinePlotYRange(t *testing.T) {
	fraction := []Series{{X: []float64{10, 20, 30}, Y: []float64{0.866, 0.878, 0.871}}}
	for _, tc := range []struct {
		opts PlotOptions
		want string // a tick label only the range brings
	}{
		{PlotOptions{YRange: [2]float64{0, 1}}, "1.0"},
		{PlotOptions{YRange: [2]float64{0, 1}, LogY: true}, "1.00"}, // 0 has no place on a log axis
	} {
		all := "|" + strings.Join(texts(parseSVG(t, LinePlot(fraction, tc.opts))), "|") + "|"
		if !strings.Contains(all, "|"+tc.want+"|") {
			t.Errorf("%+v: tick labels %q lack %q", tc.opts, all, tc.want)
		}
	}
	if all := strings.Join(texts(parseSVG(t, LinePlot(fraction, PlotOptions{}))), "|"); strings.Contains(all, "1.0") {
		t.Errorf("without YRange the axis reaches 1.0: %q", all)
	}
}
