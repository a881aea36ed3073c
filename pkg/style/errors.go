package style

import "fmt"

// panicf reports a misuse inside graph-building code: GoMLX turns such
// panics into the error returned by the executor that builds the graph.
func panicf(format string, args ...any) {
	panic(fmt.Errorf(format, args...))
}
