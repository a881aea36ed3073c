package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// layout returns strides for dims (in the problem's axis order) stored with
// the axes in the memory order perm (outermost first), and the element count.
func layout(dims [4]int, perm [4]int) (Strides, int) {
	var s Strides
	size := 1
	for i := 3; i >= 0; i-- {
		s[perm[i]] = size
		size *= dims[perm[i]]
	}
	return s, size
}

func randomPerm(rng *rand.Rand) [4]int {
	var p [4]int
	for i, v := range rng.Perm(4) {
		p[i] = v
	}
	return p
}

// randomProblem draws a valid problem with random layouts, and its tensors' sizes.
func randomProblem(rng *rand.Rand) (p Problem, xSize, wSize, ySize int) {
	p.Batch = 1 + rng.IntN(3)
	p.InChannels = 1 + rng.IntN(6)
	groups := 1 + rng.IntN(3)
	switch rng.IntN(3) {
	case 0:
		p.ChannelGroups, p.BatchGroups = groups, 1
	case 1:
		p.ChannelGroups, p.BatchGroups = 1, groups
	default:
		p.ChannelGroups, p.BatchGroups, groups = 1, 1, 1
	}
	p.OutChannels = groups * (1 + rng.IntN(5))
	for a := range 2 {
		p.Input[a] = 1 + rng.IntN(12)
		p.Kernel[a] = 1 + rng.IntN(4)
		p.Stride[a] = 1 + rng.IntN(3)
		p.KernelDilation[a] = 1 + rng.IntN(2)
		p.InputDilation[a] = 1 + rng.IntN(3)
		p.PadStart[a] = rng.IntN(4) - 1
		padEnd := rng.IntN(4) - 1
		dilatedIn := (p.Input[a]-1)*p.InputDilation[a] + 1 + p.PadStart[a] + padEnd
		dilatedK := (p.Kernel[a]-1)*p.KernelDilation[a] + 1
		if dilatedIn < dilatedK {
			p.PadStart[a] += dilatedK - dilatedIn
			dilatedIn = dilatedK
		}
		p.Output[a] = (dilatedIn-dilatedK)/p.Stride[a] + 1
		p.Flip[a] = rng.IntN(2) == 1
	}
	inChannels := p.InChannels * p.ChannelGroups
	p.InputStrides, xSize = layout([4]int{p.Batch * p.BatchGroups, inChannels, p.Input[0], p.Input[1]}, randomPerm(rng))
	p.KernelStrides, wSize = layout([4]int{p.OutChannels, p.InChannels, p.Kernel[0], p.Kernel[1]}, randomPerm(rng))
	p.OutputStrides, ySize = layout([4]int{p.Batch, p.OutChannels, p.Output[0], p.Output[1]}, randomPerm(rng))
	return p, xSize, wSize, ySize
}

// reference is the convolution by its definition, in float64, and the sum
// of |w·x| of each output (the scale its rounding errors grow with).
func reference(p *Problem, x, w []float32) (y, scale []float64) {
	_, outPerGroup := p.groups()
	y = make([]float64, p.Batch*p.OutChannels*p.Output[0]*p.Output[1])
	scale = make([]float64, len(y))
	for b := range p.Batch {
		for co := range p.OutChannels {
			g := co / outPerGroup
			image, channel0 := b, 0
			if p.BatchGroups > 1 {
				image = g*p.Batch + b
			}
			if p.ChannelGroups > 1 {
				channel0 = g * p.InChannels
			}
			for oh := range p.Output[0] {
				for ow := range p.Output[1] {
					var sum, abs float64
					for ci := range p.InChannels {
						for th := range p.Kernel[0] {
							uh, okH := p.inputIndex(0, oh, th)
							for tw := range p.Kernel[1] {
								uw, okW := p.inputIndex(1, ow, tw)
								if !okH || !okW {
									continue
								}
								kh, kw := th, tw
								if p.Flip[0] {
									kh = p.Kernel[0] - 1 - th
								}
								if p.Flip[1] {
									kw = p.Kernel[1] - 1 - tw
								}
								ks, xs := p.KernelStrides, p.InputStrides
								wv := float64(w[co*ks[0]+ci*ks[1]+kh*ks[2]+kw*ks[3]])
								xv := float64(x[image*xs[0]+(channel0+ci)*xs[1]+uh*xs[2]+uw*xs[3]])
								sum += wv * xv
								abs += math.Abs(wv * xv)
							}
						}
					}
					i := ((b*p.OutChannels+co)*p.Output[0]+oh)*p.Output[1] + ow
					y[i], scale[i] = sum, abs
				}
			}
		}
	}
	return y, scale
}

func random(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = rng.Float32()*2 - 1
	}
	return x
}

// checkDirect compares Direct with the reference on p.
func checkDirect(t *testing.T, rng *rand.Rand, p Problem, xSize, wSize, ySize int) {
	t.Helper()
	x, w := random(rng, xSize), random(rng, wSize)
	y := random(rng, ySize) // garbage: Direct overwrites
	if err := Direct(&p, x, w, y); err != nil {
		t.Fatalf("%+v: %v", p, err)
	}
	want, scale := reference(&p, x, w)
	for b := range p.Batch {
		for co := range p.OutChannels {
			for oh := range p.Output[0] {
				for ow := range p.Output[1] {
					i := ((b*p.OutChannels+co)*p.Output[0]+oh)*p.Output[1] + ow
					os := p.OutputStrides
					got := float64(y[b*os[0]+co*os[1]+oh*os[2]+ow*os[3]])
					if math.Abs(got-want[i]) > 1e-6*(scale[i]+1) {
						t.Fatalf("%+v: y[%d,%d,%d,%d] = %g, want %g", p, b, co, oh, ow, got, want[i])
					}
				}
			}
		}
	}
}

