package inception

import (
	"fmt"

	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	timages "github.com/gomlx/gomlx/pkg/core/tensors/images"
	"github.com/neuralart/neuralart/pkg/nn"
)

// InputSize is the side of the square images the network sees: Features
// resizes every input to InputSize×InputSize first, as pytorch-fid does.
const InputSize = 299

// Model is pytorch-fid's Inception-v3 up to its final average pool, with
// weights held on the host (batch norm folded into the convolutions).
// Features embeds them as constants of the graph being built, so a compiled
// graph carries them. A Model is read-only and safe to share.
type Model struct {
	convs  map[string]foldedConv
	dim    int
	source string
}

// Dim is the length of a feature vector: 2048 for pytorch-fid's weights.
func (m *Model) Dim() int { return m.dim }

// String says what the model is and where its weights came from.
func (m *Model) String() string {
	return fmt.Sprintf("Inception-v3 (pytorch-fid), %d-d pool features, weights from %s", m.dim, m.source)
}

// Features returns the pool features [N, Dim()] of images [N, 3, H, W]
// (NCHW, RGB, float32 in [0, 1], any H and W): Preprocess, the network, and
// the average over the final 8×8 (at 299×299) positions, which is
// pytorch-fid's InceptionV3 with its defaults (output block 3).
//
// Like other graph functions it panics on bad input; graph.Exec (and
// Extractor.Features) turn that into an error.
func (m *Model) Features(images *Node) *Node {
	x := network[*Node](builder{m}, Preprocess(images))
	return ReduceMean(x, 2, 3)
}

// Preprocess is pytorch-fid's input path: images [N, 3, H, W] (float32 in
// [0, 1]) resized to InputSize×InputSize by bilinear interpolation without
// antialiasing (see Resize), then mapped to [-1, 1] by 2x − 1.
func Preprocess(images *Node) *Node {
	if images.Rank() != 4 || images.Shape().Dimensions[1] != 3 || images.DType() != dtypes.Float32 {
		exceptions.Panicf("inception: images must be float32 [N, 3, H, W] (NCHW, RGB), got %s", images.Shape())
	}
	return AddScalar(MulScalar(Resize(images, InputSize, InputSize), 2), -1)
}

// builder runs the network over graph nodes.
type builder struct{ m *Model }

func (b builder) conv(x *Node, name string, g geometry) *Node {
	w := b.m.convs[name]
	y := Convolve(x, ConstTensor(x.Graph(), w.kernel)).ChannelsAxis(timages.ChannelsFirst).
		Strides(g.stride).PaddingPerDim([][2]int{{g.ph, g.ph}, {g.pw, g.pw}}).Done()
	y = Add(y, Reshape(ConstTensor(x.Graph(), w.bias), 1, -1, 1, 1))
	return nn.ReLU(y)
}

func (builder) maxPool(x *Node, stride, padding int) *Node {
	return MaxPool(x).ChannelsAxis(timages.ChannelsFirst).Window(3).Strides(stride).
		PaddingPerDim([][2]int{{padding, padding}, {padding, padding}}).Done()
}

// avgPool relies on GoMLX's padded MeanPool dividing each sum by the number
// of input values in its window, which is count_include_pad=False.
func (builder) avgPool(x *Node) *Node {
	return MeanPool(x).ChannelsAxis(timages.ChannelsFirst).Window(3).Strides(1).
		PaddingPerDim([][2]int{{1, 1}, {1, 1}}).Done()
}

func (builder) concat(xs ...*Node) *Node { return Concatenate(xs, 1) }
