package gan

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Data supplies training batches: Batch(step) returns the real images of
// training step `step` (0-based), NCHW float32 in [-1, 1], all batches the
// same shape. It must be a deterministic function of step (for example a
// seeded shuffle per epoch) so that a resumed run sees exactly the batches
// an uninterrupted one would.
type Data interface {
	Batch(step int) (*tensors.Tensor, error)
}

// DataFunc adapts a function to Data.
type DataFunc func(step int) (*tensors.Tensor, error)

// Batch implements Data.
func (f DataFunc) Batch(step int) (*tensors.Tensor, error) { return f(step) }

// Options are the trainer's knobs; the zero value of each field means the
// default given beside it.
type Options struct {
	Loss Loss // NonSaturating
	// Adam's hyper-parameters for both networks: 2e-4, 0.5, 0.999, as
	// Radford et al. (2015, §4) found for DCGAN.
	LearningRate, Beta1, Beta2 float64
	// GradientPenalty is WGAN-GP's λ (10, Gulrajani et al. 2017).
	GradientPenalty float64
	// Seed fixes the initial weights, the latent codes drawn each step and
	// the fixed noise of the progress samples (0 is a valid seed).
	Seed int64
	// SampleCount is the number of fixed latent codes whose images Report
	// carries (64).
	SampleCount int

	// CheckpointDir, when set, receives a checkpoint every CheckpointEvery
	// steps (1000) and at the end of Train; the newest KeepCheckpoints (3)
	// are kept.
	CheckpointDir                    string
	CheckpointEvery, KeepCheckpoints int

	// Every ReportEvery steps (100) the trainer calls OnReport, when set, and
	// writes a progress line to Log, when set. A non-nil error from OnReport
	// stops training and is returned by Train.
	ReportEvery int
	OnReport    func(Report) error
	Log         io.Writer
}

func (o Options) withDefaults() Options {
	defaults := []struct {
		field *float64
		value float64
	}{{&o.LearningRate, 2e-4}, {&o.Beta1, 0.5}, {&o.Beta2, 0.999}, {&o.GradientPenalty, 10}}
	for _, d := range defaults {
		if *d.field == 0 {
			*d.field = d.value
		}
	}
	for _, d := range []struct {
		field *int
		value int
	}{
		{&o.SampleCount, 64}, {&o.CheckpointEvery, 1000}, {&o.KeepCheckpoints, 3}, {&o.ReportEvery, 100}} {
		if *d.field <= 0 {
			*d.field = d.value
		}
	}
	return o
}

// Report is the state of training after a step.
type Report struct {
	Step         int     // Steps done so far.
	LossD, LossG float64 // Losses of this step's D and G updates.
	// DReal and DFake are the discriminator's mean σ(logit) on the real and
	// the fake batch before its update: D(x) and D(G(z)) in Goodfellow et
	// al.'s notation (for WassersteinGP, the σ of a critic score).
	DReal, DFake float64
	StepTime     time.Duration // Mean wall time per step since the last report.
	// Samples are G's images of the fixed noise, [SampleCount, C, H, W],
	// NCHW in [-1, 1] (sampled with running batch-norm statistics).
	Samples *tensors.Tensor
}

// NonFiniteError reports a loss that became NaN or ±Inf.
type NonFiniteError struct {
	Step         int // The step whose update produced it (1-based).
	LossD, LossG float64
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("gan: training diverged at step %d: discriminator loss %v, generator loss %v "+
		"(try a lower learning rate or check the data for NaN)", e.Step, e.LossD, e.LossG)
}

// Scopes of the two networks' variables in the trainer's context.
const (
	GeneratorScope     = "generator"
	DiscriminatorScope = "discriminator"
)

