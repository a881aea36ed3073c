package backend

import (
	"fmt"
	"os"
	"runtime"
	"sync"

	"github.com/gomlx/go-xla/pkg/pjrt"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/xla"
	"github.com/neuralart/neuralart/pkg/backend/internal/sgemm"
	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/notebook"
)

// New returns the backend chosen for the whole project:
//
//  1. $GOMLX_BACKEND when set: "neuralart" (this package's pure-Go backend),
//     "go" (GoMLX's simplego), "xla:cpu", "xla:cuda", or any other
//     configuration GoMLX accepts;
//  2. else XLA, when a PJRT plugin is installed (CUDA preferred over CPU),
//     found in GoMLX's search paths ($PJRT_PLUGIN_LIBRARY_PATH,
//     ~/.local/lib/go-xla, /usr/local/lib/go-xla, the system library paths)
//     without triggering GoMLX's plugin auto-install download;
//  3. else the pure-Go backend (purego.New).
//
// The first call says on stderr which backend was chosen and why; in a
// notebook, the first call of the kernel session.
func New() (backends.Backend, error) {
	config, fromEnv := os.LookupEnv(backends.ConfigEnvVar)
	c := choose(config, fromEnv, pjrt.AvailablePlugins())
	b, err := c.open()
	if err != nil && !fromEnv {
		c = choice{reason: fmt.Sprintf("XLA plugin %s failed to start (%v)", c.plugin, err)}
		b, err = c.open()
	}
	if err != nil {
		return nil, err
	}
	announce.Do(func() {
		message := fmt.Sprintf("neuralart: %s: using %s; see docs/gpu.md\n", c.reason, c.describe())
		if warning := gemmWarning(b.Name(), simdBuild, sgemm.Accelerated, runtime.GOARCH); warning != "" {
			message += fmt.Sprintf("neuralart: %s\n", warning)
		}
		// GoNB runs each cell as a new process: without the session check
		// the choice would be repeated under every cell of a notebook.
		if notebook.FirstInSession(message) {
			fmt.Fprint(os.Stderr, message)
		}
	})
	return b, nil
}

// announce makes New say its choice once per process, and
// notebook.FirstInSession once per notebook session.
var announce sync.Once

// gemmWarning is what New says when the pure-Go backend (named backend) is
// chosen but multiplies float32 matrices without the AVX2 kernel, or "":
// the build lacks GOEXPERIMENT=simd (simd false) or the CPU lacks AVX2 and
// FMA (accelerated false). Other architectures have no faster kernel to
// miss.
func gemmWarning(backend string, simd, accelerated bool, goarch string) string {
	switch {
	case backend != purego.Name || accelerated || goarch != "amd64":
		return ""
	case !simd:
		return "built without GOEXPERIMENT=simd, so matrix products run 3-8x slower, " +
			"on gonum's pure-Go GEMM instead of the AVX2 kernel; build with GOEXPERIMENT=simd " +
			"(e.g. GOEXPERIMENT=simd go run . or go test; the scripts and the Jupyter kernel set it)"
	default:
		return "this CPU lacks AVX2 or FMA, so matrix products run on gonum's pure-Go GEMM, 3-8x slower than the AVX2 kernel"
	}
}

// choice is what New decided: a GoMLX configuration from $GOMLX_BACKEND, an
// XLA plugin path, or (both empty) the pure-Go backend.
type choice struct {
	config, plugin, reason string
}

// choose decides New's backend from $GOMLX_BACKEND and the XLA plugins found
// (name to path).
func choose(config string, fromEnv bool, plugins map[string]string) choice {
	if fromEnv {
		return choice{config: config, reason: fmt.Sprintf("%s=%q", backends.ConfigEnvVar, config)}
	}
	for _, name := range xla.DefaultPlugins {
		if path, found := plugins[name]; found {
			return choice{plugin: path, reason: fmt.Sprintf("XLA plugin %q found at %s", name, path)}
		}
	}
	return choice{reason: "XLA plugin not found"}
}

func (c choice) describe() string {
	switch {
	case c.config != "":
		return fmt.Sprintf("backend %q", c.config)
	case c.plugin != "":
		return "the XLA backend"
	default:
		return fmt.Sprintf("the pure-Go backend (%s)", purego.Name)
	}
}

// open creates the chosen backend. GoMLX panics on an unknown backend name:
// that becomes an error here.
func (c choice) open() (b backends.Backend, err error) {
	switch {
	case c.config == purego.Name || (c.config == "" && c.plugin == ""):
		return purego.New()
	case c.plugin != "":
		// An absolute plugin path makes the XLA backend skip its auto-install.
		return xla.New(c.plugin)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s=%q: %v", backends.ConfigEnvVar, c.config, r)
		}
	}()
	return backends.NewWithConfig(c.config)
}
