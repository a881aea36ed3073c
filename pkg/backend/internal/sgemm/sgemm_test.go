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
	if testing.Short() {
		t.Skip("slow: 38 sizes × 8 transpose and accumulate cases against a naive product; pkg/backend/purego's tests still multiply through the GEMM")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range testSizes(rng) {
		checkMul(t, rng, s, func(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool) {
			if accumulate {
				MulAdd(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
			} else {
				Mul(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
			}
		})
	}
}

// TestMulOrientation checks both ways mulBlocked computes C, whichever
// transposeC picks, on products much taller than wide and much wider than
// tall, at the kernel's edges on both sides, and split over 3 goroutines.
func TestMulOrientation(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: 75 sizes, both orientations of C")
	}
	if !Accelerated {
		t.Skip("no AVX2 micro-kernel")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	rng := rand.New(rand.NewPCG(5, 6))
	sizes := [][3]int{
		{300, 3, 520}, {517, 7, 131}, {64, 16, 300}, {nc + 100, 5, 9}, {2*nc + 3, 17, 5}, {nc + 1, 20, 200},
		{300, maxTransposed, 40}, {maxTransposed + 1, maxTransposed - 1, 33},
		{3, 700, 129}, {16, 1030, 4}, {7, nc + 1, 200},
	}
	for _, m := range []int{1, mr - 1, mr, mr + 1, nr - 1, nr, nr + 1, 2*nr + mr} {
		for _, n := range []int{1, mr - 1, mr, mr + 1, nr - 1, nr, nr + 1, 2*nr + mr} {
			sizes = append(sizes, [3]int{m, n, 1 + rng.IntN(2*kc)})
		}
	}
	for _, s := range sizes {
		for _, transposeC := range []bool{false, true} {
			if transposeC && s[1] > maxTransposed {
				continue // beyond the scratch block, never chosen
			}
			t.Run(fmt.Sprintf("%dx%dx%d/transposeC=%v", s[0], s[1], s[2], transposeC), func(t *testing.T) {
				checkMul(t, rng, s, func(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool) {
					mulBlocked(view{data: a, ld: lda, transposed: transA}, view{data: b, ld: ldb, transposed: transB}, m, n, k, c, ldc, accumulate, transposeC)
				})
			})
		}
	}
}

// storedRows is a stored matrix seen through the Rows interface.
type storedRows view

func (r storedRows) Row(dst []float32, p, j int) {
	for q := range dst {
		dst[q] = view(r).at(p, j+q)
	}
}

// TestMulRows checks MulRows, B given row by row, against naive, through
// checkMul: for the cases MulRows covers (setting C), with B stored plain
// or transposed behind the interface.
func TestMulRows(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: products up to 1500 columns against a naive product")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	sizes := [][3]int{{1, 1, 1}, {5, 16, 4}, {7, 33, 130}, {130, 40, 300}, {37, 2100, 19}, {300, 3, 520}}
	for range 10 {
		sizes = append(sizes, [3]int{1 + rng.IntN(150), 1 + rng.IntN(1500), 1 + rng.IntN(400)})
	}
	for _, s := range sizes {
		checkMul(t, rng, s, func(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool) {
			if accumulate { // MulRows sets C: accumulate by hand
				sum := make([]float32, m*n)
				MulRows(transA, m, n, k, a, lda, storedRows{data: b, ld: ldb, transposed: transB}, sum, n)
				for i := range m {
					for j := range n {
						c[i*ldc+j] += sum[i*n+j]
					}
				}
				return
			}
			MulRows(transA, m, n, k, a, lda, storedRows{data: b, ld: ldb, transposed: transB}, c, ldc)
		})
	}
}

type mulFunc func(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool)

// checkMul compares mul with naive at size s = (m, n, k), for the four
// transpose combinations, setting and accumulating, with padded strides,
// and checks that mul writes nothing outside C's m×n window.
func checkMul(t *testing.T, rng *rand.Rand, s [3]int, mul mulFunc) {
	t.Helper()
	m, n, k := s[0], s[1], s[2]
	for _, trans := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		for _, accumulate := range []bool{false, true} {
			lda, ldb := k+3, n+2
			if trans[0] {
				lda = m + 1
			}
			if trans[1] {
				ldb = k + 5
			}
			a := view{data: random(rng, max(m, k)*lda), ld: lda, transposed: trans[0]}
			b := view{data: random(rng, max(n, k)*ldb), ld: ldb, transposed: trans[1]}
			// C's rows are padded, and a guard row follows them within
			// the slice mul gets.
			ldc := n + 4
			c := random(rng, (m+1)*ldc)
			want := naive(a, b, m, n, k)
			if accumulate {
				for i := range m {
					for j := range n {
						want[i*n+j] += float64(c[i*ldc+j])
					}
				}
			}
			before := append([]float32(nil), c...)
			mul(trans[0], trans[1], m, n, k, a.data, lda, b.data, ldb, c, ldc, accumulate)
			for i := range m + 1 {
				for j := range ldc {
					got := c[i*ldc+j]
					if i >= m || j >= n {
						if got != before[i*ldc+j] {
							t.Fatalf("%dx%dx%d trans %v accumulate %v: wrote C[%d,%d] outside %dx%d", m, n, k, trans, accumulate, i, j, m, n)
						}
						continue
					}
					if d := math.Abs(float64(got) - want[i*n+j]); d > 1e-4*math.Sqrt(float64(k+1)) {
						t.Fatalf("%dx%dx%d trans %v accumulate %v (accelerated %v): C[%d,%d] = %g, want %g", m, n, k, trans, accumulate, Accelerated, i, j, got, want[i*n+j])
					}
				}
			}
		}
	}
}

// BenchmarkMul reports GFLOP per CPU-second (steadier than wall time on a
// shared machine) and per wall second. Square 256 on one goroutine stays in
// cache and measures the micro-kernel, 2048 measures blocking and the split
// across cores (PyTorch's "sgemm 2048" in ../shared/bench runs at ~190
// GFLOP/s on 2 threads). The others are the convolutions' products with
// one side small, where packing used to dominate: VGG's deep layers at
// batch 1 (512 channels, 3·3·512 taps, 8×8 or 16×16 pixels), Winograd's
// per-point products (512→512 channels, 16 or 49 tiles) and a GAN's kernel
// gradients (64 channels, 3136 or 12544 pixels) and its 1×1 layers. All
// but 256 run on GOMAXPROCS goroutines (-cpu 1 gives per-core numbers).
func BenchmarkMul(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	procs := runtime.GOMAXPROCS(0)
	for _, s := range []struct{ m, n, k, procs int }{
		{256, 256, 256, 1}, {2048, 2048, 2048, procs},
		{512, 64, 4608, procs}, {512, 256, 4608, procs},
		{512, 16, 512, procs}, {512, 49, 512, procs},
		{64, 16, 3136, procs}, {64, 576, 12544, procs}, {64, 4096, 64, procs},
	} {
		b.Run(fmt.Sprintf("%dx%dx%d/procs=%d", s.m, s.n, s.k, s.procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(s.procs))
			m, n, k := s.m, s.n, s.k
			x, y, c := random(rng, m*k), random(rng, k*n), make([]float32, m*n)
			Mul(false, false, m, n, k, x, k, y, n, c, n)
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				Mul(false, false, m, n, k, x, k, y, n, c, n)
			}
			flop := 2 * float64(m*n*k) * float64(b.N) / 1e9
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
