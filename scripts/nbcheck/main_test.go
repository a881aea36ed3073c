package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSessionLinesOnce(t *testing.T) {
	const backendLine = `neuralart: GOMLX_BACKEND=\"neuralart\": using backend \"neuralart\"; see docs/gpu.md\n`
	cell := `{"cell_type": "code", "source": "%%\nfmt.Println(1)", "outputs": [{"output_type": "stream", "name": "stderr", "text": "` + backendLine + `"}]}`
	plain := `{"cell_type": "code", "source": "x", "outputs": [{"output_type": "stream", "name": "stdout", "text": "backend: ok\n"}]}`
	for _, tc := range []struct {
		cells []string
		want  string
	}{
		{[]string{cell, plain, plain}, ""},
		{[]string{cell, plain, cell}, "once per session (found under 2 cells)"},
	} {
		var nb notebook
		if err := json.Unmarshal([]byte(`{"cells": [`+strings.Join(tc.cells, ",")+`]}`), &nb); err != nil {
			t.Fatal(err)
		}
		missing := strings.Join(unmet(&nb, summarize(&nb)), "; ")
		if tc.want == "" && missing != "" || !strings.Contains(missing, tc.want) {
			t.Errorf("%d cells: unmet %q, want %q", len(tc.cells), missing, tc.want)
		}
	}
}
