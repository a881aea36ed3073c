package gan

import (
	"errors"
	"fmt"
	"math"
	"strings"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/neuralart/neuralart/pkg/checkpoint"
)

// AverageScope is the absolute scope under which a trainer with
// Options.GeneratorAverage keeps the average of each generator variable (at
// "/" + AverageScope + the variable's own scope and name) and the number of
// steps averaged ("step"). Checkpoints carry them like Adam's moments.
const AverageScope = "generator_average"

// averageGenerator folds the generator's variables, as this step leaves
// them, into their exponential moving average (Yazıcı et al. 2019, "The
// Unusual Effectiveness of Averaging in GAN Training",
// https://arxiv.org/abs/1806.04498, eq. 2):
//
//	θ̄ₜ = β·θ̄ₜ₋₁ + (1−β)·θₜ
//
// GAN training orbits its equilibrium more than it converges to it, so the
// average of the iterates lies closer to the centre than any one of them;
// the generator's samples lose the step-to-step wobble of the live weights.
// Batch normalisation's running statistics are averaged the same way, so
// the averaged generator normalises with statistics of weights like its own.
// The average starts at zero and is read with Adam's bias correction
// θ̄ₜ/(1−βᵗ) (averagedGenerator), so it weighs only the steps since
// averaging began: a run resumed from a checkpoint without an average
// starts one there.
func (t *Trainer) averageGenerator(ctx *context.Context, g *Graph) {
	decay := t.opts.GeneratorAverage
	state := ctx.InAbsPath(context.ScopeSeparator + AverageScope).Checked(false).WithInitializer(initializers.Zero)
	stepVar := state.VariableWithValue("step", float32(0)).SetTrainable(false)
	stepVar.SetValueGraph(OnePlus(stepVar.ValueGraph(g)))
	var averaged []*context.Variable
	for v := range ctx.In(GeneratorScope).IterVariablesInScope() {
		if v.InUseByGraph(g) {
			averaged = append(averaged, v)
		}
	}
	for _, v := range averaged {
		average := state.InAbsPath(state.Scope()+v.Scope()).VariableWithShape(v.Name(), v.Shape()).SetTrainable(false)
		average.SetValueGraph(Add(MulScalar(average.ValueGraph(g), decay), MulScalar(v.ValueGraph(g), 1-decay)))
	}
}

// averagedGenerator returns the bias-corrected averages of the generator's
// variables, named as the generator's own (GeneratorScope), as
// LoadSampler's files hold them.
func (t *Trainer) averagedGenerator() (map[string]*tensors.Tensor, error) {
	if t.opts.GeneratorAverage == 0 {
		return nil, errors.New("gan: the trainer keeps no average of the generator: set Options.GeneratorAverage")
	}
	prefix := context.ScopeSeparator + AverageScope
	stepVar := t.ctx.GetVariableByScopeAndName(prefix, "step")
	if stepVar == nil {
		return nil, errors.New("gan: the generator's average is empty: no step has been trained since averaging began")
	}
	stepValue, err := stepVar.Value()
	if err != nil {
		return nil, err
	}
	steps := float64(tensors.ToScalar[float32](stepValue))
	// In float64: 1−βᵗ loses most of its digits in float32 for β near 1.
	correction := float32(1 / (1 - math.Pow(t.opts.GeneratorAverage, steps)))
	named := map[string]*tensors.Tensor{}
	for v := range t.ctx.IterVariables() {
		scope, isAverage := strings.CutPrefix(v.Scope(), prefix+context.ScopeSeparator)
		if !isAverage {
			continue
		}
		value, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("gan: average %s: %w", v.ScopeAndName(), err)
		}
		average, err := tensors.CopyFlatData[float32](value)
		if err != nil {
			return nil, fmt.Errorf("gan: average %s: %w", v.ScopeAndName(), err)
		}
		for i := range average {
			average[i] *= correction
		}
		corrected := tensors.FromFlatDataAndDimensions(average, value.Shape().Dimensions...)
		named[context.JoinScope(context.ScopeSeparator+scope, v.Name())] = corrected
	}
	return named, nil
}

// AveragedSampler returns a sampler of the generator's averaged weights
// (Options.GeneratorAverage) as they are now; unlike Sampler, it does not
// follow further training.
func (t *Trainer) AveragedSampler() (*Sampler, error) {
	named, err := t.averagedGenerator()
	if err != nil {
		return nil, err
	}
	return newSampler(t.backend, t.G, named, "the trainer's average")
}

// SaveGenerator writes the generator alone to path, atomically, for
// LoadSampler: its averaged weights when Options.GeneratorAverage is set,
// the live ones otherwise.
func (t *Trainer) SaveGenerator(path string) error {
	if t.opts.GeneratorAverage == 0 {
		return t.SaveTo(path, GeneratorScope)
	}
	named, err := t.averagedGenerator()
	if err != nil {
		return fmt.Errorf("gan: %s: %w", path, err)
	}
	return checkpoint.Write(path, checkpointFormat, t.step, named)
}
