package imagequality

import "image"

// Threshold returns the mask of the pixels of img whose luminance is at
// least level: for a fundus photograph, the field of view, bright against
// its black surround.
func Threshold(img image.Image, level float64) *image.Alpha {
	p := luminance(img)
	r := img.Bounds()
	mask := image.NewAlpha(r)
	for i, v := range p.v {
		if v >= level {
			mask.Pix[mask.PixOffset(r.Min.X+i%p.w, r.Min.Y+i/p.w)] = 0xff
		}
	}
	return mask
}

// Without returns the pixels of a that are not in b: the background of a
// region once its vessels are taken out.
func Without(a, b *image.Alpha) *image.Alpha {
	out := image.NewAlpha(a.Rect)
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		for x := a.Rect.Min.X; x < a.Rect.Max.X; x++ {
			if a.AlphaAt(x, y).A != 0 && !(image.Pt(x, y).In(b.Rect) && b.AlphaAt(x, y).A != 0) {
				out.SetAlpha(x, y, a.AlphaAt(x, y))
			}
		}
	}
	return out
}

// Erode shrinks mask by radius pixels: a pixel stays when every pixel of
// the (2·radius+1)² square around it is in the mask (outside the bounds
// counts as out). Eroding a fundus photograph's field of view keeps its
// rim, where the image drops to black and looks like a vessel edge, out
// of the measures.
func Erode(mask *image.Alpha, radius int) *image.Alpha {
	r := mask.Rect
	w, h := r.Dx(), r.Dy()
	in := make([]bool, w*h)
	for i := range in {
		in[i] = mask.AlphaAt(r.Min.X+i%w, r.Min.Y+i/w).A != 0
	}
	// The square is a row segment, then a column segment: each pass keeps a
	// pixel whose 2·radius+1 neighbours along it are all in, counted with
	// prefix sums.
	pass := func(n, stride, lines, lineStride int) {
		prefix := make([]int, n+1)
		for l := range lines {
			at := func(k int) int { return l*lineStride + k*stride }
			for k := range n {
				prefix[k+1] = prefix[k]
				if in[at(k)] {
					prefix[k+1]++
				}
			}
			for k := range n {
				lo, hi := k-radius, k+radius+1
				in[at(k)] = lo >= 0 && hi <= n && prefix[hi]-prefix[lo] == hi-lo
			}
		}
	}
	pass(w, 1, h, w)
	pass(h, w, w, 1)
	out := image.NewAlpha(r)
	for i, ok := range in {
		if ok {
			out.Pix[out.PixOffset(r.Min.X+i%w, r.Min.Y+i/w)] = 0xff
		}
	}
	return out
}

// MaskImage returns mask as a picture: white where it is set, black
// elsewhere (a mask drawn as it is would be white on white).
func MaskImage(mask *image.Alpha) *image.Gray {
	return &image.Gray{Pix: mask.Pix, Stride: mask.Stride, Rect: mask.Rect}
}
