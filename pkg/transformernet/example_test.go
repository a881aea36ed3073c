package transformernet_test

import (
	"context"
	"fmt"
	"image"

	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/transformernet"
)

func ExampleStylizer_Stylize() {
	// Real code loads a trained model: transformernet.LoadPublished("mosaic")
	// after scripts/fetch-weights.sh, or transformernet.Load(path). A random
	// narrow network keeps this example fast.
	net, err := transformernet.Random(1, 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := backend.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := transformernet.NewStylizer(b, net)
	if err != nil {
		fmt.Println(err)
		return
	}
	photo := image.NewRGBA(image.Rect(0, 0, 64, 48))
	styled, err := s.Stylize(context.Background(), photo)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net)
	fmt.Println(styled.Bounds().Size())
	// Output:
	// TransformerNet, width 4 (28467 parameters), RANDOM weights (seed 1; untrained)
	// (64,48)
}