// Trainer alternates discriminator and generator updates (Goodfellow et al.
// 2014, Algorithm 1 with k = 1), each with its own Adam, as pytorch/examples'
// DCGAN does: per step, z ~ N(0, I); D descends L_D on the real batch and
// G(z); then G descends L_G through the updated D. One compiled graph does
// the whole step.
//
// All state that determines the future of a run (weights, batch-norm
// averages, Adam moments, the random-number generator, the fixed noise) is
// held in GoMLX context variables, which is what checkpoints store; with a
// Data that is a function of the step, a resumed run is bit-identical to an
// uninterrupted one.
type Trainer struct {
	G    Generator
	D    Discriminator
	data Data
	opts Options

	backend    backends.Backend
	ctx        *context.Context
	step       int
	stepExec   *context.Exec
	sampler    *Sampler
	fixedNoise *context.Variable
	skipped    []SkippedCheckpoint
}

// SkippedCheckpoint is a checkpoint that Resume passed over because it is
// corrupt (see Trainer.SkippedCheckpoints).
type SkippedCheckpoint struct {
	Path    string // The checkpoint as Resume found it.
	MovedTo string // Where Resume renamed it (Path + ".corrupt").
	Err     error  // What is wrong with it; the message names Path.
}

// NewTrainer creates the networks' variables on backend, initialised from
// opts.Seed. data may be nil for a trainer that only loads, describes or
// samples.
func NewTrainer(backend backends.Backend, g Generator, d Discriminator, data Data, opts Options) (*Trainer, error) {
	if opts.Loss < NonSaturating || opts.Loss > WassersteinGP {
		return nil, fmt.Errorf("gan: unknown loss %v", opts.Loss)
	}
	t := &Trainer{G: g, D: d, data: data, opts: opts.withDefaults(), backend: backend, ctx: context.New().Checked(false)}
	if err := t.ctx.SetRNGStateFromSeed(t.opts.Seed); err != nil {
		return nil, err
	}
	// The fixed noise is drawn on the host from the seed, so every backend
	// shows the same progress samples.
	rng := rand.New(rand.NewPCG(uint64(t.opts.Seed), 0x9e3779b97f4a7c15))
	noise := make([]float32, t.opts.SampleCount*g.LatentDim())
	for i := range noise {
		noise[i] = float32(rng.NormFloat64())
	}
	t.fixedNoise = t.ctx.InAbsPath("/trainer").VariableWithValue("fixed_noise",
		tensors.FromFlatDataAndDimensions(noise, t.opts.SampleCount, g.LatentDim())).SetTrainable(false)
	t.sampler = &Sampler{G: g, ctx: t.ctx, backend: backend}
	t.stepExec = context.MustNewExec(backend, t.ctx, t.stepGraph)
	// Create and initialise both networks' variables now, in a fixed order,
	// so that the weights depend on the seed only.
	initExec, err := context.NewExec(backend, t.ctx, func(ctx *context.Context, z, images *Node) (*Node, *Node) {
		return g.Generate(ctx.In(GeneratorScope), z), d.Logits(ctx.In(DiscriminatorScope), images)
	})
	if err != nil {
		return nil, err
	}
	defer initExec.Finalize()
	_, err = initExec.Exec(tensors.FromShape(latentShape(g, 1)), tensors.FromShape(imageShape(g, 1)))
	if err != nil {
		return nil, fmt.Errorf("gan: building the networks: %w", err)
	}
	return t, nil
}

// Context returns the context holding both networks' variables (under
// GeneratorScope and DiscriminatorScope) and the optimisers' state.
func (t *Trainer) Context() *context.Context { return t.ctx }

// Steps returns the number of training steps done.
func (t *Trainer) Steps() int { return t.step }

// Sampler returns a sampler that shares the trainer's generator weights.
func (t *Trainer) Sampler() *Sampler { return t.sampler }

