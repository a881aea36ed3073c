package lenet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph code reads better unqualified, as in GoMLX's own layers
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/images"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/neuralart/neuralart/pkg/nn"
)

// The LeNet-style MNIST classifier (LeCun et al. 1998, "Gradient-based
// learning applied to document recognition"; the layout of PyTorch's
// examples/mnist with max-pooling after each convolution):
//
//	conv 5x5 (1→16) → ReLU → max-pool 2 → conv 5x5 (16→32) → ReLU → max-pool 2
//	→ flatten (32·4·4) → linear (→128) → ReLU → linear (→10)
//
// The 128 activations before the last layer are the features of the
// "Fréchet LeNet Distance".
const (
	lenetKernel   = 5
	lenetConv1    = 16
	lenetConv2    = 32
	lenetHidden   = 128
	mnistClasses  = 10
	mnistSide     = 28
	lenetFlatSide = ((mnistSide-lenetKernel+1)/2 - lenetKernel + 1) / 2 // 4
	lenetFlat     = lenetConv2 * lenetFlatSide * lenetFlatSide
)

// MNIST's pixel mean and standard deviation on [0, 1] (those of PyTorch's
// MNIST example), with which the network standardises its input.
const (
	mnistMean = 0.1307
	mnistStd  = 0.3081
)

// lenetShapes are the network's parameters, named and shaped as PyTorch's
// nn.Conv2d ([out, in, kh, kw]) and nn.Linear ([out, in]) would hold them.
var lenetShapes = map[string][]int{
	"conv1.weight": {lenetConv1, 1, lenetKernel, lenetKernel},
	"conv1.bias":   {lenetConv1},
	"conv2.weight": {lenetConv2, lenetConv1, lenetKernel, lenetKernel},
	"conv2.bias":   {lenetConv2},
	"fc1.weight":   {lenetHidden, lenetFlat},
	"fc1.bias":     {lenetHidden},
	"fc2.weight":   {mnistClasses, lenetHidden},
	"fc2.bias":     {mnistClasses},
}

// Net is the project's MNIST classifier, used as the feature extractor of
// FID and KID on MNIST-like images. Inputs are float32 [B, 1, 28, 28] (NCHW)
// in [0, 1], white digits on black as in MNIST.
type Net struct {
	backend  backends.Backend
	ctx      *context.Context
	features *context.Exec
	logits   *context.Exec
}

// New builds the classifier from named parameters (see lenetShapes).
func New(backend backends.Backend, params map[string][]float32) (*Net, error) {
	ctx := context.New()
	for _, name := range sortedKeys(lenetShapes) {
		shape := lenetShapes[name]
		data, ok := params[name]
		if !ok {
			return nil, fmt.Errorf("lenet: LeNet parameter %q missing", name)
		}
		if n := numel(shape); len(data) != n {
			return nil, fmt.Errorf("lenet: LeNet parameter %q has %d values, expected %d for shape %v", name, len(data), n, shape)
		}
		scope, v := splitName(name)
		ctx.In(scope).VariableWithValue(v, tensors.FromFlatDataAndDimensions(append([]float32(nil), data...), shape...))
	}
	return newFromContext(backend, ctx)
}

func newFromContext(backend backends.Backend, ctx *context.Context) (*Net, error) {
	net := &Net{backend: backend, ctx: ctx}
	var err error
	net.features, err = context.NewExec(backend, ctx.Reuse(), lenetFeatures)
	if err != nil {
		return nil, err
	}
	net.logits, err = context.NewExec(backend, ctx.Reuse(), lenetLogits)
	return net, err
}

// initParams returns PyTorch's default initialisation of the parameters
// (kaiming_uniform with a = √5 for weights, i.e. U(±1/√fan_in), and the same
// bound for biases), drawn from a PCG seeded with seed.
func initParams(seed uint64) map[string][]float32 {
	rng := rand.New(rand.NewPCG(seed, 0x4c654e6574)) // "LeNet"
	params := map[string][]float32{}
	for _, name := range sortedKeys(lenetShapes) {
		weight := lenetShapes[splitNameScope(name)+".weight"]
		bound := 1 / math.Sqrt(float64(numel(weight[1:])))
		data := make([]float32, numel(lenetShapes[name]))
		for i := range data {
			data[i] = float32((2*rng.Float64() - 1) * bound)
		}
		params[name] = data
	}
	return params
}

