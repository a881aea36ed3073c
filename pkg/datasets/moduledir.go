package datasets

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/module"
)

// mnistVersion is the version of [MNISTModule] that go.mod requires
// (TestMNISTVersionMatchesGoMod keeps them equal). A binary's build
// information names the version it was built with, but test binaries carry
// none, and neither do binaries built without module support.
const mnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"

// moduleCacheDir returns where the module cache keeps the version of the
// module path that this binary was built with (or, without that in its build
// information, fallbackVersion), the way the go command lays it out, without
// running the go command: a library that shells out to go would need a Go
// toolchain beside every program that uses it.
func moduleCacheDir(path, fallbackVersion string) (string, error) {
	version := fallbackVersion
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path != path {
				continue
			}
			if dep.Replace != nil {
				return "", fmt.Errorf("module %s is replaced by %s", path, dep.Replace.Path)
			}
			version = dep.Version
		}
	}
	cache, err := goModCache()
	if err != nil {
		return "", err
	}
	escPath, err := module.EscapePath(path)
	if err != nil {
		return "", err
	}
	escVersion, err := module.EscapeVersion(version)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, escPath+"@"+escVersion)
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("module cache: %w", err)
	}
	return dir, nil
}

// goModCache returns the module cache directory as the go command computes
// it: GOMODCACHE, else the first entry of GOPATH followed by pkg/mod, else
// ~/go/pkg/mod; each variable from the environment or, failing that, from the
// go env file that `go env -w` writes.
func goModCache() (string, error) {
	if cache := goEnv("GOMODCACHE"); cache != "" {
		return cache, nil
	}
	gopath := goEnv("GOPATH")
	if gopath == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no GOMODCACHE, GOPATH or home directory: %w", err)
		}
		gopath = filepath.Join(home, "go")
	}
	return filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod"), nil
}

// goEnv returns the environment variable key, or its value in the go env
// file ($GOENV, default os.UserConfigDir()/go/env) when the environment does
// not set it.
func goEnv(key string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	file := os.Getenv("GOENV")
	if file == "off" {
		return ""
	}
	if file == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		file = filepath.Join(dir, "go", "env")
	}
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	value := ""
	for sc := bufio.NewScanner(f); sc.Scan(); {
		// Later lines win, as in the go command.
		if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "="); ok && strings.TrimSpace(k) == key {
			value = strings.TrimSpace(v)
		}
	}
	return value
}
