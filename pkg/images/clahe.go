package images

import (
	"fmt"
	"image"
	"math"
)

// claheLevels is the number of gray levels CLAHE works with, scikit-image's
// NR_OF_GRAY: the brightness is stretched to [0, claheLevels−1] first.
const claheLevels = 1 << 14

// CLAHEOptions are the knobs of [CLAHE]. Start from [DefaultCLAHEOptions].
type CLAHEOptions struct {
	// Tiles is the number of contextual regions across (X) and down (Y);
	// default 8×8. A region is Width/Tiles.X × Height/Tiles.Y pixels
	// (rounded down, at least 1), which is scikit-image's kernel_size and
	// its default of one eighth of each side.
	Tiles image.Point
	// ClipLimit caps each region's histogram bins at ClipLimit × (pixels
	// in a region), at least 1 pixel, and spreads the excess over the
	// other bins (scikit-image's clip_limit); default 0.01. Higher values
	// give more contrast; 0 disables clipping, which is plain adaptive
	// histogram equalisation (AHE).
	ClipLimit float64
	// Bins is the number of histogram bins (scikit-image's nbins); default
	// 256.
	Bins int
}

// DefaultCLAHEOptions returns the defaults documented on [CLAHEOptions]
// (scikit-image's).
func DefaultCLAHEOptions() CLAHEOptions {
	return CLAHEOptions{Tiles: image.Pt(8, 8), ClipLimit: 0.01, Bins: 256}
}

func (o CLAHEOptions) check(size image.Point) error {
	switch {
	case o.Tiles.X < 1 || o.Tiles.Y < 1:
		return fmt.Errorf("images: CLAHEOptions.Tiles must be at least 1×1, got %d×%d", o.Tiles.X, o.Tiles.Y)
	case o.Tiles.X > size.X || o.Tiles.Y > size.Y:
		return fmt.Errorf("images: CLAHEOptions.Tiles %d×%d is more than the image's %d×%d pixels", o.Tiles.X, o.Tiles.Y, size.X, size.Y)
	case math.IsNaN(o.ClipLimit) || o.ClipLimit < 0 || o.ClipLimit > 1:
		return fmt.Errorf("images: CLAHEOptions.ClipLimit must be in [0, 1], got %g", o.ClipLimit)
	case o.Bins < 2 || o.Bins > claheLevels:
		return fmt.Errorf("images: CLAHEOptions.Bins must be in [2, %d], got %d", claheLevels, o.Bins)
	}
	return nil
}

// CLAHE is contrast-limited adaptive histogram equalisation (Zuiderveld,
// "Contrast Limited Adaptive Histogram Equalization", Graphics Gems IV,
// 1994): every region of a grid gets its own equalising map from a
// histogram whose bins are clipped, which limits how much noise in flat
// areas is amplified, and each pixel's new value interpolates bilinearly
// between the maps of the four regions around it.
//
// It computes what scikit-image 0.19's exposure.equalize_adapthist computes,
// quirks included (the brightness is first stretched to its full range and
// to 14 bits, the maps are interpolated with weights a/k rather than
// (a+½)/k, the result is stretched to [0, 1] again), to within the 16-bit
// output's rounding; the tests compare with it. Gray images give a
// *image.Gray16; colour images are equalised on their HSV value, keeping
// hue and saturation, and give an opaque *image.RGBA64 (alpha is dropped).
// A constant image has no contrast to spread and is returned unchanged
// (scikit-image returns white).
func CLAHE(img image.Image, opts CLAHEOptions) (image.Image, error) {
	size := img.Bounds().Size()
	if err := opts.check(size); err != nil {
		return nil, err
	}
	b, err := newBrightness("CLAHE", img)
	if err != nil {
		return nil, err
	}
	lo, hi := b.valueRange()
	if lo == hi {
		return b.unchanged(), nil
	}
	levels := make([]uint16, len(b.v)) // rescale_intensity(out_range=(0, NR_OF_GRAY-1)), rounded half to even
	for i, v := range b.v {
		levels[i] = uint16(math.RoundToEven(float64(v-lo) / float64(hi-lo) * (claheLevels - 1)))
	}
	c := clahe{w: size.X, h: size.Y, kx: size.X / opts.Tiles.X, ky: size.Y / opts.Tiles.Y, bins: opts.Bins}
	out := c.equalise(levels, opts.ClipLimit)
	rlo, rhi := out[0], out[0]
	for _, r := range out {
		rlo, rhi = min(rlo, r), max(rhi, r)
	}
	f := make([]float64, len(out))
	for i, r := range out {
		if rlo == rhi { // skimage's rescale_intensity of a constant: clipped to [0, 1]
			f[i] = min(float64(r), 1)
		} else {
			f[i] = float64(r-rlo) / float64(rhi-rlo)
		}
	}
	return b.image(f), nil
}

