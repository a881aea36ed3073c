package vgg_test

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/vgg"
)

func ExampleModel_Features() {
	// Real code would call vgg.Default() (torchvision's weights when
	// downloaded, else random ones) or vgg.Load(path); a random VGG-19 at
	// 1/16 of the width keeps this example fast.
	model, err := vgg.RandomWidth(1, 16)
	if err != nil {
		fmt.Println(err)
		return
	}
	model.Pooling = vgg.AvgPooling // Gatys et al.'s choice for synthesis
	b, err := backend.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	layers := []string{"relu1_1", "relu4_2", "pool5"}
	features := MustNewExec(b, func(images *Node) []*Node {
		f := model.Features(images, layers)
		return []*Node{f["relu1_1"], f["relu4_2"], f["pool5"]}
	})
	images := tensors.FromFlatDataAndDimensions(make([]float32, 2*3*96*64), 2, 3, 96, 64) // NCHW, two 96×64 images
	for i, t := range features.MustExec(images) {
		fmt.Println(layers[i], t.Shape().Dimensions)
	}
	// Output:
	// relu1_1 [2 4 96 64]
	// relu4_2 [2 32 12 8]
	// pool5 [2 32 3 2]
}

func ExampleRandom() {
	model := vgg.Random(1)
	fmt.Println(model.IsRandom())
	fmt.Println(model)
	// Output:
	// true
	// VGG-19 features, block widths [64 128 256 512 512], max pooling, RANDOM weights (seed 1, Kaiming-normal; not pre-trained)
}