// stepGraph builds one training step; see Trainer.
func (t *Trainer) stepGraph(ctx *context.Context, real *Node) []*Node {
	g := real.Graph()
	ctx.SetTraining(g, true)
	n := real.Shape().Dimensions[0]
	gctx, dctx := ctx.In(GeneratorScope), ctx.In(DiscriminatorScope)
	critic := func(images *Node) *Node { return t.D.Logits(dctx, images) }

	z := ctx.RandomNormal(g, shapes.Make(real.DType(), n, t.G.LatentDim()))
	fake := t.G.Generate(gctx, z)
	realLogits := critic(real)
	fakeLogits := critic(StopGradient(fake))
	lossD := t.opts.Loss.Discriminator(realLogits, fakeLogits)
	if t.opts.Loss == WassersteinGP {
		eps := ctx.RandomUniform(g, shapes.Make(real.DType(), n))
		penalty := gradientPenalty(critic, real, StopGradient(fake), eps)
		lossD = Add(lossD, MulScalar(penalty, t.opts.GradientPenalty))
	}
	dVars, dValues := trainableIn(dctx, g)
	t.optimizer("adam_"+DiscriminatorScope).update(ctx, dVars, Gradient(lossD, dValues...))

	// D's variables now hold their updated values, so G trains against the
	// discriminator of this step, as in pytorch/examples. For G's gradient
	// they are constants: without the StopGradient, autodiff would walk back
	// into D's update, i.e. differentiate D's gradient.
	for _, v := range dVars {
		v.SetValueGraph(StopGradient(v.ValueGraph(g)))
	}
	lossG := t.opts.Loss.Generator(critic(fake))
	gVars, gValues := trainableIn(gctx, g)
	t.optimizer("adam_"+GeneratorScope).update(ctx, gVars, Gradient(lossG, gValues...))

	meanProbability := func(logits *Node) *Node { return ReduceAllMean(Sigmoid(logits)) }
	return []*Node{lossD, lossG, meanProbability(realLogits), meanProbability(fakeLogits)}
}

func (t *Trainer) optimizer(scope string) adam {
	return adam{scope: scope, lr: t.opts.LearningRate, beta1: t.opts.Beta1, beta2: t.opts.Beta2, epsilon: torchAdamEpsilon}
}

// missingSecondDerivative tells whether err is GoMLX v0.26 failing to
// differentiate a gradient: an op with no gradient (Reverse, Pad) or a
// strided convolution's input gradient (a convolution with input dilation).
func missingSecondDerivative(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no gradient is defined") || strings.Contains(msg, "gradient of Convolve with input dilation not defined")
}

