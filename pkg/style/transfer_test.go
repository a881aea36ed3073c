package style

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// toyNetwork stands in for VGG in the tests of Transfer's plumbing: its
// "layers" are cheap elementwise functions of the image, layer "a" tanh(x),
// "b" tanh(2x) and so on, whatever other layers are asked for with them.
type toyNetwork struct{}

func (toyNetwork) Features(image *Node, layers []string) map[string]*Node {
	out := map[string]*Node{}
	for _, name := range layers {
		out[name] = Tanh(MulScalar(image, float64(name[0]-'a'+1)))
	}
	return out
}

func (toyNetwork) String() string { return "toy network" }

func toyOptions() Options {
	opts := DefaultOptions()
	opts.ContentLayers = []string{"a"}
	opts.StyleLayers = []string{"a", "b"}
	opts.StyleWeight = 10
	opts.Size = 0
	opts.Iterations = 5
	opts.CallbackEvery = 1
	return opts
}

func randomImage(seed uint64, h, w int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 1))
	data := make([]float32, 3*h*w)
	for i := range data {
		data[i] = rng.Float32()
	}
	return tensors.FromFlatDataAndDimensions(data, 1, 3, h, w)
}

func TestTransferRejectsBadInput(t *testing.T) {
	b := testBackend(t)
	content, style := randomImage(1, 6, 5), randomImage(2, 4, 4)
	for _, tc := range []struct {
		name    string
		change  func(o *Options) (*tensors.Tensor, []*tensors.Tensor)
		wantErr string
	}{
		{"negative weight", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			o.StyleWeight = -1
			return content, []*tensors.Tensor{style}
		}, "StyleWeight"},
		{"layer weights", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			o.StyleLayerWeights = []float64{1}
			return content, []*tensors.Tensor{style}
		}, "1 StyleLayerWeights for 2 StyleLayers"},
		{"blend weights", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			o.StyleBlendWeights = []float64{1, 2}
			return content, []*tensors.Tensor{style}
		}, "2 StyleBlendWeights for 1 style images"},
		{"no content", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			return nil, []*tensors.Tensor{style}
		}, "no content image"},
		{"no style", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			return content, nil
		}, "no style image"},
		{"wrong shape", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			return content, []*tensors.Tensor{tensors.FromFlatDataAndDimensions(make([]float32, 16), 1, 1, 4, 4)}
		}, "style image 0 must be a float32 [1, 3, H, W]"},
		{"no optimizer", func(o *Options) (*tensors.Tensor, []*tensors.Tensor) {
			o.Optimizer = nil
			return content, []*tensors.Tensor{style}
		}, "Optimizer is nil"},
	} {
		opts := toyOptions()
		c, s := tc.change(&opts)
		_, err := Transfer(t.Context(), b, toyNetwork{}, c, s, opts)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: Transfer returned error %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestTransferReportsAndReducesLoss(t *testing.T) {
	b := testBackend(t)
	opts := toyOptions()
	opts.Optimizer = NewAdam(0.05)
	opts.Iterations = 20
	opts.TVWeight = 0.1
	var steps []Step
	opts.Callback = func(s Step) error { steps = append(steps, s); return nil }
	res, err := Transfer(t.Context(), b, toyNetwork{}, randomImage(1, 7, 5), []*tensors.Tensor{randomImage(2, 6, 6)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.History) != opts.Iterations {
		t.Errorf("History has %d entries after %d Adam steps", len(res.History), opts.Iterations)
	}
	if len(steps) != opts.Iterations+1 || !steps[len(steps)-1].Final {
		t.Fatalf("Callback called %d times, want once per evaluation and a final report", len(steps))
	}
	for i, s := range steps[:opts.Iterations] {
		if s.Evaluation != i+1 || s.Final {
			t.Errorf("step %d reports evaluation %d (final %v)", i, s.Evaluation, s.Final)
		}
	}
	first, last := res.History[0], res.Losses
	if !(last.Total < first.Total) {
		t.Errorf("loss went from %v to %v", first, last)
	}
	if l := last; l.Content <= 0 || l.Style <= 0 || l.TV <= 0 || math.Abs(l.Total-(l.Content+l.Style+l.TV)) > 1e-6*l.Total {
		t.Errorf("final losses %v: want three positive terms that sum to the total", l)
	}
	if got := res.Image.Shape().Dimensions; got[2] != 7 || got[3] != 5 {
		t.Errorf("result is %v, want the content's 7x5", got)
	}
}

func TestTransferCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	opts := toyOptions()
	opts.Callback = func(s Step) error {
		if s.Evaluation == 2 {
			cancel()
		}
		return nil
	}
	_, err := Transfer(ctx, testBackend(t), toyNetwork{}, randomImage(1, 4, 4), []*tensors.Tensor{randomImage(2, 4, 4)}, opts)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Transfer returned %v after its context was cancelled, want context.Canceled", err)
	}
}

