package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/neuralart/neuralart/pkg/internal/atomicfile"
)

func TestWriteCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	for _, content := range []string{"first", "second, longer than the first"} {
		if err := atomicfile.Write(path, func(w io.Writer) error {
			_, err := io.WriteString(w, content)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("file holds %q, want %q", got, content)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != atomicfile.Perm {
		t.Errorf("mode %v, want %v", info.Mode().Perm(), atomicfile.Perm)
	}
	assertOnly(t, dir, "out.bin")
}

func TestWriteFailureLeavesTargetAndNoTemporary(t *testing.T) {
	dir := t.TempDir()
	abort := errors.New("abort")
	failing := func(w io.Writer) error {
		io.WriteString(w, "partial")
		return abort
	}

	fresh := filepath.Join(dir, "fresh.bin")
	if err := atomicfile.Write(fresh, failing); !errors.Is(err, abort) {
		t.Fatalf("Write returned %v, want the write function's error", err)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("failed Write created %s (stat: %v)", fresh, err)
	}
	assertOnly(t, dir)

	old := filepath.Join(dir, "old.bin")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(old, failing); !errors.Is(err, abort) {
		t.Fatalf("Write returned %v, want the write function's error", err)
	}
	if got, _ := os.ReadFile(old); string(got) != "old" {
		t.Errorf("failed Write changed the existing file to %q", got)
	}
	assertOnly(t, dir, "old.bin")
}

func TestWriteMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "out.bin")
	called := false
	err := atomicfile.Write(path, func(io.Writer) error { called = true; return nil })
	if err == nil || called {
		t.Fatalf("Write into a missing directory: err %v, write called %v; want an error before writing", err, called)
	}
}

// assertOnly fails unless dir holds exactly the named entries.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
}
