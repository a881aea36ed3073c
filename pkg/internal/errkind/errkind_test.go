package errkind

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
)

var errKind = errors.New("kind")

func TestMark(t *testing.T) {
	_, open := os.Open("/does/not/exist")
	err := Mark(errKind, fmt.Errorf("reading weights: %w", open))
	if err.Error() != "reading weights: "+open.Error() {
		t.Errorf("message %q, want the marked error's own", err)
	}
	if !errors.Is(err, errKind) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is: kind %v, fs.ErrNotExist %v; want both", errors.Is(err, errKind), errors.Is(err, fs.ErrNotExist))
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != "/does/not/exist" {
		t.Errorf("errors.As found %v, want the *fs.PathError inside", pe)
	}
	if errors.Is(err, errors.New("kind")) {
		t.Error("matches another sentinel with the same text")
	}
	if Mark(errKind, nil) != nil {
		t.Error("Mark of nil is not nil")
	}
}
