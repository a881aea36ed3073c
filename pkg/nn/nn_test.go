package nn

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
	"github.com/neuralart/neuralart/pkg/backend/purego"
)

var testBackend = sync.OnceValue(func() backends.Backend {
	b, err := purego.New()
	if err != nil {
		panic(err)
	}
	return b
})

// array is the float64 NCHW (or any rank) reference tensor, shared with
// pkg/backend's tests.
type array = backendtest.Array

// run executes fn on the test backend and returns its first output.
func run(t *testing.T, fn any, inputs ...array) array {
	t.Helper()
	return backendtest.Execute(t, testBackend(), fn, inputs...)[0]
}

// checkGradients checks the gradient of Σ fn(inputs)·w, for a random w.
func checkGradients(t *testing.T, rng *rand.Rand, what string, fn func(in []*graph.Node) *graph.Node, inputs ...array) {
	t.Helper()
	ts := make([]*tensors.Tensor, len(inputs))
	for i, in := range inputs {
		ts[i] = in.Tensor()
	}
	probe := run(t, fn, inputs...)
	w := backendtest.RandomArray(rng, probe.Dims...)
	backendtest.CheckGradients(t, testBackend(), what, func(in []*graph.Node) *graph.Node {
		return graph.ReduceAllSum(graph.Mul(fn(in), graph.Const(in[0].Graph(), w.Tensor())))
	}, 1e-6, ts...)
}

// referenceConv2D is torch's conv2d in plain loops: x [N,Cin,H,W], w [Cout,Cin,kh,kw].
func referenceConv2D(x, w array, stride, padding, dilation int) array {
	n, cin, h, wd := x.Dims[0], x.Dims[1], x.Dims[2], x.Dims[3]
	cout, kh, kw := w.Dims[0], w.Dims[2], w.Dims[3]
	oh := (h+2*padding-dilation*(kh-1)-1)/stride + 1
	ow := (wd+2*padding-dilation*(kw-1)-1)/stride + 1
	y := backendtest.NewArray(n, cout, oh, ow)
	for b := range n {
		for o := range cout {
			for i := range oh {
				for j := range ow {
					var sum float64
					for c := range cin {
						for a := range kh {
							for e := range kw {
								r, s := i*stride+a*dilation-padding, j*stride+e*dilation-padding
								if r >= 0 && r < h && s >= 0 && s < wd {
									sum += x.Data[x.Offset(b, c, r, s)] * w.Data[w.Offset(o, c, a, e)]
								}
							}
						}
					}
					y.Data[y.Offset(b, o, i, j)] = sum
				}
			}
		}
	}
	return y
}

// referenceConvTranspose2D scatters x·w in plain loops: w [Cin,Cout,kh,kw].
func referenceConvTranspose2D(x, w array, o ConvTranspose2DOptions) array {
	s, d := max(o.Stride, 1), max(o.Dilation, 1)
	n, cin, h, wd := x.Dims[0], x.Dims[1], x.Dims[2], x.Dims[3]
	cout, kh, kw := w.Dims[1], w.Dims[2], w.Dims[3]
	oh := (h-1)*s - 2*o.Padding + d*(kh-1) + o.OutputPadding + 1
	ow := (wd-1)*s - 2*o.Padding + d*(kw-1) + o.OutputPadding + 1
	y := backendtest.NewArray(n, cout, oh, ow)
	for b := range n {
		for c := range cin {
			for i := range h {
				for j := range wd {
					for oc := range cout {
						for a := range kh {
							for e := range kw {
								r, q := i*s+a*d-o.Padding, j*s+e*d-o.Padding
								if r >= 0 && r < oh && q >= 0 && q < ow {
									y.Data[y.Offset(b, oc, r, q)] += x.Data[x.Offset(b, c, i, j)] * w.Data[w.Offset(c, oc, a, e)]
								}
							}
						}
					}
				}
			}
		}
	}
	return y
}

