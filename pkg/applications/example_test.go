package applications_test

import (
	"fmt"
	"image"
	"image/color"
	"log"

	"github.com/neuralart/neuralart/pkg/applications"
	"github.com/neuralart/neuralart/pkg/imagequality"
)

// A clip from a still: five frames panning right by a tenth of the picture
// and zooming in by 20%. Its content changes from frame to frame, which is
// what the flicker of a stylised version is measured against.
func ExamplePanZoom() {
	still := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range still.Pix {
		still.Pix[i] = uint8(i % 200) // a horizontal ramp
	}
	frames, err := applications.PanZoom(still, 5, 64, 48, 0.1, 1.2)
	if err != nil {
		log.Fatal(err)
	}
	first, last := frames[0].At(32, 24).(color.RGBA), frames[4].At(32, 24).(color.RGBA)
	flicker, err := imagequality.Flicker(frames, frames)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(frames), frames[0].Bounds().Size(), first.R < last.R, flicker)
	// Output: 5 (64,48) true 1
}
