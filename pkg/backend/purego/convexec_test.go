package purego

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
	"github.com/neuralart/neuralart/pkg/backend/internal/conv"
	"github.com/neuralart/neuralart/pkg/backend/internal/winograd"
)

// TestConvFloat32 checks 3x3 same-padded convolutions on the executor,
// forward and both gradients, against the float64 lowering: at sizes that
// take F(2x2, 3x3), F(4x4, 3x3) and the GEMM over patches (the kernel
// gradient), with the kernel as an argument (GAN weights) and as a graph
// constant (VGG-19's, whose transform is kept: each graph runs twice).
func TestConvFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, size := range [][4]int{{2, 16, 12, 13}, {1, 16, 40, 36}} {
		x, k := backendtest.RandomArray(rng, size[:]...), backendtest.RandomArray(rng, 24, size[1], 3, 3)
		w := backendtest.RandomArray(rng, size[0], 24, size[2], size[3])
		constant := func(x *graph.Node) *graph.Node {
			if x.DType() == dtypes.Float32 {
				return graph.ConstTensor(x.Graph(), k.Tensor32())
			}
			return graph.ConstTensor(x.Graph(), k.Tensor())
		}
		fns := map[string]func(x, k *graph.Node) *graph.Node{
			"forward": conv3x3,
			"input gradient": func(x, k *graph.Node) *graph.Node {
				return graph.Gradient(weightedSum(conv3x3(x, k), w), x)[0]
			},
			"kernel gradient": func(x, k *graph.Node) *graph.Node {
				return graph.Gradient(weightedSum(conv3x3(x, k), w), k)[0]
			},
			"forward, constant kernel": func(x, _ *graph.Node) *graph.Node { return conv3x3(x, constant(x)) },
			"input gradient, constant kernel": func(x, _ *graph.Node) *graph.Node {
				return graph.Gradient(weightedSum(conv3x3(x, constant(x)), w), x)[0]
			},
		}
		for name, fn := range fns {
			want := execute(t, fn, x, k)[0]
			scale := 0.0
			for _, v := range want.Data {
				scale = math.Max(scale, math.Abs(v))
			}
			exec := graph.MustNewExec(testBackend(), fn)
			for run := range 2 {
				out := exec.MustExec(x.Tensor32(), k.Tensor32())[0]
				flat := tensors.MustCopyFlatData[float32](out)
				got := backendtest.ArrayOf(out.Shape().Dimensions, func(i int) float64 { return float64(flat[i]) })
				backendtest.AssertClose(t, fmt.Sprintf("%v %s, run %d", size, name, run), got, want, 1e-5*scale)
			}
		}
	}
}

func TestWinogradFor(t *testing.T) {
	vgg := func(channels, size int) *conv.Problem {
		return &conv.Problem{Batch: 1, InChannels: channels, OutChannels: channels, ChannelGroups: 1, BatchGroups: 1,
			Input: [2]int{size, size}, Kernel: [2]int{3, 3}, Output: [2]int{size, size},
			Stride: [2]int{1, 1}, KernelDilation: [2]int{1, 1}, InputDilation: [2]int{1, 1}, PadStart: [2]int{1, 1}}
	}
	for _, c := range []struct {
		name string
		p    *conv.Problem
		ok   bool
		alg  winograd.Algorithm
	}{
		{"conv1_2 at 128px", vgg(64, 128), true, winograd.F4x4},
		{"conv5_1 at 128px", vgg(512, 8), true, winograd.F2x2},
		{"3 input channels", func() *conv.Problem { p := vgg(64, 128); p.InChannels = 3; return p }(), false, 0},
		{"stride 2", func() *conv.Problem { p := vgg(64, 128); p.Stride[0] = 2; return p }(), false, 0},
		{"4x4 kernel", func() *conv.Problem { p := vgg(64, 128); p.Kernel = [2]int{4, 4}; return p }(), false, 0},
		{"cropping", func() *conv.Problem { p := vgg(64, 128); p.PadStart[1] = -1; return p }(), false, 0},
		{"groups", func() *conv.Problem { p := vgg(64, 128); p.ChannelGroups = 2; return p }(), false, 0},
	} {
		alg, ok := winogradFor(c.p)
		if ok != c.ok || (ok && alg != c.alg) {
			t.Errorf("%s: winogradFor = %v, %v; want %v, %v", c.name, alg, ok, c.alg, c.ok)
		}
	}
}

// TestSharedTransform checks that kernels with the same contents share one
// transform while one is alive, and that the table forgets it afterwards.
func TestSharedTransform(t *testing.T) {
	w := make([]float32, 2*3*9)
	for i := range w {
		w[i] = float32(i)
	}
	key := transformKey{weights: 12345, size: len(w), out: 2, in: 3, strides: conv.Strides{27, 9, 3, 1}}
	calls := 0
	transform := func() *winograd.Kernel {
		calls++
		return winograd.F2x2.TransformKernel(w, 2, 3, key.strides, false, false)
	}
	first := sharedTransform(key, transform)
	if second := sharedTransform(key, transform); second != first || calls != 1 {
		t.Errorf("same key: got a different transform (%v) or %d transforms, want the first and 1", second != first, calls)
	}
	flipped := key
	flipped.flip = [2]bool{true, true}
	if other := sharedTransform(flipped, transform); other == first || calls != 2 {
		t.Errorf("flipped key: got the unflipped transform (%v) or %d transforms, want a new one and 2", other == first, calls)
	}
	first = nil
	for range 100 {
		runtime.GC()
		if _, ok := transforms.Load(key); !ok {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Error("the table still holds a transform no graph uses")
}