func TestConvTranspose2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 30 {
		o := ConvTranspose2DOptions{Stride: 1 + rng.IntN(3), Padding: rng.IntN(3), Dilation: 1 + rng.IntN(2)}
		o.OutputPadding = rng.IntN(max(o.Stride, o.Dilation))
		k := 1 + rng.IntN(4)
		x := backendtest.RandomArray(rng, 1+rng.IntN(2), 1+rng.IntN(3), 1+rng.IntN(4), 1+rng.IntN(4))
		w := backendtest.RandomArray(rng, x.Dims[1], 1+rng.IntN(3), k, 1+rng.IntN(4))
		if (x.Dims[2]-1)*o.Stride-2*o.Padding+o.Dilation*(w.Dims[2]-1)+o.OutputPadding+1 <= 0 ||
			(x.Dims[3]-1)*o.Stride-2*o.Padding+o.Dilation*(w.Dims[3]-1)+o.OutputPadding+1 <= 0 {
			continue
		}
		got := run(t, func(x, w *graph.Node) *graph.Node { return ConvTranspose2D(x, w, o) }, x, w)
		backendtest.AssertClose(t, fmt.Sprintf("#%d %+v x%v w%v", trial, o, x.Dims, w.Dims), got, referenceConvTranspose2D(x, w, o), 1e-12)
	}
	// DCGAN's 4x4, stride 2, padding 1, and an odd kernel with output padding: gradients of x and w.
	for _, o := range []ConvTranspose2DOptions{{Stride: 2, Padding: 1}, {Stride: 2, Padding: 1, OutputPadding: 1}} {
		k := 4 - o.OutputPadding
		x, w := backendtest.RandomArray(rng, 2, 2, 3, 3), backendtest.RandomArray(rng, 2, 3, k, k)
		checkGradients(t, rng, fmt.Sprintf("ConvTranspose2D %+v", o), func(in []*graph.Node) *graph.Node {
			return ConvTranspose2D(in[0], in[1], o)
		}, x, w)
	}
}

func TestConv2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 20 {
		stride, padding, dilation := 1+rng.IntN(2), rng.IntN(3), 1+rng.IntN(2)
		x := backendtest.RandomArray(rng, 1+rng.IntN(2), 1+rng.IntN(3), 5+rng.IntN(4), 5+rng.IntN(4))
		w := backendtest.RandomArray(rng, 1+rng.IntN(3), x.Dims[1], 1+rng.IntN(4), 1+rng.IntN(4))
		o := Conv2DOptions{Stride: stride, Padding: padding, Dilation: dilation}
		got := run(t, func(x, w *graph.Node) *graph.Node { return Conv2D(x, w, o) }, x, w)
		backendtest.AssertClose(t, fmt.Sprintf("#%d %+v x%v w%v", trial, o, x.Dims, w.Dims), got, referenceConv2D(x, w, stride, padding, dilation), 1e-12)
	}
	// Even kernels (DCGAN's 4x4 stride 2) and strides with dilations: the gradients GoMLX's Convolve gets wrong.
	for _, c := range []struct {
		k int
		o Conv2DOptions
	}{{4, Conv2DOptions{Stride: 2, Padding: 1}}, {2, Conv2DOptions{}}, {3, Conv2DOptions{Stride: 2, Dilation: 2, Padding: 1}}, {3, Conv2DOptions{Padding: 1}}} {
		x, w := backendtest.RandomArray(rng, 2, 2, 6, 7), backendtest.RandomArray(rng, 3, 2, c.k, c.k)
		checkGradients(t, rng, fmt.Sprintf("Conv2D k%d %+v", c.k, c.o), func(in []*graph.Node) *graph.Node {
			return Conv2D(in[0], in[1], c.o)
		}, x, w)
	}
}

