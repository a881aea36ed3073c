package weights_test

import (
	"fmt"

	"github.com/neuralart/neuralart/pkg/weights"
)

func ExampleLoad() {
	// Take a convolution's kernel and bias from a state_dict saved with
	// torch.save, accepting any number of output channels (-1) and ignoring
	// every other tensor in the file.
	ts, err := weights.Load("testdata/tensors.pth", map[string][]int{
		"model.weight": {-1, 2, 3, 3},
		"model.bias":   {-1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ts["model.weight"].Shape, ts["model.bias"].Data)
	// Output: [3 2 3 3] [-1 0 1.5]
}

func ExampleOpen() {
	f, err := weights.Open("testdata/tensors.safetensors")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	dtype, shape, _ := f.Info("half")
	t, _ := f.Tensor("half")
	fmt.Println(f.Format(), dtype, shape, t.Data)
	// Output: safetensors F16 [2 3] [-1 -0.75 -0.5 -0.25 0 0.25]
}
