package nn_test

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/nn"
)

// Wrap-around padding continues each row with the other end of it, as a
// tiled image would.
func ExampleCircularPad2D() {
	be, err := purego.New()
	if err != nil {
		panic(err)
	}
	x := tensors.FromValue([][][][]float32{{{{1, 2, 3, 4}}}})
	y := graph.MustExecOnce(be, func(x *graph.Node) *graph.Node { return nn.CircularPad2D(x, 2, 1, 0, 0) }, x)
	fmt.Println(y.Value())
	// Output: [[[[3 4 1 2 3 4 1]]]]
}
