package gan

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// adam is Adam (Kingma & Ba 2014, https://arxiv.org/abs/1412.6980,
// Algorithm 1) exactly as torch.optim.Adam computes it:
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
//	θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
//
// over an explicit list of variables. GoMLX's optimizers update every
// trainable variable a graph uses, but a GAN step uses both networks and
// must step each with its own optimizer on its own loss. The moments and
// the step count live under the absolute scope "/<scope>", so checkpoints
// carry them.
type adam struct {
	scope                     string
	lr, beta1, beta2, epsilon float64
}

// torchAdamEpsilon is torch.optim.Adam's default ε.
const torchAdamEpsilon = 1e-8

// update applies one Adam step to vars given their gradients.
func (o adam) update(ctx *context.Context, vars []*context.Variable, grads []*Node) {
	if len(vars) == 0 {
		return
	}
	g := grads[0].Graph()
	state := ctx.InAbsPath(context.ScopeSeparator + o.scope).Checked(false).WithInitializer(initializers.Zero)
	stepVar := state.VariableWithValue("step", float32(0)).SetTrainable(false)
	step := OnePlus(stepVar.ValueGraph(g))
	stepVar.SetValueGraph(step)
	// Bias corrections 1−βᵗ, computed in float32 like PyTorch's.
	correction1 := OneMinus(Pow(Scalar(g, step.DType(), o.beta1), step))
	correction2 := OneMinus(Pow(Scalar(g, step.DType(), o.beta2), step))
	stepSize := Div(Scalar(g, step.DType(), o.lr), correction1)
	sqrtCorrection2 := Sqrt(correction2)

	for i, v := range vars {
		grad := grads[i]
		moments := state.InAbsPath(state.Scope() + v.Scope())
		mVar := moments.VariableWithShape(v.Name()+"_m", v.Shape()).SetTrainable(false)
		vVar := moments.VariableWithShape(v.Name()+"_v", v.Shape()).SetTrainable(false)
		m := Add(MulScalar(mVar.ValueGraph(g), o.beta1), MulScalar(grad, 1-o.beta1))
		sq := Add(MulScalar(vVar.ValueGraph(g), o.beta2), MulScalar(Square(grad), 1-o.beta2))
		mVar.SetValueGraph(m)
		vVar.SetValueGraph(sq)
		denominator := AddScalar(Div(Sqrt(sq), sqrtCorrection2), o.epsilon)
		v.SetValueGraph(Sub(v.ValueGraph(g), Mul(stepSize, Div(m, denominator))))
	}
}

// trainableIn returns the trainable variables under ctx's scope that g uses,
// in the context's (deterministic) order, and their current value nodes.
func trainableIn(ctx *context.Context, g *Graph) (vars []*context.Variable, values []*Node) {
	for v := range ctx.IterVariablesInScope() {
		if v.Trainable && v.InUseByGraph(g) {
			vars = append(vars, v)
			values = append(values, v.ValueGraph(g))
		}
	}
	return vars, values
}
