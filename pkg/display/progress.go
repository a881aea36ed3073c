package display

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Default redraw intervals of Progress, by where it draws.
const (
	NotebookInterval = 500 * time.Millisecond
	TerminalInterval = 200 * time.Millisecond
	// LogInterval is the period of the lines written to files and pipes.
	LogInterval = 10 * time.Second
)

// barWidth is the width, in characters, of the text bar.
const barWidth = 24

// Progress is a progress bar with rate and ETA, like tqdm: an updating
// HTML bar in a notebook, a line redrawn in place on a terminal, and a line
// per interval when output goes to a file or a pipe.
//
//	bar := display.NewProgress("training", steps)
//	for step := range steps {
//		...
//		bar.Add(1)
//		bar.SetNote(fmt.Sprintf("loss=%.3g", loss))
//	}
//	bar.Done()
//
// Its methods may be called from several goroutines.
type Progress struct {
	Label string
	// Total is the count at completion; 0 means unknown (no bar, no ETA).
	Total int
	// Interval is the time between redraws; 0 means NotebookInterval,
	// TerminalInterval or LogInterval, by where the bar is drawn.
	Interval time.Duration
	// Screen is where the bar goes; nil means Default.
	Screen *Screen

	mu       sync.Mutex
	start    time.Time
	lastDraw time.Time
	count    int
	note     string
	id       string // gonbui display id of the transient bar.
	drawn    bool   // Whether a terminal line is waiting for its "\r" redraw.
	finished bool
}

// now is the clock of Progress, replaced in tests.
var now = time.Now

// NewProgress returns a bar for total items (0 if unknown) and starts its
// clock. (A Progress made as a struct literal starts its clock at its first
// call.)
func NewProgress(label string, total int) *Progress {
	p := &Progress{Label: label, Total: total}
	p.init()
	return p
}

// Add advances the count by n and redraws when the interval has passed.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	p.count += n
	p.maybeDraw()
}

// Set sets the count and redraws when the interval has passed.
func (p *Progress) Set(count int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	p.count = count
	p.maybeDraw()
}

// SetNote sets a short text shown after the bar, such as the latest loss.
func (p *Progress) SetNote(note string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.note = note
}

// Done draws the final state: a static output in a notebook, the
// finished line elsewhere. Later calls do nothing.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.init()
	p.finished = true
	s := p.screen()
	switch {
	case s.Notebook:
		if p.id != "" {
			s.front().UpdateHTML(p.id, "")
		}
		s.front().DisplayHTML(p.html())
	case p.drawn:
		fmt.Fprintf(s.out(), "\r%s\x1b[K\n", p.line())
	default:
		fmt.Fprintln(s.out(), p.line())
	}
}

// String returns the text form of the bar, e.g.
// "training  42% |██████████▏             | 42/100 [00:12<00:16, 3.50 it/s] loss=0.3".
func (p *Progress) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	return p.line()
}

func (p *Progress) init() {
	if p.start.IsZero() {
		p.start = now()
	}
}

func (p *Progress) screen() *Screen {
	if p.Screen == nil {
		return Default
	}
	return p.Screen
}

// isTerminal reports whether w is a character device, where "\r" redraws
// the line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// maybeDraw redraws when the interval has passed since the last redraw
// (the first call only starts the clock).
func (p *Progress) maybeDraw() {
	if p.finished {
		return
	}
	s := p.screen()
	terminal := !s.Notebook && isTerminal(s.out())
	interval := p.Interval
	if interval <= 0 {
		switch {
		case s.Notebook:
			interval = NotebookInterval
		case terminal:
			interval = TerminalInterval
		default:
			interval = LogInterval
		}
	}
	now := now()
	if p.lastDraw.IsZero() {
		p.lastDraw = p.start
	}
	if now.Sub(p.lastDraw) < interval {
		return
	}
	p.lastDraw = now
	switch {
	case s.Notebook:
		if p.id == "" {
			p.id = "neuralart_progress_" + gonbui.UniqueId()
		}
		s.front().UpdateHTML(p.id, p.html())
	case terminal:
		fmt.Fprintf(s.out(), "\r%s\x1b[K", p.line()) // Erase what a longer line left.
		p.drawn = true
	default:
		fmt.Fprintln(s.out(), p.line())
	}
}

// stats returns the fraction done (-1 when Total is unknown), the rate in
// items per second and the time left (-1 when unknown).
func (p *Progress) stats() (fraction, rate float64, elapsed, left time.Duration) {
	elapsed = now().Sub(p.start)
	if elapsed > 0 {
		rate = float64(p.count) / elapsed.Seconds()
	}
	fraction, left = -1, -1
	if p.Total > 0 {
		fraction = min(max(float64(p.count)/float64(p.Total), 0), 1)
		if rate > 0 {
			left = time.Duration(float64(max(p.Total-p.count, 0)) / rate * float64(time.Second))
		}
	}
	return fraction, rate, elapsed, left
}

// line is the text form of the bar.
func (p *Progress) line() string {
	return p.text(true)
}

// text describes the progress, with or without the text bar.
func (p *Progress) text(withBar bool) string {
	fraction, rate, elapsed, left := p.stats()
	var b strings.Builder
	if p.Label != "" {
		b.WriteString(p.Label + " ")
	}
	switch {
	case fraction < 0:
		fmt.Fprintf(&b, "%d", p.count)
	case withBar:
		fmt.Fprintf(&b, "%3.0f%% |%s| %d/%d", math.Floor(100*fraction), textBar(fraction, barWidth), p.count, p.Total)
	default:
		fmt.Fprintf(&b, "%3.0f%% %d/%d", math.Floor(100*fraction), p.count, p.Total)
	}
	fmt.Fprintf(&b, " [%s", clock(elapsed))
	if left >= 0 {
		fmt.Fprintf(&b, "<%s", clock(left))
	}
	fmt.Fprintf(&b, ", %s]", formatRate(rate))
	if p.note != "" {
		b.WriteString(" " + p.note)
	}
	return b.String()
}

// html is the notebook form of the bar: a <progress> element (an
// indeterminate one when Total is unknown) and the text.
func (p *Progress) html() string {
	bar := `<progress style="width:20em;vertical-align:middle"></progress>`
	if p.Total > 0 {
		bar = fmt.Sprintf(`<progress style="width:20em;vertical-align:middle" value="%d" max="%d"></progress>`,
			min(max(p.count, 0), p.Total), p.Total)
	}
	return `<div style="font-family:monospace">` + bar + " " + html.EscapeString(p.text(false)) + "</div>"
}

// textBar draws fraction of width characters with Unicode block elements,
// to an eighth of a character.
func textBar(fraction float64, width int) string {
	const partial = " ▏▎▍▌▋▊▉"
	eighths := int(fraction * float64(width*8))
	full := eighths / 8
	var b strings.Builder
	b.WriteString(strings.Repeat("█", full))
	if full < width {
		b.WriteRune([]rune(partial)[eighths%8])
		b.WriteString(strings.Repeat(" ", width-full-1))
	}
	return b.String()
}

// clock formats d as mm:ss, or h:mm:ss from an hour on.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// formatRate prints items per second, or seconds per item when slower
// than one a second.
func formatRate(rate float64) string {
	switch {
	case rate <= 0:
		return "? it/s"
	case rate < 1:
		return fmt.Sprintf("%.2f s/it", 1/rate)
	}
	return fmt.Sprintf("%.2f it/s", rate)
}
