package display_test

import (
	"context"
	"fmt"
	"image"
	"io"
	"log"
	"os"

	"github.com/neuralart/neuralart/pkg/display"
)

// A slider re-renders an image in place while a reader moves it. Where no
// browser can move it (a headless notebook run, CI, this example) the
// starting value is rendered once and Interact returns.
func ExampleInteract() {
	dir, err := os.MkdirTemp("", "interact-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	opts := display.DefaultInteractOptions()
	opts.Screen = &display.Screen{Dir: dir, Out: io.Discard}
	steps := display.Control{Label: "steps", Min: 10, Max: 100, Value: 30}
	render := func(values []int) (image.Image, error) {
		fmt.Println("rendering with", values)
		return image.NewGray(image.Rect(0, 0, values[0], values[0])), nil
	}
	if err := display.Interact(context.Background(), []display.Control{steps}, render, opts); err != nil {
		log.Fatal(err)
	}
	// Output: rendering with [30]
}
