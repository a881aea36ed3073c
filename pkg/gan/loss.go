package gan

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/neuralart/neuralart/pkg/nn"
)

// Loss is the objective the two networks play. Each is a pair of losses
// computed from the discriminator's logits (scores before a sigmoid).
type Loss int

const (
	// NonSaturating is the article's loss, Goodfellow et al. (2014) §3 with
	// the generator's "maximize log D(G(z))" trick: binary cross-entropy on
	// logits, D learns real→1 and fake→0, G learns fake→1.
	//	L_D = −E[log σ(D(x))] − E[log(1 − σ(D(G(z))))]
	//	L_G = −E[log σ(D(G(z)))]
	NonSaturating Loss = iota
	// Hinge is the hinge loss of Lim & Ye (2017) and Miyato et al. (2018):
	//	L_D = E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))]
	//	L_G = −E[D(G(z))]
	Hinge
	// LeastSquares is LSGAN (Mao et al. 2017, eq. 2 with a=0, b=c=1):
	//	L_D = ½E[(D(x) − 1)²] + ½E[D(G(z))²]
	//	L_G = ½E[(D(G(z)) − 1)²]
	LeastSquares
	// WassersteinGP is WGAN-GP (Gulrajani et al. 2017, Algorithm 1): a critic
	// instead of a classifier, with a penalty λ·E[(‖∇D(x̂)‖₂ − 1)²] on random
	// interpolates x̂ between real and fake images.
	//	L_D = E[D(G(z))] − E[D(x)] + penalty
	//	L_G = −E[D(G(z))]
	// The penalty differentiates a gradient, so the discriminator must not
	// use batch normalisation (the paper's advice too) and GoMLX must
	// differentiate every op of D's backward pass: v0.26 cannot for
	// convolutions or slices (their gradients use Reverse and Pad, which have
	// no gradient), and the trainer says so at the first step.
	WassersteinGP
)

var lossNames = [...]string{"non-saturating", "hinge", "least-squares", "wgan-gp"}

func (l Loss) String() string {
	if l < 0 || int(l) >= len(lossNames) {
		return fmt.Sprintf("Loss(%d)", int(l))
	}
	return lossNames[l]
}

// Discriminator returns L_D (without WGAN-GP's penalty) from the logits of
// a real batch and a fake batch, each shaped [N].
func (l Loss) Discriminator(realLogits, fakeLogits *Node) *Node {
	switch l {
	case Hinge:
		return Add(ReduceAllMean(nn.ReLU(OneMinus(realLogits))),
			ReduceAllMean(nn.ReLU(OnePlus(fakeLogits))))
	case LeastSquares:
		return MulScalar(Add(ReduceAllMean(Square(AddScalar(realLogits, -1))), ReduceAllMean(Square(fakeLogits))), 0.5)
	case WassersteinGP:
		return Sub(ReduceAllMean(fakeLogits), ReduceAllMean(realLogits))
	default:
		// BCE(x, 1) = softplus(−x) and BCE(x, 0) = softplus(x).
		return Add(ReduceAllMean(Softplus(Neg(realLogits))), ReduceAllMean(Softplus(fakeLogits)))
	}
}

// Generator returns L_G from the logits of a fake batch, shaped [N].
func (l Loss) Generator(fakeLogits *Node) *Node {
	switch l {
	case Hinge, WassersteinGP:
		return Neg(ReduceAllMean(fakeLogits))
	case LeastSquares:
		return MulScalar(ReduceAllMean(Square(AddScalar(fakeLogits, -1))), 0.5)
	default:
		return ReduceAllMean(Softplus(Neg(fakeLogits)))
	}
}

// smoothingTerm turns the non-saturating L_D's real half, BCE(ℓ, 1) =
// softplus(−ℓ), into BCE(ℓ, 1−s) = softplus(−ℓ) + s·ℓ (since softplus(ℓ)
// − softplus(−ℓ) = ℓ): one-sided label smoothing adds s·E[ℓ(x)].
func smoothingTerm(realLogits *Node, s float64) *Node {
	return MulScalar(ReduceAllMean(realLogits), s)
}

// gradientPenalty is WGAN-GP's E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²] over x̂ = εx + (1−ε)x̃,
// ε ~ U[0, 1] per image (Gulrajani et al. 2017, eq. 3); eps is shaped [N].
func gradientPenalty(critic func(*Node) *Node, real, fake, eps *Node) *Node {
	eps = Reshape(eps, -1, 1, 1, 1)
	mixed := Add(Mul(eps, real), Mul(OneMinus(eps), fake))
	grad := Gradient(ReduceAllSum(critic(mixed)), mixed)[0]
	norm := Sqrt(ReduceSum(Square(Reshape(grad, grad.Shape().Dimensions[0], -1)), 1))
	return ReduceAllMean(Square(AddScalar(norm, -1)))
}
