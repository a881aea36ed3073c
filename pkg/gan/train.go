package gan

import (
	stdcontext "context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/neuralart/neuralart/pkg/checkpoint"
	"github.com/neuralart/neuralart/pkg/internal/trainloop"
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

// ClassData is Data whose images carry classes, what a class-conditional
// trainer needs: Labels(step) returns the classes of Batch(step)'s images,
// int32 [N], as deterministic in step as Batch.
type ClassData interface {
	Data
	Labels(step int) (*tensors.Tensor, error)
}

// Options are the trainer's knobs. DefaultOptions returns the defaults given
// beside each field, which a zero field also reads as.
type Options struct {
	Loss Loss // NonSaturating
	// Adam's hyper-parameters for both networks: 2e-4, 0.5, 0.999, as
	// Radford et al. (2015, §4) found for DCGAN.
	LearningRate, Beta1, Beta2 float64
	// GradientPenalty is WGAN-GP's λ (10, Gulrajani et al. 2017).
	GradientPenalty float64
	// DiscriminatorLearningRate, when set, is D's learning rate in place of
	// LearningRate: the two time-scale update rule (TTUR, Heusel et al.
	// 2017, https://arxiv.org/abs/1706.08500), a faster D for a slower G.
	DiscriminatorLearningRate float64
	// LabelSmoothing s makes the non-saturating D aim at 1−s instead of 1 on
	// real images (one-sided label smoothing, Salimans et al. 2016, §3.4,
	// https://arxiv.org/abs/1606.03498), so that it cannot grow arbitrarily
	// confident; 0 (none). Other losses ignore it.
	LabelSmoothing float64
	// GeneratorAverage β, when set (0.999 is usual), keeps an exponential
	// moving average of G's weights over the steps (see AverageScope and
	// averageGenerator), which AveragedSampler draws from and SaveGenerator
	// writes; 0 keeps none.
	GeneratorAverage float64
	// Seed fixes the initial weights, the latent codes drawn each step and
	// the fixed noise of the progress samples (0 is a valid seed).
	Seed uint64
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

// DefaultOptions returns the defaults documented on Options. Every numeric
// field of Options is one that cannot meaningfully be zero, so a zero field
// of Options{...} also reads as its default (see docs/architecture.md's
// house rules); Adam's β₁ = 0 (WGAN-GP's setting) is therefore not
// available: use a small positive value.
func DefaultOptions() Options {
	return Options{Loss: NonSaturating, LearningRate: 2e-4, Beta1: 0.5, Beta2: 0.999, GradientPenalty: 10,
		SampleCount: 64, CheckpointEvery: 1000, KeepCheckpoints: 3, ReportEvery: 100}
}

// withDefaults fills the zero fields of o from DefaultOptions.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.LearningRate == 0 {
		o.LearningRate = d.LearningRate
	}
	if o.Beta1 == 0 {
		o.Beta1 = d.Beta1
	}
	if o.Beta2 == 0 {
		o.Beta2 = d.Beta2
	}
	if o.GradientPenalty == 0 {
		o.GradientPenalty = d.GradientPenalty
	}
	if o.DiscriminatorLearningRate == 0 {
		o.DiscriminatorLearningRate = o.LearningRate
	}
	if o.SampleCount <= 0 {
		o.SampleCount = d.SampleCount
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = d.CheckpointEvery
	}
	if o.KeepCheckpoints <= 0 {
		o.KeepCheckpoints = d.KeepCheckpoints
	}
	if o.ReportEvery <= 0 {
		o.ReportEvery = d.ReportEvery
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
// the whole step. A class-conditional G draws the classes of the real batch,
// so the fakes follow the data's class frequencies.
//
// All state that determines the future of a run (weights, batch-norm
// averages, Adam moments, the random-number generator, the fixed noise) is
// held in GoMLX context variables, which is what checkpoints store; the
// latent codes of step k are drawn on the host from (Seed, k), with the seed
// stored beside the weights. With a Data that is a function of the step, a
// resumed run is bit-identical to an uninterrupted one.
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
	latentSeed *context.Variable
	skipped    []checkpoint.Skipped
}

// NewTrainer creates the networks' variables on backend, initialised from
// opts.Seed. data may be nil for a trainer that only loads, describes or
// samples; a class-conditional generator (g.Classes() > 0) needs ClassData.
func NewTrainer(backend backends.Backend, g Generator, d Discriminator, data Data, opts Options) (*Trainer, error) {
	if opts.Loss < NonSaturating || opts.Loss > WassersteinGP {
		return nil, fmt.Errorf("gan: unknown loss %v", opts.Loss)
	}
	if opts.GeneratorAverage < 0 || opts.GeneratorAverage >= 1 {
		return nil, fmt.Errorf("gan: Options.GeneratorAverage is the average's decay β, in [0, 1) (0.999 is usual); got %g", opts.GeneratorAverage)
	}
	if _, ok := data.(ClassData); g.Classes() > 0 && data != nil && !ok {
		return nil, fmt.Errorf("gan: the generator is class-conditional (%d classes), so the data must be gan.ClassData (labelled batches, as gan.Batches gives); got %T", g.Classes(), data)
	}
	t := &Trainer{G: g, D: d, data: data, opts: opts.withDefaults(), backend: backend, ctx: context.New().Checked(false)}
	if err := t.ctx.SetRNGStateFromSeed(int64(t.opts.Seed)); err != nil {
		return nil, err
	}
	// The fixed noise is drawn on the host from the seed, so every backend
	// shows the same progress samples.
	t.fixedNoise = t.ctx.InAbsPath("/trainer").VariableWithValue("fixed_noise",
		normalTensor(rand.New(rand.NewPCG(t.opts.Seed, fixedNoiseStream)), t.opts.SampleCount, g.LatentDim())).SetTrainable(false)
	// The seed of the latent codes is state too: a resumed run draws the
	// codes of the run it continues.
	t.latentSeed = t.ctx.InAbsPath("/trainer").VariableWithValue("latent_seed", t.opts.Seed).SetTrainable(false)
	t.sampler = &Sampler{G: g, ctx: t.ctx, backend: backend}
	var err error
	if t.stepExec, err = context.NewExec(backend, t.ctx, t.stepGraph); err != nil {
		return nil, fmt.Errorf("gan: the training step: %w", err)
	}
	// Create and initialise both networks' variables now, in a fixed order,
	// so that the weights depend on the seed only.
	initExec, err := context.NewExec(backend, t.ctx, func(ctx *context.Context, inputs []*Node) []*Node {
		labels := classLabels(inputs[2:])
		return []*Node{g.Generate(ctx.In(GeneratorScope), inputs[0], labels), d.Logits(ctx.In(DiscriminatorScope), inputs[1], labels)}
	})
	if err != nil {
		return nil, err
	}
	defer initExec.Finalize()
	args := []any{tensors.FromShape(latentShape(g, 1)), tensors.FromShape(imageShape(g, 1))}
	if g.Classes() > 0 {
		args = append(args, []int32{0})
	}
	if _, err = initExec.Exec(args...); err != nil {
		return nil, fmt.Errorf("gan: building the networks: %w", err)
	}
	return t, nil
}

// Streams of the host's random numbers (PCG's second word), one per use, so
// that the seed's codes for one never repeat another's: the fixed noise, and
// the latent codes of training step k at latentStream + k.
const (
	fixedNoiseStream = 0x9e3779b97f4a7c15
	latentStream     = 1 << 62
)

// normalTensor returns a [rows, cols] tensor of N(0, 1) float32s from rng.
func normalTensor(rng *rand.Rand, rows, cols int) *tensors.Tensor {
	data := make([]float32, rows*cols)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(data, rows, cols)
}

// classLabels returns the labels among a graph's optional inputs, nil for
// none (an unconditional model).
func classLabels(optional []*Node) *Node {
	if len(optional) == 0 {
		return nil
	}
	return optional[0]
}

// Context returns the context holding both networks' variables (under
// GeneratorScope and DiscriminatorScope) and the optimisers' state.
func (t *Trainer) Context() *context.Context { return t.ctx }

// Steps returns the number of training steps done.
func (t *Trainer) Steps() int { return t.step }

// Sampler returns a sampler that shares the trainer's generator weights.
func (t *Trainer) Sampler() *Sampler { return t.sampler }

// stepGraph builds one training step from its inputs: the real batch, the
// latent codes and, for a class-conditional G, the real batch's labels
// (which the fakes are drawn with too); see Trainer.
func (t *Trainer) stepGraph(ctx *context.Context, inputs []*Node) []*Node {
	real, z, labels := inputs[0], inputs[1], classLabels(inputs[2:])
	g := real.Graph()
	ctx.SetTraining(g, true)
	n := real.Shape().Dimensions[0]
	gctx, dctx := ctx.In(GeneratorScope), ctx.In(DiscriminatorScope)
	critic := func(images *Node) *Node { return t.D.Logits(dctx, images, labels) }

	fake := t.G.Generate(gctx, z, labels)
	realLogits := critic(real)
	fakeLogits := critic(StopGradient(fake))
	lossD := t.opts.Loss.Discriminator(realLogits, fakeLogits)
	if t.opts.Loss == NonSaturating && t.opts.LabelSmoothing != 0 {
		lossD = Add(lossD, smoothingTerm(realLogits, t.opts.LabelSmoothing))
	}
	if t.opts.Loss == WassersteinGP {
		eps := ctx.RandomUniform(g, shapes.Make(real.DType(), n))
		penalty := gradientPenalty(critic, real, StopGradient(fake), eps)
		lossD = Add(lossD, MulScalar(penalty, t.opts.GradientPenalty))
	}
	dVars, dValues := trainableIn(dctx, g)
	t.optimizer("adam_"+DiscriminatorScope, t.opts.DiscriminatorLearningRate).update(ctx, dVars, Gradient(lossD, dValues...))

	// D's variables now hold their updated values, so G trains against the
	// discriminator of this step, as in pytorch/examples. For G's gradient
	// they are constants: without the StopGradient, autodiff would walk back
	// into D's update, i.e. differentiate D's gradient.
	for _, v := range dVars {
		v.SetValueGraph(StopGradient(v.ValueGraph(g)))
	}
	lossG := t.opts.Loss.Generator(critic(fake))
	gVars, gValues := trainableIn(gctx, g)
	t.optimizer("adam_"+GeneratorScope, t.opts.LearningRate).update(ctx, gVars, Gradient(lossG, gValues...))
	if t.opts.GeneratorAverage != 0 {
		t.averageGenerator(ctx, g)
	}

	meanProbability := func(logits *Node) *Node { return ReduceAllMean(Sigmoid(logits)) }
	return []*Node{lossD, lossG, meanProbability(realLogits), meanProbability(fakeLogits)}
}

func (t *Trainer) optimizer(scope string, lr float64) adam {
	return adam{scope: scope, lr: lr, beta1: t.opts.Beta1, beta2: t.opts.Beta2, epsilon: torchAdamEpsilon}
}

// missingSecondDerivative tells whether err is GoMLX v0.26 failing to
// differentiate a gradient: an op with no gradient (Reverse, Pad) or a
// strided convolution's input gradient (a convolution with input dilation).
// It matches the messages, because GoMLX v0.26 raises both as panics of
// plain formatted errors (exceptions.Panicf in rev_autodiff.go and
// ops_convolve.go), with no sentinel or type to test with errors.Is/As.
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
	seed, err := t.latentSeed.Value()
	if err != nil {
		return Report{}, err
	}
	z := normalTensor(rand.New(rand.NewPCG(tensors.ToScalar[uint64](seed), latentStream+uint64(t.step))), real.Shape().Dimensions[0], t.G.LatentDim())
	var labels *tensors.Tensor
	if t.G.Classes() > 0 {
		if labels, err = t.data.(ClassData).Labels(t.step); err != nil {
			return Report{}, fmt.Errorf("gan: labels for step %d: %w", t.step, err)
		}
	}
	return t.stepWith(real, z, labels)
}

