package gan

import "github.com/neuralart/neuralart/pkg/checkpoint"

// checkpointFormat is the format name of the files Trainer.Save and
// Trainer.SaveTo write (see pkg/checkpoint): whole training states and
// generator-only files alike, since LoadSampler reads both.
const checkpointFormat = "neuralart-gan-checkpoint/1"

// checkpoints is the trainer's checkpoint directory.
func (t *Trainer) checkpoints() checkpoint.Dir {
	return checkpoint.Dir{Path: t.opts.CheckpointDir, Format: checkpointFormat, Keep: t.opts.KeepCheckpoints, Log: t.opts.Log}
}
