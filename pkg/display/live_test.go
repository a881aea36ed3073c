package display

import (
	"bytes"
	"image"
	"os"
	"strings"
	"testing"
)

func TestLiveInNotebook(t *testing.T) {
	rec := &recorder{}
	live := &Live{Title: "style transfer", Every: 5, LogY: true, Screen: &Screen{Notebook: true, frontend: rec}}
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	updates := 0
	for step := range 12 {
		live.Add("content", step, 100/float64(step+1))
		live.Add("style", step, 10/float64(step+1))
		if live.Due(step) {
			if err := live.Update(step, img); err != nil {
				t.Fatal(err)
			}
			updates++
		}
	}
	if updates != 3 { // Steps 0, 5 and 10.
		t.Fatalf("%d updates, want 3", updates)
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != updates+2 {
		t.Fatalf("%d front-end calls, want %d updates, a blanking and a display", len(rec.calls), updates+2)
	}
	id := rec.calls[0].id
	for i, c := range rec.calls[:updates+1] {
		if c.kind != "update" || c.id != id || id == "" {
			t.Fatalf("call %d is %s(%q), want an update of the view %q", i, c.kind, c.id, id)
		}
	}
	if blank := rec.calls[updates]; blank.html != "" {
		t.Errorf("the transient view is left with %q, want it blanked", blank.html)
	}
	final := rec.calls[updates+1]
	if final.kind != "display" {
		t.Fatalf("the final view is a %s, want an ordinary display", final.kind)
	}
	for _, want := range []string{"step 11", "content=8.333", "style=0.8333", "<svg", "<polyline", "data:image/png;base64,"} {
		if !strings.Contains(final.html, want) {
			t.Errorf("final view lacks %q", want)
		}
	}
	if n := strings.Count(final.html, "<polyline"); n != 2 {
		t.Errorf("final plot has %d polylines, want 2", n)
	}
	// Each Live has its own display id, so two views never overwrite each other.
	other := &Live{Screen: live.Screen}
	other.Add("loss", 0, 1)
	if err := other.Update(0); err != nil {
		t.Fatal(err)
	}
	if last := rec.calls[len(rec.calls)-1]; last.id == id {
		t.Errorf("a second Live reused the display id %q", id)
	}
}

func TestLiveOutsideNotebook(t *testing.T) {
	s, out := fileScreen(t)
	live := &Live{Screen: s}
	if live.Due(3) || !live.Due(20) {
		t.Error("Due with the default Every of 10 is wrong")
	}
	live.Add("loss", 0, 2.5)
	live.Add("loss", 10, 1.25)
	if err := live.Update(10); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "step 10  loss=1.25\n") {
		t.Errorf("Update printed %q", out)
	}
	out.Reset()
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	paths := writtenFiles(t, out.String())
	if len(paths) != 1 {
		t.Fatalf("Close printed %q, want one written page", out)
	}
	page, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("<polyline")) {
		t.Errorf("final page has no plot")
	}
}

func TestLivePanels(t *testing.T) {
	rec := &recorder{}
	live := &Live{Panels: [][]string{{"loss D", "loss G"}, {"D(x)"}}, Screen: &Screen{Notebook: true, frontend: rec}}
	for step := range 5 {
		live.Add("loss D", step, 1.4-0.1*float64(step))
		live.Add("loss G", step, 0.7+0.3*float64(step))
		live.Add("D(x)", step, 0.5+0.05*float64(step))
		live.Add("D(G(z))", step, 0.5-0.05*float64(step))
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	page := rec.calls[len(rec.calls)-1].html
	if n := strings.Count(page, "<svg"); n != 3 {
		t.Errorf("%d <svg> elements, want a figure holding two panels", n)
	}
	if n := strings.Count(page, "<polyline"); n != 3 {
		t.Errorf("%d lines, want the 3 series the panels name", n)
	}
	if !strings.Contains(page, "D(G(z))=0.3") {
		t.Errorf("the header lacks the value of the series no panel draws")
	}
}
