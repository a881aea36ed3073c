package notebook

import "os"

// QuickEnv is the environment variable that selects quick mode: set to "1",
// notebooks use the small sizes and step counts that CI can afford on two
// cores instead of the real experiment's.
const QuickEnv = "NEURALART_QUICK"

// Quick reports whether quick mode is on ($NEURALART_QUICK is "1").
func Quick() bool {
	return os.Getenv(QuickEnv) == "1"
}

// Pick returns full, or quick in quick mode: a notebook names both settings of
// an experiment in one place, e.g. steps := notebook.Pick(3000, 30).
func Pick[T any](full, quick T) T {
	if Quick() {
		return quick
	}
	return full
}
