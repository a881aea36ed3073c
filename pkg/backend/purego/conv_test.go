package purego

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

func fill(n, v int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = v
	}
	return r
}

var convTable = []struct {
	name string
	c    convConfig
}{
	{"3x3", convConfig{batch: 2, inChannels: 3, outChannels: 4, spatial: []int{6, 5}, kernel: []int{3, 3},
		strides: []int{1, 1}, inputDilations: []int{1, 1}, kernelDilations: []int{1, 1}, paddings: [][2]int{{1, 1}, {1, 1}}}},
	{"stride2-asym-pad", convConfig{batch: 1, inChannels: 2, outChannels: 3, spatial: []int{7, 8}, kernel: []int{4, 3},
		strides: []int{2, 3}, inputDilations: []int{1, 1}, kernelDilations: []int{1, 1}, paddings: [][2]int{{1, 2}, {0, 1}}}},
	{"input-dilation", convConfig{batch: 2, inChannels: 2, outChannels: 2, spatial: []int{4, 3}, kernel: []int{3, 2},
		strides: []int{1, 1}, inputDilations: []int{2, 3}, kernelDilations: []int{1, 1}, paddings: [][2]int{{2, 2}, {1, 1}}}},
	{"input-dilation-empty-phases", convConfig{batch: 2, inChannels: 2, outChannels: 3, spatial: []int{4, 3}, kernel: []int{1, 2},
		strides: []int{1, 1}, inputDilations: []int{3, 2}, kernelDilations: []int{1, 1}, paddings: [][2]int{{1, 2}, {0, -1}}}},
	{"input-dilation-groups", convConfig{batch: 2, inChannels: 4, outChannels: 6, spatial: []int{3, 4}, kernel: []int{3, 4},
		strides: []int{1, 1}, inputDilations: []int{2, 2}, kernelDilations: []int{1, 1}, paddings: [][2]int{{2, 1}, {3, 3}}, channelGroups: 2}},
	{"input-dilation-batch-groups", convConfig{batch: 4, inChannels: 2, outChannels: 4, spatial: []int{3, 3}, kernel: []int{2, 3},
		strides: []int{1, 1}, inputDilations: []int{3, 2}, kernelDilations: []int{1, 1}, paddings: [][2]int{{1, 1}, {2, 0}}, batchGroups: 2}},
	{"kernel-dilation", convConfig{batch: 1, inChannels: 3, outChannels: 2, spatial: []int{9, 7}, kernel: []int{3, 2},
		strides: []int{1, 2}, inputDilations: []int{1, 1}, kernelDilations: []int{2, 3}, paddings: [][2]int{{0, 0}, {2, 0}}}},
	{"negative-padding", convConfig{batch: 1, inChannels: 2, outChannels: 2, spatial: []int{8, 6}, kernel: []int{2, 2},
		strides: []int{1, 1}, inputDilations: []int{1, 1}, kernelDilations: []int{1, 1}, paddings: [][2]int{{-1, -2}, {0, -1}}}},
	{"channel-groups", convConfig{batch: 2, inChannels: 6, outChannels: 4, spatial: []int{5, 5}, kernel: []int{3, 3},
		strides: []int{1, 1}, inputDilations: []int{1, 1}, kernelDilations: []int{1, 1}, paddings: [][2]int{{1, 1}, {1, 1}}, channelGroups: 2}},
	{"batch-groups", convConfig{batch: 6, inChannels: 2, outChannels: 6, spatial: []int{5, 4}, kernel: []int{2, 3},
		strides: []int{1, 1}, inputDilations: []int{1, 1}, kernelDilations: []int{1, 1}, paddings: [][2]int{{0, 1}, {1, 1}}, batchGroups: 3}},
	{"kernel-larger-than-output", convConfig{batch: 2, inChannels: 2, outChannels: 3, spatial: []int{9, 8}, kernel: []int{7, 6},
		strides: []int{1, 1}, inputDilations: []int{1, 1}, kernelDilations: []int{1, 1}, paddings: [][2]int{{0, 0}, {0, 1}}}},
	{"1d", convConfig{batch: 2, inChannels: 3, outChannels: 2, spatial: []int{10}, kernel: []int{3},
		strides: []int{2}, inputDilations: []int{1}, kernelDilations: []int{1}, paddings: [][2]int{{1, 1}}}},
	{"3d", convConfig{batch: 1, inChannels: 2, outChannels: 2, spatial: []int{4, 5, 3}, kernel: []int{2, 3, 2},
		strides: []int{1, 2, 1}, inputDilations: []int{1, 1, 2}, kernelDilations: []int{1, 1, 1}, paddings: [][2]int{{0, 1}, {1, 1}, {1, 0}}}},
}

