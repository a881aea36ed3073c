// Package parallel splits the backend's loops over goroutines: simplego runs
// one op at a time here, so an op's own loops are what keep every core busy.
package parallel

import (
	"runtime"
	"sync"
)

// Workers returns how many goroutines a loop over n parts is worth: one per
// minWork of its work (in whatever unit the caller counts), at most one per
// part and one per GOMAXPROCS, and at least one.
func Workers(n, work, minWork int) int {
	return min(runtime.GOMAXPROCS(0), n, max(1, work/minWork))
}

// For calls f on consecutive parts [lo, hi) of [0, n), one per worker, on
// workers goroutines (the calling one among them); workers ≤ 1 calls f(0, n).
func For(n, workers int, f func(lo, hi int)) {
	if workers <= 1 || n <= 1 {
		f(0, n)
		return
	}
	workers = min(workers, n)
	var wg sync.WaitGroup
	for i := 1; i < workers; i++ {
		wg.Go(func() { f(i*n/workers, (i+1)*n/workers) })
	}
	f(0, n/workers)
	wg.Wait()
}
