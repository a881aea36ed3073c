package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naive is C = op(A)·op(B) in float64 loops.
func naive(a, b view, m, n, k int) []float64 {
	c := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				s += float64(a.at(i, p)) * float64(b.at(p, j))
			}
			c[i*n+j] = s
		}
	}
	return c
}

func random(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = rng.Float32()*2 - 1
	}
	return x
}

func TestMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := [][3]int{{1, 1, 1}, {4, 16, 8}, {5, 17, 3}, {130, 40, 300}, {37, 2100, 19}, {300, 3, 520}}
	for range 20 {
		sizes = append(sizes, [3]int{1 + rng.IntN(150), 1 + rng.IntN(150), 1 + rng.IntN(600)})
	}
	for _, s := range sizes {
		m, n, k := s[0], s[1], s[2]
		for _, trans := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			// Padded leading dimensions check the strides.
			lda, ldb := k+3, n+2
			if trans[0] {
				lda = m + 1
			}
			if trans[1] {
				ldb = k + 5
			}
			a := view{random(rng, max(m, k)*lda), lda, trans[0]}
			b := view{random(rng, max(n, k)*ldb), ldb, trans[1]}
			ldc := n + 4
			c := random(rng, m*ldc) // garbage: Mul overwrites
			Mul(trans[0], trans[1], m, n, k, a.data, lda, b.data, ldb, c, ldc)
			want := naive(a, b, m, n, k)
			for i := range m {
				for j := range n {
					if d := math.Abs(float64(c[i*ldc+j]) - want[i*n+j]); d > 1e-4*math.Sqrt(float64(k)) {
						t.Fatalf("%dx%dx%d trans %v (accelerated %v): C[%d,%d] = %g, want %g", m, n, k, trans, Accelerated, i, j, c[i*ldc+j], want[i*n+j])
					}
				}
			}
		}
	}
}

// BenchmarkMul reports GFLOP/s of square products (PyTorch's "sgemm 2048"
// in ../shared/bench runs at ~190 GFLOP/s on 2 threads).
func BenchmarkMul(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{512, 2048} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			x, y, c := random(rng, n*n), random(rng, n*n), make([]float32, n*n)
			for range b.N {
				Mul(false, false, n, n, n, x, n, y, n, c, n)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
