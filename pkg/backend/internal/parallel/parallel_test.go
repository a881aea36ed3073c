package parallel

import (
	"runtime"
	"sync"
	"testing"
)

// For covers [0, n) once, in parts of one worker each.
func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100} {
		for _, workers := range []int{0, 1, 2, 3, 8, 200} {
			var mu sync.Mutex
			seen, parts := make([]int, n), 0
			For(n, workers, func(lo, hi int) {
				mu.Lock()
				defer mu.Unlock()
				parts++
				for i := lo; i < hi; i++ {
					seen[i]++
				}
			})
			for i, s := range seen {
				if s != 1 {
					t.Errorf("n %d, %d workers: index %d done %d times", n, workers, i, s)
				}
			}
			if want := max(1, min(workers, n)); parts != want {
				t.Errorf("n %d, %d workers: %d parts, want %d", n, workers, parts, want)
			}
		}
	}
}

func TestWorkers(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	for _, c := range []struct{ n, work, minWork, want int }{
		{100, 10, 100, 1}, {100, 1 << 30, 1, procs}, {1, 1 << 30, 1, 1}, {0, 0, 1, 0},
	} {
		if got := Workers(c.n, c.work, c.minWork); got != c.want {
			t.Errorf("Workers(%d, %d, %d) = %d, want %d", c.n, c.work, c.minWork, got, c.want)
		}
	}
}
