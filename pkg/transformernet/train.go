package transformernet

import (
	stdcontext "context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"time"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/neuralart/neuralart/pkg/checkpoint"
	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/internal/trainloop"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// TrainOptions are the knobs of Train, named after neural_style.py train's
// flags; DefaultTrainOptions gives their defaults.
type TrainOptions struct {
	// Width is the first layer's channel count of the network trained
	// (default DefaultWidth, 32).
	Width int
	// ContentWeight and StyleWeight weigh the two terms of the perceptual
	// loss (defaults 1e5 and 1e10, --content-weight and --style-weight).
	ContentWeight, StyleWeight float64
	// LearningRate is Adam's (default 1e-3, --lr); its other
	// hyper-parameters are torch.optim.Adam's (β 0.9, 0.999, ε 1e-8).
	LearningRate float64
	// StyleSize, when positive, resizes the style image so that its longer
	// side is StyleSize pixels (default 0: its own size, as --style-size).
	StyleSize int
	// Seed fixes the initial weights (default 42, --seed).
	Seed uint64

	// CheckpointDir, when set, receives a checkpoint every CheckpointEvery
	// steps (default 2000, --checkpoint-interval) and at the end of Train;
	// the newest KeepCheckpoints (default 3) are kept.
	CheckpointDir                    string
	CheckpointEvery, KeepCheckpoints int

	// Every ReportEvery steps (default 100) Train writes a line to Log, when
	// set, and calls OnReport, when set; an error from OnReport stops
	// training and Train returns it.
	ReportEvery int
	Log         io.Writer
	OnReport    func(Report) error
	// Preview, when set, is stylised by the network at each report
	// (Report.Preview).
	Preview image.Image
}

// DefaultTrainOptions returns neural_style.py train's defaults.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Width: DefaultWidth, ContentWeight: 1e5, StyleWeight: 1e10, LearningRate: 1e-3, Seed: 42,
		CheckpointEvery: 2000, KeepCheckpoints: 3, ReportEvery: 100}
}

func (o TrainOptions) validate() error {
	switch {
	case o.Width < 1:
		return fmt.Errorf("transformernet: TrainOptions.Width must be at least 1, got %d", o.Width)
	case !(o.ContentWeight >= 0) || !(o.StyleWeight >= 0) || math.IsInf(o.ContentWeight, 0) || math.IsInf(o.StyleWeight, 0):
		return fmt.Errorf("transformernet: TrainOptions.ContentWeight and StyleWeight must be finite and >= 0, got %g and %g", o.ContentWeight, o.StyleWeight)
	case !(o.LearningRate > 0):
		return fmt.Errorf("transformernet: TrainOptions.LearningRate must be > 0, got %g", o.LearningRate)
	case o.StyleSize < 0:
		return fmt.Errorf("transformernet: TrainOptions.StyleSize must be >= 0, got %d", o.StyleSize)
	case o.CheckpointDir != "" && (o.CheckpointEvery < 1 || o.KeepCheckpoints < 0):
		return fmt.Errorf("transformernet: TrainOptions.CheckpointEvery must be >= 1 and KeepCheckpoints >= 0, got %d and %d", o.CheckpointEvery, o.KeepCheckpoints)
	case o.ReportEvery < 1:
		return fmt.Errorf("transformernet: TrainOptions.ReportEvery must be at least 1, got %d", o.ReportEvery)
	}
	return nil
}

// Report is the state of training after a step.
type Report struct {
	Step                   int             // steps done so far
	ContentLoss, StyleLoss float64         // the weighted terms of this step's loss
	StepTime               time.Duration   // mean wall time per step since the last report
	Preview                *tensors.Tensor // TrainOptions.Preview stylised, [1, 3, H, W] in [0, 1]; nil without one
}

// ErrNonFinite is wrapped by Train's and Step's error when a loss becomes
// NaN or infinite. The step's update has then spoilt the weights; the
// newest checkpoint predates it.
var ErrNonFinite = errors.New("transformernet: the loss is not finite (NaN or Inf)")

// weightsScope is where the network's variables live in the trainer's
// context; each is named by its state_dict key.
const weightsScope = "transformer"

// checkpointFormat names this trainer's checkpoints (see checkpoint.Dir).
const checkpointFormat = "neuralart-transformernet-checkpoint/1"

