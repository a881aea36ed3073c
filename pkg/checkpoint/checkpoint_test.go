package checkpoint

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

const testFormat = "neuralart-test-checkpoint/1"

func testTensors(step int) map[string]*tensors.Tensor {
	return map[string]*tensors.Tensor{
		"/generator/conv/weights": tensors.FromFlatDataAndDimensions([]float32{1, -2, 3.5, float32(step), 5, 6}, 1, 2, 3),
		"/#rngState":              tensors.FromFlatDataAndDimensions([]uint64{1, 2, 1 << 63}, 3),
		"/adam/step":              tensors.FromFlatDataAndDimensions([]int64{int64(step)}, 1),
	}
}

// smallCheckpoint returns the path and bytes of a valid checkpoint of step 7.
func smallCheckpoint(t testing.TB) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), Name(7))
	if err := Write(path, testFormat, 7, testTensors(7)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

func TestRoundTrip(t *testing.T) {
	path, _ := smallCheckpoint(t)
	step, named, err := Read(path, testFormat)
	if err != nil {
		t.Fatal(err)
	}
	if step != 7 || len(named) != 3 {
		t.Fatalf("read step %d with %d tensors, want step 7 with 3", step, len(named))
	}
	for name, want := range testTensors(7) {
		if got := named[name]; got == nil || !got.Shape().Equal(want.Shape()) || !bytes.Equal(tensorBytes(t, got), tensorBytes(t, want)) {
			t.Errorf("tensor %s read back as %v, want %v", name, got, want)
		}
	}
}

func tensorBytes(t *testing.T, x *tensors.Tensor) []byte {
	var b []byte
	if err := x.ConstBytes(func(data []byte) { b = bytes.Clone(data) }); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCorruptCheckpointsAreRefused(t *testing.T) {
	_, data := smallCheckpoint(t)
	flipped := bytes.Clone(data)
	flipped[len(flipped)-3] ^= 0x40
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":        {nil, "not a safetensors"},
		"header cut":   {data[:20], "header length"},
		"data cut":     {data[:len(data)-4], "data_offsets"},
		"bit flip":     {flipped, "checksum"},
		"not json":     {append(append([]byte{4, 0, 0, 0, 0, 0, 0, 0}, "{{{{"...), data[12:]...), "JSON"},
		"other format": {[]byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"), "not a checkpoint of this kind"},
	}
	dir := t.TempDir()
	for name, tc := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(path, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := Read(path, testFormat)
		var corrupt *CorruptError
		if !errors.As(err, &corrupt) || corrupt.Path != path || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got error %v, want a *CorruptError naming %s and saying %q", name, err, path, tc.want)
		}
	}
	if _, _, err := Read(filepath.Join(dir, "missing"), testFormat); err == nil || errors.As(err, new(*CorruptError)) {
		t.Errorf("a missing file gave %v, want an error that is not a *CorruptError", err)
	}
}

func TestSaveKeepsTheNewest(t *testing.T) {
	d := Dir{Path: filepath.Join(t.TempDir(), "run"), Format: testFormat, Keep: 2}
	for step := 1; step <= 4; step++ {
		if _, err := d.Save(step*10, testTensors(step)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := List(d.Path)
	if err != nil || len(got) != 2 || got[0].Step != 30 || got[1].Step != 40 || got[1].Path != filepath.Join(d.Path, Name(40)) {
		t.Fatalf("List = %+v, %v; want steps 30 and 40", got, err)
	}
	latest, ok, err := Latest(d.Path)
	if !ok || err != nil || latest.Step != 40 {
		t.Errorf("Latest = %+v, %v, %v; want step 40", latest, ok, err)
	}
	if none, err := List(filepath.Join(d.Path, "absent")); none != nil || err != nil {
		t.Errorf("List of a missing directory = %v, %v; want nothing, no error", none, err)
	}
}

func TestResumeSkipsCorruptNewerCheckpoints(t *testing.T) {
	var log bytes.Buffer
	d := Dir{Path: t.TempDir(), Format: testFormat, Log: &log}
	for _, step := range []int{1, 2} {
		if _, err := d.Save(step, testTensors(step)); err != nil {
			t.Fatal(err)
		}
	}
	newest := filepath.Join(d.Path, Name(2))
	data, _ := os.ReadFile(newest)
	data[len(data)-2] ^= 1
	if err := os.WriteFile(newest, data, 0o644); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(d.Path, "."+Name(3)+".123.tmp")
	if err := os.WriteFile(stale, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	var restored int
	ok, skipped, err := d.Resume(func(_ string, step int, _ map[string]*tensors.Tensor) error { restored = step; return nil })
	if !ok || err != nil || restored != 1 {
		t.Fatalf("Resume = %v, %v, restored step %d; want step 1", ok, err, restored)
	}
	if len(skipped) != 1 || skipped[0].Path != newest || skipped[0].MovedTo != newest+".corrupt" || !strings.Contains(skipped[0].Err.Error(), "checksum") {
		t.Errorf("skipped %+v, want %s with its checksum error", skipped, newest)
	}
	if _, err := os.Stat(newest + ".corrupt"); err != nil {
		t.Errorf("the corrupt checkpoint was not kept aside: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary is still there: %v", err)
	}
	if !strings.Contains(log.String(), newest) {
		t.Errorf("log %q does not name the skipped file", log.String())
	}
}

func TestResumeWithOnlyCorruptCheckpoints(t *testing.T) {
	d := Dir{Path: t.TempDir(), Format: testFormat}
	path := filepath.Join(d.Path, Name(4))
	if err := os.WriteFile(path, []byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	ok, _, err := d.Resume(func(string, int, map[string]*tensors.Tensor) error {
		t.Fatal("restore called for a corrupt file")
		return nil
	})
	if ok || err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Resume = %v, %v; want false and an error naming %s", ok, err, path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("with nothing to resume from, the corrupt checkpoint must stay in place: %v", err)
	}
}

func TestResumeStopsWhenRestoreRefuses(t *testing.T) {
	d := Dir{Path: t.TempDir(), Format: testFormat}
	if _, err := d.Save(5, testTensors(5)); err != nil {
		t.Fatal(err)
	}
	refusal := errors.New("written for another model")
	ok, _, err := d.Resume(func(string, int, map[string]*tensors.Tensor) error { return refusal })
	if ok || !errors.Is(err, refusal) {
		t.Errorf("Resume = %v, %v; want false and the restore error", ok, err)
	}
}

// FuzzRead feeds arbitrary bytes to the checkpoint reader: it must return
// an error or tensors, never panic or allocate without bound.
func FuzzRead(f *testing.F) {
	_, data := smallCheckpoint(f)
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		step, named, err := read(bytes.NewReader(data), int64(len(data)), "fuzz", testFormat)
		if err == nil && (step < 0 || named == nil) {
			t.Errorf("accepted a checkpoint with step %d and tensors %v", step, named)
		}
	})
}
