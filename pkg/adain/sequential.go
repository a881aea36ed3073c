package adain

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	timages "github.com/gomlx/gomlx/pkg/core/tensors/images"

	"github.com/neuralart/neuralart/pkg/nn"
	"github.com/neuralart/neuralart/pkg/weights"
)

// module is one entry of a torch nn.Sequential. The published files are the
// state_dicts of such Sequentials, so a convolution's weights are keyed by
// its position: "<position>.weight" and "<position>.bias".
type module int

const (
	conv1x1  module = iota // nn.Conv2d(in, out, (1, 1))
	conv3x3                // nn.Conv2d(in, out, (3, 3)), always after a reflection pad here
	pad                    // nn.ReflectionPad2d((1, 1, 1, 1))
	relu                   // nn.ReLU()
	pool                   // nn.MaxPool2d((2, 2), (2, 2), (0, 0), ceil_mode=True)
	upsample               // nn.Upsample(scale_factor=2, mode='nearest')
)

func (m module) kernelSize() int {
	if m == conv1x1 {
		return 1
	}
	return 3
}

// convWeights are one convolution's kernel [out, in, k, k] and bias [out].
type convWeights struct {
	kernel, bias *tensors.Tensor
}

// convPositions returns the positions of the convolutions of layers.
func convPositions(layers []module) []int {
	var positions []int
	for i, m := range layers {
		if m == conv1x1 || m == conv3x3 {
			positions = append(positions, i)
		}
	}
	return positions
}

// readConvs reads the weights of every convolution of layers from f, with
// the channel counts the file has: each convolution's input channels must be
// the previous one's outputs, the first's firstIn (any when negative) and the
// last's outputs lastOut (any when negative). Every problem is reported at
// once, naming the file, the key and the shape expected and found.
func readConvs(f *weights.File, what string, layers []module, firstIn, lastOut int) ([]convWeights, error) {
	positions := convPositions(layers)
	var problems []string
	in := firstIn
	for i, pos := range positions {
		k := layers[pos].kernelSize()
		wKey, bKey := fmt.Sprintf("%d.weight", pos), fmt.Sprintf("%d.bias", pos)
		expected := fmt.Sprintf("[?, %s, %d, %d]", channels(in), k, k)
		if i == len(positions)-1 && lastOut >= 0 {
			expected = fmt.Sprintf("[%d, %s, %d, %d]", lastOut, channels(in), k, k)
		}
		_, shape, err := f.Info(wKey)
		if err != nil {
			problems = append(problems, fmt.Sprintf("missing %s (expected shape %s)", wKey, expected))
			in = -1
			continue
		}
		if len(shape) != 4 || (in >= 0 && shape[1] != in) || shape[2] != k || shape[3] != k ||
			(i == len(positions)-1 && lastOut >= 0 && shape[0] != lastOut) {
			problems = append(problems, fmt.Sprintf("%s has shape %v, expected %s", wKey, shape, expected))
			in = -1
			continue
		}
		if _, bShape, err := f.Info(bKey); err != nil {
			problems = append(problems, fmt.Sprintf("missing %s (expected shape [%d])", bKey, shape[0]))
		} else if len(bShape) != 1 || bShape[0] != shape[0] {
			problems = append(problems, fmt.Sprintf("%s has shape %v, expected [%d]", bKey, bShape, shape[0]))
		}
		in = shape[0]
	}
	if len(problems) > 0 {
		keys := f.Keys()
		if len(keys) > 6 {
			keys = append(keys[:6], fmt.Sprintf("... (%d tensors in all)", len(f.Keys())))
		}
		return nil, fmt.Errorf("adain: %s is not %s: %s; the file holds %s",
			f.Name(), what, strings.Join(problems, "; "), strings.Join(keys, ", "))
	}
	convs := make([]convWeights, len(positions))
	for i, pos := range positions {
		kernel, err := f.Tensor(fmt.Sprintf("%d.weight", pos))
		if err != nil {
			return nil, err
		}
		bias, err := f.Tensor(fmt.Sprintf("%d.bias", pos))
		if err != nil {
			return nil, err
		}
		convs[i] = convWeights{
			kernel: tensors.FromFlatDataAndDimensions(kernel.Data, kernel.Shape...),
			bias:   tensors.FromFlatDataAndDimensions(bias.Data, bias.Shape...),
		}
	}
	return convs, nil
}

