// Package checkpoint keeps the state of a training run — weights, optimiser
// moments, step counters, random-number state: every variable of a GoMLX
// context — in a directory of step-numbered files, so that a run killed at
// any moment resumes where it stopped and a file damaged on disk is noticed
// instead of loaded.
//
// Each checkpoint is a safetensors file (https://github.com/huggingface/safetensors)
// written and read through pkg/weights, its tensors keyed by their GoMLX
// variable path ("/generator/conv1/weights"), so safetensors.torch.load_file
// reads it too. The header's __metadata__ carries a format name (which model
// family wrote it), the step, and a CRC-32 of the data: safetensors alone
// would load a file whose bytes were flipped on disk without a word.
//
// A Dir names the directory and the format. Dir.Save writes
// ckpt-<step>.safetensors atomically (a crash leaves the previous file or the
// new one, never half of one: see pkg/internal/atomicfile) and prunes all
// but the newest Dir.Keep. Dir.Resume restores the newest valid checkpoint;
// corrupt newer ones are renamed to <name>.corrupt (kept for inspection, out
// of the way) and reported, and the temporary files of writes that a killed
// process left behind are deleted. List and Latest let a notebook or a
// program find the checkpoints of a run without parsing file names.
package checkpoint
