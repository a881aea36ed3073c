package backend

import "github.com/gomlx/gomlx/backends"

// MustNew is New for notebooks and examples, where a missing backend can only
// be reported by stopping: it panics with New's error.
func MustNew() backends.Backend {
	b, err := New()
	if err != nil {
		panic(err)
	}
	return b
}
