package winograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuralart/neuralart/pkg/backend/internal/sgemm"
)

// tensor is a 4-D array read through element strides.
type tensor struct {
	data    []float32
	dims    [4]int
	strides [4]int
}

func (t tensor) at(i, j, k, l int) float32 {
	return t.data[i*t.strides[0]+j*t.strides[1]+k*t.strides[2]+l*t.strides[3]]
}

// newTensor allocates exactly the elements that strides reach, so that a
// read past them panics; unreached gaps are NaN.
func newTensor(dims, strides [4]int) tensor {
	n := 1
	for i := range 4 {
		n += (dims[i] - 1) * strides[i]
	}
	t := tensor{make([]float32, n), dims, strides}
	for i := range t.data {
		t.data[i] = float32(math.NaN())
	}
	return t
}

// layout returns the strides of a [d0][d1][d2][d3] tensor stored in the
// order given by perm (outermost first), with pad extra elements after each
// of the inner dimensions.
func layout(dims [4]int, perm [4]int, pad int) [4]int {
	var s [4]int
	step := 1
	for i := 3; i >= 0; i-- {
		s[perm[i]] = step
		step = step*dims[perm[i]] + pad
	}
	return s
}

// direct is the convolution of Conv in float64, with Σ|w||x| per output.
func direct(w tensor, flipH, flipW bool, x tensor, padTop, padLeft, outH, outW int, cos []int) (y, abs []float64) {
	batch, cin, h, wd := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
	for b := range batch {
		for _, co := range cos {
			for i := range outH {
				for j := range outW {
					var s, a float64
					for ci := range cin {
						for r := range 3 {
							xi := i + r - padTop
							if xi < 0 || xi >= h {
								continue
							}
							rr := r
							if flipH {
								rr = 2 - r
							}
							for c := range 3 {
								xj := j + c - padLeft
								if xj < 0 || xj >= wd {
									continue
								}
								cc := c
								if flipW {
									cc = 2 - c
								}
								p := float64(w.at(co, ci, rr, cc)) * float64(x.at(b, ci, xi, xj))
								s += p
								a += math.Abs(p)
							}
						}
					}
					y, abs = append(y, s), append(abs, a)
				}
			}
		}
	}
	return y, abs
}

