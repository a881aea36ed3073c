// Package trainloop runs the steps of a training run the way every trainer
// of the project does (gan, transformernet, adain): a checkpoint every few
// steps, a report every few steps with the time per step since the last
// one, and on cancel a checkpoint of the steps done before ctx.Err() is
// returned, so that no finished step is ever lost.
package trainloop

import (
	"context"
	"errors"
	"time"
)

// Loop is one trainer's steps, reports and checkpoints.
type Loop[R any] struct {
	// Step runs one training step and returns what Report shows of it.
	Step func() (R, error)
	// Done returns the number of steps done so far.
	Done func() int
	// Save writes a checkpoint of the state after Done() steps; nil when the
	// run keeps no checkpoints.
	Save func() error
	// Report receives a step's report and the mean time per step since the
	// previous report.
	Report func(r R, perStep time.Duration) error
	// CheckpointEvery and ReportEvery are the intervals, in steps, of Save
	// and Report (Report also comes after the last step); both positive.
	CheckpointEvery, ReportEvery int
}

// Run steps until Done() reaches total. It returns Step's, Save's or
// Report's first error; on cancel, at the next step, ctx.Err() joined with
// the error of the checkpoint it writes first. It writes a last checkpoint
// when the final step falls between two.
func (l Loop[R]) Run(ctx context.Context, total int) error {
	saveUnsaved := func() error {
		if l.Save == nil || l.Done()%l.CheckpointEvery == 0 {
			return nil
		}
		return l.Save()
	}
	start, startStep := time.Now(), l.Done()
	for l.Done() < total {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, saveUnsaved())
		}
		r, err := l.Step()
		if err != nil {
			return err
		}
		step := l.Done()
		if l.Save != nil && step%l.CheckpointEvery == 0 {
			if err := l.Save(); err != nil {
				return err
			}
		}
		if step%l.ReportEvery == 0 || step == total {
			perStep := time.Since(start) / time.Duration(step-startStep)
			start, startStep = time.Now(), step
			if err := l.Report(r, perStep); err != nil {
				return err
			}
		}
	}
	return saveUnsaved()
}
