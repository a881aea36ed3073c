package display_test

import (
	"context"
	"fmt"
	"image"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/neuralart/neuralart/pkg/display"
	"github.com/neuralart/neuralart/pkg/images"
)

// Outside a notebook a Screen writes files and prints their paths, so the
// code of a notebook cell also runs in tests and scripts.
func ExampleScreen() {
	dir, err := os.MkdirTemp("", "display-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s := &display.Screen{Dir: dir, Out: io.Discard}
	if err := s.Image(image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		log.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "image-*.png"))
	fmt.Println(len(files))
	// Output: 1
}

// Loss curves spanning orders of magnitude, on a log scale.
func ExampleLinePlot() {
	var total, style display.Series
	total.Name, style.Name = "total", "style"
	for step := range 100 {
		total.X, total.Y = append(total.X, float64(step)), append(total.Y, 1e4*math.Exp(-float64(step)/20)+5)
		style.X, style.Y = append(style.X, float64(step)), append(style.Y, 1e4*math.Exp(-float64(step)/15)+1)
	}
	svg := display.LinePlot([]display.Series{total, style}, display.PlotOptions{
		Title: "losses", XLabel: "step", YLabel: "loss", LogY: true})
	fmt.Println(strings.Count(svg, "<polyline"), strings.Contains(svg, "10⁴"))
	// Output: 2 true
}

// FID in the hundreds and KID in hundredths, each on its own axis: on one
// axis KID would be a flat line along the bottom.
func ExamplePanelPlot() {
	steps := []float64{500, 1000, 1500, 2000}
	fid := display.Series{X: steps, Y: []float64{310, 160, 120, 111}}
	kid := display.Series{X: steps, Y: []float64{0.31, 0.14, 0.09, 0.08}}
	svg := display.PanelPlot([]display.Panel{
		{Series: []display.Series{fid}, Title: "FID", LogY: true},
		{Series: []display.Series{kid}, Title: "KID"},
	}, display.PlotOptions{Title: "over training", XLabel: "step"})
	fmt.Println(strings.Count(svg, "<svg"), strings.Count(svg, "<polyline"))
	// Output: 3 2
}

// The training view: curves and the latest image, redrawn every 10 steps
// in a notebook; a line per update on a terminal.
func ExampleLive() {
	live := &display.Live{Title: "style transfer", Every: 10, LogY: true}
	result := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for step := range 100 {
		contentLoss, styleLoss := 1/float64(step+1), 10/float64(step+1)
		live.Add("content", step, contentLoss)
		live.Add("style", step, styleLoss)
		if live.Due(step) {
			if err := live.Update(step, result); err != nil {
				log.Fatal(err)
			}
		}
	}
	if err := live.Close(); err != nil {
		log.Fatal(err)
	}
}

func ExampleProgress() {
	bar := display.NewProgress("epochs", 5)
	for epoch := range 5 {
		bar.Add(1)
		bar.SetNote(fmt.Sprintf("epoch=%d", epoch))
	}
	bar.Done()
}

// Content, style and result side by side.
func ExampleCompare() {
	ctx := context.Background()
	content, err := images.Load(ctx, "../../notebooks/images/chelsea.png", images.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	style, err := images.Load(ctx, "../../notebooks/images/brick.png", images.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	result := content // The optimised image, in a real run.
	if err := display.Compare(
		images.Panel{Label: "content", Image: content},
		images.Panel{Label: "style", Image: style},
		images.Panel{Label: "result", Image: result},
	); err != nil {
		log.Fatal(err)
	}
}
