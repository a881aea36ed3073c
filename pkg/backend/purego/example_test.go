package purego_test

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/images"
	"github.com/neuralart/neuralart/pkg/backend/purego"
)

// The gradient of a convolution with respect to its input: it needs Pad and
// Reverse, which GoMLX's simplego lacks and the pure-Go backend lowers.
func ExampleNew() {
	be, err := purego.New()
	if err != nil {
		panic(err)
	}
	image := tensors.FromValue([][][][]float32{{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}}) // NCHW 1x1x3x3
	kernel := tensors.FromValue([][][][]float32{{{{0, 1, 0}, {1, 1, 1}, {0, 1, 0}}}})
	grad := graph.MustExecOnce(be, func(x, k *graph.Node) *graph.Node {
		y := graph.Convolve(x, k).ChannelsAxis(images.ChannelsFirst).PadSame().Done()
		return graph.Gradient(graph.ReduceAllSum(y), x)[0]
	}, image, kernel)
	fmt.Println(grad.Value()) // how many outputs each pixel reaches
	// Output: [[[[3 4 3] [4 5 4] [3 4 3]]]]
}
