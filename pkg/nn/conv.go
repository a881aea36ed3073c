package nn

import (
	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Conv2DOptions are Conv2D's knobs, named as in torch.nn.Conv2d; zero values
// mean PyTorch's defaults (stride 1, padding 0, dilation 1).
type Conv2DOptions struct {
	Stride, Padding, Dilation int
}

// Conv2D is torch.nn.functional.conv2d (without bias): x is NCHW
// [N, Cin, H, W], kernel is [Cout, Cin, kh, kw] (PyTorch's layout), and the
// result is [N, Cout, (H + 2·padding - dilation·(kh-1) - 1)/stride + 1, ...].
//
// Use it instead of graph.Convolve when the gradient with respect to x
// matters and kernels may be even-sized (DCGAN's 4x4 discriminator): GoMLX
// v0.26 builds that gradient one tap off when the dilated kernel size
// dilation·(k-1)+1 is even. Conv2D appends a zero tap to such kernels (and
// one dilation of padding at the end), which gives the same output and
// makes every gradient exact; the pure-Go backend skips such zero taps when
// it convolves, so they cost nothing there.
func Conv2D(x, kernel *graph.Node, opts Conv2DOptions) *graph.Node {
	checkNCHW("Conv2D", x)
	if kernel.Rank() != 4 || kernel.Shape().Dimensions[1] != x.Shape().Dimensions[1] {
		exceptions.Panicf("nn.Conv2D: kernel must be [Cout, Cin=%d, kh, kw], got %s", x.Shape().Dimensions[1], kernel.Shape())
	}
	stride, dilation := max(opts.Stride, 1), max(opts.Dilation, 1)
	paddings := [][2]int{{opts.Padding, opts.Padding}, {opts.Padding, opts.Padding}}
	for i, axis := range []int{2, 3} {
		k := kernel.Shape().Dimensions[axis]
		if dilation*(k-1)%2 == 1 {
			kernel = padZeros(kernel, axis, 0, 1)
			paddings[i][1] += dilation
		}
	}
	if stride > 1 && dilation > 1 {
		// GoMLX cannot differentiate a convolution with both: subsample a stride-1 one.
		y := graph.ConvGeneral(x, kernel, nchwAxes, nil, paddings, nil, []int{dilation, dilation}, 1, 1)
		return graph.Slice(y, graph.AxisRange(), graph.AxisRange(), graph.AxisRange().Stride(stride), graph.AxisRange().Stride(stride))
	}
	return graph.ConvGeneral(x, kernel, nchwAxes, []int{stride, stride}, paddings, nil, []int{dilation, dilation}, 1, 1)
}

// ConvTranspose2DOptions are ConvTranspose2D's knobs, named as in
// torch.nn.ConvTranspose2d; zero values mean PyTorch's defaults (stride 1,
// padding 0, output padding 0, dilation 1).
type ConvTranspose2DOptions struct {
	Stride, Padding, OutputPadding, Dilation int
}

// ConvTranspose2D is torch.nn.functional.conv_transpose2d (without bias): x
// is NCHW [N, Cin, H, W], kernel is [Cin, Cout, kh, kw] (PyTorch's layout),
// and the result is [N, Cout, Hout, Wout] with
//
//	Hout = (H-1)·stride - 2·padding + dilation·(kh-1) + outputPadding + 1
//
// Each input pixel scatters kernel·x into the output: y[o] = Σ_{i,k} x[i]·w[k]
// over o = i·stride + k·dilation - padding. It is computed as one 1x1
// convolution giving Z = wᵀx for every kernel tap (no multiplications by
// inserted zeros, unlike a convolution of a zero-dilated input), after which
// each output phase o mod stride sums its taps' shifted Z and the phases are
// interleaved.
func ConvTranspose2D(x, kernel *graph.Node, opts ConvTranspose2DOptions) *graph.Node {
	checkNCHW("ConvTranspose2D", x)
	if kernel.Rank() != 4 || kernel.Shape().Dimensions[0] != x.Shape().Dimensions[1] {
		exceptions.Panicf("nn.ConvTranspose2D: kernel must be [Cin=%d, Cout, kh, kw], got %s", x.Shape().Dimensions[1], kernel.Shape())
	}
	stride, dilation := max(opts.Stride, 1), max(opts.Dilation, 1)
	if opts.Padding < 0 || opts.OutputPadding < 0 || opts.OutputPadding >= max(stride, dilation) {
		exceptions.Panicf("nn.ConvTranspose2D: padding %d must be >= 0 and output padding %d in [0, max(stride %d, dilation %d))",
			opts.Padding, opts.OutputPadding, stride, dilation)
	}
	in, kd := x.Shape().Dimensions, kernel.Shape().Dimensions
	var out, phases [2]int // per spatial axis: output size and ceil(output / stride)
	for i := range 2 {
		out[i] = (in[2+i]-1)*stride - 2*opts.Padding + dilation*(kd[2+i]-1) + opts.OutputPadding + 1
		if out[i] <= 0 {
			exceptions.Panicf("nn.ConvTranspose2D: input %s and kernel %s give an empty output", x.Shape(), kernel.Shape())
		}
		phases[i] = (out[i] + stride - 1) / stride
	}

	// Z[n, cout, kh, kw, h, w] = Σ_cin kernel[cin, cout, kh, kw] · x[n, cin, h, w], as a 1x1
	// convolution: its gradients are convolutions too, where GoMLX v0.26's DotGeneral
	// gradient would materialize a [Cout·kh·kw, N·H·W, Cin] product.
	cout, n := kd[1], in[0]
	taps := graph.ConvGeneral(x, graph.Reshape(kernel, kd[0], cout*kd[2]*kd[3], 1, 1), backends.ConvolveAxesConfig{
		InputBatch: 0, InputChannels: 1, InputSpatial: []int{2, 3},
		KernelInputChannels: 0, KernelOutputChannels: 1, KernelSpatial: []int{2, 3},
		OutputBatch: 0, OutputChannels: 1, OutputSpatial: []int{2, 3},
	}, nil, nil, nil, nil, 1, 1)
	z := graph.Reshape(taps, n, cout, kd[2], kd[3], in[2], in[3])
	// grid[φh][φw] accumulates the outputs y[.., j·stride+φh, j'·stride+φw], as [N, Cout, J, J'].
	grid := make([][]*graph.Node, stride)
	for i := range grid {
		grid[i] = make([]*graph.Node, stride)
	}
	for kh := range kd[2] {
		for kw := range kd[3] {
			tap := graph.Reshape(graph.Slice(z, graph.AxisRange(), graph.AxisRange(), graph.AxisElem(kh), graph.AxisElem(kw)), n, cout, in[2], in[3])
			var phase [2]int
			for i, k := range []int{kh, kw} {
				// Output o = i·stride + m with m = k·dilation - padding = δ·stride + φ.
				m := k*dilation - opts.Padding
				phase[i] = ((m % stride) + stride) % stride
				delta := (m - phase[i]) / stride
				tap = padZeros(tap, 2+i, delta, phases[i]-in[2+i]-delta)
			}
			if g := grid[phase[0]][phase[1]]; g != nil {
				tap = graph.Add(g, tap)
			}
			grid[phase[0]][phase[1]] = tap
		}
	}
	rows := make([]*graph.Node, stride)
	for φh := range stride {
		cols := make([]*graph.Node, stride)
		for φw := range stride {
			cols[φw] = grid[φh][φw]
			if cols[φw] == nil { // no tap lands on this phase
				cols[φw] = graph.Zeros(x.Graph(), shapes.Make(x.DType(), n, cout, phases[0], phases[1]))
			}
		}
		rows[φh] = interleave(cols, 3)
	}
	y := interleave(rows, 2)
	return sliceAxis(sliceAxis(y, 2, 0, out[0]), 3, 0, out[1])
}
