package adain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/checkpoint"
	"github.com/neuralart/neuralart/pkg/internal/trainloop"
)

// TrainOptions are the knobs of train.py.
type TrainOptions struct {
	// ContentWeight and StyleWeight weigh the two losses, L = w_c·L_c +
	// w_s·L_s. Defaults 1 and 10 (train.py's --content_weight, --style_weight).
	ContentWeight, StyleWeight float64
	// LearningRate is Adam's at step 0; step i uses LearningRate / (1 +
	// LearningRateDecay·i), train.py's adjust_learning_rate. Defaults 1e-4
	// and 5e-5.
	LearningRate, LearningRateDecay float64
	// Steps is the number of steps Train runs to. Default 160000 (--max_iter).
	Steps int
	// Seed fixes the decoder's initial weights when NewTrainer is given none.
	// Default 0.
	Seed uint64

	// CheckpointDir, when set, receives a checkpoint (the decoder and Adam's
	// moments) every CheckpointEvery steps, when Train stops, and when its
	// context is cancelled; the newest KeepCheckpoints are kept. Defaults "",
	// 10000 (train.py's --save_model_interval) and 3.
	CheckpointDir                    string
	CheckpointEvery, KeepCheckpoints int

	// Every ReportEvery steps (default 100) and at the last step, Train
	// calls OnReport when set (an error from it stops training and is
	// returned) and writes a line to Log when set.
	ReportEvery int
	OnReport    func(TrainReport) error
	Log         io.Writer
}

// DefaultTrainOptions returns train.py's settings.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{
		ContentWeight: 1, StyleWeight: 10, LearningRate: 1e-4, LearningRateDecay: 5e-5, Steps: 160000,
		CheckpointEvery: 10000, KeepCheckpoints: 3, ReportEvery: 100,
	}
}

func (o TrainOptions) check() error {
	for _, f := range []struct {
		name  string
		value float64
	}{{"ContentWeight", o.ContentWeight}, {"StyleWeight", o.StyleWeight}, {"LearningRateDecay", o.LearningRateDecay}} {
		if !(f.value >= 0) || math.IsInf(f.value, 1) {
			return fmt.Errorf("adain: TrainOptions.%s is %v, want a finite value ≥ 0", f.name, f.value)
		}
	}
	if !(o.LearningRate > 0) || math.IsInf(o.LearningRate, 1) {
		return fmt.Errorf("adain: TrainOptions.LearningRate is %v, want a finite value > 0", o.LearningRate)
	}
	for _, f := range []struct {
		name  string
		value int
	}{{"Steps", o.Steps}, {"CheckpointEvery", o.CheckpointEvery}, {"ReportEvery", o.ReportEvery}} {
		if f.value < 1 {
			return fmt.Errorf("adain: TrainOptions.%s is %d, want at least 1", f.name, f.value)
		}
	}
	return nil
}

// Losses are one step's weighted losses, w_c·L_c and w_s·L_s, as train.py
// logs them.
type Losses struct {
	Content, Style float64
}

// Total returns their sum, the loss the decoder descends.
func (l Losses) Total() float64 { return l.Content + l.Style }

// TrainReport is the state of training after a step.
type TrainReport struct {
	Step         int // steps done
	Losses       Losses
	LearningRate float64       // the rate of the step just taken
	StepTime     time.Duration // mean wall time per step since the last report
}

// ErrNonFinite reports a loss that became NaN or ±Inf; Train returns it
// wrapped with the step and the losses, before applying that step's update.
var ErrNonFinite = errors.New("adain: the training loss is not finite")

// checkpointFormat names the layout of the trainer's checkpoints.
const checkpointFormat = "neuralart-adain-decoder/1"