// Trainer trains a TransformerNet for one style as neural_style.py train
// does: per step, a batch of content images x goes through the network, and
// Adam descends PerceptualLoss(net(x), x) with a fixed VGG-16 loss network.
// The weights and Adam's state are GoMLX context variables, which
// checkpoints store; with Content a function of the step, a resumed run
// continues exactly as an uninterrupted one.
type Trainer struct {
	opts    TrainOptions
	content Content
	ctx     *context.Context
	keys    []string
	grams   []*tensors.Tensor
	step    int
	exec    *context.Exec
	preview *tensors.Tensor
	// previewExec runs the network on the preview image with the current
	// variables, compiled once.
	previewExec *context.Exec
	skipped     []checkpoint.Skipped
}

// NewTrainer prepares training of a new network (Random(opts.Seed,
// opts.Width)) for styleImage, with lossNet as loss network:
// vgg.VGG16.Default() is fast_neural_style's (the ImageNet VGG-16 when it has
// been downloaded); any VGG with StyleLayers (VGG-19 has them too) works.
func NewTrainer(backend backends.Backend, lossNet *vgg.Model, styleImage image.Image, content Content, opts TrainOptions) (*Trainer, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := lossNet.Architecture().CheckLayers(StyleLayers); err != nil {
		return nil, fmt.Errorf("transformernet: the loss network must have VGG-16's layers %v: %w", StyleLayers, err)
	}
	if content == nil {
		return nil, errors.New("transformernet: NewTrainer needs Content")
	}
	net, err := Random(opts.Seed, opts.Width)
	if err != nil {
		return nil, err
	}
	t := &Trainer{opts: opts, content: content, ctx: context.New()}
	scope := t.ctx.In(weightsScope)
	t.keys, _ = net.Weights()
	for _, key := range t.keys {
		scope.VariableWithValue(key, net.weights[key])
	}
	if opts.StyleSize > 0 {
		styleImage = images.Resize(styleImage, opts.StyleSize)
	}
	style := scale(images.ToTensor(styleImage, images.NCHW), 255)
	gramExec, err := NewExec(backend, func(s *Node) []*Node { return StyleGrams(lossNet, s) })
	if err == nil {
		t.grams, err = gramExec.Exec(style)
		gramExec.Finalize()
	}
	if err != nil {
		return nil, fmt.Errorf("transformernet: the style image's Gram matrices: %w", err)
	}
	if opts.Preview != nil {
		t.preview = scale(images.ToTensor(opts.Preview, images.NCHW), 255)
		t.previewExec, err = context.NewExec(backend, t.ctx, func(ctx *context.Context, x *Node) *Node {
			return Forward(x, t.params(ctx, x.Graph()))
		})
		if err != nil {
			return nil, fmt.Errorf("transformernet: the preview: %w", err)
		}
	}
	adam := optimizers.Adam().LearningRate(opts.LearningRate).Epsilon(1e-8).Done()
	t.exec, err = context.NewExec(backend, t.ctx, func(ctx *context.Context, inputs []*Node) []*Node {
		x := MulScalar(inputs[0], 255)
		y := Forward(x, t.params(ctx, x.Graph()))
		c, s := PerceptualLoss(lossNet, y, x, inputs[1:], opts.ContentWeight, opts.StyleWeight)
		adam.UpdateGraph(ctx, x.Graph(), Add(c, s))
		return []*Node{c, s}
	})
	if err != nil {
		return nil, fmt.Errorf("transformernet: the training step: %w", err)
	}
	return t, nil
}

// params gives Forward the network's variables in g.
func (t *Trainer) params(ctx *context.Context, g *Graph) Params {
	scope := ctx.InAbsPath(context.ScopeSeparator + weightsScope)
	return func(key string) *Node {
		v := scope.GetVariable(key)
		if v == nil {
			panic(fmt.Errorf("transformernet: no variable %q", key))
		}
		return v.ValueGraph(g)
	}
}

// Steps returns the number of training steps done.
func (t *Trainer) Steps() int { return t.step }

// Step does one training step and returns its losses (StepTime and
// Preview left empty). A loss that is not finite gives an error wrapping
// ErrNonFinite, with the Report.
func (t *Trainer) Step() (Report, error) {
	batch, err := t.content.Batch(t.step)
	if err != nil {
		return Report{}, fmt.Errorf("transformernet: content batch of step %d: %w", t.step+1, err)
	}
	args := []any{batch}
	for _, g := range t.grams {
		args = append(args, g)
	}
	out, err := t.exec.Exec(args...)
	if err != nil {
		return Report{}, fmt.Errorf("transformernet: step %d: %w", t.step+1, err)
	}
	t.step++
	r := Report{Step: t.step, ContentLoss: float64(tensors.ToScalar[float32](out[0])), StyleLoss: float64(tensors.ToScalar[float32](out[1]))}
	for _, o := range out {
		o.FinalizeAll()
	}
	if total := r.ContentLoss + r.StyleLoss; math.IsNaN(total) || math.IsInf(total, 0) {
		return r, fmt.Errorf("step %d: content loss %v, style loss %v: %w", r.Step, r.ContentLoss, r.StyleLoss, ErrNonFinite)
	}
	return r, nil
}

