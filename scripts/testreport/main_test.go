package main

import (
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// testdata/sample.json is what `GOWORK=off go test -json -timeout 3s ./...`
// prints in testdata/sample, a module whose packages pass, fail in a subtest,
// panic in a test and in init, do not build, and time out (with its directory
// replaced by /src/ and GOROOT by GOROOT, so that the file names no machine).
func TestReport(t *testing.T) {
	in, err := os.Open("testdata/sample.json")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out, log strings.Builder
	r := &report{pkgs: map[string]*pkgState{}, build: map[string][]string{}, log: &log, out: &out}
	if err := r.read(in); err != nil {
		t.Fatal(err)
	}
	r.finishUnended()
	if r.passed != 4 || r.failed != 5 || r.skipped != 1 {
		t.Errorf("%d passed, %d failed, %d skipped; want 4, 5, 1", r.passed, r.failed, r.skipped)
	}
	wantFailures := []string{
		"example.com/tr/bad TestBad/inner",
		"example.com/tr/bad TestBad",
		"example.com/tr/bad TestPanics",
		"FAIL example.com/tr/nobuild [build failed]",
		"still running at timeout: example.com/tr/hang TestHangs",
	}
	for _, f := range wantFailures {
		if !slices.Contains(r.failures, f) {
			t.Errorf("failures %q lack %q", r.failures, f)
		}
	}
	if !slices.ContainsFunc(r.failures, func(f string) bool { return strings.HasPrefix(f, "FAIL example.com/tr/panicinit") }) {
		t.Errorf("failures %q lack the package that panicked in init", r.failures)
	}
	first := strings.Join(r.first, "")
	for _, want := range []string{"TestBad/inner", "context line", "inner broke: want 1, got 2"} {
		if !strings.Contains(first, want) {
			t.Errorf("first failure's context %q lacks %q", first, want)
		}
	}
	for _, want := range []string{"ok   example.com/tr/good", "    --- FAIL: TestBad/inner", "FAIL example.com/tr/bad", "panic: boom",
		"panic: init boom", "panic: test timed out after 3s", "FAIL example.com/tr/nobuild [build failed]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	for _, want := range []string{"=== RUN   TestA", "undefined: undefined"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

// TestReportPassesTextThrough keeps the go command's own messages, which are
// not JSON, in the report.
func TestReportPassesTextThrough(t *testing.T) {
	var out strings.Builder
	r := &report{pkgs: map[string]*pkgState{}, build: map[string][]string{}, log: io.Discard, out: &out}
	if err := r.read(strings.NewReader("go: downloading example.com/m v1.0.0\n")); err != nil {
		t.Fatal(err)
	}
	if out.String() != "go: downloading example.com/m v1.0.0\n" || r.failed != 0 {
		t.Errorf("report %q, %d failed; want the line passed through and nothing failed", out.String(), r.failed)
	}
}