// clahe is one equalisation: an image of w × h levels in [0, claheLevels),
// regions of kx × ky pixels, and the number of bins.
type clahe struct {
	w, h, kx, ky, bins int
}

// equalise returns the equalised levels of a w × h image. As skimage does,
// it pads the image by reflection so that it is a whole number of regions
// and has half a region before it; the maps come from the regions shifted
// by half a region, and region (i, j) of the padded image interpolates
// between maps i−1 … i and j−1 … j (clamped at the borders).
func (c *clahe) equalise(levels []uint16, clipLimit float64) []uint16 {
	padX0, padY0 := c.kx/2, c.ky/2
	pw := padX0 + c.w + (c.kx-c.w%c.kx)%c.kx + (c.kx+1)/2
	ph := padY0 + c.h + (c.ky-c.h%c.ky)%c.ky + (c.ky+1)/2
	binSize := 1 + claheLevels/c.bins
	padded := make([]int, pw*ph) // bin of each padded pixel
	for y := range ph {
		sy := reflect(y-padY0, c.h)
		for x := range pw {
			padded[y*pw+x] = int(levels[sy*c.w+reflect(x-padX0, c.w)]) / binSize
		}
	}

	// One map per region of the grid shifted by half a region.
	nx, ny := pw/c.kx-1, ph/c.ky-1
	n := c.kx * c.ky
	clip := n
	if clipLimit > 0 {
		clip = max(int(clipLimit*float64(n)), 1)
	}
	maps := make([][]int, nx*ny)
	for j := range ny {
		for i := range nx {
			hist := make([]int, c.bins)
			for y := padY0 + j*c.ky; y < padY0+(j+1)*c.ky; y++ {
				for _, bin := range padded[y*pw+padX0+i*c.kx : y*pw+padX0+(i+1)*c.kx] {
					hist[bin]++
				}
			}
			clipHistogram(hist, clip)
			maps[j*nx+i] = mapHistogram(hist, n)
		}
	}
	region := func(i, j int) []int { return maps[min(max(j, 0), ny-1)*nx+min(max(i, 0), nx-1)] }

	out := make([]uint16, c.w*c.h)
	for y := range c.h {
		py := y + padY0
		j, a := py/c.ky, py%c.ky
		wy := float64(a) / float64(c.ky)
		for x := range c.w {
			px := x + padX0
			i, b := px/c.kx, px%c.kx
			wx := float64(b) / float64(c.kx)
			bin := padded[py*pw+px]
			// skimage sums the four weighted maps in float32 in this order and
			// truncates to an integer; doing the same gives its exact levels.
			var sum float32
			sum += float32(float64(region(i-1, j-1)[bin]) * ((1 - wx) * (1 - wy)))
			sum += float32(float64(region(i, j-1)[bin]) * (wx * (1 - wy)))
			sum += float32(float64(region(i-1, j)[bin]) * ((1 - wx) * wy))
			sum += float32(float64(region(i, j)[bin]) * (wx * wy))
			out[y*c.w+x] = uint16(sum)
		}
	}
	return out
}

// reflect maps a coordinate outside [0, n) back into it by mirroring about
// the first and last pixel without repeating them (numpy's "reflect").
func reflect(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}

// clipHistogram caps the bins at limit and hands the excess back, spread
// evenly, to the bins below it: Zuiderveld's ClipHistogram as skimage 0.19
// writes it, whose remainder loop this follows step for step, so the maps
// are skimage's exactly.
func clipHistogram(hist []int, limit int) {
	excess := 0
	for i, h := range hist {
		if h > limit {
			excess += h - limit
			hist[i] = limit
		}
	}
	incr := excess / len(hist)
	upper := limit - incr
	for i, h := range hist {
		if h < upper {
			hist[i] += incr
			excess -= incr
		}
	}
	for i, h := range hist { // after the increments, as skimage computes its mask
		if h >= upper && h < limit {
			excess -= limit - h
			hist[i] = limit
		}
	}
	for excess > 0 {
		before := excess
		for start := range hist {
			under := 0
			for _, h := range hist {
				if h < limit {
					under++
				}
			}
			step := max(1, under/excess)
			for i := start; i < len(hist); i += step {
				if hist[i] < limit {
					hist[i]++
					excess--
				}
			}
			if excess <= 0 {
				break
			}
		}
		if excess == before {
			break
		}
	}
}

// mapHistogram is the equalising map of a clipped histogram of a region of
// n pixels: the cumulative histogram scaled to [0, claheLevels−1] and
// truncated, as skimage's map_histogram.
func mapHistogram(hist []int, n int) []int {
	scale := float64(claheLevels-1) / float64(n)
	out := make([]int, len(hist))
	sum := 0
	for i, h := range hist {
		sum += h
		out[i] = int(min(float64(sum)*scale, claheLevels-1))
	}
	return out
}
