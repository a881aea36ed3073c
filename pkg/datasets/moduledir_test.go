package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/modfile"
)

// TestMNISTVersionMatchesGoMod holds mnistVersion, what binaries without
// build information look for, equal to the version go.mod requires.
func TestMNISTVersionMatchesGoMod(t *testing.T) {
	const goMod = "../../go.mod"
	data, err := os.ReadFile(goMod)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax(goMod, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == MNISTModule {
			if r.Mod.Version != mnistVersion {
				t.Errorf("%s requires %s %s, mnistVersion is %s: set mnistVersion to go.mod's", goMod, MNISTModule, r.Mod.Version, mnistVersion)
			}
			return
		}
	}
	t.Errorf("%s does not require %s", goMod, MNISTModule)
}

// TestMNISTDirFromModuleCache lays out a module cache as the go command does
// (upper-case letters escaped as !lower) and checks that each way of naming
// it is followed, in the go command's order.
func TestMNISTDirFromModuleCache(t *testing.T) {
	t.Setenv(MNISTDirEnvVar, "")
	root := t.TempDir()
	cacheAt := func(cache string) string {
		dir := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+mnistVersion)
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
		return filepath.Join(dir, "data")
	}
	envFile := filepath.Join(root, "goenv")
	for _, tc := range []struct {
		name               string
		gomodcache, gopath string
		envFileLines, home string
		want               string
	}{
		{name: "GOMODCACHE", gomodcache: filepath.Join(root, "a"), gopath: filepath.Join(root, "unused"),
			want: cacheAt(filepath.Join(root, "a"))},
		{name: "first GOPATH entry", gopath: filepath.Join(root, "b") + string(filepath.ListSeparator) + filepath.Join(root, "c"),
			want: cacheAt(filepath.Join(root, "b", "pkg", "mod"))},
		{name: "go env file", envFileLines: "GOFLAGS=-mod=mod\nGOMODCACHE=" + filepath.Join(root, "d") + "\n",
			want: cacheAt(filepath.Join(root, "d"))},
		{name: "home", home: filepath.Join(root, "home"),
			want: cacheAt(filepath.Join(root, "home", "go", "pkg", "mod"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMODCACHE", tc.gomodcache)
			t.Setenv("GOPATH", tc.gopath)
			t.Setenv("GOENV", "off")
			if tc.envFileLines != "" {
				if err := os.WriteFile(envFile, []byte(tc.envFileLines), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Setenv("GOENV", envFile)
			}
			if tc.home != "" {
				t.Setenv("HOME", tc.home)
			}
			dir, err := MNISTDir()
			if err != nil || dir != tc.want {
				t.Errorf("MNISTDir() = %q, %v; want %q", dir, err, tc.want)
			}
		})
	}
}

func TestMNISTDirNotFound(t *testing.T) {
	t.Setenv(MNISTDirEnvVar, "")
	t.Setenv("GOENV", "off")
	t.Setenv("GOMODCACHE", t.TempDir())
	_, err := MNISTDir()
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v; want an error matching ErrNotFound and os.ErrNotExist", err)
	}
}