// TrainStep does one training step and returns its losses; Report.Samples
// and StepTime are left empty.
func (t *Trainer) TrainStep() (Report, error) {
	if t.data == nil {
		return Report{}, errors.New("gan: the trainer was created without Data, so it cannot train")
	}
	real, err := t.data.Batch(t.step)
	if err != nil {
		return Report{}, fmt.Errorf("gan: batch for step %d: %w", t.step, err)
	}
	outputs, err := t.stepExec.Exec(real)
	if err != nil {
		if t.opts.Loss == WassersteinGP && missingSecondDerivative(err) {
			return Report{}, fmt.Errorf("gan: step %d: WGAN-GP's penalty needs the second derivative of the "+
				"discriminator, which GoMLX v0.26 cannot build for it (the gradients of convolutions and slices "+
				"use Reverse, Pad and input-dilated convolutions, which have no gradient): %w", t.step+1, err)
		}
		return Report{}, fmt.Errorf("gan: step %d: %w", t.step+1, err)
	}
	values := make([]float64, len(outputs))
	for i, o := range outputs {
		values[i] = float64(tensors.ToScalar[float32](o))
		o.FinalizeAll()
	}
	t.step++
	r := Report{Step: t.step, LossD: values[0], LossG: values[1], DReal: values[2], DFake: values[3]}
	if !isFinite(r.LossD) || !isFinite(r.LossG) {
		return r, &NonFiniteError{Step: t.step, LossD: r.LossD, LossG: r.LossG}
	}
	return r, nil
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Train runs steps until Steps() reaches totalSteps, reporting and writing
// checkpoints on the way (and a last checkpoint at the end). It stops with a
// *NonFiniteError when a loss becomes NaN or Inf; no checkpoint is written
// after that step, so the latest one holds finite weights.
//
// When CheckpointDir is set, Train first deletes the temporary files that
// checkpoint writes of a killed process left there.
func (t *Trainer) Train(totalSteps int) error {
	if t.opts.CheckpointDir != "" {
		if _, err := removeStaleTemporaries(t.opts.CheckpointDir); err != nil {
			return err
		}
	}
	start, startStep := time.Now(), t.step
	for t.step < totalSteps {
		r, err := t.TrainStep()
		if err != nil {
			return err
		}
		if t.opts.CheckpointDir != "" && t.step%t.opts.CheckpointEvery == 0 {
			if _, err := t.Save(); err != nil {
				return err
			}
		}
		if t.step%t.opts.ReportEvery == 0 || t.step == totalSteps {
			r.StepTime = time.Since(start) / time.Duration(t.step-startStep)
			start, startStep = time.Now(), t.step
			if err := t.report(r); err != nil {
				return err
			}
		}
	}
	if t.opts.CheckpointDir != "" && t.step%t.opts.CheckpointEvery != 0 {
		if _, err := t.Save(); err != nil {
			return err
		}
	}
	return nil
}

func (t *Trainer) report(r Report) error {
	if t.opts.Log != nil {
		fmt.Fprintf(t.opts.Log, "step %6d  loss D %.4f  loss G %.4f  D(x) %.3f  D(G(z)) %.3f  %v/step\n",
			r.Step, r.LossD, r.LossG, r.DReal, r.DFake, r.StepTime.Round(time.Millisecond))
	}
	if t.opts.OnReport == nil {
		return nil
	}
	samples, err := t.FixedSamples()
	if err != nil {
		return err
	}
	r.Samples = samples
	return t.opts.OnReport(r)
}

// FixedSamples returns G's images of the fixed noise, [SampleCount, C, H, W]
// NCHW in [-1, 1].
func (t *Trainer) FixedSamples() (*tensors.Tensor, error) {
	noise, err := t.fixedNoise.Value()
	if err != nil {
		return nil, err
	}
	return t.sampler.Generate(noise)
}

// Save writes a checkpoint of the whole training state into CheckpointDir
// (atomically), prunes all but the newest KeepCheckpoints, and returns its
// path.
func (t *Trainer) Save() (string, error) {
	if t.opts.CheckpointDir == "" {
		return "", errors.New("gan: Save needs Options.CheckpointDir")
	}
	path := filepath.Join(t.opts.CheckpointDir, checkpointName(t.step))
	if err := t.SaveTo(path, ""); err != nil {
		return "", err
	}
	return path, pruneCheckpoints(t.opts.CheckpointDir, t.opts.KeepCheckpoints)
}

// SaveTo writes the variables under scope ("" for all: a resumable
// checkpoint; GeneratorScope for a small file that only samples) to path,
// atomically.
func (t *Trainer) SaveTo(path, scope string) error {
	named := map[string]*tensors.Tensor{}
	for v := range t.ctx.IterVariables() {
		if !inScope(v.Scope(), scope) {
			continue
		}
		value, err := v.Value()
		if err != nil {
			return fmt.Errorf("gan: checkpoint %s: variable %s: %w", path, v.ScopeAndName(), err)
		}
		named[v.ScopeAndName()] = value
	}
	return writeCheckpoint(path, t.step, named)
}

// inScope reports whether a variable scope ("/generator/conv1") lies under
// the top-level scope name ("generator"); every scope lies under "".
func inScope(varScope, scope string) bool {
	prefix := context.ScopeSeparator + scope
	return scope == "" || varScope == prefix || strings.HasPrefix(varScope, prefix+context.ScopeSeparator)
}

// Resume loads the newest valid checkpoint in CheckpointDir, if any, and
// reports whether it did. Training then continues exactly where that run
// stopped. It never returns true with an error.
//
// Checkpoints newer than the one loaded that are corrupt (a checksum or
// structure error) are renamed to <name>.corrupt, so that they are kept for
// inspection but no longer in the way, and are listed by
// SkippedCheckpoints; Options.Log, when set, gets a line for each. When no
// checkpoint is valid, Resume leaves the files alone and returns false and
// an error naming the newest one and its problem. A checkpoint that cannot
// be read at all (permissions, I/O) or belongs to another model is an error,
// not skipped. Resume also deletes the temporary files of interrupted
// checkpoint writes.
func (t *Trainer) Resume() (bool, error) {
	t.skipped = nil
	dir := t.opts.CheckpointDir
	if dir == "" {
		return false, nil
	}
	paths, err := removeStaleTemporaries(dir)
	if err != nil {
		return false, err
	}
	var corrupt []SkippedCheckpoint
	for i := len(paths) - 1; i >= 0; i-- {
		path := paths[i]
		step, named, err := readCheckpoint(path)
		if cerr := (*corruptCheckpointError)(nil); errors.As(err, &cerr) {
			corrupt = append(corrupt, SkippedCheckpoint{Path: path, MovedTo: path + corruptExt, Err: err})
			continue
		}
		if err != nil {
			return false, err
		}
		if err := t.set(path, step, named); err != nil {
			return false, err
		}
		for _, s := range corrupt {
			if err := os.Rename(s.Path, s.MovedTo); err != nil {
				return false, fmt.Errorf("gan: resume: %v; moving it aside failed: %w", s.Err, err)
			}
			t.skipped = append(t.skipped, s)
			if t.opts.Log != nil {
				fmt.Fprintf(t.opts.Log, "gan: resume: skipped a corrupt checkpoint (%v), renamed it to %s; resuming from %s (step %d)\n",
					s.Err, filepath.Base(s.MovedTo), path, step)
			}
		}
		return true, nil
	}
	if len(corrupt) > 0 {
		return false, fmt.Errorf("gan: resume: none of the %d checkpoints in %s is valid; the newest: %w", len(corrupt), dir, corrupt[0].Err)
	}
	return false, nil
}

// SkippedCheckpoints returns the corrupt checkpoints that the last Resume
// passed over and moved aside, newest first; nil when there were none.
func (t *Trainer) SkippedCheckpoints() []SkippedCheckpoint { return slices.Clone(t.skipped) }

// Load restores the training state from a checkpoint written by Save. Every
// variable of the trainer must be in the file with the same shape.
func (t *Trainer) Load(path string) error {
	step, named, err := readCheckpoint(path)
	if err != nil {
		return err
	}
	return t.set(path, step, named)
}

// set restores the training state from the contents of the checkpoint path.
func (t *Trainer) set(path string, step int, named map[string]*tensors.Tensor) error {
	if err := setVariables(t.ctx, named, path); err != nil {
		return err
	}
	t.step = step
	return nil
}

// setVariables assigns the named tensors to ctx's variables, creating those
// that do not exist yet (optimiser state before the first step). It fails
// when a variable of the model is missing from the file or has another
// shape.
func setVariables(ctx *context.Context, named map[string]*tensors.Tensor, path string) error {
	for v := range ctx.IterVariables() {
		value, ok := named[v.ScopeAndName()]
		if !ok {
			return fmt.Errorf("gan: checkpoint %s has no variable %s %s: it was written for another model", path, v.ScopeAndName(), v.Shape())
		}
		if !value.Shape().Equal(v.Shape()) {
			return fmt.Errorf("gan: checkpoint %s: variable %s is %s, the model expects %s", path, v.ScopeAndName(), value.Shape(), v.Shape())
		}
	}
	for name, value := range named {
		varScope, varName := context.SplitScope(name)
		if v := ctx.GetVariableByScopeAndName(varScope, varName); v != nil {
			if err := v.SetValue(value); err != nil {
				return err
			}
			continue
		}
		ctx.InAbsPath(varScope).VariableWithValue(varName, value).SetTrainable(false)
	}
	return nil
}