// lenetFeatures returns the penultimate activations [B, 128] of images x
// [B, 1, 28, 28] in [0, 1].
func lenetFeatures(ctx *context.Context, x *Node) *Node {
	x = AddScalar(MulScalar(x, 1/mnistStd), -mnistMean/mnistStd) // (x − mean)/std
	x = pool(nn.ReLU(conv(ctx.In("conv1"), x)))
	x = pool(nn.ReLU(conv(ctx.In("conv2"), x)))
	x = Reshape(x, x.Shape().Dimensions[0], -1)
	return nn.ReLU(linear(ctx.In("fc1"), x))
}

// lenetLogits returns the class logits [B, 10] of images x [B, 1, 28, 28].
// (Graphs build only what they return: simplego v0.26 fails on graphs with
// unused nodes, so features and logits are separate functions.)
func lenetLogits(ctx *context.Context, x *Node) *Node {
	return linear(ctx.In("fc2"), lenetFeatures(ctx, x))
}

// param returns the graph value of the parameter name of ctx's scope.
func param(ctx *context.Context, g *Graph, name string) *Node {
	v := ctx.GetVariable(name)
	if v == nil {
		panic(fmt.Sprintf("lenet: LeNet parameter %s/%s missing", ctx.Scope(), name))
	}
	return v.ValueGraph(g)
}

// conv is a valid (unpadded) convolution with a PyTorch-layout kernel
// [out, in, kh, kw] plus bias, on NCHW input.
func conv(ctx *context.Context, x *Node) *Node {
	// With channels first GoMLX's kernel layout is PyTorch's.
	y := Convolve(x, param(ctx, x.Graph(), "weight")).ChannelsAxis(images.ChannelsFirst).Strides(1).NoPadding().Done()
	bias := param(ctx, x.Graph(), "bias")
	return Add(y, Reshape(bias, 1, bias.Shape().Dimensions[0], 1, 1))
}

// pool is 2x2 max-pooling with stride 2 on NCHW input of even height and
// width. The windows do not overlap, so it is a reshape to
// [B, C, H/2, 2, W/2, 2] and a max over the two window axes: the same
// numbers as MaxPool, and several times faster on simplego, whose generic
// ReduceWindow dominated the network's run time.
func pool(x *Node) *Node {
	d := x.Shape().Dimensions
	return ReduceMax(Reshape(x, d[0], d[1], d[2]/2, 2, d[3]/2, 2), 3, 5)
}

// linear is x·Wᵀ + b with PyTorch's weight layout [out, in].
func linear(ctx *context.Context, x *Node) *Node {
	w := param(ctx, x.Graph(), "weight")
	bias := param(ctx, x.Graph(), "bias")
	return Add(Dot(x, Transpose(w, 0, 1)), InsertAxes(bias, 0))
}

// Dim returns the feature dimension, 128.
func (n *Net) Dim() int { return lenetHidden }

// Features returns the penultimate activations, float32 [B, 128], of images
// float32 [B, 1, 28, 28] (NCHW) in [0, 1].
func (n *Net) Features(images *tensors.Tensor) (*tensors.Tensor, error) {
	if err := checkMNISTShape(images); err != nil {
		return nil, err
	}
	return n.features.Exec1(images)
}

// Logits returns the class scores, float32 [B, 10], of images float32
// [B, 1, 28, 28] (NCHW) in [0, 1].
func (n *Net) Logits(images *tensors.Tensor) (*tensors.Tensor, error) {
	if err := checkMNISTShape(images); err != nil {
		return nil, err
	}
	return n.logits.Exec1(images)
}

// Params returns the parameters by PyTorch name, row-major.
func (n *Net) Params() (map[string][]float32, error) {
	params := map[string][]float32{}
	for name := range lenetShapes {
		scope, v := splitName(name)
		variable := n.ctx.In(scope).GetVariable(v)
		if variable == nil {
			return nil, fmt.Errorf("lenet: LeNet parameter %q missing", name)
		}
		t, err := variable.Value()
		if err != nil {
			return nil, err
		}
		params[name] = append([]float32(nil), tensors.MustCopyFlatData[float32](t)...)
	}
	return params, nil
}

func checkMNISTShape(images *tensors.Tensor) error {
	dims := images.Shape().Dimensions
	if len(dims) != 4 || dims[1] != 1 || dims[2] != mnistSide || dims[3] != mnistSide {
		return fmt.Errorf("lenet: LeNet input shape %v, expected [batch, 1, %d, %d] (NCHW)", dims, mnistSide, mnistSide)
	}
	return nil
}

func splitName(name string) (scope, variable string) {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			return name[:i], name[i+1:]
		}
	}
	return "", name
}

func splitNameScope(name string) string { s, _ := splitName(name); return s }

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
