// Command testreport reads `go test -json` on its standard input and reports
// what scripts/test.sh shows: a line per package (ok or FAIL, with the failing
// tests above it), the count of passed, failed and skipped tests, every
// failure named (subtests, packages that did not build, panics outside a
// test, and the tests still running when a package timed out), and the output
// of the first failure, for the end of a CI log where excerpts show it.
//
// Usage:
//
//	go test -json ./... 2>&1 | testreport -log go-test.log -failures failures.txt -first first-failure.txt
//
// -log receives the tests' text output (what `go test -v` prints), -failures
// one failure per line, -first the first failure's output. It exits with
// status 1 when anything failed. Lines that are not JSON (the go command's
// own messages) are passed through.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
)

// event is one line of `go test -json` (see `go doc test2json`); build
// events carry ImportPath instead of Package.
type event struct {
	Action      string
	Package     string
	ImportPath  string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
}

// contextLines is how much of a failure's output the report repeats.
const contextLines = 40

type pkgState struct {
	output  []string            // package-level output (panics outside a test, timeouts)
	tests   map[string][]string // output per top-level test, its subtests' included
	running []string            // started, not finished, in start order
	failed  []string            // "--- FAIL" lines, in order
}

type report struct {
	pkgs                    map[string]*pkgState
	build                   map[string][]string // build output per import path
	passed, failed, skipped int
	failures                []string
	first                   []string // the first failure's output
	log, out                io.Writer
}

func main() {
	logPath := flag.String("log", "", "file for the tests' text output")
	failuresPath := flag.String("failures", "", "file for the failures, one per line")
	firstPath := flag.String("first", "", "file for the first failure's output")
	flag.Parse()

	r := &report{pkgs: map[string]*pkgState{}, build: map[string][]string{}, log: io.Discard, out: os.Stdout}
	if *logPath != "" {
		f, err := os.Create(*logPath)
		if err != nil {
			fatal(err)
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		defer w.Flush()
		r.log = w
	}
	start := time.Now()
	if err := r.read(os.Stdin); err != nil {
		fatal(err)
	}
	r.finishUnended()
	fmt.Fprintf(r.out, "go test: %d passed, %d failed, %d skipped in %ds\n", r.passed, r.failed, r.skipped, int(time.Since(start).Seconds()))
	write(*failuresPath, r.failures)
	write(*firstPath, r.first)
	if r.failed > 0 {
		os.Exit(1)
	}
}

func (r *report) read(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintln(r.out, string(line))
			fmt.Fprintln(r.log, string(line))
			continue
		}
		r.handle(&e)
	}
	return sc.Err()
}

func (r *report) pkg(name string) *pkgState {
	p := r.pkgs[name]
	if p == nil {
		p = &pkgState{tests: map[string][]string{}}
		r.pkgs[name] = p
	}
	return p
}

func (r *report) handle(e *event) {
	switch e.Action {
	case "build-output":
		r.build[e.ImportPath] = append(r.build[e.ImportPath], e.Output)
		io.WriteString(r.log, e.Output)
		return
	case "build-fail":
		return
	}
	p := r.pkg(e.Package)
	if e.Test == "" {
		switch e.Action {
		case "output":
			p.output = append(p.output, e.Output)
			r.output(e.Output)
		case "pass":
			fmt.Fprintf(r.out, "ok   %s %.2fs\n", e.Package, e.Elapsed)
			delete(r.pkgs, e.Package)
		case "skip": // no test files
			delete(r.pkgs, e.Package)
		case "fail":
			r.packageFailed(e, p)
			delete(r.pkgs, e.Package)
		}
		return
	}
	top, _, _ := strings.Cut(e.Test, "/")
	switch e.Action {
	case "run":
		p.running = append(p.running, e.Test)
	case "output":
		p.tests[top] = append(p.tests[top], e.Output)
		r.output(e.Output)
	case "pass", "skip", "fail":
		p.running = slices.DeleteFunc(p.running, func(t string) bool { return t == e.Test })
		topLevel := top == e.Test
		switch {
		case e.Action == "fail":
			depth := strings.Count(e.Test, "/")
			p.failed = append(p.failed, fmt.Sprintf("%s--- FAIL: %s (%.2fs)", strings.Repeat("    ", depth), e.Test, e.Elapsed))
			r.failures = append(r.failures, fmt.Sprintf("%s %s", e.Package, e.Test))
			if topLevel {
				r.failed++
			}
			r.noteFirst(fmt.Sprintf("%s %s", e.Package, e.Test), p.tests[top])
		case topLevel && e.Action == "pass":
			r.passed++
		case topLevel:
			r.skipped++
		}
		if topLevel {
			delete(p.tests, top)
		}
	}
}

// packageFailed reports a failed package: its failing tests, and a failure of
// its own when no test explains it (a build failure, a panic outside a test,
// a timeout with tests still running).
func (r *report) packageFailed(e *event, p *pkgState) {
	for _, l := range p.failed {
		fmt.Fprintln(r.out, l)
	}
	status := fmt.Sprintf("FAIL %s %.2fs", e.Package, e.Elapsed)
	switch {
	case e.FailedBuild != "":
		status = fmt.Sprintf("FAIL %s [build failed]", e.Package)
		r.failed++
		r.failures = append(r.failures, status)
		r.noteFirst(status, r.build[e.FailedBuild])
	case len(p.running) > 0:
		for _, t := range p.running {
			r.failures = append(r.failures, fmt.Sprintf("still running at timeout: %s %s", e.Package, t))
		}
		r.failed++
		top, _, _ := strings.Cut(p.running[0], "/")
		r.noteFirst(status, append(slices.Clone(p.output), p.tests[top]...))
	case len(p.failed) == 0:
		r.failed++
		r.failures = append(r.failures, status)
		r.noteFirst(status, p.output)
	}
	fmt.Fprintln(r.out, status)
}

// finishUnended reports packages whose output stopped before their result
// (the go command was killed).
func (r *report) finishUnended() {
	for _, name := range slices.Sorted(maps.Keys(r.pkgs)) {
		p := r.pkgs[name]
		if len(p.running) == 0 && len(p.output) == 0 {
			continue
		}
		r.packageFailed(&event{Package: name}, p)
	}
}

// output logs a line of the tests' output, and shows panics as they happen.
func (r *report) output(line string) {
	io.WriteString(r.log, line)
	if strings.HasPrefix(line, "panic:") {
		io.WriteString(r.out, line)
	}
}

func (r *report) noteFirst(what string, output []string) {
	if r.first != nil {
		return
	}
	if len(output) > contextLines {
		output = output[len(output)-contextLines:]
	}
	r.first = append([]string{what + ":\n"}, output...)
}

// write writes lines to path (no file when path is empty); lines that lack a
// newline get one.
func write(path string, lines []string) {
	if path == "" {
		return
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteByte('\n')
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "testreport:", err)
	os.Exit(2)
}
