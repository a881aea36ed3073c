package gan

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// smallCheckpoint returns the bytes of a valid checkpoint of two tensors.
func smallCheckpoint(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), checkpointName(7))
	named := map[string]*tensors.Tensor{
		"/generator/conv/weights": randomTensor(1, 2, 3),
		"/#rngState":              tensors.FromFlatDataAndDimensions([]uint64{1, 2, 3}, 3),
	}
	if err := writeCheckpoint(path, 7, named); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCheckpointRoundTrip(t *testing.T) {
	data := smallCheckpoint(t)
	step, named, err := decodeCheckpoint(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if step != 7 || len(named) != 2 {
		t.Fatalf("decoded step %d with %d tensors, want step 7 with 2", step, len(named))
	}
	if got := tensors.MustCopyFlatData[uint64](named["/#rngState"]); got[2] != 3 {
		t.Errorf("uint64 tensor decoded as %v", got)
	}
}

func TestCorruptCheckpointsAreRefused(t *testing.T) {
	data := smallCheckpoint(t)
	flipped := bytes.Clone(data)
	flipped[len(flipped)-3] ^= 0x40
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":        {nil, "too short"},
		"header cut":   {data[:20], "header length"},
		"data cut":     {data[:len(data)-4], "data bytes"},
		"bit flip":     {flipped, "checksum"},
		"not json":     {append(append([]byte{4, 0, 0, 0, 0, 0, 0, 0}, "{{{{"...), data[12:]...), "JSON"},
		"other format": {[]byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"), "not a GAN checkpoint"},
	}
	dir := t.TempDir()
	for name, tc := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(path, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := readCheckpoint(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got error %v, want one naming %s and saying %q", name, err, path, tc.want)
		}
	}
}

// FuzzDecodeCheckpoint feeds arbitrary bytes to the checkpoint reader: it
// must return an error or tensors, never panic or allocate without bound.
func FuzzDecodeCheckpoint(f *testing.F) {
	data := smallCheckpoint(f)
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		step, named, err := decodeCheckpoint(bytes.NewReader(data), int64(len(data)))
		if err == nil && (step < 0 || named == nil) {
			t.Errorf("accepted a checkpoint with step %d and tensors %v", step, named)
		}
	})
}
