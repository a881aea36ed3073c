package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: decodes all 70000 MNIST images")
	}
	for _, tc := range []struct {
		split Split
		n     int
	}{{Train, 60000}, {Test, 10000}} {
		d, err := LoadMNIST(tc.split, MNISTOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Len() != tc.n || d.Channels != 1 || d.Height != 28 || d.Width != 28 {
			t.Errorf("%s: %d images of %dx%dx%d, want %d of 1x28x28", tc.split, d.Len(), d.Channels, d.Height, d.Width, tc.n)
		}
		counts := make([]int, 10)
		for _, l := range d.Labels {
			counts[l]++
		}
		for digit, c := range counts {
			// Every digit makes up roughly a tenth of MNIST (9% to 11.3%).
			if c < tc.n*8/100 || c > tc.n*12/100 {
				t.Errorf("%s: digit %d appears %d times", tc.split, digit, c)
			}
		}
	}
}

// writeMNIST writes a tiny MNIST directory (gzipped IDX files) for split.
func writeMNIST(t *testing.T, dir, prefix string, images, labels *IDX) {
	t.Helper()
	os.WriteFile(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), idxBytes(t, images, true), 0o644)
	os.WriteFile(filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), idxBytes(t, labels, true), 0o644)
}

func TestLoadMNISTTiny(t *testing.T) {
	dir := t.TempDir()
	pixels := make([]byte, 3*4*5)
	for i := range pixels {
		pixels[i] = byte(i)
	}
	writeMNIST(t, dir, "t10k", &IDX{Dims: []int{3, 4, 5}, Data: pixels}, &IDX{Dims: []int{3}, Data: []byte{7, 0, 9}})
	d, err := LoadMNIST(Test, MNISTOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || d.Height != 4 || d.Width != 5 || d.Labels[2] != 9 || d.Image(1)[0] != 20 {
		t.Errorf("got %d images %dx%d, labels %v, image 1 starting %d", d.Len(), d.Height, d.Width, d.Labels, d.Image(1)[0])
	}
}

func TestLoadMNISTErrors(t *testing.T) {
	images := &IDX{Dims: []int{2, 2, 2}, Data: make([]byte, 8)}
	for _, tc := range []struct {
		name, want     string
		images, labels *IDX
	}{
		{"count mismatch", "2 images but label dimensions [3]", images, &IDX{Dims: []int{3}, Data: []byte{1, 2, 3}}},
		{"label range", "label 12 of image 1 out of range", images, &IDX{Dims: []int{2}, Data: []byte{1, 12}}},
		{"image rank", "expected [N, rows, cols]", &IDX{Dims: []int{2, 4}, Data: make([]byte, 8)}, &IDX{Dims: []int{2}, Data: []byte{1, 2}}},
	} {
		dir := t.TempDir()
		writeMNIST(t, dir, "train", tc.images, tc.labels)
		_, err := LoadMNIST(Train, MNISTOptions{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: got %v, want an ErrFormat containing %q", tc.name, err, tc.want)
		}
	}
	dir := t.TempDir()
	if _, err := LoadMNIST(Train, MNISTOptions{Dir: dir}); err == nil || !strings.Contains(err.Error(), "not found") || !errors.Is(err, ErrNotFound) {
		t.Errorf("missing files: got %v, want an ErrNotFound", err)
	}
	// A truncated copy of the real file.
	real, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(real, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), raw[:len(raw)/2], 0o644)
	if _, err := LoadMNIST(Test, MNISTOptions{Dir: dir}); err == nil || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte.gz") || !errors.Is(err, ErrFormat) {
		t.Errorf("truncated file: got %v, want an ErrFormat naming the file", err)
	}
}

func TestMNISTDirEnv(t *testing.T) {
	t.Setenv(MNISTDirEnvVar, "/some/where")
	if dir, err := MNISTDir(); err != nil || dir != "/some/where" {
		t.Errorf("got %q, %v", dir, err)
	}
}
