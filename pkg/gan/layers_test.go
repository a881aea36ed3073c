package gan

import (
	"fmt"
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	timage "github.com/gomlx/gomlx/pkg/core/tensors/images"
	"github.com/neuralart/neuralart/pkg/nn"
)

// TestPatchConv checks the patch convolution against GoMLX's convolution
// (outputs) and its gradients against directional derivatives: the loss
// Σ y·r is linear in x and in w, so L(x + δ) − L(x) = ⟨∇ₓL, δ⟩ exactly, up
// to rounding. A gradient shifted by a pixel fails this.
func TestPatchConv(t *testing.T) {
	b := newBackend(t)
	cases := []struct{ n, c, out, h, w, kernel, stride, padding int }{
		{2, 3, 4, 8, 8, 4, 2, 1},
		{1, 2, 3, 7, 10, 4, 2, 1}, // odd and non-square
		{2, 1, 2, 5, 6, 2, 2, 0},  // a row no window reads
		{1, 2, 2, 9, 9, 3, 2, 1},
		{1, 2, 2, 6, 5, 2, 1, 0},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			outH, outW := (tc.h+2*tc.padding-tc.kernel)/tc.stride+1, (tc.w+2*tc.padding-tc.kernel)/tc.stride+1
			x := randomTensor(uint64(tc.h), tc.n, tc.c, tc.h, tc.w)
			w := randomTensor(uint64(tc.w), tc.out, tc.c, tc.kernel, tc.kernel)
			r := randomTensor(3, tc.n, tc.out, outH, outW)
			p := [2]int{tc.padding, tc.padding}
			want := MustNewExec(b, func(x, w *Node) *Node {
				return Convolve(x, w).ChannelsAxis(timage.ChannelsFirst).Strides(tc.stride).PaddingPerDim([][2]int{p, p}).Done()
			}).MustExec(x, w)[0]
			outputs := MustNewExec(b, func(x, w, r *Node) []*Node {
				y := patchConv(x, w, tc.stride, tc.padding)
				loss := ReduceAllSum(Mul(y, r))
				return append([]*Node{y, loss}, Gradient(loss, x, w)...)
			})
			got := outputs.MustExec(x, w, r)
			assertClose(t, "output", got[0], want)
			checkDirectionalDerivatives(t, outputs, x, w, r)
		})
	}
}

// checkDirectionalDerivatives checks the gradients that outputs returns
// (after the result and the loss Σ y·r) along random directions of x and w.
func checkDirectionalDerivatives(t *testing.T, outputs *Exec, x, w, r *tensors.Tensor) {
	t.Helper()
	got := outputs.MustExec(x, w, r)
	loss := func(x, w *tensors.Tensor) float64 {
		return float64(tensors.ToScalar[float32](outputs.MustExec(x, w, r)[1]))
	}
	base := loss(x, w)
	for k, name := range []string{"input", "kernel"} {
		moved := []*tensors.Tensor{x, w}
		moved[k] = add(moved[k], randomTensor(uint64(10+k), moved[k].Shape().Dimensions...))
		change := loss(moved[0], moved[1]) - base
		predicted := dot(got[2+k], sub(moved[k], []*tensors.Tensor{x, w}[k]))
		if math.Abs(change-predicted) > 1e-3*(1+math.Abs(change)) {
			t.Errorf("%s gradient predicts a change of %v along a direction, the loss changes by %v", name, predicted, change)
		}
	}
}

// TestTransposedConv checks transposedConv against nn.ConvTranspose2D
// (outputs) and its gradients against directional derivatives.
func TestTransposedConv(t *testing.T) {
	b := newBackend(t)
	cases := []struct{ n, in, out, h, w, kernel, stride, padding int }{
		{2, 3, 2, 4, 4, 4, 2, 1}, // DCGAN's upsampling layer
		{1, 2, 3, 1, 1, 4, 1, 0}, // DCGAN's first layer
		{1, 2, 2, 3, 5, 3, 2, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			x := randomTensor(uint64(tc.h), tc.n, tc.in, tc.h, tc.w)
			w := randomTensor(uint64(tc.w), tc.in, tc.out, tc.kernel, tc.kernel)
			opts := nn.ConvTranspose2DOptions{Stride: tc.stride, Padding: tc.padding}
			want := MustNewExec(b, func(x, w *Node) *Node { return nn.ConvTranspose2D(x, w, opts) }).MustExec(x, w)[0]
			r := randomTensor(3, want.Shape().Dimensions...)
			outputs := MustNewExec(b, func(x, w, r *Node) []*Node {
				y := transposedConv(x, w, tc.stride, tc.padding)
				loss := ReduceAllSum(Mul(y, r))
				return append([]*Node{y, loss}, Gradient(loss, x, w)...)
			})
			assertClose(t, "output", outputs.MustExec(x, w, r)[0], want)
			checkDirectionalDerivatives(t, outputs, x, w, r)
		})
	}
}

func sub(a, b *tensors.Tensor) *tensors.Tensor {
	x, y := tensors.MustCopyFlatData[float32](a), tensors.MustCopyFlatData[float32](b)
	for i := range x {
		x[i] -= y[i]
	}
	return tensors.FromFlatDataAndDimensions(x, a.Shape().Dimensions...)
}

func assertClose(t *testing.T, name string, got, want *tensors.Tensor) {
	t.Helper()
	if !got.Shape().Equal(want.Shape()) {
		t.Fatalf("%s: shape %s, want %s", name, got.Shape(), want.Shape())
	}
	g, w := tensors.MustCopyFlatData[float32](got), tensors.MustCopyFlatData[float32](want)
	for j := range w {
		if math.Abs(float64(g[j]-w[j])) > 1e-4*(1+math.Abs(float64(w[j]))) {
			t.Fatalf("%s[%d] = %v, want %v", name, j, g[j], w[j])
		}
	}
}

func add(a, b *tensors.Tensor) *tensors.Tensor {
	x, y := tensors.MustCopyFlatData[float32](a), tensors.MustCopyFlatData[float32](b)
	for i := range x {
		x[i] += y[i]
	}
	return tensors.FromFlatDataAndDimensions(x, a.Shape().Dimensions...)
}

func dot(a, b *tensors.Tensor) float64 {
	x, y := tensors.MustCopyFlatData[float32](a), tensors.MustCopyFlatData[float32](b)
	sum := 0.0
	for i := range x {
		sum += float64(x[i]) * float64(y[i])
	}
	return sum
}

func randomTensor(seed uint64, dims ...int) *tensors.Tensor {
	rng := newRand(seed)
	size := 1
	for _, d := range dims {
		size *= d
	}
	data := make([]float32, size)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}
