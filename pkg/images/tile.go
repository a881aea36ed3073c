package images

import (
	"image"
	"image/draw"
)

// Tile repeats img nx times across and ny times down, edge to edge, as a
// texture fills a surface: its seams show whether the texture tiles.
func Tile(img image.Image, nx, ny int) *image.RGBA {
	r := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, max(nx, 0)*r.Dx(), max(ny, 0)*r.Dy()))
	for j := range ny {
		for i := range nx {
			draw.Draw(out, r.Sub(r.Min).Add(image.Pt(i*r.Dx(), j*r.Dy())), img, r.Min, draw.Src)
		}
	}
	return out
}
