package inception

import (
	"bytes"
	"testing"

	"github.com/neuralart/neuralart/pkg/weights"
)

// FuzzFromFile checks that no file, however broken, makes FromFile panic:
// it returns a model with features or an error.
func FuzzFromFile(f *testing.F) {
	valid := randomSafetensors(f, 1, 32)
	file, err := weights.NewReader(bytes.NewReader(valid), int64(len(valid)), "seed.safetensors")
	if err != nil {
		f.Fatal(err)
	}
	if _, err := FromFile(file); err != nil {
		f.Fatalf("the seed must be a whole network: %v", err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := weights.NewReader(bytes.NewReader(data), int64(len(data)), "fuzz.safetensors")
		if err != nil {
			return
		}
		if m, err := FromFile(file); err == nil && m.Dim() < 1 {
			t.Errorf("FromFile loaded a model with %d features", m.Dim())
		}
	})
}
