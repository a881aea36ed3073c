package images

import (
	"fmt"
	"image"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"io"
	"time"
)

// EncodeGIF writes frames as an animated GIF that loops forever, showing
// each frame for delay (GIF counts in hundredths of a second). GIF holds
// 256 colours per frame: frames are dithered (Floyd-Steinberg) to the
// Plan 9 palette, which is coarse but the same for every frame, so the
// palette itself does not flicker. Browsers, and so notebooks and their
// HTML, play it inline.
func EncodeGIF(w io.Writer, frames []image.Image, delay time.Duration) error {
	if len(frames) == 0 {
		return fmt.Errorf("images: EncodeGIF of no frames")
	}
	size := frames[0].Bounds().Size()
	anim := &gif.GIF{}
	for i, f := range frames {
		if f.Bounds().Size() != size {
			return fmt.Errorf("images: EncodeGIF: frame %d is %v, want %v like frame 0", i, f.Bounds().Size(), size)
		}
		p := image.NewPaletted(image.Rectangle{Max: size}, palette.Plan9)
		draw.FloydSteinberg.Draw(p, p.Rect, f, f.Bounds().Min)
		anim.Image = append(anim.Image, p)
		anim.Delay = append(anim.Delay, int(delay/(10*time.Millisecond)))
	}
	if err := gif.EncodeAll(w, anim); err != nil {
		return fmt.Errorf("images: EncodeGIF: %w", err)
	}
	return nil
}
