package style

import (
	"image"
	"math"
	"slices"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// gramTerm is the built-in style loss written as a Term: the same numbers
// must come out of either.
func gramTerm(layers []string, weight float64) Term {
	return Term{Name: "gram", Weight: weight, Layers: layers, Loss: func(in TermInputs) *Node {
		var sum *Node
		for _, l := range layers {
			target := in.BlendStyles(func(f Features) *Node { return Gram(f[l]) })
			term := StyleLayerLoss(in.Image[l], target)
			if sum == nil {
				sum = term
			} else {
				sum = Add(sum, term)
			}
		}
		return sum
	}}
}

func TestTermReplacesTheBuiltinStyleLoss(t *testing.T) {
	b := testBackend(t)
	content := randomImage(1, 6, 5)
	styles := []*tensors.Tensor{randomImage(2, 5, 5), randomImage(3, 4, 6)}
	builtin := toyOptions()
	builtin.StyleBlendWeights = []float64{3, 1}
	want, err := Transfer(t.Context(), b, toyNetwork{}, content, styles, builtin)
	if err != nil {
		t.Fatal(err)
	}
	custom := builtin
	custom.StyleWeight = 0
	custom.Terms = []Term{gramTerm(builtin.StyleLayers, builtin.StyleWeight)}
	got, err := Transfer(t.Context(), b, toyNetwork{}, content, styles, custom)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.History) != len(want.History) {
		t.Fatalf("%d evaluations with the term, %d with the built-in loss", len(got.History), len(want.History))
	}
	for i := range want.History {
		w, g := want.History[i], got.History[i]
		if math.Abs(g.Total-w.Total) > 1e-5*math.Abs(w.Total) || math.Abs(g.Terms[1].Value-w.Style) > 1e-5*math.Abs(w.Style) {
			t.Fatalf("evaluation %d: the term gives %v, the built-in style loss %v", i, g, w)
		}
	}
	if names := termNamesOf(got.Losses); !slices.Equal(names, []string{"content", "gram"}) {
		t.Errorf("terms %v, want [content gram]", names)
	}
}

func termNamesOf(l Losses) []string {
	var names []string
	for _, t := range l.Terms {
		names = append(names, t.Name)
	}
	return names
}

// fakeView records what Watch shows.
type fakeView struct {
	series  map[string]int
	updates []int
	images  int
}

func (v *fakeView) Add(series string, step int, value float64) {
	if v.series == nil {
		v.series = map[string]int{}
	}
	v.series[series]++
}
func (v *fakeView) Due(step int) bool { return step%2 == 0 }
func (v *fakeView) Update(step int, imgs ...image.Image) error {
	v.updates = append(v.updates, step)
	v.images += len(imgs)
	return nil
}

