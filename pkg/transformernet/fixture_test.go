package transformernet_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/transformernet"
	"github.com/neuralart/neuralart/pkg/vgg"
	"github.com/neuralart/neuralart/pkg/weights"
)

// Tolerances of the reference fixtures, relative, as ‖a−b‖/‖b‖.
const (
	valueTolerance    = 1e-5
	gradientTolerance = 1e-4
)

// reference opens transformernet_reference.pth (see the fixtures' README).
func reference(t *testing.T) *weights.File {
	t.Helper()
	f, err := weights.Open(fixtures.Path("transformernet_reference.pth"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func refTensor(t *testing.T, f *weights.File, name string) *tensors.Tensor {
	t.Helper()
	x, err := f.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.FromFlatDataAndDimensions(x.Data, x.Shape...)
}

func refScalar(t *testing.T, f *weights.File, name string) float64 {
	t.Helper()
	return float64(tensors.MustCopyFlatData[float32](refTensor(t, f, name))[0])
}

func testBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFixtureForward runs both weight files, the zip one and the legacy one
// with the old running_* keys, on the reference inputs.
func TestFixtureForward(t *testing.T) {
	ref := reference(t)
	b := testBackend(t)
	for _, file := range []string{"transformernet_tiny.pth", "transformernet_tiny_legacy.pth"} {
		t.Run(file, func(t *testing.T) {
			net, err := transformernet.Load(fixtures.Path(file))
			if err != nil {
				t.Fatal(err)
			}
			s, err := transformernet.NewStylizer(b, net)
			if err != nil {
				t.Fatal(err)
			}
			inputs := 0
			for _, key := range ref.Keys() {
				name, ok := strings.CutPrefix(key, "input/")
				if !ok {
					continue
				}
				inputs++
				got, err := s.StylizeTensor(t.Context(), refTensor(t, ref, key))
				if err != nil {
					t.Fatal(err)
				}
				e := fixtures.RelativeError(t, "output/"+name, got, refTensor(t, ref, "output/"+name))
				t.Logf("output/%s %v: relative error %.2g", name, got.Shape().Dimensions, e)
				if e > valueTolerance {
					t.Errorf("output/%s: relative error %.3g exceeds %g", name, e, valueTolerance)
				}
			}
			if inputs == 0 {
				t.Fatalf("no input/ tensors in %s", ref.Name())
			}
		})
	}
}

// TestFixtureTrainingGradients compares one step of neural_style.py train:
// the perceptual loss's two terms and its gradient with respect to every
// weight, with the tiny VGG-16 as loss network.
func TestFixtureTrainingGradients(t *testing.T) {
	ref := reference(t)
	net, err := transformernet.Load(fixtures.Path("transformernet_tiny.pth"))
	if err != nil {
		t.Fatal(err)
	}
	lossNet, err := vgg.Load(fixtures.Path("vgg16_tiny_torchvision.pth"))
	if err != nil {
		t.Fatal(err)
	}
	if lossNet.Architecture() != vgg.VGG16 {
		t.Fatalf("vgg16_tiny_torchvision.pth loaded as %s", lossNet.Architecture())
	}
	keys, values := net.Weights()
	contentWeight, styleWeight := refScalar(t, ref, "train/content_weight"), refScalar(t, ref, "train/style_weight")
	exec, err := NewExec(testBackend(t), func(inputs []*Node) []*Node {
		content, styleImage, params := inputs[0], inputs[1], inputs[2:]
		byKey := func(key string) *Node { return params[slices.Index(keys, key)] }
		output := transformernet.Forward(content, byKey)
		c, s := transformernet.PerceptualLoss(lossNet, output, content, transformernet.StyleGrams(lossNet, styleImage), contentWeight, styleWeight)
		total := Add(c, s)
		return append([]*Node{Reshape(c, 1), Reshape(s, 1), Reshape(total, 1)}, Gradient(total, params...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	args := append([]any{refTensor(t, ref, "train/content"), refTensor(t, ref, "train/style")}, anys(values)...)
	out, err := exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got *tensors.Tensor, tolerance float64) {
		e := fixtures.RelativeError(t, name, got, refTensor(t, ref, name))
		if e > tolerance {
			t.Errorf("%s: relative error %.3g exceeds %g", name, e, tolerance)
		}
	}
	check("train/content_loss", out[0], valueTolerance)
	check("train/style_loss", out[1], valueTolerance)
	check("train/total_loss", out[2], valueTolerance)
	// The biases of the layers an instance norm follows (and the offsets of
	// the residual blocks' last norms, which reach only such layers) cancel
	// out: their exact gradient is 0, PyTorch's float64 one is rounding noise
	// and relative errors mean nothing. Those must be negligible next to the
	// largest gradient.
	largest := 0.0
	for _, key := range keys {
		largest = max(largest, norm(refTensor(t, ref, "train/grad/"+key)))
	}
	for i, key := range keys {
		name := "train/grad/" + key
		if norm(refTensor(t, ref, name)) > 1e-9*largest {
			check(name, out[3+i], gradientTolerance)
		} else if got := norm(out[3+i]); got > 1e-6*largest {
			t.Errorf("%s: norm %.3g, want about 0 (below %.3g)", name, got, 1e-6*largest)
		}
	}
}

// TestFixtureVGG16 checks VGG-16's relu4_3, the deepest layer of the
// perceptual loss, against torchvision's.
func TestFixtureVGG16(t *testing.T) {
	ref := reference(t)
	lossNet, err := vgg.Load(fixtures.Path("vgg16_tiny_torchvision.pth"))
	if err != nil {
		t.Fatal(err)
	}
	exec := MustNewExec(testBackend(t), func(x *Node) *Node {
		return lossNet.Features(MulScalar(x, 1.0/255), []string{"relu4_3"})["relu4_3"]
	})
	for _, key := range ref.Keys() {
		name, ok := strings.CutPrefix(key, "input/")
		if !ok {
			continue
		}
		got, err := exec.Exec(refTensor(t, ref, key))
		if err != nil {
			t.Fatal(err)
		}
		want := "vgg16/" + name + "/relu4_3"
		if e := fixtures.RelativeError(t, want, got[0], refTensor(t, ref, want)); e > valueTolerance {
			t.Errorf("%s: relative error %.3g exceeds %g", want, e, valueTolerance)
		}
	}
}

func anys[T any](values []T) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// norm returns the Euclidean norm of x's elements.
func norm(x *tensors.Tensor) float64 {
	var s float64
	for _, v := range tensors.MustCopyFlatData[float32](x) {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// tensorData returns a copy of x's float32 elements.
func tensorData(x *tensors.Tensor) []float32 { return tensors.MustCopyFlatData[float32](x) }
