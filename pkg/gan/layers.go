package gan

import (
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	timage "github.com/gomlx/gomlx/pkg/core/tensors/images"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/gomlx/gomlx/pkg/ml/layers/batchnorm"
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

// PyTorch's BatchNorm2d defaults: running = 0.9·running + 0.1·batch
// (GoMLX names the 0.9 the momentum), ε = 1e-5.
const (
	batchNormMomentum = 0.9
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
	var y *Node
	if c.stride > 1 || c.kernel%2 == 0 {
		y = patchConv(x, w, c.stride, c.padding)
	} else {
		p := [2]int{c.padding, c.padding}
		y = Convolve(x, w).ChannelsAxis(timage.ChannelsFirst).Strides(c.stride).PaddingPerDim([][2]int{p, p}).Done()
	}
	if c.bias {
		b := ctx.WithInitializer(pytorchUniform(ctx, fanIn)).
			VariableWithShape("bias", shapes.Make(x.DType(), c.out)).ValueGraph(x.Graph())
		y = Add(y, Reshape(b, 1, c.out, 1, 1))
	}
	return y
}

// patchConv is the convolution of x (NCHW) with w ([out, in, k, k]) at a
// stride and a symmetric zero padding, written as patches and one matrix
// product: for each kernel offset (u, v) the strided slice
// x̄[:, :, u::s, v::s] of the padded input, stacked into [N, in·k·k, H', W'],
// contracted with w reshaped to [out, in·k·k].
//
// Its gradients are those of Slice, Concatenate and DotGeneral. GoMLX
// v0.26's own convolution gradient with respect to the input is wrong for
// even kernels (it pads the reversed convolution by 2⌊(k−1)/2⌋−p instead of
// k−1−p, shifting the gradient by a pixel), and for strides > 1 it spends
// (s²−1)/s² of its multiplications on the zeros it inserts; this one does
// neither.
func patchConv(x, w *Node, stride, padding int) *Node {
	d, k := x.Shape().Dimensions, w.Shape().Dimensions
	n, c, h, wd := d[0], d[1], d[2], d[3]
	out, kernel := k[0], k[2]
	outH, outW := (h+2*padding-kernel)/stride+1, (wd+2*padding-kernel)/stride+1
	// Patches are cut from the NHWC input, so that stacking them gives rows
	// (n, i, j) of columns (in, u, v), the order of w's [in, k, k], without
	// transposing the k² times larger patch matrix.
	x = TransposeAllDims(zeroPad(zeroPad(x, 2, padding, padding), 3, padding, padding), 0, 2, 3, 1)
	patches := make([]*Node, 0, kernel*kernel)
	for u := range kernel {
		for v := range kernel {
			patches = append(patches, Slice(x, AxisRange(),
				AxisRange(u, u+stride*(outH-1)+1).Stride(stride), AxisRange(v, v+stride*(outW-1)+1).Stride(stride), AxisRange()))
		}
	}
	rows := Reshape(Stack(patches, 4), n*outH*outW, c*kernel*kernel) // [N, H', W', in, k·k]
	y := Reshape(matMulTransposed(rows, Reshape(w, out, c*kernel*kernel)), n, outH, outW, out)
	return TransposeAllDims(y, 0, 3, 1, 2)
}

// zeroPad adds before and after zeros along axis. (GoMLX's Pad has no
// gradient; Concatenate has.)
func zeroPad(x *Node, axis, before, after int) *Node {
	parts := make([]*Node, 0, 3)
	for _, size := range []int{before, -1, after} {
		switch {
		case size < 0:
			parts = append(parts, x)
		case size > 0:
			dims := x.Shape().Clone().Dimensions
			dims[axis] = size
			parts = append(parts, Zeros(x.Graph(), shapes.Make(x.DType(), dims...)))
		}
	}
	return Concatenate(parts, axis)
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
	return transposedConv(x, w, c.stride, c.padding)
}

// transposedConv is torch.nn.functional.conv_transpose2d of x (NCHW) with w
// ([in, out, k, k]): every input pixel i adds x[i]·w[k] to output pixel
// o = i·stride + k − padding. As nn.ConvTranspose2D does, it computes one
// product per kernel tap, Z = x·w[:, :, kh, kw] (no multiplications by
// inserted zeros), shifts each tap's Z onto its output phase
// o mod stride, sums, and interleaves the phases.
//
// It differs from nn.ConvTranspose2D in the product: a 1x1 convolution
// (matMulTransposed) instead of DotGeneral, whose GoMLX v0.26 gradient
// materialises the broadcast product (8.6 GB for one layer of DCGAN's 64x64
// generator at batch 64).
func transposedConv(x, w *Node, stride, padding int) *Node {
	d, k := x.Shape().Dimensions, w.Shape().Dimensions
	n, in, h, wd := d[0], d[1], d[2], d[3]
	out, kernel := k[1], k[2]
	outH, outW := (h-1)*stride-2*padding+kernel, (wd-1)*stride-2*padding+kernel
	phaseH, phaseW := (outH+stride-1)/stride, (outW+stride-1)/stride

	rows := Reshape(TransposeAllDims(x, 0, 2, 3, 1), n*h*wd, in)
	taps := matMulTransposed(rows, Reshape(TransposeAllDims(w, 1, 2, 3, 0), out*kernel*kernel, in))
	taps = TransposeAllDims(Reshape(taps, n, h, wd, out, kernel, kernel), 4, 5, 0, 3, 1, 2) // [k, k, N, out, H, W]

	// grid[φh][φw] sums the taps landing on outputs (j·stride+φh, j'·stride+φw).
	grid := make([][]*Node, stride)
	for i := range grid {
		grid[i] = make([]*Node, stride)
	}
	for kh := range kernel {
		for kw := range kernel {
			tap := Reshape(Slice(taps, AxisElem(kh), AxisElem(kw)), n, out, h, wd)
			var phase [2]int
			for i, offset := range []int{kh - padding, kw - padding} {
				phase[i] = ((offset % stride) + stride) % stride
				tap = shift(tap, 2+i, (offset-phase[i])/stride, []int{phaseH, phaseW}[i])
			}
			if sum := grid[phase[0]][phase[1]]; sum != nil {
				tap = Add(sum, tap)
			}
			grid[phase[0]][phase[1]] = tap
		}
	}
	rowsOfPhases := make([]*Node, stride)
	for ph := range stride {
		cols := make([]*Node, stride)
		for pw := range stride {
			if cols[pw] = grid[ph][pw]; cols[pw] == nil { // no tap lands on this phase
				cols[pw] = Zeros(x.Graph(), shapes.Make(x.DType(), n, out, phaseH, phaseW))
			}
		}
		rowsOfPhases[ph] = Reshape(Stack(cols, 4), n, out, phaseH, phaseW*stride)
	}
	y := Reshape(Stack(rowsOfPhases, 3), n, out, phaseH*stride, phaseW*stride)
	return Slice(y, AxisRange(), AxisRange(), AxisRange(0, outH), AxisRange(0, outW))
}

// shift returns y with y[j] = x[j − delta] along axis for 0 ≤ j < size,
// and zeros where j − delta falls outside x.
func shift(x *Node, axis, delta, size int) *Node {
	n := x.Shape().Dimensions[axis]
	from, to := max(0, -delta), min(n, size-delta)
	if to <= from {
		dims := x.Shape().Clone().Dimensions
		dims[axis] = size
		return Zeros(x.Graph(), shapes.Make(x.DType(), dims...))
	}
	spec := []SliceAxisSpec{AxisRange(), AxisRange(), AxisRange(), AxisRange()}
	spec[axis] = AxisRange(from, to)
	return zeroPad(Slice(x, spec...), axis, max(delta, 0), size-(to+max(delta, 0)-from))
}

// linear is PyTorch's nn.Linear: x [N, in] → [N, out], weights [out, in],
// bias [out], both U(±1/√in).
func linear(ctx *context.Context, x *Node, out int) *Node {
	in := x.Shape().Dimensions[1]
	init := ctx.WithInitializer(pytorchUniform(ctx, in))
	w := init.VariableWithShape("weights", shapes.Make(x.DType(), out, in)).ValueGraph(x.Graph())
	b := init.VariableWithShape("bias", shapes.Make(x.DType(), out)).ValueGraph(x.Graph())
	return Add(matMulTransposed(x, w), ExpandAxes(b, 0))
}

// matMulTransposed returns a·bᵀ for a [M, K] and b [N, K], as a 1x1
// convolution of M images of K channels with N filters. The result is the
// same as DotGeneral's; the gradients are not: GoMLX v0.26 differentiates
// DotGeneral by broadcasting both operands to [M, N, K] and reducing (1.6 GB
// for one layer of the MNIST discriminator), while a convolution's gradients
// are convolutions again, which the backend computes as matrix products.
func matMulTransposed(a, b *Node) *Node {
	m, k, n := a.Shape().Dimensions[0], a.Shape().Dimensions[1], b.Shape().Dimensions[0]
	y := Convolve(Reshape(a, m, k, 1, 1), Reshape(b, n, k, 1, 1)).ChannelsAxis(timage.ChannelsFirst).NoPadding().Done()
	return Reshape(y, m, n)
}

// batchNorm2d is PyTorch's nn.BatchNorm2d on NCHW input, built on GoMLX's
// batchnorm layer: batch statistics while training, running averages
// otherwise.
func batchNorm2d(ctx *context.Context, x *Node) *Node {
	return batchnorm.New(ctx, x, 1).Momentum(batchNormMomentum).Epsilon(batchNormEpsilon).Done()
}
