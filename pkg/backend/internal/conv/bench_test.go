package conv

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkDirect times Direct on the shapes that dominate the MNIST GAN
// step (batch 64), reporting GFLOP/s of the direct computation.
func BenchmarkDirect(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		name                       string
		batch, in, out, size, k, s int
		pad                        int
	}{
		{"D2 forward 64-128 4x4 s2 14px", 64, 64, 128, 14, 4, 2, 1},
		{"D2 input-gradient phase 128-64 2x2 7px", 64, 128, 64, 7, 2, 1, 1},
		{"G2 forward 64-1 3x3 28px", 64, 64, 1, 28, 3, 1, 1},
	} {
		b.Run(c.name, func(b *testing.B) {
			var p Problem
			p.Batch, p.InChannels, p.OutChannels, p.ChannelGroups, p.BatchGroups = c.batch, c.in, c.out, 1, 1
			for a := range 2 {
				p.Input[a], p.Kernel[a], p.Stride[a], p.PadStart[a] = c.size, c.k, c.s, c.pad
				p.KernelDilation[a], p.InputDilation[a] = 1, 1
				p.Output[a] = (c.size+2*c.pad-c.k)/c.s + 1
			}
			var xs, ws, ys int
			p.InputStrides, xs = layout([4]int{p.Batch, p.InChannels, c.size, c.size}, [4]int{0, 1, 2, 3})
			p.KernelStrides, ws = layout([4]int{p.OutChannels, p.InChannels, c.k, c.k}, [4]int{0, 1, 2, 3})
			p.OutputStrides, ys = layout([4]int{p.Batch, p.OutChannels, p.Output[0], p.Output[1]}, [4]int{0, 1, 2, 3})
			x, w, y := random(rng, xs), random(rng, ws), make([]float32, ys)
			for b.Loop() {
				if err := Direct(&p, x, w, y); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(p.FLOPs())*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
