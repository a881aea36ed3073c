package display

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// axis maps data values to [0, 1] along one side of a plot.
type axis struct {
	lo, hi float64 // Data range covered; for log axes, positive.
	log    bool
	ticks  []tick
}

// tick is a grid line, labelled unless label is empty; minor ticks are the
// unlabelled 2..9 × 10ᵏ lines of a log axis.
type tick struct {
	value float64
	label string
	minor bool
}

func (t tick) gridColor() string {
	if t.minor {
		return "#f2f2f2"
	}
	return "#dddddd"
}

// pos returns where v falls on the axis, 0 at lo and 1 at hi.
func (a axis) pos(v float64) float64 {
	if a.log {
		return (math.Log10(v) - math.Log10(a.lo)) / (math.Log10(a.hi) - math.Log10(a.lo))
	}
	return (v - a.lo) / (a.hi - a.lo)
}

// labelWidth is the length, in characters, of the longest tick label.
func (a axis) labelWidth() int {
	n := 0
	for _, t := range a.ticks {
		n = max(n, utf8.RuneCountInString(t.label))
	}
	return n
}

// linearAxis covers values with "nice" ticks (1, 2 or 5 × 10ᵏ apart,
// Heckbert's labelling), extending the range to whole ticks.
func linearAxis(values []float64) axis {
	lo, hi := dataRange(values, 0, 1)
	if lo == hi { // A flat line still needs a range.
		pad := max(math.Abs(lo)*0.1, 1)
		lo, hi = lo-pad, hi+pad
	}
	step := niceStep((hi - lo) / targetTicks)
	first, last := math.Floor(lo/step), math.Ceil(hi/step)
	a := axis{lo: first * step, hi: last * step}
	for i := first; i <= last; i++ {
		v := i * step
		a.ticks = append(a.ticks, tick{value: v, label: formatTick(v, step)})
	}
	return a
}

// dataRange returns the smallest and largest of values, or [lo, hi] for
// no values (an empty plot still has axes).
func dataRange(values []float64, lo, hi float64) (float64, float64) {
	if len(values) == 0 {
		return lo, hi
	}
	lo, hi = values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// niceStep returns the smallest 1, 2 or 5 × 10ᵏ at least raw.
func niceStep(raw float64) float64 {
	base := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / base; {
	case f <= 1:
		return base
	case f <= 2:
		return 2 * base
	case f <= 5:
		return 5 * base
	}
	return 10 * base
}

// formatTick prints v with the decimals that step needs, switching to
// exponent notation for very large or small values.
func formatTick(v, step float64) string {
	if v == 0 {
		return "0"
	}
	if math.Abs(v) >= 1e6 || step < 1e-4 {
		// As many significant digits as tell neighbouring ticks apart.
		digits := int(math.Floor(math.Log10(math.Abs(v)))-math.Floor(math.Log10(step))) + 1
		return strconv.FormatFloat(v, 'g', max(digits, 1), 64)
	}
	decimals := max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

// logAxis covers positive values with a tick per power of ten (labelling
// at most maxLogLabels of them) and minor ticks at 2..9 × 10ᵏ when the
// range spans few decades. Data within a factor of 3 gets linear ticks;
// data within two decades gets a range that ends
// at the nearest 1, 2 or 5 × 10ᵏ instead of whole decades, and labels at 2
// and 5 × 10ᵏ too, so that a curve falling from 180 to 35 fills the plot
// instead of a fifth of it.
func logAxis(values []float64) axis {
	lo, hi := dataRange(values, 1, 10)
	// Within a factor of 3 a log axis is nearly linear, and powers of ten
	// would leave it unlabelled: label it as a linear one.
	if len(values) > 0 && hi/lo <= 3 {
		if a := linearAxis(values); a.lo > 0 {
			a.log = true
			return a
		}
	}
	first, last := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if last == first {
		last++
	}
	a := axis{lo: math.Pow(10, first), hi: math.Pow(10, last), log: true}
	tight := hi/lo <= 100
	if tight {
		a.lo, a.hi = below125(lo), above125(hi)
		if a.lo == a.hi { // A flat line on a 1, 2 or 5 still needs a range.
			a.lo, a.hi = below125(lo*0.99), above125(hi*1.01)
		}
	}
	stride := math.Ceil((last - first) / maxLogLabels)
	fewDecades := last-first <= 3
	// Plain decimals read best while they are short; beyond, every label is
	// a power of ten, so the labels of one axis look alike.
	plain := first >= -2 && last <= 4
	inRange := func(v float64) bool { return v >= a.lo*(1-1e-9) && v <= a.hi*(1+1e-9) }
	for e := first; e <= last; e++ {
		t := tick{value: math.Pow(10, e)}
		if math.Mod(e-first, stride) == 0 {
			t.label = formatPow10(1, e, plain)
		}
		if inRange(t.value) {
			a.ticks = append(a.ticks, t)
		}
		if !fewDecades || e == last {
			continue
		}
		for m := 2.0; m <= 9; m++ {
			minor := tick{value: m * math.Pow(10, e), minor: true}
			if (tight || last-first == 1) && (m == 2 || m == 5) {
				minor.label = formatPow10(m, e, plain)
			}
			if inRange(minor.value) {
				a.ticks = append(a.ticks, minor)
			}
		}
	}
	return a
}

// below125 is the largest 1, 2 or 5 × 10ᵏ at most v > 0; above125 the
// smallest at least v.
func below125(v float64) float64 {
	base := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{5, 2, 1} {
		if m*base <= v*(1+1e-12) {
			return m * base
		}
	}
	return base
}

func above125(v float64) float64 {
	base := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*base >= v*(1-1e-12) {
			return m * base
		}
	}
	return 10 * base
}

// formatPow10 prints m × 10ᵉ as a decimal or as "10ᵉ" (m = 1) and "m×10ᵉ".
func formatPow10(m, e float64, plain bool) string {
	if plain {
		return strconv.FormatFloat(m*math.Pow(10, e), 'f', -1, 64)
	}
	pow := "10" + superscript(int(e))
	if m == 1 {
		return pow
	}
	return strconv.FormatFloat(m, 'f', -1, 64) + "×" + pow
}

// superscript writes n with Unicode superscript digits.
func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var b strings.Builder
	if n < 0 {
		b.WriteString("⁻")
		n = -n
	}
	for _, d := range strconv.Itoa(n) {
		b.WriteRune([]rune(digits)[d-'0'])
	}
	return b.String()
}
