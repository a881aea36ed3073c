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
			p, xs, ws, ys := squareProblem(c.batch, c.in, c.out, c.size, c.k, c.s, c.pad, [4]int{0, 1, 2, 3})
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
