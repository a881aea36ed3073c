package download

import (
	"fmt"
	"io"
	"time"
)

// progressReader reports bytes read, rate and ETA to out at most once per
// ProgressInterval, so a long download shows it is alive without flooding logs.
type progressReader struct {
	r     io.Reader
	out   io.Writer
	name  string
	total int64 // -1 when the server sent no Content-Length
	read  int64
	start time.Time
	last  time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	if time.Since(p.last) >= ProgressInterval {
		p.report(false)
	}
	return n, err
}

// report writes one progress line; final marks the end of the transfer.
func (p *progressReader) report(final bool) {
	p.last = time.Now()
	elapsed := p.last.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.read) / elapsed
	}
	line := fmt.Sprintf("%s: %s", p.name, byteSize(p.read))
	if p.total > 0 {
		line += fmt.Sprintf(" of %s (%.0f%%)", byteSize(p.total), 100*float64(p.read)/float64(p.total))
	}
	line += fmt.Sprintf(", %s/s", byteSize(int64(rate)))
	switch {
	case final:
		line += fmt.Sprintf(", done in %s", time.Duration(elapsed*float64(time.Second)).Round(time.Second/10))
	case p.total > 0 && rate > 0:
		eta := time.Duration(float64(p.total-p.read) / rate * float64(time.Second))
		line += fmt.Sprintf(", ETA %s", eta.Round(time.Second))
	}
	fmt.Fprintln(p.out, line)
}

// byteSize formats n with a binary unit (KiB, MiB, GiB).
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
