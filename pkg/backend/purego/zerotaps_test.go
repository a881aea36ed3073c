package purego

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors/images"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

// TestStripZeroTaps builds a 4x4 kernel extended with a zero row at the
// end and a zero column at the start, as the builder sees nn.Conv2D's, and
// checks what a convolution then uses: the 4x4 kernel, with the padding
// moved, also for the reversed kernel of an input gradient.
func TestStripZeroTaps(t *testing.T) {
	b := testBackend().Builder("zero taps").(*Builder)
	must := func(op backends.Op, err error) backends.Op {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return op
	}
	w := must(b.Parameter("w", shapes.Make(dtypes.Float32, 8, 3, 4, 4), nil))
	zero := must(b.Constant([]float32{0}))
	rowOfZeros := must(b.BroadcastInDim(zero, shapes.Make(dtypes.Float32, 8, 3, 1, 4), nil))
	k := must(b.Concatenate(2, w, rowOfZeros))
	columnOfZeros := must(b.BroadcastInDim(zero, shapes.Make(dtypes.Float32, 8, 3, 5, 1), nil))
	k = must(b.Concatenate(3, columnOfZeros, k))
	axes := backends.ConvolveAxesConfig{InputBatch: 0, InputChannels: 1, InputSpatial: []int{2, 3},
		KernelOutputChannels: 0, KernelInputChannels: 1, KernelSpatial: []int{2, 3},
		OutputBatch: 0, OutputChannels: 1, OutputSpatial: []int{2, 3}}
	paddings := [][2]int{{1, 2}, {3, 1}}

	got, gotPaddings, err := b.stripZeroTaps(k, axes, paddings, []int{1, 2})
	if err != nil || got != w || !slices.Equal(gotPaddings, [][2]int{{1, 1}, {1, 1}}) {
		t.Errorf("forward: kernel %v (w is %v), paddings %v, %v; want w, [[1 1] [1 1]]", got, w, gotPaddings, err)
	}
	reversed := must(b.Reverse(k, 2, 3))
	got, gotPaddings, err = b.stripZeroTaps(reversed, axes, paddings, []int{1, 1})
	if r, ok := b.reversed[got]; err != nil || !ok || r.x != w || !slices.Equal(gotPaddings, [][2]int{{0, 2}, {3, 0}}) {
		t.Errorf("reversed: kernel %v (reversal %+v of w %v), paddings %v, %v; want Reverse(w), [[0 2] [3 0]]", got, r, w, gotPaddings, err)
	}
	if _, _, err := b.stripZeroTaps(w, axes, paddings, []int{1, 1}); err != nil {
		t.Error(err)
	}
}

// TestConvZeroTaps checks that a convolution of a kernel extended with
// zeros the builder knows of (forward, and both gradients through the
// extension, a stride-2 discriminator layer's) gives what it gives with
// zeros the builder cannot see (the kernel's slice times 0).
func TestConvZeroTaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	x, k := backendtest.RandomArray(rng, 2, 6, 11, 10), backendtest.RandomArray(rng, 5, 6, 4, 4)
	w := backendtest.RandomArray(rng, 2, 5, 5, 5)
	extend := func(k *graph.Node, hidden bool) *graph.Node {
		for axis := 2; axis < 4; axis++ {
			dims := k.Shape().Clone().Dimensions
			dims[axis] = 1
			zeros := graph.Zeros(k.Graph(), shapes.Make(k.DType(), dims...))
			if hidden {
				zeros = graph.MulScalar(graph.SliceAxis(k, axis, graph.AxisRange(0, 1)), 0)
			}
			k = graph.Concatenate([]*graph.Node{k, zeros}, axis)
		}
		return k
	}
	conv := func(hidden bool) func(x, k *graph.Node) *graph.Node {
		return func(x, k *graph.Node) *graph.Node {
			return graph.Convolve(x, extend(k, hidden)).ChannelsAxis(images.ChannelsFirst).
				StridePerAxis(2, 2).PaddingPerDim([][2]int{{1, 2}, {1, 2}}).Done()
		}
	}
	for name, fn := range map[string]func(hidden bool) func(x, k *graph.Node) *graph.Node{
		"forward": conv,
		"input gradient": func(hidden bool) func(x, k *graph.Node) *graph.Node {
			return func(x, k *graph.Node) *graph.Node { return graph.Gradient(weightedSum(conv(hidden)(x, k), w), x)[0] }
		},
		"kernel gradient": func(hidden bool) func(x, k *graph.Node) *graph.Node {
			return func(x, k *graph.Node) *graph.Node { return graph.Gradient(weightedSum(conv(hidden)(x, k), w), k)[0] }
		},
	} {
		want := execute(t, fn(true), x, k)[0]
		backendtest.AssertClose(t, name, execute(t, fn(false), x, k)[0], want, 1e-12)
		backendtest.AssertClose(t, name+" float32", execute32(t, fn(false), x, k), want, 1e-5)
	}
}