func TestMatMulTransposed(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, k, n := 2+rng.IntN(5), 1+rng.IntN(7), 2+rng.IntN(5)
	a, b := backendtest.RandomArray(rng, m, k), backendtest.RandomArray(rng, n, k)
	want := backendtest.NewArray(m, n)
	for i := range m {
		for j := range n {
			for l := range k {
				want.Data[i*n+j] += a.Data[i*k+l] * b.Data[j*k+l]
			}
		}
	}
	got := run(t, func(a, b *graph.Node) *graph.Node { return MatMulTransposed(a, b) }, a, b)
	backendtest.AssertClose(t, fmt.Sprintf("MatMulTransposed %v·%vᵀ", a.Dims, b.Dims), got, want, 1e-12)
	checkGradients(t, rng, "MatMulTransposed", func(in []*graph.Node) *graph.Node { return MatMulTransposed(in[0], in[1]) }, a, b)
}

// referenceBilinear samples torch's align_corners=False source positions.
func referenceBilinear(x array) array {
	n, c, h, w := x.Dims[0], x.Dims[1], x.Dims[2], x.Dims[3]
	y := backendtest.NewArray(n, c, 2*h, 2*w)
	source := func(o, size int) (int, int, float64) {
		s := max((float64(o)+0.5)/2-0.5, 0)
		i0 := int(s)
		return i0, min(i0+1, size-1), s - float64(i0)
	}
	for b := range n {
		for ch := range c {
			for i := range 2 * h {
				r0, r1, fr := source(i, h)
				for j := range 2 * w {
					c0, c1, fc := source(j, w)
					at := func(r, q int) float64 { return x.Data[x.Offset(b, ch, r, q)] }
					y.Data[y.Offset(b, ch, i, j)] = (1-fr)*((1-fc)*at(r0, c0)+fc*at(r0, c1)) + fr*((1-fc)*at(r1, c0)+fc*at(r1, c1))
				}
			}
		}
	}
	return y
}

func TestUpsample(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, dims := range [][]int{{1, 1, 1, 1}, {2, 3, 4, 5}, {1, 2, 1, 6}} {
		x := backendtest.RandomArray(rng, dims...)
		got := run(t, Upsample2xBilinear, x)
		backendtest.AssertClose(t, fmt.Sprint("bilinear ", dims), got, referenceBilinear(x), 1e-12)
		got = run(t, Upsample2xNearest, x)
		want := backendtest.NewArray(dims[0], dims[1], 2*dims[2], 2*dims[3])
		for i := range want.Data {
			q := i % want.Dims[3]
			r := i / want.Dims[3] % want.Dims[2]
			bc := i / (want.Dims[2] * want.Dims[3])
			want.Data[i] = x.Data[(bc*dims[2]+r/2)*dims[3]+q/2]
		}
		backendtest.AssertClose(t, fmt.Sprint("nearest ", dims), got, want, 0)
	}
	x := backendtest.RandomArray(rng, 1, 2, 3, 2)
	checkGradients(t, rng, "Upsample2xBilinear", func(in []*graph.Node) *graph.Node { return Upsample2xBilinear(in[0]) }, x)
	checkGradients(t, rng, "Upsample2xNearest", func(in []*graph.Node) *graph.Node { return Upsample2xNearest(in[0]) }, x)
}

func TestReflectionPad2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := backendtest.RandomArray(rng, 2, 2, 4, 5)
	reflect := func(i, n int) int {
		if i < 0 {
			return -i
		}
		if i >= n {
			return 2*(n-1) - i
		}
		return i
	}
	for _, p := range [][4]int{{0, 0, 0, 0}, {1, 1, 1, 1}, {4, 2, 3, 1}, {0, 3, 2, 0}} {
		got := run(t, func(x *graph.Node) *graph.Node { return ReflectionPad2D(x, p[0], p[1], p[2], p[3]) }, x)
		want := backendtest.NewArray(2, 2, 4+p[2]+p[3], 5+p[0]+p[1])
		for i := range want.Data {
			q := i % want.Dims[3]
			r := i / want.Dims[3] % want.Dims[2]
			bc := i / (want.Dims[2] * want.Dims[3])
			want.Data[i] = x.Data[(bc*4+reflect(r-p[2], 4))*5+reflect(q-p[0], 5)]
		}
		backendtest.AssertClose(t, fmt.Sprint("ReflectionPad2D ", p), got, want, 0)
	}
	checkGradients(t, rng, "ReflectionPad2D", func(in []*graph.Node) *graph.Node { return ReflectionPad2D(in[0], 2, 1, 1, 3) }, x)
}

func TestInstanceNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := backendtest.RandomArray(rng, 2, 3, 4, 5)
	scale, offset := backendtest.RandomArray(rng, 3), backendtest.RandomArray(rng, 3)
	got := run(t, func(x, s, o *graph.Node) *graph.Node { return InstanceNorm(x, s, o, InstanceNormEpsilon) }, x, scale, offset)
	want := backendtest.NewArray(x.Dims...)
	hw := 20
	for bc := range 6 {
		plane := x.Data[bc*hw : (bc+1)*hw]
		var mean, variance float64
		for _, v := range plane {
			mean += v / float64(hw)
		}
		for _, v := range plane {
			variance += (v - mean) * (v - mean) / float64(hw)
		}
		for i, v := range plane {
			want.Data[bc*hw+i] = (v-mean)/math.Sqrt(variance+InstanceNormEpsilon)*scale.Data[bc%3] + offset.Data[bc%3]
		}
	}
	backendtest.AssertClose(t, "InstanceNorm", got, want, 1e-12)
	checkGradients(t, rng, "InstanceNorm", func(in []*graph.Node) *graph.Node { return InstanceNorm(in[0], in[1], in[2], 1e-3) }, x, scale, offset)
}

// TestTorchReference compares with PyTorch's outputs stored by
// testdata/torch_reference.py, on inputs rebuilt from the same formulas.
func TestTorchReference(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name   string
		Params map[string]int
		Inputs map[string][]int
		Dims   []int
		Data   []float64
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("testdata/torch_reference.json: %v", err)
	}
	xOf := func(dims []int) array {
		return backendtest.ArrayOf(dims, func(i int) float64 { return math.Sin(0.37*float64(i) + 0.1) })
	}
	wOf := func(dims []int) array {
		return backendtest.ArrayOf(dims, func(i int) float64 { return math.Cos(0.53 * float64(i)) })
	}
	for i, c := range cases {
		p := c.Params
		x := xOf(c.Inputs["x"])
		var got array
		switch c.Name {
		case "conv_transpose2d":
			o := ConvTranspose2DOptions{Stride: p["stride"], Padding: p["padding"], OutputPadding: p["output_padding"], Dilation: p["dilation"]}
			got = run(t, func(x, w *graph.Node) *graph.Node { return ConvTranspose2D(x, w, o) }, x, wOf(c.Inputs["w"]))
		case "conv2d":
			o := Conv2DOptions{Stride: p["stride"], Padding: p["padding"], Dilation: p["dilation"]}
			got = run(t, func(x, w *graph.Node) *graph.Node { return Conv2D(x, w, o) }, x, wOf(c.Inputs["w"]))
		case "upsample_bilinear":
			got = run(t, Upsample2xBilinear, x)
		case "upsample_nearest":
			got = run(t, Upsample2xNearest, x)
		case "reflection_pad2d":
			got = run(t, func(x *graph.Node) *graph.Node {
				return ReflectionPad2D(x, p["left"], p["right"], p["top"], p["bottom"])
			}, x)
		case "instance_norm":
			for j := range x.Data {
				x.Data[j] = x.Data[j]*float64(p["input_scale"]) + float64(p["input_shift"])
			}
			channels := x.Dims[1]
			got = run(t, func(x, s, o *graph.Node) *graph.Node {
				if p["affine"] == 0 {
					return InstanceNorm(x, nil, nil, InstanceNormEpsilon)
				}
				return InstanceNorm(x, s, o, InstanceNormEpsilon)
			}, x, wOf([]int{channels}), xOf([]int{channels}))
		default:
			t.Fatalf("case #%d: unknown layer %q", i, c.Name)
		}
		backendtest.AssertClose(t, fmt.Sprintf("#%d %s %v", i, c.Name, p), got, array{Data: c.Data, Dims: c.Dims}, 1e-10)
	}
}
