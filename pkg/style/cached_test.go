package style

import (
	"slices"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/cache"
)

func TestTransferReusesCachedResults(t *testing.T) {
	b := testBackend(t)
	content, styles := randomImage(1, 6, 5), []*tensors.Tensor{randomImage(2, 4, 4)}
	opts := toyOptions()
	opts.Cache = &cache.Cache{Dir: t.TempDir()}
	opts.Terms = []Term{{Name: "mean", Weight: 1, Layers: []string{"a"}, Loss: func(in TermInputs) *Node { return ReduceAllMean(in.Image["a"]) }}}
	first, err := Transfer(t.Context(), b, toyNetwork{}, content, styles, opts)
	if err != nil {
		t.Fatal(err)
	}
	var steps []Step
	opts.Callback = func(s Step) error { steps = append(steps, s); return nil }
	second, err := Transfer(t.Context(), b, toyNetwork{}, content, styles, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || !second.Cached {
		t.Fatalf("Cached is %v, then %v; want false, then true", first.Cached, second.Cached)
	}
	if !slices.Equal(tensors.MustCopyFlatData[float32](second.Image), tensors.MustCopyFlatData[float32](first.Image)) {
		t.Error("the cached image differs from the computed one")
	}
	if len(second.History) != len(first.History) || second.Losses.String() != first.Losses.String() ||
		second.History[2].String() != first.History[2].String() {
		t.Errorf("cached losses %v (%d evaluations), computed %v (%d)", second.Losses, len(second.History), first.Losses, len(first.History))
	}
	if n := len(steps); n != len(first.History)+1 || !steps[n-1].Final || steps[n-1].Image == nil || steps[n-2].Image != nil ||
		steps[n-2].Losses.String() != first.History[n-2].String() {
		t.Errorf("the callback saw %d steps of a cached transfer, want the %d evaluations replayed without images, then the final step with its image",
			len(steps), len(first.History))
	}

	for name, change := range map[string]func(o *Options){
		"Iterations": func(o *Options) { o.Iterations++ },
		"term weight": func(o *Options) {
			o.Terms = []Term{{Name: "mean", Weight: 2, Layers: []string{"a"}, Loss: o.Terms[0].Loss}}
		},
		"Seed": func(o *Options) { o.Seed++ },
	} {
		changed := opts
		change(&changed)
		res, err := Transfer(t.Context(), b, toyNetwork{}, content, styles, changed)
		if err != nil {
			t.Fatal(err)
		}
		if res.Cached {
			t.Errorf("another %s found the first transfer's result", name)
		}
	}
	other := randomImage(9, 6, 5)
	if res, err := Transfer(t.Context(), b, toyNetwork{}, other, styles, opts); err != nil || res.Cached {
		t.Errorf("another content image: cached %v, err %v; want it computed", res != nil && res.Cached, err)
	}
}
