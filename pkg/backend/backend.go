package backend

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// Name is the name this backend is registered under (GOMLX_BACKEND=neuralart).
const Name = "neuralart"

// NewPureGo returns the project's pure-Go backend.
// (Interim: plain simplego until the lowering builder lands.)
func NewPureGo() (backends.Backend, error) {
	return simplego.New("")
}

// New returns the backend chosen for the whole project.
// (Interim: always the pure-Go backend.)
func New() (backends.Backend, error) {
	return NewPureGo()
}
