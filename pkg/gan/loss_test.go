package gan

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// TestLossesAtZeroLogits checks each loss where D cannot tell real from
// fake (all logits 0) against its formula there.
func TestLossesAtZeroLogits(t *testing.T) {
	log2 := math.Log(2)
	want := map[Loss][2]float64{ // {L_D, L_G}
		NonSaturating: {2 * log2, log2}, // −log σ(0) − log(1 − σ(0)), −log σ(0)
		Hinge:         {2, 0},           // max(0, 1) + max(0, 1), −0
		LeastSquares:  {0.5, 0.5},       // ½(0 − 1)² + ½·0², ½(0 − 1)²
		WassersteinGP: {0, 0},
	}
	b := newBackend(t)
	for loss, w := range want {
		out := MustNewExec(b, func(logits *Node) []*Node {
			return []*Node{loss.Discriminator(logits, logits), loss.Generator(logits)}
		}).MustExec(tensors.FromShape(shapes.Make(dtypes.Float32, 5)))
		for i, name := range []string{"L_D", "L_G"} {
			if got := float64(tensors.ToScalar[float32](out[i])); math.Abs(got-w[i]) > 1e-6 {
				t.Errorf("%v: %s = %v at zero logits, want %v", loss, name, got, w[i])
			}
		}
	}
}

// quadraticCritic is D(x) = Σ a·x² per image, a a variable shaped like one
// image: its input gradient 2a·x is known, and GoMLX can differentiate it
// twice (unlike convolutions, whose gradients use Pad and Reverse, which
// have no gradient in GoMLX v0.26).
type quadraticCritic struct{}

func (quadraticCritic) Logits(ctx *context.Context, x, _ *Node) *Node {
	d := x.Shape().Dimensions
	a := ctx.WithInitializer(initializers.RandomNormalFn(ctx, 1)).VariableWithShape("a", shapes.Make(x.DType(), d[1:]...)).ValueGraph(x.Graph())
	return ReduceSum(Mul(ExpandAxes(a, 0), Square(x)), 1, 2, 3)
}

func TestGradientPenalty(t *testing.T) {
	b := newBackend(t)
	real, fake := randomTensor(1, 3, 2, 4, 4), randomTensor(2, 3, 2, 4, 4)
	a := randomTensor(3, 2, 4, 4)
	eps := tensors.FromFlatDataAndDimensions([]float32{0, 0.25, 1}, 3)
	got := MustNewExec(b, func(real, fake, eps, a *Node) *Node {
		critic := func(x *Node) *Node { return ReduceSum(Mul(ExpandAxes(a, 0), Square(x)), 1, 2, 3) }
		return gradientPenalty(critic, real, fake, eps)
	}).MustExec(real, fake, eps, a)[0]

	// By hand: x̂ = εx + (1−ε)x̃, ∇D(x̂) = 2a·x̂.
	r, f, av, e := tensors.MustCopyFlatData[float32](real), tensors.MustCopyFlatData[float32](fake),
		tensors.MustCopyFlatData[float32](a), tensors.MustCopyFlatData[float32](eps)
	size := len(av)
	want := 0.0
	for i := range 3 {
		norm := 0.0
		for j := range size {
			mixed := float64(e[i])*float64(r[i*size+j]) + (1-float64(e[i]))*float64(f[i*size+j])
			g := 2 * float64(av[j]) * mixed
			norm += g * g
		}
		want += (math.Sqrt(norm) - 1) * (math.Sqrt(norm) - 1) / 3
	}
	if g := float64(tensors.ToScalar[float32](got)); math.Abs(g-want) > 1e-4*math.Abs(want) {
		t.Errorf("gradient penalty = %v, want %v", g, want)
	}
}

func TestWassersteinGPTrains(t *testing.T) {
	g, d := tinyPair()
	b := newBackend(t)
	tr, err := NewTrainer(b, g, quadraticCritic{}, randomData(g, 4), Options{Loss: WassersteinGP})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(t.Context(), 2); err != nil {
		t.Fatalf("WGAN-GP with a twice-differentiable critic: %v", err)
	}
	// The article's convolutional discriminator needs second derivatives
	// GoMLX v0.26 cannot build: the trainer says so.
	tr, err = NewTrainer(b, g, d, randomData(g, 4), Options{Loss: WassersteinGP})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.TrainStep(); err == nil || !strings.Contains(err.Error(), "second derivative") {
		t.Errorf("WGAN-GP with convolutions: got error %v, want one explaining the missing second derivatives", err)
	}
}

// With one-sided label smoothing s the non-saturating L_D is BCE with target
// 1−s on real logits: (1−s)·softplus(−x) + s·softplus(x), and BCE(y, 0) on
// fakes.
func TestLabelSmoothingIsBCEWithASoftTarget(t *testing.T) {
	const s = 0.1
	realLogits, fakeLogits := []float32{-2, 0.5, 3}, []float32{1, -1, 0}
	out := MustNewExec(newBackend(t), func(r, f *Node) *Node {
		return Add(NonSaturating.Discriminator(r, f), smoothingTerm(r, s))
	}).MustExec(realLogits, fakeLogits)
	softplus := func(x float64) float64 { return math.Log1p(math.Exp(x)) }
	var want float64
	for i := range realLogits {
		x, y := float64(realLogits[i]), float64(fakeLogits[i])
		want += ((1-s)*softplus(-x) + s*softplus(x) + softplus(y)) / float64(len(realLogits))
	}
	if got := float64(tensors.ToScalar[float32](out[0])); math.Abs(got-want) > 1e-6 {
		t.Errorf("smoothed L_D = %v, want %v", got, want)
	}
}