func TestDirectRandomProblems(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 400 {
		p, xs, ws, ys := randomProblem(rng)
		checkDirect(t, rng, p, xs, ws, ys)
	}
}

// TestDirectBlocks covers problems large enough to be split into several
// column blocks and, for the deep kernel-gradient shape, into slices of r.
func TestDirectBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: convolutions large enough to fill their patches in 4 MiB blocks")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		name                  string
		batch, in, out, size  int
		kernel, stride, pad   int
		transposedOutputBatch bool
	}{
		{"3x3 same", 2, 20, 9, 40, 3, 1, 1, false},
		{"4x4 stride 2", 3, 16, 8, 30, 4, 2, 1, false},
		// A kernel gradient: 3x3 output, the "kernel" is the whole image.
		{"kernel gradient", 17, 300, 5, 20, 18, 1, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			outPerm := [4]int{0, 1, 2, 3}
			if c.transposedOutputBatch {
				outPerm = [4]int{1, 0, 2, 3}
			}
			p, xs, ws, ys := squareProblem(c.batch, c.in, c.out, c.size, c.kernel, c.stride, c.pad, outPerm)
			checkDirect(t, rng, p, xs, ws, ys)
		})
	}
}

// squareProblem is a convolution of square images and kernels, NCHW input
// and OIHW kernel, the output's axes stored in the order outPerm, and its
// tensors' sizes.
func squareProblem(batch, in, out, size, kernel, stride, pad int, outPerm [4]int) (p Problem, xs, ws, ys int) {
	p.Batch, p.InChannels, p.OutChannels, p.ChannelGroups, p.BatchGroups = batch, in, out, 1, 1
	for a := range 2 {
		p.Input[a], p.Kernel[a], p.Stride[a], p.PadStart[a] = size, kernel, stride, pad
		p.KernelDilation[a], p.InputDilation[a] = 1, 1
		p.Output[a] = (size+2*pad-kernel)/stride + 1
	}
	p.InputStrides, xs = layout([4]int{batch, in, size, size}, [4]int{0, 1, 2, 3})
	p.KernelStrides, ws = layout([4]int{out, in, kernel, kernel}, [4]int{0, 1, 2, 3})
	p.OutputStrides, ys = layout([4]int{batch, out, p.Output[0], p.Output[1]}, outPerm)
	return p, xs, ws, ys
}

func TestDirectRejects(t *testing.T) {
	p := Problem{Batch: 1, InChannels: 1, OutChannels: 3, ChannelGroups: 2, BatchGroups: 1,
		Stride: [2]int{1, 1}, KernelDilation: [2]int{1, 1}, InputDilation: [2]int{1, 1}}
	if err := Direct(&p, nil, nil, nil); err == nil {
		t.Errorf("3 output channels in 2 groups: no error")
	}
	p.ChannelGroups, p.OutChannels, p.Stride = 1, 2, [2]int{0, 1}
	if err := Direct(&p, nil, nil, nil); err == nil {
		t.Errorf("stride 0: no error")
	}
}

func ExampleDirect() {
	// A 2x2 box filter over a 3x3 image, stride 1, no padding.
	p := Problem{
		Batch: 1, InChannels: 1, OutChannels: 1, ChannelGroups: 1, BatchGroups: 1,
		Input: [2]int{3, 3}, Kernel: [2]int{2, 2}, Output: [2]int{2, 2},
		Stride: [2]int{1, 1}, KernelDilation: [2]int{1, 1}, InputDilation: [2]int{1, 1},
		InputStrides: Strides{9, 9, 3, 1}, KernelStrides: Strides{4, 4, 2, 1}, OutputStrides: Strides{4, 4, 2, 1},
	}
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	w := []float32{1, 1, 1, 1}
	y := make([]float32, 4)
	if err := Direct(&p, x, w, y); err != nil {
		panic(err)
	}
	fmt.Println(y)
	// Output: [12 16 24 28]
}

// TestDirect1x1 covers 1x1 convolutions (products written as convolutions),
// which Direct computes as matrix products on the tensors as stored, in
// random layouts, with one spatial position or several.
func TestDirect1x1(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	products := 0
	for trial := range 200 {
		var p Problem
		p.Batch, p.InChannels, p.OutChannels = 1+rng.IntN(40), 1+rng.IntN(40), 1+rng.IntN(40)
		p.ChannelGroups, p.BatchGroups = 1, 1
		size := [2]int{1, 1}
		if trial%2 == 1 {
			size = [2]int{1 + rng.IntN(5), 1 + rng.IntN(5)}
		}
		p.Input, p.Output, p.Kernel = size, size, [2]int{1, 1}
		p.Stride, p.KernelDilation, p.InputDilation = [2]int{1, 1}, [2]int{1, 1}, [2]int{1, 1}
		var xs, ws, ys int
		p.InputStrides, xs = layout([4]int{p.Batch, p.InChannels, size[0], size[1]}, randomPerm(rng))
		p.KernelStrides, ws = layout([4]int{p.OutChannels, p.InChannels, 1, 1}, randomPerm(rng))
		p.OutputStrides, ys = layout([4]int{p.Batch, p.OutChannels, size[0], size[1]}, randomPerm(rng))
		x, w, y := random(rng, xs), random(rng, ws), make([]float32, ys)
		if p.matMul(x, w, y) {
			products++
		}
		checkDirect(t, rng, p, xs, ws, ys)
	}
	if products < 50 {
		t.Errorf("only %d of 200 1x1 problems ran as matrix products", products)
	}
}