// describe says where weights read from f came from: the file, and the
// origin its "source" metadata records (Save writes it).
func describe(f *weights.File) string {
	if source := f.Metadata()[sourceKey]; source != "" {
		return fmt.Sprintf("weights from %s (%s)", f.Name(), source)
	}
	return "weights from " + f.Name()
}

// Metadata keys of the files Save writes.
const (
	sourceKey = "source" // where the weights came from
	randomKey = "random" // "true" for RandomEncoder's weights
)

func channels(n int) string {
	if n < 0 {
		return "?"
	}
	return fmt.Sprint(n)
}

// saveConvs writes convs as a safetensors file keyed as the torch
// state_dict of layers keys them, with metadata.
func saveConvs(path string, layers []module, convs []convWeights, metadata map[string]string) error {
	out := make(map[string]*weights.Tensor, 2*len(convs))
	for i, pos := range convPositions(layers) {
		for key, t := range map[string]*tensors.Tensor{"weight": convs[i].kernel, "bias": convs[i].bias} {
			data, err := tensors.CopyFlatData[float32](t)
			if err != nil {
				return fmt.Errorf("adain: saving %s: %w", path, err)
			}
			out[fmt.Sprintf("%d.%s", pos, key)] = &weights.Tensor{Shape: t.Shape().Dimensions, Data: data}
		}
	}
	return weights.SaveSafetensors(path, out, metadata)
}

// forward applies layers to x up to the last of taps (ascending positions),
// with params holding each convolution's kernel and bias in turn, and
// returns the output of every position in taps.
func forward(x *Node, layers []module, params []*Node, taps []int) []*Node {
	out := make([]*Node, 0, len(taps))
	next := 0
	for i, m := range layers[:taps[len(taps)-1]+1] {
		switch m {
		case conv1x1, conv3x3:
			x = nn.Conv2D(x, params[next], nn.Conv2DOptions{})
			x = Add(x, Reshape(params[next+1], 1, -1, 1, 1))
			next += 2
		case pad:
			x = nn.ReflectionPad2D(x, 1, 1, 1, 1)
		case relu:
			x = nn.ReLU(x)
		case pool:
			x = ceilMaxPool(x)
		case upsample:
			x = nn.Upsample2xNearest(x)
		}
		if len(out) < len(taps) && taps[len(out)] == i {
			out = append(out, x)
		}
	}
	return out
}

// ceilMaxPool is MaxPool2d((2, 2), (2, 2), ceil_mode=True): an odd last row
// or column makes a window of its own. The encoder pools only ReLU outputs,
// which are ≥ 0, so padding them with a zero row or column gives the same
// maxima (and sends no gradient to the padding but on ties, which
// GoMLX resolves to the first, real, element).
func ceilMaxPool(x *Node) *Node {
	for axis := 2; axis <= 3; axis++ {
		if d := slices.Clone(x.Shape().Dimensions); d[axis]%2 == 1 {
			d[axis] = 1
			x = Concatenate([]*Node{x, Zeros(x.Graph(), shapes.Make(x.DType(), d...))}, axis)
		}
	}
	return MaxPool(x).ChannelsAxis(timages.ChannelsFirst).Window(2).Strides(2).NoPadding().Done()
}

// constants embeds convs as constants of g, kernel and bias in turn, as
// forward wants them.
func constants(g *Graph, convs []convWeights) []*Node {
	params := make([]*Node, 0, 2*len(convs))
	for _, c := range convs {
		params = append(params, ConstTensor(g, c.kernel), ConstTensor(g, c.bias))
	}
	return params
}
