package checkpoint

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Dir is a directory of one training run's checkpoints.
type Dir struct {
	// Path is the directory; Save creates it.
	Path string
	// Format is the name every checkpoint of the run carries and Resume
	// checks, naming the model family and the version of its layout
	// ("neuralart-gan-checkpoint/1").
	Format string
	// Keep is how many of the newest checkpoints Save leaves in place; zero
	// or less keeps them all.
	Keep int
	// Log, when set, gets a line for each corrupt checkpoint Resume skips.
	Log io.Writer
}

// Checkpoint is one file of a Dir.
type Checkpoint struct {
	Path string
	Step int
}

// Skipped is a corrupt checkpoint that Resume passed over and renamed.
type Skipped struct {
	Path    string // where it was
	MovedTo string // where it is now: Path + ".corrupt"
	Err     error  // what was wrong with it (a *CorruptError)
}

// corruptExt is appended to the name of a checkpoint that Resume found
// corrupt and moved aside (kept for inspection, no longer listed).
const corruptExt = ".corrupt"

// fileName matches checkpoint names, "ckpt-000000042.safetensors"; the step
// is zero-padded so that names sort by step.
var fileName = regexp.MustCompile(`^ckpt-([0-9]+)\.safetensors$`)

// temporary matches the files atomicfile.Write creates while writing a
// checkpoint (".ckpt-000000042.safetensors.123456.tmp"); a process killed
// during the write leaves one behind.
var temporary = regexp.MustCompile(`^\.ckpt-[0-9]+\.safetensors\.[0-9]+\.tmp$`)

// Name is the file name of the checkpoint of a step.
func Name(step int) string { return fmt.Sprintf("ckpt-%09d.safetensors", step) }

// List returns the checkpoints in dir, oldest step first; none (and no
// error) when dir does not exist.
func List(dir string) ([]Checkpoint, error) {
	checkpoints, _, err := files(dir)
	return checkpoints, err
}

// Latest returns the checkpoint with the highest step in dir; ok is false
// when dir holds none.
func Latest(dir string) (latest Checkpoint, ok bool, err error) {
	checkpoints, err := List(dir)
	if err != nil || len(checkpoints) == 0 {
		return Checkpoint{}, false, err
	}
	return checkpoints[len(checkpoints)-1], true, nil
}

// files returns the checkpoints in dir, oldest step first, and the
// temporaries that interrupted writes left there.
func files(dir string) (checkpoints []Checkpoint, temporaries []string, err error) {
	entries, err := os.ReadDir(dir) // sorted by name, so by step
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("checkpoint: listing %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		if m := fileName.FindStringSubmatch(name); m != nil {
			step, err := strconv.Atoi(m[1])
			if err != nil {
				continue // more digits than an int holds: not one of ours
			}
			checkpoints = append(checkpoints, Checkpoint{Path: filepath.Join(dir, name), Step: step})
		} else if temporary.MatchString(name) {
			temporaries = append(temporaries, filepath.Join(dir, name))
		}
	}
	return checkpoints, temporaries, nil
}

// RemoveTemporaries deletes the temporary files of checkpoint writes that a
// killed process left in the directory, and returns its checkpoints. Only
// the run itself writes into its directory, so any such file is stale when
// no Save is under way.
func (d Dir) RemoveTemporaries() ([]Checkpoint, error) {
	checkpoints, temporaries, err := files(d.Path)
	if err != nil {
		return nil, err
	}
	for _, path := range temporaries {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("checkpoint: removing the temporary file of an interrupted write: %w", err)
		}
	}
	return checkpoints, nil
}

// Save writes the checkpoint of step (see Write), deletes all but the newest
// Keep checkpoints and any stale temporaries, and returns its path.
func (d Dir) Save(step int, named map[string]*tensors.Tensor) (string, error) {
	if d.Path == "" {
		return "", errors.New("checkpoint: Dir.Path is empty")
	}
	path := filepath.Join(d.Path, Name(step))
	if err := Write(path, d.Format, step, named); err != nil {
		return "", err
	}
	checkpoints, err := d.RemoveTemporaries()
	if err != nil {
		return "", err
	}
	for d.Keep > 0 && len(checkpoints) > d.Keep {
		if err := os.Remove(checkpoints[0].Path); err != nil {
			return "", fmt.Errorf("checkpoint: pruning old checkpoints: %w", err)
		}
		checkpoints = checkpoints[1:]
	}
	return path, nil
}

// Resume hands the newest valid checkpoint to restore and reports whether
// there was one. It never returns true with an error.
//
// Checkpoints newer than the one restored that are corrupt are renamed to
// <name>.corrupt once restore has succeeded, and returned (newest first);
// Log gets a line for each. When no checkpoint is valid, Resume leaves the
// files alone and returns false and an error naming the newest and its
// problem. A checkpoint that cannot be read at all (permissions, I/O), or
// that restore refuses (written for another model), is an error, not
// skipped. Resume first deletes stale temporaries (see RemoveTemporaries).
func (d Dir) Resume(restore func(path string, step int, named map[string]*tensors.Tensor) error) (resumed bool, skipped []Skipped, err error) {
	if d.Path == "" {
		return false, nil, nil
	}
	checkpoints, err := d.RemoveTemporaries()
	if err != nil {
		return false, nil, err
	}
	var corrupt []Skipped
	for i := len(checkpoints) - 1; i >= 0; i-- {
		path := checkpoints[i].Path
		step, named, err := Read(path, d.Format)
		if cerr := (*CorruptError)(nil); errors.As(err, &cerr) {
			corrupt = append(corrupt, Skipped{Path: path, MovedTo: path + corruptExt, Err: err})
			continue
		}
		if err != nil {
			return false, nil, err
		}
		if err := restore(path, step, named); err != nil {
			return false, nil, err
		}
		for _, s := range corrupt {
			if err := os.Rename(s.Path, s.MovedTo); err != nil {
				return false, nil, fmt.Errorf("checkpoint: resume: %v; moving it aside failed: %w", s.Err, err)
			}
			if d.Log != nil {
				fmt.Fprintf(d.Log, "checkpoint: resume: skipped a corrupt checkpoint (%v), renamed it to %s; resuming from %s (step %d)\n",
					s.Err, filepath.Base(s.MovedTo), path, step)
			}
		}
		return true, corrupt, nil
	}
	if len(corrupt) > 0 {
		return false, nil, fmt.Errorf("checkpoint: resume: none of the %d checkpoints in %s is valid; the newest: %w", len(corrupt), d.Path, corrupt[0].Err)
	}
	return false, nil, nil
}
