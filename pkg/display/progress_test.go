package display

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock the test advances by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// useFakeClock makes a fake clock the clock of Progress for the test.
func useFakeClock(t *testing.T) *fakeClock {
	c := &fakeClock{t: time.Unix(1e9, 0)}
	saved := now
	now = c.now
	t.Cleanup(func() { now = saved })
	return c
}

func TestProgressLines(t *testing.T) {
	var out bytes.Buffer
	clock := useFakeClock(t)
	p := NewProgress("train", 40)
	p.Interval, p.Screen = 2*time.Second, &Screen{Out: &out}
	for range 40 {
		clock.advance(250 * time.Millisecond) // 4 items a second.
		p.Add(1)
		if p.count == 20 {
			p.SetNote("loss=0.5")
		}
	}
	p.Done()
	p.Done() // A second Done prints nothing.
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// 10 s of work with a line every 2 s, then the final line.
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6:\n%s", len(lines), out.String())
	}
	if want := "train  20% |████▊                   | 8/40 [00:02<00:08, 4.00 it/s]"; lines[0] != want {
		t.Errorf("first line\n%q, want\n%q", lines[0], want)
	}
	if want := "train 100% |████████████████████████| 40/40 [00:10<00:00, 4.00 it/s] loss=0.5"; lines[5] != want {
		t.Errorf("last line\n%q, want\n%q", lines[5], want)
	}
}

func TestProgressUnknownTotalAndSlowRate(t *testing.T) {
	clock := useFakeClock(t)
	p := &Progress{Screen: &Screen{Out: &bytes.Buffer{}}}
	p.Add(0) // A struct literal starts its clock here.
	clock.advance(90 * time.Second)
	p.Set(30)
	if got, want := p.String(), "30 [01:30, 3.00 s/it]"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	clock.advance(2 * time.Hour)
	if got := p.String(); !strings.HasPrefix(got, "30 [2:01:30,") {
		t.Errorf("String() after two hours = %q", got)
	}
}

func TestProgressInNotebook(t *testing.T) {
	rec := &recorder{}
	clock := useFakeClock(t)
	p := NewProgress("<epochs>", 10)
	p.Screen = &Screen{Notebook: true, frontend: rec}
	for range 10 {
		clock.advance(200 * time.Millisecond)
		p.Add(1)
	}
	p.Done()
	// NotebookInterval is 500 ms: updates at 600 ms, 1.2 s and 1.8 s.
	if len(rec.calls) != 3+2 {
		t.Fatalf("%d front-end calls, want 3 updates, a blanking and a display: %+v", len(rec.calls), rec.calls)
	}
	for _, c := range rec.calls[:4] {
		if c.kind != "update" || c.id != rec.calls[0].id {
			t.Fatalf("call %+v, want an update of %q", c, rec.calls[0].id)
		}
	}
	final := rec.calls[4]
	if rec.calls[3].html != "" || final.kind != "display" {
		t.Fatalf("the bar does not end as a static display: %+v", rec.calls[3:])
	}
	for _, want := range []string{`value="10" max="10"`, "&lt;epochs&gt; 100% 10/10", "5.00 it/s"} {
		if !strings.Contains(final.html, want) {
			t.Errorf("final bar %q lacks %q", final.html, want)
		}
	}
}

func TestTextBar(t *testing.T) {
	for _, tc := range []struct {
		fraction float64
		want     string
	}{
		{0, "    "},
		{0.5, "██  "},
		{1.0 / 32, "▏   "},
		{1, "████"},
	} {
		if got := textBar(tc.fraction, 4); got != tc.want {
			t.Errorf("textBar(%v, 4) = %q, want %q", tc.fraction, got, tc.want)
		}
	}
}
