package backend

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gomlx/go-xla/pkg/pjrt"
	"github.com/neuralart/neuralart/pkg/backend/internal/sgemm"
	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/notebook"
)

func TestChoose(t *testing.T) {
	plugins := map[string]string{"cpu": "/opt/pjrt_c_api_cpu_plugin.so", "cuda": "/opt/pjrt_c_api_cuda_plugin.so"}
	for _, tc := range []struct {
		name                   string
		env                    string
		envSet                 bool
		plugins                map[string]string
		wantConfig, wantPlugin string
		wantReason             string
	}{
		{"env wins over plugins", "go", true, plugins, "go", "", `GOMLX_BACKEND="go"`},
		{"env neuralart", "neuralart", true, nil, "neuralart", "", `GOMLX_BACKEND="neuralart"`},
		{"cuda preferred", "", false, plugins, "", plugins["cuda"], `XLA plugin "cuda" found`},
		{"cpu plugin", "", false, map[string]string{"cpu": plugins["cpu"]}, "", plugins["cpu"], `XLA plugin "cpu" found`},
		{"no plugin", "", false, nil, "", "", "XLA plugin not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := choose(tc.env, tc.envSet, tc.plugins)
			if c.config != tc.wantConfig || c.plugin != tc.wantPlugin || !strings.Contains(c.reason, tc.wantReason) {
				t.Errorf("choose(%q, %v, %v) = %+v, want config %q, plugin %q, reason containing %q",
					tc.env, tc.envSet, tc.plugins, c, tc.wantConfig, tc.wantPlugin, tc.wantReason)
			}
		})
	}
}

func TestNewFromEnv(t *testing.T) {
	for _, config := range []string{"neuralart", "go"} {
		t.Setenv("GOMLX_BACKEND", config)
		b, err := New()
		if err != nil {
			t.Fatalf("GOMLX_BACKEND=%s: %v", config, err)
		}
		if b.String() != config {
			t.Errorf("GOMLX_BACKEND=%s: got backend %q", config, b.String())
		}
	}
	t.Setenv("GOMLX_BACKEND", "no-such-backend")
	if _, err := New(); err == nil || !strings.Contains(err.Error(), "no-such-backend") {
		t.Errorf("GOMLX_BACKEND=no-such-backend: got error %v, want one naming the backend", err)
	}
}

func TestNewWithoutEnv(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "")
	if err := os.Unsetenv("GOMLX_BACKEND"); err != nil {
		t.Fatal(err)
	}
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	want := purego.Name
	if len(pjrt.AvailablePlugins()) > 0 {
		want = "xla"
	}
	if b.String() != want {
		t.Errorf("New() without GOMLX_BACKEND = %q, want %q", b.String(), want)
	}
}

func TestGemmWarning(t *testing.T) {
	for _, tc := range []struct {
		backend           string
		simd, accelerated bool
		goarch, want      string
	}{
		{purego.Name, false, false, "amd64", "GOEXPERIMENT=simd"},
		{purego.Name, true, false, "amd64", "lacks AVX2"},
		{purego.Name, true, true, "amd64", ""},
		{purego.Name, false, false, "arm64", ""}, // no faster kernel to miss
		{"xla", false, false, "amd64", ""},
		{"go", false, false, "amd64", ""},
	} {
		got := gemmWarning(tc.backend, tc.simd, tc.accelerated, tc.goarch)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("gemmWarning(%q, simd %v, accelerated %v, %s) = %q, want one containing %q",
				tc.backend, tc.simd, tc.accelerated, tc.goarch, got, tc.want)
		}
	}
	if !simdBuild && sgemm.Accelerated {
		t.Error("the AVX2 kernel is on in a build without GOEXPERIMENT=simd on amd64: simdBuild's build tags disagree with sgemm's")
	}
	if simdBuild && !sgemm.Accelerated {
		t.Logf("built with GOEXPERIMENT=simd, but this CPU lacks AVX2 or FMA: New says %q", gemmWarning(purego.Name, simdBuild, false, "amd64"))
	}
}

// TestAnnounceOncePerSession runs New in child processes, as GoNB runs cells:
// each program says its choice once, and a notebook session says it once in all.
func TestAnnounceOncePerSession(t *testing.T) {
	if os.Getenv("NEURALART_ANNOUNCE_CHILD") == "1" {
		for range 2 {
			if _, err := New(); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	announcements := func(sessionDir string) int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAnnounceOncePerSession$")
		cmd.Env = append(os.Environ(), "NEURALART_ANNOUNCE_CHILD=1", "GOMLX_BACKEND="+purego.Name, notebook.SessionDirEnv+"="+sessionDir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("child process: %v; its stderr:\n%s", err, stderr.String())
		}
		return strings.Count(stderr.String(), "see docs/gpu.md")
	}
	for i := range 2 {
		if got := announcements(""); got != 1 {
			t.Errorf("program %d outside a notebook announced the backend %d times, want 1", i+1, got)
		}
	}
	session := t.TempDir()
	for i, want := range []int{1, 0, 0} {
		if got := announcements(session); got != want {
			t.Errorf("cell %d of a notebook session announced the backend %d times, want %d", i+1, got, want)
		}
	}
}
