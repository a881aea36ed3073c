package gan

import (
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/neuralart/neuralart/pkg/nn"
)

// Init chooses how convolution weights are initialised.
type Init int

const (
	// InitPyTorch is PyTorch's default for nn.Conv2d and nn.Linear: weights
	// and biases uniform in ±1/√fan_in.
	InitPyTorch Init = iota
	// InitDCGAN draws convolution weights from N(0, 0.02), as Radford et al.
	// (2015, §4) and pytorch/examples' weights_init do. Biases and Linear
	// layers keep PyTorch's default.
	InitDCGAN
)

// dcganStdDev is the standard deviation of DCGAN's weight initialisation
// (Radford et al. 2015, §4: "initialized from a zero-centered Normal
// distribution with standard deviation 0.02").
const dcganStdDev = 0.02

// PyTorch's BatchNorm2d defaults: running ← (1−0.1)·running + 0.1·batch,
// ε = 1e-5.
const (
	batchNormMomentum = 0.1
	batchNormEpsilon  = 1e-5
)

// pytorchUniform is PyTorch's default initialiser for a layer with fanIn
// inputs per output: kaiming_uniform with a=√5, which is U(±1/√fanIn).
func pytorchUniform(ctx *context.Context, fanIn int) initializers.VariableInitializer {
	bound := 1 / math.Sqrt(float64(fanIn))
	return initializers.RandomUniformFn(ctx, -bound, bound)
}

func (init Init) weights(ctx *context.Context, fanIn int) initializers.VariableInitializer {
	if init == InitDCGAN {
		return initializers.RandomNormalFn(ctx, dcganStdDev)
	}
	return pytorchUniform(ctx, fanIn)
}

// conv is a 2D convolution in PyTorch's layout: x is NCHW, the weights are
// [out, in, k, k] (scope "weights"), the optional bias [out] (scope "bias").
type conv struct {
	out, kernel, stride, padding int
	bias                         bool
	init                         Init
}

func (c conv) apply(ctx *context.Context, x *Node) *Node {
	in := x.Shape().Dimensions[1]
	fanIn := in * c.kernel * c.kernel
	w := ctx.WithInitializer(c.init.weights(ctx, fanIn)).
		VariableWithShape("weights", shapes.Make(x.DType(), c.out, in, c.kernel, c.kernel)).ValueGraph(x.Graph())
	y := nn.Conv2D(x, w, nn.Conv2DOptions{Stride: c.stride, Padding: c.padding})
	if c.bias {
		b := ctx.WithInitializer(pytorchUniform(ctx, fanIn)).
			VariableWithShape("bias", shapes.Make(x.DType(), c.out)).ValueGraph(x.Graph())
		y = Add(y, Reshape(b, 1, c.out, 1, 1))
	}
	return y
}

// convTranspose is PyTorch's nn.ConvTranspose2d without bias on NCHW input,
// weights [in, out, k, k] (scope "weights").
type convTranspose struct {
	out, kernel, stride, padding int
	init                         Init
}

func (c convTranspose) apply(ctx *context.Context, x *Node) *Node {
	in := x.Shape().Dimensions[1]
	// PyTorch computes a transposed convolution's fan-in from weight.size(1),
	// the output channels.
	w := ctx.WithInitializer(c.init.weights(ctx, c.out*c.kernel*c.kernel)).
		VariableWithShape("weights", shapes.Make(x.DType(), in, c.out, c.kernel, c.kernel)).ValueGraph(x.Graph())
	if d := x.Shape().Dimensions; d[2] == 1 && d[3] == 1 && c.stride == 1 && c.padding == 0 {
		// From one pixel (DCGAN's first layer), output (i, j) is x·w[:, :, i, j]:
		// a matrix product, where the convolution would slide the k×k kernel
		// over the input padded by k−1, k² times the work, nearly all on zeros.
		y := nn.MatMulTransposed(Reshape(x, d[0], in), Transpose(Reshape(w, in, c.out*c.kernel*c.kernel), 0, 1))
		return Reshape(y, d[0], c.out, c.kernel, c.kernel)
	}
	return nn.ConvTranspose2D(x, w, nn.ConvTranspose2DOptions{Stride: c.stride, Padding: c.padding})
}

// linear is PyTorch's nn.Linear: x [N, in] → [N, out], weights [out, in],
// bias [out], both U(±1/√in).
func linear(ctx *context.Context, x *Node, out int) *Node {
	in := x.Shape().Dimensions[1]
	init := ctx.WithInitializer(pytorchUniform(ctx, in))
	w := init.VariableWithShape("weights", shapes.Make(x.DType(), out, in)).ValueGraph(x.Graph())
	b := init.VariableWithShape("bias", shapes.Make(x.DType(), out)).ValueGraph(x.Graph())
	return Add(nn.MatMulTransposed(x, w), ExpandAxes(b, 0))
}

// batchNorm2d is PyTorch's nn.BatchNorm2d on NCHW input: batch statistics
// while training, running averages otherwise. Its variables keep the names
// of GoMLX's batchnorm layer (scope "batch_normalization": scale, offset,
// mean, variance), which the trainer used before, so older checkpoints load.
//
// It is not GoMLX's layer because that layer's running averages differ from
// PyTorch's in two ways, found replaying PyTorch's training steps
// (TestFixtureGANReplay): it averages the biased batch variance where PyTorch
// averages the unbiased one (×n/(n−1), n = N·H·W), and it "debiases" the
// momentum with a count of updates, min(momentum, 1−1/count), so the first
// updates are plain means of the batches seen, where PyTorch blends the
// initial values in from the first step. The count advances once per
// application, so D, applied three times a step (real, fake, fake again for
// G), leaves that regime three times sooner than G. Applying a network
// several times in one graph is otherwise the same in both: each
// application reads the averages the previous one wrote, in graph order,
// as PyTorch's forward passes do one after another.
func batchNorm2d(ctx *context.Context, x *Node) *Node {
	ctx = ctx.In("batch_normalization")
	g := x.Graph()
	features := x.Shape().Dimensions[1]
	shape := shapes.Make(x.DType(), features)
	scale := ctx.WithInitializer(initializers.One).VariableWithShape("scale", shape).ValueGraph(g)
	offset := ctx.WithInitializer(initializers.Zero).VariableWithShape("offset", shape).ValueGraph(g)
	meanVar := ctx.WithInitializer(initializers.Zero).VariableWithShape("mean", shape).SetTrainable(false)
	varianceVar := ctx.WithInitializer(initializers.One).VariableWithShape("variance", shape).SetTrainable(false)
	if !ctx.IsTraining(g) {
		return InternalBatchNormForInference(x, scale, offset, meanVar.ValueGraph(g), varianceVar.ValueGraph(g), batchNormEpsilon, 1)
	}
	// The backend's op normalises and differentiates through the batch
	// statistics (GoMLX's layer uses it too).
	normalized, mean, variance := InternalBatchNormForTraining(x, scale, offset, batchNormEpsilon, 1)
	n := float64(x.Shape().Size() / features)
	unbiased := MulScalar(StopGradient(variance), n/max(n-1, 1))
	blend := func(v *context.Variable, batch *Node) {
		v.SetValueGraph(Add(MulScalar(v.ValueGraph(g), 1-batchNormMomentum), MulScalar(batch, batchNormMomentum)))
	}
	blend(meanVar, StopGradient(mean))
	blend(varianceVar, unbiased)
	return normalized
}
