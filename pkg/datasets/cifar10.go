package datasets

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/neuralart/neuralart/pkg/internal/errkind"
)

// CIFAR-10's binary format: records of one label byte then a 32x32 image as
// three 1024-byte planes (R, G, B), row-major, i.e. already CHW.
const (
	cifarSide       = 32
	cifarRecordSize = 1 + 3*cifarSide*cifarSide
)

// cifarClasses are the names in batches.meta.txt, in label order; used when
// that file is missing.
var cifarClasses = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// LoadCIFAR10 reads CIFAR-10's binary distribution from dir (the unpacked
// cifar-10-batches-bin directory): data_batch_1.bin … data_batch_5.bin for
// Train (50000 images), test_batch.bin for Test (10000), 32x32 RGB.
func LoadCIFAR10(dir string, split Split) (*Dataset, error) {
	files := []string{"test_batch.bin"}
	if split == Train {
		files = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	}
	d := &Dataset{Name: "cifar10-" + split.String(), Channels: 3, Height: cifarSide, Width: cifarSide, Classes: cifarClasses}
	if names, err := readLines(filepath.Join(dir, "batches.meta.txt")); err == nil && len(names) >= len(cifarClasses) {
		d.Classes = names
	}
	for _, name := range files {
		path := filepath.Join(dir, name)
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("datasets: CIFAR-10: %w", err)
		}
		if len(raw) == 0 || len(raw)%cifarRecordSize != 0 {
			return nil, errkind.Mark(ErrFormat, fmt.Errorf("datasets: CIFAR-10 %s: %d bytes, expected a positive multiple of the %d-byte record (truncated?)", path, len(raw), cifarRecordSize))
		}
		for r := 0; r < len(raw); r += cifarRecordSize {
			label := int(raw[r])
			if label >= len(d.Classes) {
				return nil, errkind.Mark(ErrFormat, fmt.Errorf("datasets: CIFAR-10 %s: record %d has label %d, expected 0 to %d", path, r/cifarRecordSize, label, len(d.Classes)-1))
			}
			d.Labels = append(d.Labels, label)
			d.Pixels = append(d.Pixels, raw[r+1:r+cifarRecordSize]...)
		}
	}
	return d, nil
}

// readLines returns the non-empty lines of a text file.
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if l := strings.TrimSpace(s.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil, errors.New("empty")
	}
	return lines, s.Err()
}
