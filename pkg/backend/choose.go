package backend

import "github.com/gomlx/gomlx/backends"

// New returns the backend chosen for the whole project.
func New() (backends.Backend, error) {
	return NewPureGo()
}
