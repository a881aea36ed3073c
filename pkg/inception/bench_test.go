package inception

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/weights"
)

// fullWidth returns the output channels of the named convolution in
// torchvision's (and pytorch-fid's) full-width network.
func fullWidth(name string) int {
	block, conv, _ := strings.Cut(name, ".")
	switch {
	case conv == "":
		return map[string]int{"Conv2d_1a_3x3": 32, "Conv2d_2a_3x3": 32, "Conv2d_2b_3x3": 64, "Conv2d_3b_1x1": 80, "Conv2d_4a_3x3": 192}[block]
	case name == "Mixed_5b.branch_pool":
		return 32
	case strings.HasPrefix(block, "Mixed_5"):
		return map[string]int{"branch1x1": 64, "branch5x5_1": 48, "branch5x5_2": 64, "branch3x3dbl_1": 64,
			"branch3x3dbl_2": 96, "branch3x3dbl_3": 96, "branch_pool": 64}[conv]
	case block == "Mixed_6a":
		return map[string]int{"branch3x3": 384, "branch3x3dbl_1": 64, "branch3x3dbl_2": 96, "branch3x3dbl_3": 96}[conv]
	case strings.HasPrefix(block, "Mixed_6"):
		switch conv {
		case "branch1x1", "branch7x7_3", "branch7x7dbl_5", "branch_pool":
			return 192
		}
		return map[string]int{"Mixed_6b": 128, "Mixed_6c": 160, "Mixed_6d": 160, "Mixed_6e": 192}[block]
	case block == "Mixed_7a":
		if conv == "branch3x3_2" {
			return 320
		}
		return 192
	}
	switch conv { // Mixed_7b, Mixed_7c
	case "branch1x1":
		return 320
	case "branch3x3dbl_1":
		return 448
	case "branch_pool":
		return 192
	}
	return 384
}

// randomStateDict builds pytorch-fid's state_dict at 1/divisor of full
// width (at least one channel per layer) with He-normal kernels and random
// batch-norm parameters, seeded.
type randomStateDict struct {
	divisor int
	tensors map[string]*weights.Tensor
	rng     *rand.Rand
}

func (r *randomStateDict) conv(in int, name string, g geometry) int {
	out := max(fullWidth(name)/r.divisor, 1)
	kernel := make([]float32, out*in*g.kh*g.kw)
	std := math.Sqrt(2 / float64(in*g.kh*g.kw))
	for i := range kernel {
		kernel[i] = float32(r.rng.NormFloat64() * std)
	}
	r.tensors[name+".conv.weight"] = &weights.Tensor{Shape: []int{out, in, g.kh, g.kw}, Data: kernel}
	for _, k := range batchNormKeys {
		data := make([]float32, out)
		for i := range data {
			data[i] = float32(0.5 + r.rng.Float64()) // variances and scales near 1, means and shifts positive
		}
		r.tensors[name+".bn."+k] = &weights.Tensor{Shape: []int{out}, Data: data}
	}
	return out
}

func (r *randomStateDict) maxPool(in, _, _ int) int { return in }
func (r *randomStateDict) avgPool(in int) int       { return in }
func (r *randomStateDict) concat(ins ...int) int {
	sum := 0
	for _, in := range ins {
		sum += in
	}
	return sum
}

// randomSafetensors returns a safetensors file of random weights at
// 1/divisor of full width.
func randomSafetensors(t testing.TB, seed uint64, divisor int) []byte {
	r := &randomStateDict{divisor: divisor, tensors: map[string]*weights.Tensor{}, rng: rand.New(rand.NewPCG(seed, 0))}
	network[int](r, 3)
	var buf bytes.Buffer
	if err := weights.WriteSafetensors(&buf, r.tensors, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkFeatures is pytorch-fid's full-width network on a batch of
// 299×299 images (no resize); compare with PyTorch CPU:
//
//	with torch.no_grad(): InceptionV3()(x)  # x = torch.rand(4, 3, 299, 299)
func BenchmarkFeatures(b *testing.B) {
	file := randomSafetensors(b, 1, 1)
	f, err := weights.NewReader(bytes.NewReader(file), int64(len(file)), "random.safetensors")
	if err != nil {
		b.Fatal(err)
	}
	model, err := FromFile(f)
	if err != nil {
		b.Fatal(err)
	}
	if model.Dim() != 2048 {
		b.Fatalf("full-width network has %d features, want 2048", model.Dim())
	}
	exec := MustNewExec(backend.MustNew(), model.Features)
	for _, batch := range []int{1, 4} {
		b.Run(fmt.Sprintf("batch%d", batch), func(b *testing.B) {
			data := make([]float32, batch*3*InputSize*InputSize)
			for i := range data {
				data[i] = float32(i%251) / 251
			}
			x := tensors.FromFlatDataAndDimensions(data, batch, 3, InputSize, InputSize)
			exec.MustExec(x) // compile outside the timing
			b.ResetTimer()
			for range b.N {
				exec.MustExec(x)[0].FinalizeAll()
			}
			b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N*batch), "s/image")
		})
	}
}
