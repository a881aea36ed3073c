package images

import (
	"image/color"
	"math"
)

// Colormap maps a value in [0, 1] to a colour; values outside are clamped.
type Colormap func(v float32) color.RGBA

// viridisAnchors samples matplotlib's viridis at 0, 1/16, ..., 1; Viridis
// interpolates linearly between them (within 0.5% of the 256-entry table).
var viridisAnchors = [...][3]float32{
	{0.2670, 0.0049, 0.3294},
	{0.2823, 0.0950, 0.4173},
	{0.2788, 0.1755, 0.4834},
	{0.2590, 0.2515, 0.5247},
	{0.2297, 0.3224, 0.5457},
	{0.1994, 0.3876, 0.5546},
	{0.1727, 0.4488, 0.5579},
	{0.1490, 0.5081, 0.5573},
	{0.1276, 0.5669, 0.5506},
	{0.1206, 0.6258, 0.5335},
	{0.1579, 0.6838, 0.5017},
	{0.2461, 0.7389, 0.4520},
	{0.3692, 0.7889, 0.3829},
	{0.5160, 0.8312, 0.2943},
	{0.6785, 0.8637, 0.1895},
	{0.8456, 0.8873, 0.0997},
	{0.9932, 0.9062, 0.1439},
}

// Viridis is matplotlib's default colormap (van der Walt & Smith, 2015):
// dark purple for 0 through teal to yellow for 1, perceptually uniform and
// readable in grayscale and by colour-blind readers. NaN maps to 0.
func Viridis(v float32) color.RGBA {
	pos := float64(clamp01(v)) * float64(len(viridisAnchors)-1)
	i := min(int(pos), len(viridisAnchors)-2)
	frac := float32(pos) - float32(i)
	lo, hi := viridisAnchors[i], viridisAnchors[i+1]
	var rgb [3]uint8
	for ch := range rgb {
		rgb[ch] = toByte(lo[ch] + frac*(hi[ch]-lo[ch]))
	}
	return color.RGBA{R: rgb[0], G: rgb[1], B: rgb[2], A: 0xff}
}

// Grays maps 0 to black and 1 to white. NaN maps to 0.
func Grays(v float32) color.RGBA {
	y := toByte(clamp01(v))
	return color.RGBA{R: y, G: y, B: y, A: 0xff}
}

// clamp01 clamps v to [0, 1], mapping NaN to 0.
func clamp01(v float32) float32 {
	if math.IsNaN(float64(v)) {
		return 0
	}
	return min(max(v, 0), 1)
}
