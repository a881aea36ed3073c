package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"
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

// testSizes are random sizes and the edges of the blocking: m and n around
// multiples of mr and nr and across the nc block, k at 1 and around the
// kernel's 4-step unrolling and kc.
func testSizes(rng *rand.Rand) [][3]int {
	sizes := [][3]int{
		{1, 1, 1}, {mr, nr, 1}, {mr - 1, nr - 1, 2}, {mr + 1, nr + 1, 3}, {2 * mr, 2 * nr, 4}, {2*mr + 1, 2*nr - 1, 5},
		{mr, nr, kc - 1}, {mr, nr, kc}, {mr + 1, nr + 1, kc + 1}, {3*mr - 1, 3*nr + 1, 2*kc + 3},
		{4, 16, 8}, {5, 17, 3}, {130, 40, 300}, {37, nc + 52, 19}, {300, 3, 520}, {11, 2*nc + 1, 7},
		{203, 97, 301}, {61, 333, 257}, // split over goroutines by rows, by columns
	}
	for range 20 {
		sizes = append(sizes, [3]int{1 + rng.IntN(150), 1 + rng.IntN(150), 1 + rng.IntN(600)})
	}
	return sizes
}

func TestMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range testSizes(rng) {
		m, n, k := s[0], s[1], s[2]
		for _, trans := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, accumulate := range []bool{false, true} {
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
				c := random(rng, m*ldc) // Mul overwrites it, MulAdd adds to it
				want := naive(a, b, m, n, k)
				mul, name := Mul, "Mul"
				if accumulate {
					for i := range m {
						for j := range n {
							want[i*n+j] += float64(c[i*ldc+j])
						}
					}
					mul, name = MulAdd, "MulAdd"
				}
				pad := append([]float32(nil), c...)
				mul(trans[0], trans[1], m, n, k, a.data, lda, b.data, ldb, c, ldc)
				for i := range m {
					for j := range ldc {
						got := c[i*ldc+j]
						if j >= n {
							if got != pad[i*ldc+j] {
								t.Fatalf("%s %dx%dx%d trans %v: wrote C[%d,%d] beyond n", name, m, n, k, trans, i, j)
							}
							continue
						}
						if d := math.Abs(float64(got) - want[i*n+j]); d > 1e-4*math.Sqrt(float64(k+1)) {
							t.Fatalf("%s %dx%dx%d trans %v (accelerated %v): C[%d,%d] = %g, want %g", name, m, n, k, trans, Accelerated, i, j, got, want[i*n+j])
						}
					}
				}
			}
		}
	}
}

// BenchmarkMul reports GFLOP per CPU-second (steadier than wall time on a
// shared machine) and per wall second of square products: 256 on one
// goroutine stays in cache and measures the micro-kernel, 2048 on all
// GOMAXPROCS measures blocking and the split across cores (PyTorch's
// "sgemm 2048" in ../shared/bench runs at ~190 GFLOP/s on 2 threads).
func BenchmarkMul(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range []struct{ n, procs int }{{256, 1}, {2048, runtime.GOMAXPROCS(0)}} {
		b.Run(fmt.Sprintf("%d/procs=%d", s.n, s.procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(s.procs))
			n := s.n
			x, y, c := random(rng, n*n), random(rng, n*n), make([]float32, n*n)
			Mul(false, false, n, n, n, x, n, y, n, c, n)
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				Mul(false, false, n, n, n, x, n, y, n, c, n)
			}
			flop := 2 * float64(n*n*n) * float64(b.N) / 1e9
			b.ReportMetric(flop/(cpuTime()-cpu).Seconds(), "GFLOP/cpu-s")
			b.ReportMetric(flop/b.Elapsed().Seconds(), "GFLOP/s")
		})
	}
}

// cpuTime returns the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