func TestTransferLevelsAndSize(t *testing.T) {
	opts := toyOptions()
	opts.Size, opts.Levels, opts.Iterations = 12, 3, 2
	sizes := map[[2]int]bool{}
	opts.Callback = func(s Step) error {
		d := s.Image.Shape().Dimensions
		sizes[[2]int{d[2], d[3]}] = true
		return nil
	}
	res, err := Transfer(t.Context(), testBackend(t), toyNetwork{}, randomImage(1, 20, 30), []*tensors.Tensor{randomImage(2, 9, 9)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range [][2]int{{2, 3}, {4, 6}, {8, 12}} {
		if !sizes[want] {
			t.Errorf("no level ran at %dx%d; levels seen: %v", want[1], want[0], sizes)
		}
	}
	if d := res.Image.Shape().Dimensions; d[2] != 8 || d[3] != 12 {
		t.Errorf("result is %v, want 8x12 (Size 12 on the longer side of a 20x30 content)", d)
	}
}

func TestTextureUsesTexturesAspect(t *testing.T) {
	opts := toyOptions()
	opts.Size = 10
	res, err := Texture(t.Context(), testBackend(t), toyNetwork{}, randomImage(3, 4, 8), opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Image.Shape().Dimensions; d[2] != 5 || d[3] != 10 {
		t.Errorf("texture is %v, want 5x10", d)
	}
	if res.Losses.Content != 0 {
		t.Errorf("texture synthesis has a content loss: %v", res.Losses)
	}
}

func TestStyleBlendAveragesGrams(t *testing.T) {
	b := testBackend(t)
	opts := toyOptions()
	extractor, err := newFeatureExtractor(b, toyNetwork{}, opts.ContentLayers, opts.StyleLayers, nil)
	if err != nil {
		t.Fatal(err)
	}
	styles := []*tensors.Tensor{randomImage(4, 5, 5), randomImage(5, 5, 5)}
	opts.StyleBlendWeights = []float64{3, 1}
	tr := &transfer{ctx: t.Context(), backend: b, net: toyNetwork{}, opts: &opts, extractor: extractor}
	blended, _, err := tr.styleTargets(styles, 5)
	if err != nil {
		t.Fatal(err)
	}
	for l := range opts.StyleLayers {
		want := make([]float32, blended[l].Size())
		for i, s := range styles {
			targets, err := extractor.targets(s)
			if err != nil {
				t.Fatal(err)
			}
			axpy([]float64{0.75, 0.25}[i], tensors.MustCopyFlatData[float32](targets.Style[l]), want)
		}
		assertClose(t, "blended Gram", tensors.MustCopyFlatData[float32](blended[l]), want, 1e-6)
	}
}

func TestTransferOriginalColors(t *testing.T) {
	opts := toyOptions()
	content := randomImage(1, 5, 6)
	var final *tensors.Tensor
	opts.Callback = func(s Step) error { final = s.Image; return nil }
	plain, err := Transfer(t.Context(), testBackend(t), toyNetwork{}, content, []*tensors.Tensor{randomImage(2, 5, 6)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.OriginalColors = true
	kept, err := Transfer(t.Context(), testBackend(t), toyNetwork{}, content, []*tensors.Tensor{randomImage(2, 5, 6)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want, err := KeepOriginalColors(tensors.MustCopyFlatData[float32](plain.Image), tensors.MustCopyFlatData[float32](content), 1, 5, 6)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "OriginalColors result", tensors.MustCopyFlatData[float32](kept.Image), want, 1e-6)
	assertClose(t, "OriginalColors callback image", tensors.MustCopyFlatData[float32](final), want, 1e-6)
}

func TestLogProgress(t *testing.T) {
	var log strings.Builder
	opts := toyOptions()
	opts.Iterations = 3
	opts.Callback = LogProgress(&log, time.Hour) // only the first and the final reports are due
	if _, err := Transfer(t.Context(), testBackend(t), toyNetwork{}, randomImage(1, 4, 6), []*tensors.Tensor{randomImage(2, 4, 4)}, opts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "level 1/1 (6x4) evaluation 3: total") {
		t.Errorf("LogProgress wrote %q, want a first line and a final one for evaluation 3", lines)
	}
}

func TestTransferInit(t *testing.T) {
	content, styleImage := randomImage(1, 5, 7), randomImage(2, 5, 7)
	start := func(init Init, seed uint64) []float32 {
		opts := toyOptions()
		opts.Init, opts.Seed, opts.Iterations, opts.Optimizer = init, seed, 0, NewAdam(0.1) // no step: the result is the start
		res, err := Transfer(t.Context(), testBackend(t), toyNetwork{}, content, []*tensors.Tensor{styleImage}, opts)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](res.Image)
	}
	assertClose(t, "InitContent start", start(InitContent, 0), tensors.MustCopyFlatData[float32](content), 0)
	assertClose(t, "InitStyle start", start(InitStyle, 0), tensors.MustCopyFlatData[float32](styleImage), 0)
	assertClose(t, "InitNoise start, same seed", start(InitNoise, 7), start(InitNoise, 7), 0)
	if a, b := start(InitNoise, 7), start(InitNoise, 8); a[0] == b[0] && a[1] == b[1] {
		t.Errorf("InitNoise gave the same start for seeds 7 and 8")
	}
}