func TestConv(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: both tile sizes on every layout against a float64 direct convolution; TestConvEdges stays")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	perms := [][4]int{{0, 1, 2, 3}, {0, 2, 3, 1}, {1, 0, 2, 3}, {2, 3, 1, 0}}
	// Bound on |y - direct| / Σ|w||x|, with Σ|w||x| the largest of the
	// output's m×m tile: the tile's outputs share their rounding, so one
	// whose window is mostly (or wholly) padding gets its neighbours'.
	tols := map[Algorithm]float64{F4x4: 2e-5, F2x2: 2e-6}
	worst := make(map[Algorithm]float64)
	for trial := range 300 {
		batch, cin, cout := 1+rng.IntN(3), 1+rng.IntN(40), 1+rng.IntN(40)
		h, wd := 1+rng.IntN(30), 1+rng.IntN(30)
		if trial%4 == 0 {
			// Wide enough for runs of 8 interior tiles side by side.
			h, wd = 1+rng.IntN(12), 34+rng.IntN(50)
		}
		pt, pl, pb, pr := rng.IntN(3), rng.IntN(3), rng.IntN(3), rng.IntN(3)
		outH := max(1, h+pt+pb-2+rng.IntN(5)-2)
		outW := max(1, wd+pl+pr-2+rng.IntN(5)-2)
		flipH, flipW := rng.IntN(2) == 0, rng.IntN(2) == 0
		alg := Algorithm(rng.IntN(2))

		wdims := [4]int{cout, cin, 3, 3}
		w := newTensor(wdims, layout(wdims, perms[rng.IntN(len(perms))], 0))
		xdims := [4]int{batch, cin, h, wd}
		x := newTensor(xdims, layout(xdims, perms[rng.IntN(2)], rng.IntN(3)))
		ydims := [4]int{batch, cout, outH, outW}
		y := newTensor(ydims, layout(ydims, perms[rng.IntN(2)], rng.IntN(3)))
		fill(w, func() float32 { return rng.Float32()*2 - 1 })
		fill(x, func() float32 { return rng.Float32()*2 - 1 })
		written := make([]bool, len(y.data))
		for b := range batch {
			for co := range cout {
				for i := range outH {
					for j := range outW {
						written[b*y.strides[0]+co*y.strides[1]+i*y.strides[2]+j*y.strides[3]] = true
					}
				}
			}
		}

		k := alg.TransformKernel(w.data, cout, cin, w.strides, flipH, flipW)
		Conv(k, x.data, batch, h, wd, x.strides, pt, pl, outH, outW, y.data, y.strides)
		want, abs := direct(w, flipH, flipW, x, pt, pl, outH, outW, channels(cout))
		name := fmt.Sprintf("trial %d %v: batch %d, %d→%d, %dx%d pad %d,%d → %dx%d, flip %v,%v, strides w%v x%v y%v",
			trial, alg, batch, cin, cout, h, wd, pt, pl, outH, outW, flipH, flipW, w.strides, x.strides, y.strides)
		m := algorithms[alg].m
		tileAbs := make(map[[4]int]float64)
		n := 0
		for b := range batch {
			for co := range cout {
				for i := range outH {
					for j := range outW {
						key := [4]int{b, co, i / m, j / m}
						tileAbs[key] = max(tileAbs[key], abs[n])
						n++
					}
				}
			}
		}
		n = 0
		for b := range batch {
			for co := range cout {
				for i := range outH {
					for j := range outW {
						got := float64(y.at(b, co, i, j))
						ta := tileAbs[[4]int{b, co, i / m, j / m}]
						e := math.Abs(got - want[n])
						if ta > 0 {
							worst[alg] = max(worst[alg], e/ta)
						}
						if !(e <= tols[alg]*ta) {
							t.Fatalf("%s: y[%d][%d][%d][%d] = %g, want %g (Σ|w||x| %g)", name, b, co, i, j, got, want[n], abs[n])
						}
						n++
					}
				}
			}
		}
		for i, v := range y.data {
			if !written[i] && !math.IsNaN(float64(v)) {
				t.Fatalf("%s: wrote y.data[%d] outside the output", name, i)
			}
		}
	}
	for alg, e := range worst {
		t.Logf("%v: largest error %.2e of the tile's Σ|w||x| (bound %.0e)", alg, e, tols[alg])
	}
}

func TestConvEdges(t *testing.T) {
	w := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	ws := [4]int{9, 9, 3, 1}
	if got, want := TransformKernel(w, 1, 1, ws, true, false).u, F4x4.TransformKernel(w, 1, 1, ws, true, false).u; !slices.Equal(got, want) {
		t.Errorf("TransformKernel differs from F4x4.TransformKernel")
	}
	for _, alg := range []Algorithm{F4x4, F2x2} {
		y := []float32{7, 7, 7, 7}
		ys := [4]int{4, 4, 2, 1}
		// No output: y untouched.
		Conv(alg.TransformKernel(w, 1, 1, ws, false, false), []float32{1}, 1, 1, 1, [4]int{1, 1, 1, 1}, 0, 0, 0, 2, y, ys)
		if !slices.Equal(y, []float32{7, 7, 7, 7}) {
			t.Errorf("%v: empty output wrote y = %v", alg, y)
		}
		// No input channels, or no input rows: zeros.
		Conv(alg.TransformKernel(nil, 1, 0, ws, false, false), nil, 1, 3, 3, [4]int{9, 9, 3, 1}, 0, 0, 2, 2, y, ys)
		if !slices.Equal(y, []float32{0, 0, 0, 0}) {
			t.Errorf("%v: no input channels: y = %v, want zeros", alg, y)
		}
		y = []float32{7, 7, 7, 7}
		Conv(alg.TransformKernel(w, 1, 1, ws, false, false), nil, 1, 0, 3, [4]int{0, 0, 3, 1}, 1, 0, 2, 2, y, ys)
		if !slices.Equal(y, []float32{0, 0, 0, 0}) {
			t.Errorf("%v: empty input: y = %v, want zeros", alg, y)
		}
	}
}