// stepWith does one training step on the given real batch, latent codes and
// labels (nil for an unconditional model).
func (t *Trainer) stepWith(real, z, labels *tensors.Tensor) (Report, error) {
	args := []any{real, z}
	if labels != nil {
		args = append(args, labels)
	}
	outputs, err := t.stepExec.Exec(args...)
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
// after that step, so the latest one holds finite weights. When ctx is
// cancelled it stops before the next step, checkpoints the steps done (when
// CheckpointDir is set) and returns ctx.Err().
//
// When CheckpointDir is set, Train first deletes the temporary files that
// checkpoint writes of a killed process left there.
func (t *Trainer) Train(ctx stdcontext.Context, totalSteps int) error {
	if t.opts.CheckpointDir != "" {
		if _, err := t.checkpoints().RemoveTemporaries(); err != nil {
			return err
		}
	}
	return t.loop().Run(ctx, totalSteps)
}

// loop is the trainer's steps, reports and checkpoints (see trainloop).
func (t *Trainer) loop() trainloop.Loop[Report] {
	l := trainloop.Loop[Report]{
		Step: t.TrainStep, Done: t.Steps, CheckpointEvery: t.opts.CheckpointEvery, ReportEvery: t.opts.ReportEvery,
		Report: func(r Report, perStep time.Duration) error {
			r.StepTime = perStep
			return t.report(r)
		},
	}
	if t.opts.CheckpointDir != "" {
		l.Save = func() error {
			_, err := t.Save()
			return err
		}
	}
	return l
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
// NCHW in [-1, 1]; a class-conditional G draws class i mod Classes() for
// code i.
func (t *Trainer) FixedSamples() (*tensors.Tensor, error) {
	noise, err := t.fixedNoise.Value()
	if err != nil {
		return nil, err
	}
	return t.sampler.GenerateClasses(noise, cyclicLabels(0, t.opts.SampleCount, t.G.Classes()))
}

// Save writes a checkpoint of the whole training state into CheckpointDir
// (atomically), prunes all but the newest KeepCheckpoints, and returns its
// path.
func (t *Trainer) Save() (string, error) {
	if t.opts.CheckpointDir == "" {
		return "", errors.New("gan: Save needs Options.CheckpointDir")
	}
	named, err := checkpoint.Variables(t.ctx, "")
	if err != nil {
		return "", fmt.Errorf("gan: %w", err)
	}
	return t.checkpoints().Save(t.step, named)
}

// SaveTo writes the variables under scope ("" for all: a resumable
// checkpoint; GeneratorScope for a small file that only samples) to path,
// atomically.
func (t *Trainer) SaveTo(path, scope string) error {
	named, err := checkpoint.Variables(t.ctx, scope)
	if err != nil {
		return fmt.Errorf("gan: %s: %w", path, err)
	}
	return checkpoint.Write(path, checkpointFormat, t.step, named)
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
// checkpoint writes. (See checkpoint.Dir.Resume.)
func (t *Trainer) Resume() (bool, error) {
	resumed, skipped, err := t.checkpoints().Resume(t.set)
	t.skipped = skipped
	return resumed, err
}

// SkippedCheckpoints returns the corrupt checkpoints that the last Resume
// passed over and moved aside, newest first; nil when there were none.
func (t *Trainer) SkippedCheckpoints() []checkpoint.Skipped { return slices.Clone(t.skipped) }

// Load restores the training state from a checkpoint written by Save. Every
// variable of the trainer must be in the file with the same shape.
func (t *Trainer) Load(path string) error {
	step, named, err := checkpoint.Read(path, checkpointFormat)
	if err != nil {
		return err
	}
	return t.set(path, step, named)
}

// set restores the training state from the contents of the checkpoint path.
func (t *Trainer) set(path string, step int, named map[string]*tensors.Tensor) error {
	if err := checkpoint.SetVariables(t.ctx, named, path); err != nil {
		return err
	}
	t.step = step
	return nil
}
