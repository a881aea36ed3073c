package style

import (
	"fmt"
	"io"
	"time"
)

// LogProgress returns an Options.Callback that writes one line to w at most
// every interval (and always at the end of a level): the level, the
// evaluation and the loss terms. It is the progress report for programs and
// tests; notebooks show live plots instead (see pkg/display).
func LogProgress(w io.Writer, interval time.Duration) func(Step) error {
	var last time.Time
	start := time.Now()
	return func(s Step) error {
		now := time.Now()
		if !s.Final && now.Sub(last) < interval {
			return nil
		}
		last = now
		dims := s.Image.Shape().Dimensions
		_, err := fmt.Fprintf(w, "style: level %d/%d (%dx%d) evaluation %d: %s [%s]\n",
			s.Level+1, s.Levels, dims[3], dims[2], s.Evaluation, s.Losses, now.Sub(start).Round(time.Second/10))
		return err
	}
}