// fill sets the elements that t's strides reach.
func fill(t tensor, f func() float32) {
	for i := range t.dims[0] {
		for j := range t.dims[1] {
			for k := range t.dims[2] {
				for l := range t.dims[3] {
					t.data[i*t.strides[0]+j*t.strides[1]+k*t.strides[2]+l*t.strides[3]] = f()
				}
			}
		}
	}
}

func channels(n int) []int {
	c := make([]int, n)
	for i := range c {
		c[i] = i
	}
	return c
}

// vggLayers are the distinct convolution shapes of VGG-19 (at a 128 px
// input for the first two, to bound the float64 reference's time).
var vggLayers = []struct{ cin, cout, size int }{
	{3, 64, 224}, {64, 64, 128}, {128, 128, 64}, {256, 256, 32}, {512, 512, 16}, {512, 512, 8},
}

// vggInputs returns a post-ReLU-like input, uniform in [0, 1), and a
// He-normal kernel for a VGG layer, both contiguous.
func vggInputs(rng *rand.Rand, batch, cin, cout, size int) (x, w []float32) {
	x = make([]float32, batch*cin*size*size)
	for i := range x {
		x[i] = rng.Float32()
	}
	w = make([]float32, cout*cin*9)
	scale := math.Sqrt(2 / float64(9*cin))
	for i := range w {
		w[i] = float32(rng.NormFloat64() * scale)
	}
	return x, w
}

// im2col lays out x [cin][size][size] with padding 1 as the [9·cin][size²]
// matrix whose product with the [cout][9·cin] kernel is the convolution.
func im2col(x []float32, cin, size int) []float32 {
	col := make([]float32, 9*cin*size*size)
	for ci := range cin {
		for r := range 3 {
			for s := range 3 {
				row := col[((ci*3+r)*3+s)*size*size:]
				for i := range size {
					for j := range size {
						xi, xj := i+r-1, j+s-1
						if xi >= 0 && xi < size && xj >= 0 && xj < size {
							row[i*size+j] = x[(ci*size+xi)*size+xj]
						}
					}
				}
			}
		}
	}
	return col
}

// TestVGGError logs the error of F(4×4), F(2×2) and a float32 im2col GEMM
// against float64 on VGG-19's layer shapes (on 8 of the output channels).
// Errors are per output, relative to Σ|w||x| (max and RMS) and as
// ‖y - ref‖₂ / ‖ref‖₂.
func TestVGGError(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: VGG-19's layers at full width against a float64 direct convolution")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	t.Logf("%-15s %-12s %10s %10s %10s", "layer", "method", "max", "rms", "norm")
	for _, l := range vggLayers {
		size := l.size
		if testing.Short() {
			size = min(size, 32)
		}
		x, w := vggInputs(rng, 1, l.cin, l.cout, size)
		var cos []int
		for i := range 8 {
			cos = append(cos, i*l.cout/8)
		}
		xt := tensor{x, [4]int{1, l.cin, size, size}, [4]int{l.cin * size * size, size * size, size, 1}}
		wt := tensor{w, [4]int{l.cout, l.cin, 3, 3}, [4]int{l.cin * 9, 9, 3, 1}}
		want, abs := direct(wt, false, false, xt, 1, 1, size, size, cos)

		plane := size * size
		report := func(method string, y func(n, co int) []float32) {
			var maxRel, sumRel2, sumE2, sumY2 float64
			for n, co := range cos {
				got := y(n, co)
				for p := range plane {
					ref := want[n*plane+p]
					e := float64(got[p]) - ref
					rel := math.Abs(e) / abs[n*plane+p]
					maxRel = max(maxRel, rel)
					sumRel2 += rel * rel
					sumE2 += e * e
					sumY2 += ref * ref
				}
			}
			m := float64(len(cos) * plane)
			t.Logf("%-15s %-12s %10.2e %10.2e %10.2e", fmt.Sprintf("%d→%d@%d", l.cin, l.cout, size), method,
				maxRel, math.Sqrt(sumRel2/m), math.Sqrt(sumE2/sumY2))
		}

		for _, alg := range []Algorithm{F4x4, F2x2} {
			y := make([]float32, l.cout*plane)
			k := alg.TransformKernel(w, l.cout, l.cin, wt.strides, false, false)
			Conv(k, x, 1, size, size, xt.strides, 1, 1, size, size, y, [4]int{l.cout * plane, plane, size, 1})
			report(alg.String(), func(_, co int) []float32 { return y[co*plane:] })
		}
		ws := make([]float32, 0, len(cos)*9*l.cin)
		for _, co := range cos {
			ws = append(ws, w[co*9*l.cin:(co+1)*9*l.cin]...)
		}
		y := make([]float32, len(cos)*plane)
		sgemm.Mul(false, false, len(cos), plane, 9*l.cin, ws, 9*l.cin, im2col(x, l.cin, size), plane, y, plane)
		report("im2col GEMM", func(n, _ int) []float32 { return y[n*plane:] })
	}
}

