package images

import (
	"image"
	"image/draw"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Panel is one labelled image of [Panels].
type Panel struct {
	Label string
	Image image.Image
}

// PanelOptions are the rare knobs of [Panels].
type PanelOptions struct {
	// Height is the height every image is scaled to, preserving its aspect
	// ratio; 0 means the height of the tallest image.
	Height int
	// Padding is the white margin around and between panels in pixels; 0
	// means DefaultPanelPadding and a negative value means none.
	Padding int
}

// DefaultPanelPadding is the margin of [Panels] when PanelOptions.Padding
// is 0.
const DefaultPanelPadding = 8

// Panels puts images side by side on white, each scaled to a common height
// and titled with its label in black, e.g. content | style | result.
// Labels too long for their image are shortened with an ellipsis.
func Panels(panels []Panel, opts PanelOptions) *image.RGBA {
	height := opts.Height
	if height <= 0 {
		for _, p := range panels {
			height = max(height, p.Image.Bounds().Dy())
		}
	}
	pad := opts.Padding
	switch {
	case pad == 0:
		pad = DefaultPanelPadding
	case pad < 0:
		pad = 0
	}
	face := labelFace(height)
	defer face.Close()
	metrics := face.Metrics()
	labelHeight := (metrics.Ascent + metrics.Descent).Ceil()

	scaled := make([]image.Image, len(panels))
	width := pad
	for i, p := range panels {
		b := p.Image.Bounds()
		if b.Dy() == height {
			scaled[i] = p.Image
		} else {
			scaled[i] = ResizeTo(p.Image, scaleSide(b.Dx(), height, max(b.Dy(), 1)), height)
		}
		width += scaled[i].Bounds().Dx() + pad
	}
	out := image.NewRGBA(image.Rect(0, 0, width, pad+labelHeight+pad/2+height+pad))
	draw.Draw(out, out.Rect, image.White, image.Point{}, draw.Src)
	x := pad
	imageTop := pad + labelHeight + pad/2
	for i, img := range scaled {
		b := img.Bounds()
		label := fitLabel(face, panels[i].Label, b.Dx())
		d := font.Drawer{Dst: out, Src: image.Black, Face: face}
		advance := d.MeasureString(label).Ceil()
		d.Dot = fixed.P(x+(b.Dx()-advance)/2, pad+metrics.Ascent.Ceil())
		d.DrawString(label)
		draw.Draw(out, image.Rect(x, imageTop, x+b.Dx(), imageTop+b.Dy()), img, b.Min, draw.Src)
		x += b.Dx() + pad
	}
	return out
}

// labelFace returns the Go Regular face at a size readable next to images
// of the given height: 1/20 of it, and no less than 12 pixels.
func labelFace(imageHeight int) font.Face {
	const minSize, heightFraction = 12, 20
	face, err := opentype.NewFace(goRegular(), &opentype.FaceOptions{
		Size:    float64(max(minSize, imageHeight/heightFraction)),
		DPI:     72, // Points are pixels at 72 DPI.
		Hinting: font.HintingFull,
	})
	if err != nil {
		panic("images: Go Regular font face: " + err.Error()) // The embedded font is known good.
	}
	return face
}

var goRegular = sync.OnceValue(func() *opentype.Font {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic("images: parsing the embedded Go Regular font: " + err.Error())
	}
	return f
})

// fitLabel shortens label with an ellipsis until it fits in width pixels.
func fitLabel(face font.Face, label string, width int) string {
	if font.MeasureString(face, label).Ceil() <= width {
		return label
	}
	runes := []rune(label)
	for n := len(runes) - 1; n > 0; n-- {
		if short := string(runes[:n]) + "…"; font.MeasureString(face, short).Ceil() <= width {
			return short
		}
	}
	return ""
}