// Trainer trains AdaIN's decoder as train.py does (Huang & Belongie,
// section 6.2): the encoder is fixed; a batch of content images c and one
// of style images s give the target t = AdaIN(f(c), f(s)), and the decoder
// g descends
//
//	L_c = ‖f(g(t)) − t‖²   (eq. 12, the mean over relu4_1)
//	L_s = Σ_i ‖μ(φ_i(g(t))) − μ(φ_i(s))‖² + ‖σ(φ_i(g(t))) − σ(φ_i(s))‖²   (eq. 13)
//
// over relu1_1, relu2_1, relu3_1 and relu4_1 (φ_i, means of squares as
// nn.MSELoss), with Adam and a decaying learning rate. One compiled graph
// computes the losses and the gradients; Adam's update (torch.optim.Adam's
// arithmetic, in float32) runs on the host, which holds the decoder and the
// moments, so checkpoints are those tensors.
type Trainer struct {
	encoder *Encoder
	data    TrainData
	opts    TrainOptions
	ckpt    checkpoint.Dir

	params, m, v [][]float32 // kernel, bias of each convolution in turn
	shapes       [][]int
	step         int
	exec         *Exec
	source       string
}

// NewTrainer returns a trainer of decoder (nil: a fresh one for enc,
// initialised from opts.Seed as PyTorch initialises nn.Conv2d) on batches
// from data (nil for a trainer used only for Gradients).
func NewTrainer(backend backends.Backend, enc *Encoder, decoder *Decoder, data TrainData, opts TrainOptions) (*Trainer, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if decoder == nil {
		decoder = NewDecoder(enc.Channels(), opts.Seed)
	} else if decoder.Channels() != enc.Channels() {
		return nil, fmt.Errorf("adain: the decoder (%s) decodes %d channels, the encoder (%s) makes %d",
			decoder, decoder.Channels(), enc, enc.Channels())
	}
	t := &Trainer{encoder: enc, data: data, opts: opts, source: decoder.source,
		ckpt: checkpoint.Dir{Path: opts.CheckpointDir, Format: checkpointFormat, Keep: opts.KeepCheckpoints, Log: opts.Log}}
	for _, c := range decoder.convs {
		for _, p := range []*tensors.Tensor{c.kernel, c.bias} {
			data, err := tensors.CopyFlatData[float32](p)
			if err != nil {
				return nil, err
			}
			t.params = append(t.params, data)
			t.shapes = append(t.shapes, p.Shape().Dimensions)
			t.m = append(t.m, make([]float32, len(data)))
			t.v = append(t.v, make([]float32, len(data)))
		}
	}
	// The graph reads the weights from its inputs; the decoder only gives
	// their shapes.
	shapesOnly := &Decoder{convs: decoder.convs}
	var err error
	t.exec, err = NewExec(backend, func(in []*Node) []*Node {
		params := in[2:]
		lc, ls := loss(enc, shapesOnly, in[0], in[1], params)
		lc, ls = MulScalar(lc, opts.ContentWeight), MulScalar(ls, opts.StyleWeight)
		return append([]*Node{lc, ls}, Gradient(Add(lc, ls), params...)...)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// loss is net.Net.forward with α = 1: the unweighted L_c and L_s.
func loss(enc *Encoder, dec *Decoder, content, style *Node, params []*Node) (lossC, lossS *Node) {
	encParams := constants(content.Graph(), enc.convs)
	styleFeatures := enc.features(style, encParams)
	contentFeatures := forward(checkImages("content", content), encoderLayers, encParams, encoderTaps[3:])[0]
	target := AdaIN(contentFeatures, styleFeatures[3])
	outFeatures := enc.features(dec.decode(target, params), encParams)
	lossC = ReduceAllMean(Square(Sub(outFeatures[3], target)))
	for i, f := range outFeatures {
		mean, std := MeanStd(f)
		styleMean, styleStd := MeanStd(styleFeatures[i])
		term := Add(ReduceAllMean(Square(Sub(mean, styleMean))), ReduceAllMean(Square(Sub(std, styleStd))))
		if lossS == nil {
			lossS = term
		} else {
			lossS = Add(lossS, term)
		}
	}
	return lossC, lossS
}

// Gradients returns the weighted losses of one batch and their gradient
// with respect to each decoder weight, keyed as the decoder's state_dict
// ("1.weight" ...), without changing the decoder.
func (t *Trainer) Gradients(content, style *tensors.Tensor) (Losses, map[string]*tensors.Tensor, error) {
	l, grads, err := t.gradients(content, style)
	if err != nil {
		return Losses{}, nil, err
	}
	byKey := map[string]*tensors.Tensor{}
	keys := t.keys()
	for i, g := range grads {
		byKey[keys[i]] = tensors.FromFlatDataAndDimensions(g, t.shapes[i]...)
	}
	return l, byKey, nil
}

func (t *Trainer) gradients(content, style *tensors.Tensor) (Losses, [][]float32, error) {
	if !content.Shape().Equal(style.Shape()) {
		return Losses{}, nil, fmt.Errorf("adain: training wants content and style batches of one shape, got %s and %s", content.Shape(), style.Shape())
	}
	args := []any{content, style}
	for i, p := range t.params {
		args = append(args, tensors.FromFlatDataAndDimensions(p, t.shapes[i]...))
	}
	outputs, err := t.exec.Exec(args...)
	if err != nil {
		return Losses{}, nil, fmt.Errorf("adain: training step: %w", err)
	}
	var l Losses
	for i, dst := range []*float64{&l.Content, &l.Style} {
		v, err := tensors.CopyFlatData[float32](outputs[i])
		if err != nil {
			return Losses{}, nil, err
		}
		*dst = float64(v[0])
	}
	grads := make([][]float32, len(t.params))
	for i := range grads {
		if grads[i], err = tensors.CopyFlatData[float32](outputs[2+i]); err != nil {
			return Losses{}, nil, err
		}
	}
	return l, grads, nil
}

// Train runs steps until opts.Steps are done, reporting and checkpointing
// as the options say. When ctx is cancelled it writes a checkpoint (when
// CheckpointDir is set) and returns ctx.Err(); the trainer keeps the
// weights of the steps done, and a later Train continues from there. A
// non-finite loss stops it with an error wrapping ErrNonFinite.
func (t *Trainer) Train(ctx context.Context) error {
	if t.data == nil {
		return errors.New("adain: Train: the trainer has no TrainData")
	}
	l := trainloop.Loop[TrainReport]{
		Step: t.trainStep, Done: t.Steps, CheckpointEvery: t.opts.CheckpointEvery, ReportEvery: t.opts.ReportEvery,
		Report: func(r TrainReport, perStep time.Duration) error {
			r.StepTime = perStep
			return t.report(r)
		},
	}
	if t.opts.CheckpointDir != "" {
		l.Save = t.checkpoint
	}
	return l.Run(ctx, t.opts.Steps)
}

// trainStep runs step t.step+1: a batch, the losses and their gradients,
// and Adam's update at the decayed learning rate.
func (t *Trainer) trainStep() (TrainReport, error) {
	content, style, err := t.data.Batch(t.step)
	if err != nil {
		return TrainReport{}, fmt.Errorf("adain: batch of step %d: %w", t.step, err)
	}
	l, grads, err := t.gradients(content, style)
	if err != nil {
		return TrainReport{}, err
	}
	if math.IsNaN(l.Total()) || math.IsInf(l.Total(), 0) {
		return TrainReport{}, fmt.Errorf("%w at step %d: content loss %v, style loss %v (try a lower learning rate or check the images)",
			ErrNonFinite, t.step+1, l.Content, l.Style)
	}
	rate := t.opts.LearningRate / (1 + t.opts.LearningRateDecay*float64(t.step))
	t.adam(grads, rate)
	t.step++
	return TrainReport{Step: t.step, Losses: l, LearningRate: rate}, nil
}

// report writes r to Log and hands it to OnReport, when they are set.
func (t *Trainer) report(r TrainReport) error {
	if t.opts.Log != nil {
		fmt.Fprintf(t.opts.Log, "adain: step %d/%d: content %.4g, style %.4g, lr %.3g, %v/step\n",
			r.Step, t.opts.Steps, r.Losses.Content, r.Losses.Style, r.LearningRate, r.StepTime.Round(time.Millisecond))
	}
	if t.opts.OnReport == nil {
		return nil
	}
	return t.opts.OnReport(r)
}

// Adam's constants: torch.optim.Adam's defaults, which train.py keeps.
const (
	adamBeta1   = 0.9
	adamBeta2   = 0.999
	adamEpsilon = 1e-8
)

// adam applies torch.optim.Adam's step t.step+1 with the given rate.
func (t *Trainer) adam(grads [][]float32, rate float64) {
	n := float64(t.step + 1)
	stepSize := float32(rate / (1 - math.Pow(adamBeta1, n)))
	sqrtCorrection2 := float32(math.Sqrt(1 - math.Pow(adamBeta2, n)))
	b1, b2 := float32(adamBeta1), float32(adamBeta2)
	for i, g := range grads {
		p, m, v := t.params[i], t.m[i], t.v[i]
		for j, gj := range g {
			m[j] = b1*m[j] + (1-b1)*gj
			v[j] = b2*v[j] + (1-b2)*gj*gj
			p[j] -= stepSize * m[j] / (float32(math.Sqrt(float64(v[j])))/sqrtCorrection2 + adamEpsilon)
		}
	}
}

// keys returns the state_dict key of each of t.params.
func (t *Trainer) keys() []string {
	keys := make([]string, 0, len(t.params))
	for _, pos := range convPositions(decoderLayers) {
		keys = append(keys, fmt.Sprintf("%d.weight", pos), fmt.Sprintf("%d.bias", pos))
	}
	return keys
}

// Checkpoint tensor names: the decoder's state_dict keys under "decoder/",
// Adam's moments under "adam_m/" and "adam_v/".
var checkpointPrefixes = []string{"decoder/", "adam_m/", "adam_v/"}

func (t *Trainer) checkpoint() error {
	if t.opts.CheckpointDir == "" || t.step == 0 {
		return nil
	}
	named := map[string]*tensors.Tensor{}
	for i, key := range t.keys() {
		for k, values := range [][][]float32{t.params, t.m, t.v} {
			named[checkpointPrefixes[k]+key] = tensors.FromFlatDataAndDimensions(slices.Clone(values[i]), t.shapes[i]...)
		}
	}
	_, err := t.ckpt.Save(t.step, named)
	return err
}

// Resume restores the newest valid checkpoint of CheckpointDir (decoder,
// Adam's moments and the step), skipping and reporting corrupt ones (see
// checkpoint.Dir.Resume). It reports false, with no error, when there is
// none.
func (t *Trainer) Resume() (resumed bool, skipped []checkpoint.Skipped, err error) {
	return t.ckpt.Resume(func(path string, step int, named map[string]*tensors.Tensor) error {
		restored := make([][][]float32, 3)
		for i, key := range t.keys() {
			for k, prefix := range checkpointPrefixes {
				v, ok := named[prefix+key]
				if !ok || !slices.Equal(v.Shape().Dimensions, t.shapes[i]) {
					return fmt.Errorf("adain: checkpoint %s: %s%s missing or not of shape %v (a checkpoint of another decoder?)",
						path, prefix, key, t.shapes[i])
				}
				data, err := tensors.CopyFlatData[float32](v)
				if err != nil {
					return fmt.Errorf("adain: checkpoint %s: %w", path, err)
				}
				restored[k] = append(restored[k], data)
			}
		}
		t.params, t.m, t.v, t.step = restored[0], restored[1], restored[2], step
		t.source = "checkpoint " + path
		return nil
	})
}

// Steps returns the number of steps done.
func (t *Trainer) Steps() int { return t.step }

// Decoder returns a copy of the decoder as trained so far.
func (t *Trainer) Decoder() *Decoder {
	d := &Decoder{source: fmt.Sprintf("trained here, %d steps, starting from %s", t.step, t.source)}
	for i := 0; i < len(t.params); i += 2 {
		d.convs = append(d.convs, convWeights{
			kernel: tensors.FromFlatDataAndDimensions(slices.Clone(t.params[i]), t.shapes[i]...),
			bias:   tensors.FromFlatDataAndDimensions(slices.Clone(t.params[i+1]), t.shapes[i+1]...),
		})
	}
	return d
}
