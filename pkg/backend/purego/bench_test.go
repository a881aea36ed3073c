package purego

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors/images"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

// vggConvs are the 3x3 convolutions of VGG-19 up to conv5_1 (features[:30]),
// as (input channels, output channels, pool before).
var vggConvs = []struct {
	in, out int
	pool    bool
}{
	{3, 64, false}, {64, 64, false},
	{64, 128, true}, {128, 128, false},
	{128, 256, true}, {256, 256, false}, {256, 256, false}, {256, 256, false},
	{256, 512, true}, {512, 512, false}, {512, 512, false}, {512, 512, false},
	{512, 512, true},
}

func conv3x3(x, k *graph.Node) *graph.Node {
	return graph.Convolve(x, k).ChannelsAxis(images.ChannelsFirst).PadSame().Done()
}

// BenchmarkConv runs a 3x3, stride 1, same-padded convolution (NCHW, batch 1)
// at VGG-19 layer shapes: forward, and backward (the input gradient, as the
// Gatys loop needs). It reports GFLOP/s (2 flops per multiply-add).
func BenchmarkConv(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct {
		name          string
		in, out, size int
	}{
		{"conv1_2", 64, 64, 128}, {"conv2_2", 128, 128, 64}, {"conv3_2", 256, 256, 32},
		{"conv4_2", 512, 512, 16}, {"conv5_1", 512, 512, 8},
	} {
		x := backendtest.RandomTensor32(rng, 1, s.in, s.size, s.size)
		k := backendtest.RandomTensor32(rng, s.out, s.in, 3, 3)
		flops := 2 * float64(s.in*s.out*9*s.size*s.size)
		for _, pass := range []string{"forward", "backward"} {
			b.Run(fmt.Sprintf("%s-%dx%d-%dpx/%s", s.name, s.in, s.out, s.size, pass), func(b *testing.B) {
				fn := conv3x3
				if pass == "backward" {
					fn = func(x, k *graph.Node) *graph.Node { return graph.Gradient(graph.ReduceAllSum(conv3x3(x, k)), x)[0] }
				}
				exec := graph.MustNewExec(testBackend(), fn)
				exec.MustExec(x, k) // compile
				b.ResetTimer()
				for range b.N {
					exec.MustExec(x, k)[0].FinalizeAll()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkVGGStack runs the convolutions, ReLUs and max-pools of VGG-19 up
// to relu5_1 on a 1x3xSxS image, forward and input gradient: the bulk of a
// Gatys style-transfer step (pkg/style has the full step).
func BenchmarkVGGStack(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, size := range []int{128, 256} {
		b.Run(fmt.Sprintf("%dpx", size), func(b *testing.B) {
			args := []any{backendtest.RandomTensor32(rng, 1, 3, size, size)}
			var flops float64
			s := size
			for _, c := range vggConvs {
				if c.pool {
					s /= 2
				}
				args = append(args, backendtest.RandomTensor32(rng, c.out, c.in, 3, 3))
				flops += 2 * 2 * float64(c.in*c.out*9*s*s) // forward + input gradient
			}
			exec := graph.MustNewExecAny(testBackend(), func(in []*graph.Node) *graph.Node {
				x := in[0]
				for i, c := range vggConvs {
					if c.pool {
						x = graph.MaxPool(x).ChannelsAxis(images.ChannelsFirst).Window(2).Done()
					}
					x = graph.Max(conv3x3(x, in[1+i]), graph.ScalarZero(x.Graph(), x.DType()))
				}
				return graph.Gradient(graph.ReduceAllSum(graph.Mul(x, x)), in[0])[0]
			})
			exec.MustExec(args...)
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				exec.MustExec(args...)[0].FinalizeAll()
			}
			// On a shared machine the CPU time is steadier than the wall time.
			b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemm multiplies two 2048x2048 float32 matrices with DotGeneral:
// the ceiling for convolutions lowered to patches + DotGeneral (PyTorch's
// "sgemm 2048" in ../shared/bench).
func BenchmarkSgemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	const n = 2048
	x, y := backendtest.RandomTensor32(rng, n, n), backendtest.RandomTensor32(rng, n, n)
	exec := graph.MustNewExec(testBackend(), func(x, y *graph.Node) *graph.Node { return graph.Dot(x, y) })
	exec.MustExec(x, y)
	b.ResetTimer()
	for range b.N {
		exec.MustExec(x, y)[0].FinalizeAll()
	}
	b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// cpuTime returns the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