// checkConv compares ConvGeneral on the backend with referenceConv, with the
// input, kernel and output axes laid out by the given permutations of the
// canonical layouts.
func checkConv(t *testing.T, rng *rand.Rand, c convConfig, inPerm, kPerm, outPerm []int) {
	t.Helper()
	cg, bg := c.groups()
	x := backendtest.RandomArray(rng, append([]int{c.batch, c.inChannels}, c.spatial...)...)
	k := backendtest.RandomArray(rng, append([]int{c.inChannels / cg, c.outChannels}, c.kernel...)...)
	want := transposed(referenceConv(c, x, k), outPerm)
	var axes backends.ConvolveAxesConfig
	axes.InputBatch, axes.InputChannels, axes.InputSpatial = placeAxes(inPerm)
	axes.KernelInputChannels, axes.KernelOutputChannels, axes.KernelSpatial = placeAxes(kPerm)
	axes.OutputBatch, axes.OutputChannels, axes.OutputSpatial = placeAxes(outPerm)
	fn := func(x, k *graph.Node) *graph.Node {
		return graph.ConvGeneral(x, k, axes, c.strides, c.paddings, c.inputDilations, c.kernelDilations, cg, bg)
	}
	what := fmt.Sprintf("%+v axes %+v", c, axes)
	got := execute(t, fn, transposed(x, inPerm), transposed(k, kPerm))[0]
	backendtest.AssertClose(t, what, got, want, 1e-12)
	// float32 2-D convolutions run on the backend's own executor.
	got32 := execute32(t, fn, transposed(x, inPerm), transposed(k, kPerm))
	backendtest.AssertClose(t, what+" float32", got32, want, 2e-5)
}

// placeAxes returns where a permutation of the canonical layout
// [first, second, spatial...] put each canonical axis.
func placeAxes(perm []int) (first, second int, spatial []int) {
	spatial = make([]int, len(perm)-2)
	for pos, a := range perm {
		switch a {
		case 0:
			first = pos
		case 1:
			second = pos
		default:
			spatial[a-2] = pos
		}
	}
	return first, second, spatial
}

func TestConvGeneralTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range convTable {
		t.Run(tc.name, func(t *testing.T) {
			id := iotaRange(len(tc.c.spatial) + 2)
			checkConv(t, rng, tc.c, id, id, id)
			// Channels-last input and output, kernel [k..., in, out].
			last := append(iotaRange(len(tc.c.spatial) + 2)[2:], 1)
			last = append([]int{0}, last...)
			kernelLast := append(iotaRange(len(tc.c.spatial) + 2)[2:], 0, 1)
			checkConv(t, rng, tc.c, last, kernelLast, last)
		})
	}
}

func TestConvGeneralRandomSweep(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 60 {
		n := 1 + rng.IntN(2)
		c := convConfig{batch: 1 + rng.IntN(3), spatial: make([]int, n), kernel: make([]int, n),
			strides: make([]int, n), inputDilations: make([]int, n), kernelDilations: make([]int, n), paddings: make([][2]int, n)}
		groups := 1 + rng.IntN(2)
		switch rng.IntN(3) {
		case 0:
			c.channelGroups = groups
		case 1:
			c.batchGroups = groups
			c.batch *= groups
		}
		c.inChannels = (1 + rng.IntN(3)) * groups
		c.outChannels = (1 + rng.IntN(3)) * groups
		for i := range n {
			c.kernel[i] = 1 + rng.IntN(4)
			c.strides[i] = 1 + rng.IntN(3)
			c.inputDilations[i] = 1 + rng.IntN(2)
			c.kernelDilations[i] = 1 + rng.IntN(2)
			c.paddings[i] = [2]int{rng.IntN(4) - 1, rng.IntN(4) - 1}
			effK := (c.kernel[i]-1)*c.kernelDilations[i] + 1
			// Spatial size large enough for at least one output.
			for c.spatial[i] = 1 + rng.IntN(8); (c.spatial[i]-1)*c.inputDilations[i]+1+c.paddings[i][0]+c.paddings[i][1] < effK; c.spatial[i]++ {
			}
		}
		inPerm := rng.Perm(n + 2)
		kPerm := rng.Perm(n + 2)
		outPerm := rng.Perm(n + 2)
		t.Run(fmt.Sprint(trial), func(t *testing.T) { checkConv(t, rng, c, inPerm, kPerm, outPerm) })
	}
}