// BenchmarkConv reports effective GFLOP/s (2·cout·cin·9·outH·outW·batch per
// convolution) of Conv on VGG-19's shapes, padding 1, against the GEMM
// alone of the equivalent im2col convolution (m = cout, n = outH·outW,
// k = 9·cin; building the im2col matrix not counted).
func BenchmarkConv(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	shapes := []struct{ batch, cin, cout, size int }{
		{1, 3, 64, 224}, {1, 64, 64, 224}, {1, 128, 128, 112}, {1, 256, 256, 56},
		{1, 512, 512, 28}, {1, 512, 512, 14}, {8, 512, 512, 14},
	}
	for _, s := range shapes {
		x, w := vggInputs(rng, s.batch, s.cin, s.cout, s.size)
		plane := s.size * s.size
		y := make([]float32, s.batch*s.cout*plane)
		flops := 2 * float64(s.batch*s.cout*s.cin*9*plane)
		gflops := func(b *testing.B) {
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		}
		name := fmt.Sprintf("b%d/%d→%d@%d", s.batch, s.cin, s.cout, s.size)
		for _, alg := range []Algorithm{F4x4, F2x2} {
			b.Run(name+"/"+alg.String(), func(b *testing.B) {
				k := alg.TransformKernel(w, s.cout, s.cin, [4]int{s.cin * 9, 9, 3, 1}, false, false)
				for b.Loop() {
					Conv(k, x, s.batch, s.size, s.size, [4]int{s.cin * plane, plane, s.size, 1}, 1, 1, s.size, s.size,
						y, [4]int{s.cout * plane, plane, s.size, 1})
				}
				gflops(b)
			})
		}
		b.Run(name+"/im2col-GEMM", func(b *testing.B) {
			col := im2col(x[:s.cin*plane], s.cin, s.size)
			for b.Loop() {
				for i := range s.batch {
					sgemm.Mul(false, false, s.cout, plane, 9*s.cin, w, 9*s.cin, col, plane, y[i*s.cout*plane:], plane)
				}
			}
			gflops(b)
		})
	}
}

// BenchmarkTransformKernel reports the time of transforming VGG-19's
// largest kernel, paid once per weight update (twice with the gradient).
func BenchmarkTransformKernel(b *testing.B) {
	_, w := vggInputs(rand.New(rand.NewPCG(9, 10)), 1, 512, 512, 1)
	for _, alg := range []Algorithm{F4x4, F2x2} {
		b.Run(alg.String(), func(b *testing.B) {
			for b.Loop() {
				alg.TransformKernel(w, 512, 512, [4]int{512 * 9, 9, 3, 1}, false, false)
			}
		})
	}
}
