// Package atomicfile writes files so that a reader never sees a half-written
// one: a crash, a full disk or an encoder error part-way through leaves the
// previous file (or none) in place, never a truncated image, weights file or
// download that a later run would trust.
//
// The bytes go to a temporary file in the same directory as the target (so
// the final rename stays within one file system, where it is atomic), are
// flushed to disk with fsync, and only then renamed over the target. The
// written file gets mode Perm, as a file made by os.Create would under the
// usual umask, rather than the owner-only mode of os.CreateTemp: images,
// weights, statistics and downloads are meant to be shared.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Perm is the mode of every file Write creates: readable by everyone,
// writable by its owner.
const Perm os.FileMode = 0o644

// Write creates or replaces the file at path with what write writes to w.
//
// If write returns an error, the target is left untouched, the temporary
// file is removed and that error is returned as is, so write can also
// abort the file after checking what it wrote (a download whose hash does
// not match, say). Errors of Write itself name the file concerned.
func Write(path string, write func(w io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(Perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
