package display

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeKit is a widget front-end: present or not, with changes to play.
type fakeKit struct {
	present bool
	play    []change
	shown   bool
	removed bool
	done    chan struct{}
}

func (k *fakeKit) frontEnd(ctx context.Context, probe time.Duration) bool { return k.present }

func (k *fakeKit) show(controls []Control) (<-chan change, <-chan struct{}, func()) {
	k.shown = true
	changes := make(chan change)
	k.done = make(chan struct{})
	go func() {
		for _, c := range k.play {
			changes <- c
		}
		close(k.done)
	}()
	return changes, k.done, func() { k.removed = true }
}

var testControls = []Control{
	{Label: "β", Min: 2, Max: 8, Value: 4, Format: func(v int) string { return fmt.Sprintf("1e%d", v) }},
	{Label: "style", Choices: []string{"retina", "hubble"}, Value: 1},
}

// renderer records the values it renders with.
type renderer struct{ rendered [][]int }

func (r *renderer) render(values []int) (image.Image, error) {
	r.rendered = append(r.rendered, slices.Clone(values))
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.Gray{Y: uint8(values[0])})
	return img, nil
}

func TestInteractHeadlessRendersTheDefaultOnce(t *testing.T) {
	rec := &recorder{}
	kit := &fakeKit{present: false}
	r := &renderer{}
	opts := DefaultInteractOptions()
	opts.Title, opts.Screen, opts.kit = "sweep", &Screen{Notebook: true, frontend: rec}, kit
	if err := Interact(t.Context(), testControls, r.render, opts); err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(r.rendered, [][]int{{4, 1}}, slices.Equal) {
		t.Errorf("rendered %v, want the starting values [4 1] once", r.rendered)
	}
	if kit.shown {
		t.Error("controls were shown without a front-end to move them")
	}
	if len(rec.calls) != 1 || rec.calls[0].kind != "display" {
		t.Fatalf("front-end calls %v, want one ordinary display, which the saved notebook keeps", rec.calls)
	}
	for _, want := range []string{"sweep", "β 1e4", "style hubble", "data:image/png;base64,"} {
		if !strings.Contains(rec.calls[0].html, want) {
			t.Errorf("the view lacks %q", want)
		}
	}
}

func TestInteractTakesTheEnvironmentsWordForHeadless(t *testing.T) {
	t.Setenv(HeadlessEnv, "1")
	kit := &fakeKit{present: true}
	r := &renderer{}
	opts := DefaultInteractOptions()
	opts.Screen, opts.kit = &Screen{Notebook: true, frontend: &recorder{}}, kit
	if err := Interact(t.Context(), testControls, r.render, opts); err != nil {
		t.Fatal(err)
	}
	if kit.shown || len(r.rendered) != 1 {
		t.Errorf("with %s=1: controls shown %v, %d renders; want none shown and one render", HeadlessEnv, kit.shown, len(r.rendered))
	}
}

func TestInteractOutsideANotebookWritesThePage(t *testing.T) {
	s, out := fileScreen(t)
	r := &renderer{}
	opts := DefaultInteractOptions()
	opts.Screen = s // no kit: GoNB's own, which must not wait outside a notebook
	if err := Interact(t.Context(), testControls, r.render, opts); err != nil {
		t.Fatal(err)
	}
	if len(r.rendered) != 1 || len(writtenFiles(t, out.String())) != 1 {
		t.Errorf("rendered %d times and wrote %q, want one render and one page", len(r.rendered), out)
	}
}

func TestInteractRendersEachChangeInPlace(t *testing.T) {
	rec := &recorder{}
	kit := &fakeKit{present: true, play: []change{{0, 6}, {1, 0}}}
	r := &renderer{}
	opts := DefaultInteractOptions()
	opts.Screen, opts.kit = &Screen{Notebook: true, frontend: rec}, kit
	if err := Interact(t.Context(), testControls, r.render, opts); err != nil {
		t.Fatal(err)
	}
	if got := r.rendered[len(r.rendered)-1]; !slices.Equal(got, []int{6, 0}) || !slices.Equal(r.rendered[0], []int{4, 1}) {
		t.Errorf("rendered %v, want the starting values first and [6 0] last", r.rendered)
	}
	if !kit.removed {
		t.Error("the controls were left on screen")
	}
	n := len(rec.calls)
	if n < 3 || rec.calls[n-2].kind != "update" || rec.calls[n-2].html != "" || rec.calls[n-1].kind != "display" {
		t.Fatalf("front-end calls %v: want in-place updates, the blanking of the view and the final one displayed", rec.calls)
	}
	for _, c := range rec.calls[:n-2] {
		if c.kind != "update" || c.id != rec.calls[0].id {
			t.Errorf("call %v does not update the view %q in place", c, rec.calls[0].id)
		}
	}
	if !strings.Contains(rec.calls[n-1].html, "β 1e6 · style retina") {
		t.Errorf("the final view does not show the last values")
	}
}

func TestInteractStopsWithTheContext(t *testing.T) {
	rec := &recorder{}
	kit := &blockingKit{}
	opts := DefaultInteractOptions()
	opts.Screen, opts.kit = &Screen{Notebook: true, frontend: rec}, kit
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if err := Interact(ctx, testControls, (&renderer{}).render, opts); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Interact returned %v, want context.DeadlineExceeded", err)
	}
	if !kit.removed || rec.calls[len(rec.calls)-1].kind != "display" {
		t.Error("a cancelled Interact leaves its controls, or no final view")
	}
}

// blockingKit is a front-end whose reader never moves a control nor presses Done.
type blockingKit struct{ removed bool }

func (k *blockingKit) frontEnd(ctx context.Context, probe time.Duration) bool { return true }

func (k *blockingKit) show(controls []Control) (<-chan change, <-chan struct{}, func()) {
	return make(chan change), make(chan struct{}), func() { k.removed = true }
}

func TestInteractRefusesAnEmptyRange(t *testing.T) {
	bad := []Control{{Label: "k", Min: 3, Max: 1, Value: 2}}
	err := Interact(t.Context(), bad, (&renderer{}).render, DefaultInteractOptions())
	if !errors.Is(err, ErrNoChoices) || !strings.Contains(err.Error(), `"k"`) {
		t.Errorf("error %v, want ErrNoChoices naming the control", err)
	}
}

func TestProbeGivesUpWithoutAnswer(t *testing.T) {
	if answered(t.Context(), make(chan int), 10*time.Millisecond) {
		t.Error("a probe nobody answered counts as a front-end")
	}
	c := make(chan int, 1)
	c <- 1
	if !answered(t.Context(), c, time.Minute) {
		t.Error("an answered probe does not count as a front-end")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if answered(ctx, make(chan int), time.Minute) {
		t.Error("a cancelled probe counts as a front-end")
	}
	// Outside GoNB there is nothing to ask: the answer is immediate.
	if (gonbWidgets{}).frontEnd(t.Context(), time.Minute) {
		t.Error("a front-end was found outside a notebook")
	}
}
