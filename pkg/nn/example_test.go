package nn_test

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/nn"
)

// A DCGAN generator layer: 4x4 kernel, stride 2, padding 1 doubles the
// image size.
func ExampleConvTranspose2D() {
	be, err := purego.New()
	if err != nil {
		panic(err)
	}
	x := tensors.FromShape(shapes.Make(dtypes.Float32, 1, 8, 7, 5)) // NCHW
	w := tensors.FromShape(shapes.Make(dtypes.Float32, 8, 3, 4, 4)) // [in, out, kh, kw] as in torch
	y := graph.MustExecOnce(be, func(x, w *graph.Node) *graph.Node {
		return nn.ConvTranspose2D(x, w, nn.ConvTranspose2DOptions{Stride: 2, Padding: 1})
	}, x, w)
	fmt.Println(y.Shape().Dimensions)
	// Output: [1 3 14 10]
}

func ExampleUpsample2xBilinear() {
	be, err := purego.New()
	if err != nil {
		panic(err)
	}
	x := tensors.FromValue([][][][]float32{{{{0, 1, 2}}}}) // 1x1x1x3
	y := graph.MustExecOnce(be, nn.Upsample2xBilinear, x)
	fmt.Println(y.Value())
	// Output: [[[[0 0.25 0.75 1.25 1.75 2] [0 0.25 0.75 1.25 1.75 2]]]]
}

func ExampleReflectionPad2D() {
	be, err := purego.New()
	if err != nil {
		panic(err)
	}
	x := tensors.FromValue([][][][]float32{{{{1, 2, 3, 4}}}})
	y := graph.MustExecOnce(be, func(x *graph.Node) *graph.Node { return nn.ReflectionPad2D(x, 2, 2, 0, 0) }, x)
	fmt.Println(y.Value())
	// Output: [[[[3 2 1 2 3 4 3 2]]]]
}