// Train runs steps until Steps() reaches totalSteps, reporting and writing
// checkpoints on the way and a last checkpoint at the end. It stops at the
// first loss that is not finite (an error wrapping ErrNonFinite; no
// checkpoint is written after it). When ctx is cancelled it stops before
// the next step, checkpoints the steps done (when CheckpointDir is set) and
// returns ctx.Err(); Net then gives the network trained so far.
func (t *Trainer) Train(ctx stdcontext.Context, totalSteps int) error {
	return t.loop().Run(ctx, totalSteps)
}

// loop is the trainer's steps, reports and checkpoints (see trainloop).
func (t *Trainer) loop() trainloop.Loop[Report] {
	l := trainloop.Loop[Report]{
		Step: t.Step, Done: t.Steps, CheckpointEvery: t.opts.CheckpointEvery, ReportEvery: t.opts.ReportEvery,
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
		fmt.Fprintf(t.opts.Log, "step %6d  content %.6g  style %.6g  total %.6g  %v/step\n",
			r.Step, r.ContentLoss, r.StyleLoss, r.ContentLoss+r.StyleLoss, r.StepTime.Round(time.Millisecond))
	}
	if t.opts.OnReport == nil {
		return nil
	}
	if t.preview != nil {
		y, err := t.previewExec.Exec(t.preview)
		if err != nil {
			return fmt.Errorf("transformernet: the preview at step %d: %w", r.Step, err)
		}
		r.Preview = scale(y[0], 1.0/255)
		y[0].FinalizeAll()
	}
	return t.opts.OnReport(r)
}

// Net returns the network as trained so far (a copy of its weights).
func (t *Trainer) Net() (*Net, error) {
	named, err := checkpoint.Variables(t.ctx, weightsScope)
	if err != nil {
		return nil, fmt.Errorf("transformernet: %w", err)
	}
	n := &Net{width: t.opts.Width, weights: make(map[string]*tensors.Tensor, len(t.keys)),
		source: fmt.Sprintf("trained here for %d steps (seed %d)", t.step, t.opts.Seed)}
	prefix := context.ScopeSeparator + weightsScope + context.ScopeSeparator
	for _, key := range t.keys {
		v, ok := named[prefix+key]
		if !ok {
			return nil, fmt.Errorf("transformernet: the trainer lost variable %s", key)
		}
		n.weights[key] = tensors.FromFlatDataAndDimensions(tensors.MustCopyFlatData[float32](v), v.Shape().Dimensions...)
	}
	return n, nil
}

func (t *Trainer) checkpoints() checkpoint.Dir {
	return checkpoint.Dir{Path: t.opts.CheckpointDir, Format: checkpointFormat, Keep: t.opts.KeepCheckpoints, Log: t.opts.Log}
}

// Save writes a checkpoint of the whole training state (weights, Adam's
// moments and step) into CheckpointDir and returns its path.
func (t *Trainer) Save() (string, error) {
	if t.opts.CheckpointDir == "" {
		return "", errors.New("transformernet: Save needs TrainOptions.CheckpointDir")
	}
	named, err := checkpoint.Variables(t.ctx, "")
	if err != nil {
		return "", fmt.Errorf("transformernet: %w", err)
	}
	return t.checkpoints().Save(t.step, named)
}

// Resume loads the newest valid checkpoint in CheckpointDir, if any, and
// reports whether it did; corrupt newer ones are moved aside and listed by
// SkippedCheckpoints (see checkpoint.Dir.Resume).
func (t *Trainer) Resume() (bool, error) {
	resumed, skipped, err := t.checkpoints().Resume(func(path string, step int, named map[string]*tensors.Tensor) error {
		if err := checkpoint.SetVariables(t.ctx, named, path); err != nil {
			return err
		}
		t.step = step
		return nil
	})
	t.skipped = skipped
	return resumed, err
}

// SkippedCheckpoints returns the corrupt checkpoints the last Resume moved aside.
func (t *Trainer) SkippedCheckpoints() []checkpoint.Skipped { return t.skipped }
