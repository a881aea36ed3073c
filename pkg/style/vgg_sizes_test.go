package style_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/style"
	"github.com/neuralart/neuralart/pkg/vgg"
)

func noiseImage(seed uint64, h, w int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 2))
	data := make([]float32, 3*h*w)
	for i := range data {
		data[i] = rng.Float32()
	}
	return tensors.FromFlatDataAndDimensions(data, 1, 3, h, w)
}

// With VGG-19 itself, an image one pixel short of what the deepest layer
// needs is refused up front (not by GoMLX's pooling), and one of exactly
// that size runs.
func TestTransferMinimumSizeWithVGG(t *testing.T) {
	b, err := backend.NewPureGo()
	if err != nil {
		t.Fatal(err)
	}
	net, err := vgg.Load(fixtures.Path("vgg19_tiny.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	opts := style.DefaultOptions()
	opts.Size, opts.Iterations = 0, 1
	styles := []*tensors.Tensor{noiseImage(2, 20, 20)}
	_, err = style.Transfer(t.Context(), b, net, noiseImage(1, 1, 1), styles, opts)
	want := "style: the content image is 1×1 (Options.Size 0), smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; use a larger content image or Size"
	if err == nil || err.Error() != want {
		t.Fatalf("Transfer of a 1x1 image: %v\nwant %q", err, want)
	}
	_, err = style.Transfer(t.Context(), b, net, noiseImage(1, 16, 15), styles, opts)
	want = "style: the content image is 15×16 (Options.Size 0), smaller than the 16×16 pixels layer relu5_1 needs, as it comes after 4 of VGG-19's 2×2 poolings, each halving the size; use a larger content image or Size"
	if err == nil || err.Error() != want {
		t.Fatalf("Transfer of a 15x16 image: %v\nwant %q", err, want)
	}
	res, err := style.Transfer(t.Context(), b, net, noiseImage(1, 16, 16), []*tensors.Tensor{noiseImage(2, 40, 40)}, opts)
	if err != nil {
		t.Fatalf("Transfer at the minimum size 16x16 (style 40x40 resized to 16x16): %v", err)
	}
	if d := res.Image.Shape().Dimensions; d[2] != 16 || d[3] != 16 {
		t.Errorf("result is %v, want 16x16", d)
	}
}