func TestTermsAreReportedByName(t *testing.T) {
	opts := toyOptions()
	mean := func(in TermInputs) *Node { return ReduceAllMean(in.Image["b"]) }
	opts.Terms = []Term{
		{Name: "mean b", Weight: 0.5, Layers: []string{"b"}, Loss: mean},
		{Name: "watched", Weight: 0, Layers: []string{"b"}, Loss: mean},
		{Name: "pixels", Weight: 2, Loss: func(in TermInputs) *Node { return ReduceAllMean(Square(Sub(in.Pixels, in.Content["b"]))) }},
	}
	opts.Terms[2].Layers = []string{"b"}
	view := &fakeView{}
	opts.Callback = Watch(view)
	res, err := Transfer(t.Context(), testBackend(t), toyNetwork{}, randomImage(1, 6, 5), []*tensors.Tensor{randomImage(2, 4, 4)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	l := res.Losses
	if names := termNamesOf(l); !slices.Equal(names, []string{"content", "style", "mean b", "watched", "pixels"}) {
		t.Fatalf("terms %v", names)
	}
	var sum float64
	for _, term := range l.Terms {
		sum += term.Value
	}
	if math.Abs(sum-l.Total) > 1e-5*l.Total || l.Terms[3].Value != 0 || !(l.Terms[2].Value > 0) {
		t.Errorf("losses %v: want the terms to sum to the total, the watched term 0 and the mean > 0", l)
	}
	if !strings.Contains(l.String(), "mean b ") || !strings.Contains(l.String(), "+ pixels ") {
		t.Errorf("String() = %q, want every term by name", l)
	}
	for _, name := range []string{"content", "style", "mean b", "watched", "pixels"} {
		if view.series[name] != len(res.History)+1 { // every evaluation, and the final report
			t.Errorf("series %q has %d points, want %d", name, view.series[name], len(res.History)+1)
		}
	}
	if view.series["total"] != 0 {
		t.Error("the total is plotted over the terms")
	}
	if n := len(view.updates); n == 0 || view.images != n || view.updates[n-1] != len(res.History) {
		t.Errorf("updates at steps %v with %d images, want every second step and the last (%d), each with the image", view.updates, view.images, len(res.History))
	}
}

func TestBadTermsAreRefused(t *testing.T) {
	scalar := func(in TermInputs) *Node { return ReduceAllMean(in.Pixels) }
	for _, tc := range []struct {
		terms   []Term
		wantErr string
	}{
		{[]Term{{Weight: 1, Loss: scalar}}, "Terms[0] has no Name"},
		{[]Term{{Name: "style", Weight: 1, Loss: scalar}}, "built-in"},
		{[]Term{{Name: "x", Weight: 1, Loss: scalar}, {Name: "x", Weight: 1, Loss: scalar}}, `Terms[1] ("x"): two terms`},
		{[]Term{{Name: "x", Weight: -1, Loss: scalar}}, `Terms[0] ("x"): Weight`},
		{[]Term{{Name: "x", Weight: math.NaN(), Loss: scalar}}, `Weight`},
		{[]Term{{Name: "x", Weight: 1}}, "Loss is nil"},
		{[]Term{{Name: "map", Weight: 1, Loss: func(in TermInputs) *Node { return in.Pixels }}}, `term "map": Loss must return a scalar`},
		{[]Term{{Name: "nostyle", Weight: 1, Layers: []string{"a"}, Loss: func(in TermInputs) *Node {
			return ReduceAllMean(in.BlendStyles(func(f Features) *Node { return f["a"] }))
		}}}, "no style images"},
	} {
		opts := toyOptions()
		opts.StyleWeight = 0
		opts.Terms = tc.terms
		_, err := Transfer(t.Context(), testBackend(t), toyNetwork{}, randomImage(1, 6, 5), nil, opts)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one saying %q", tc.terms[0].Name, err, tc.wantErr)
		}
	}
}

// NewLoss takes the terms' features in Targets: a term written as the
// content loss gives the built-in content loss and its gradient.
func TestNewLossWithTermFeatures(t *testing.T) {
	b := testBackend(t)
	content, x := randomImage(1, 6, 5), randomImage(4, 6, 5)
	layers := []string{"a"}
	builtin := toyOptions()
	builtin.StyleWeight, builtin.ContentLayers = 0, layers
	targets, err := ComputeTargets(b, toyNetwork{}, content, layers, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := NewLoss(b, toyNetwork{}, targets, 6, 5, &builtin)
	if err != nil {
		t.Fatal(err)
	}
	custom := builtin
	custom.ContentWeight = 0
	custom.Terms = []Term{{Name: "mse", Weight: 1, Layers: layers, Loss: func(in TermInputs) *Node {
		return ContentLoss(in.Image["a"], in.Content["a"])
	}}}
	if _, err := NewLoss(b, toyNetwork{}, Targets{ContentFeatures: map[string]*tensors.Tensor{}}, 6, 5, &custom); err == nil ||
		!strings.Contains(err.Error(), "Targets.ContentFeatures has no layer a") {
		t.Errorf("features without the term's layer: error %v", err)
	}
	features, err := ComputeFeatures(b, toyNetwork{}, content, layers)
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewLoss(b, toyNetwork{}, Targets{ContentFeatures: features}, 6, 5, &custom)
	if err != nil {
		t.Fatal(err)
	}
	data := tensors.MustCopyFlatData[float32](x)
	wantGrad, gotGrad := make([]float32, len(data)), make([]float32, len(data))
	wl, err := want.Evaluate(data, wantGrad)
	if err != nil {
		t.Fatal(err)
	}
	gl, err := got.Evaluate(data, gotGrad)
	if err != nil {
		t.Fatal(err)
	}
	if gl.Total != wl.Total || gl.Terms[0].Value != wl.Content || !slices.Equal(gotGrad, wantGrad) {
		t.Errorf("the term gives %v, the built-in content loss %v (gradients equal: %v)", gl, wl, slices.Equal(gotGrad, wantGrad))
	}
}
