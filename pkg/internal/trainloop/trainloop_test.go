package trainloop

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// run counts steps, and records the steps at which it saved and reported.
type run struct {
	done            int
	saved, reported []int
	cancelAt        int
	cancel          context.CancelFunc
}

func (r *run) loop(checkpoints bool) Loop[int] {
	l := Loop[int]{
		Step: func() (int, error) {
			r.done++
			if r.done == r.cancelAt {
				r.cancel()
			}
			return r.done, nil
		},
		Done:            func() int { return r.done },
		Report:          func(step int, _ time.Duration) error { r.reported = append(r.reported, step); return nil },
		CheckpointEvery: 3, ReportEvery: 2,
	}
	if checkpoints {
		l.Save = func() error { r.saved = append(r.saved, r.done); return nil }
	}
	return l
}

func TestRunCheckpointsAndReports(t *testing.T) {
	r := &run{}
	if err := r.loop(true).Run(context.Background(), 7); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.saved, []int{3, 6, 7}) || !slices.Equal(r.reported, []int{2, 4, 6, 7}) {
		t.Errorf("saved at %v, reported at %v; want [3 6 7] and [2 4 6 7]", r.saved, r.reported)
	}
	r = &run{}
	if err := r.loop(false).Run(context.Background(), 4); err != nil || r.done != 4 || r.saved != nil {
		t.Errorf("without checkpoints: %v, %d steps, saved %v", err, r.done, r.saved)
	}
}

func TestRunSavesTheStepsDoneOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{cancelAt: 5, cancel: cancel}
	err := r.loop(true).Run(ctx, 100)
	if !errors.Is(err, context.Canceled) || r.done != 5 || !slices.Equal(r.saved, []int{3, 5}) {
		t.Errorf("Run = %v after %d steps, saved at %v; want context.Canceled after 5, saved at [3 5]", err, r.done, r.saved)
	}
}
