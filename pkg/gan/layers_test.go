package gan

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/neuralart/neuralart/pkg/nn"
)

// From a 1x1 input, convTranspose takes a matrix product; it must be
// nn.ConvTranspose2D's result, in PyTorch's weight layout.
func TestConvTransposeFromOnePixel(t *testing.T) {
	const n, in, out, k = 3, 5, 4, 7
	ctx := context.New().Checked(false)
	exec := context.MustNewExec(newBackend(t), ctx, func(ctx *context.Context, x *Node) (*Node, *Node) {
		fast := convTranspose{out: out, kernel: k, stride: 1, init: InitDCGAN}.apply(ctx.In("layer"), x)
		w := ctx.In("layer").GetVariable("weights").ValueGraph(x.Graph())
		return fast, nn.ConvTranspose2D(x, w, nn.ConvTranspose2DOptions{Stride: 1})
	})
	got, err := exec.Exec(randomTensor(1, n, in, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].Shape().Equal(got[1].Shape()) {
		t.Fatalf("shape %s, the convolution's %s", got[0].Shape(), got[1].Shape())
	}
	a, b := tensors.MustCopyFlatData[float32](got[0]), tensors.MustCopyFlatData[float32](got[1])
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			t.Fatalf("element %d: %g, the convolution gives %g", i, a[i], b[i])
		}
	}
}
