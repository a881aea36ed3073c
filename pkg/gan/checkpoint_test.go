package gan

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/checkpoint"
)

// testdata/checkpoint-v1.safetensors was written by pkg/gan's own codec
// before checkpoints went through pkg/checkpoint and pkg/weights: files
// saved then (the shipped generator among them) must still load, and a
// file saved now must be byte for byte what that codec wrote.
func TestCheckpointFormatUnchanged(t *testing.T) {
	const old = "testdata/checkpoint-v1.safetensors"
	step, named, err := checkpoint.Read(old, checkpointFormat)
	if err != nil {
		t.Fatal(err)
	}
	if step != 12 || len(named) != 3 {
		t.Fatalf("%s: step %d with %d tensors, want step 12 with 3", old, step, len(named))
	}
	if got := tensors.MustCopyFlatData[uint64](named["/#rngState"]); got[2] != 9 {
		t.Errorf("uint64 tensor read as %v, want [7 8 9]", got)
	}
	again := filepath.Join(t.TempDir(), "again.safetensors")
	if err := checkpoint.Write(again, checkpointFormat, step, named); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(old)
	if got, _ := os.ReadFile(again); !bytes.Equal(got, want) {
		t.Errorf("rewriting %s gives other bytes:\n%q\nwant\n%q", old, got, want)
	}
}
