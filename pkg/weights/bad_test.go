package weights

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/internal/fixtures"
)

// torchZip builds a torch.save-style zip archive from name → content.
func torchZip(t testing.TB, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// safetensors builds a safetensors file from a JSON header and data.
func safetensors(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

// openBytes opens an in-memory file as Open would open it from disk.
func openBytes(name string, b []byte) (*File, error) {
	return NewReader(bytes.NewReader(b), int64(len(b)), name)
}

// wantError checks that opening b fails with an error containing every one
// of parts, of the kind ErrCorrupt.
func wantError(t *testing.T, name string, b []byte, parts ...string) {
	t.Helper()
	f, err := openBytes(name, b)
	if err == nil {
		// Some corruptions only show when the data is read.
		for _, k := range f.Keys() {
			if _, err = f.Tensor(k); err != nil {
				break
			}
		}
	}
	if err == nil {
		t.Fatalf("%s: no error", name)
	}
	for _, p := range append(parts, name) {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not mention %q", name, err, p)
		}
	}
	if !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrFormat) {
		t.Errorf("%s: error %q: errors.Is ErrCorrupt %v, ErrFormat %v; want true, false", name, err, errors.Is(err, ErrCorrupt), errors.Is(err, ErrFormat))
	}
}

// TestUnknownFormats: files that are no weights file at all match ErrFormat,
// not ErrCorrupt, and say what they start with.
func TestUnknownFormats(t *testing.T) {
	tar := make([]byte, 1024)
	copy(tar[257:], "ustar")
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"page.pth", []byte("<html><body>Not Found</body></html>"), "<html>"},
		{"empty.safetensors", nil, "not a safetensors or PyTorch"},
		{"old.tar", tar, "tar-format"},
	} {
		_, err := openBytes(c.name, c.data)
		if err == nil || !strings.Contains(err.Error(), c.name) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error naming the file and mentioning %q", c.name, err, c.want)
		}
		if !errors.Is(err, ErrFormat) || errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %q: errors.Is ErrFormat %v, ErrCorrupt %v; want true, false", c.name, err, errors.Is(err, ErrFormat), errors.Is(err, ErrCorrupt))
		}
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.pth")); !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrFormat) {
		t.Errorf("missing file: got %v, want an fs.ErrNotExist that is no ErrFormat", err)
	}
}

// Hand-assembled pickles (protocol 2) that call something other than tensor reconstruction.
const (
	// os.system("echo pwned") via GLOBAL + REDUCE.
	pickleOSSystem = "\x80\x02cos\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."
	// builtins.eval("1") via STACK_GLOBAL, as protocol 4 spells it.
	pickleEval = "\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x011\x85R."
	// collections.OrderedDict is allowed, but only with a list of [key, value] pairs.
	pickleOrderedDictArgs = "\x80\x02ccollections\nOrderedDict\nK\x01\x85R."
	// NEWOBJ builds an arbitrary object.
	pickleNewObj = "\x80\x02ccollections\nOrderedDict\n)\x81."
)

func TestRefuseUnsafePickles(t *testing.T) {
	for _, c := range []struct{ name, pickle, want string }{
		{"os_system.pth", pickleOSSystem, "refusing global os.system"},
		{"eval.pth", pickleEval, "refusing global builtins.eval"},
		{"ordereddict_args.pth", pickleOrderedDictArgs, "expected no arguments or a list of [key, value] pairs"},
		{"newobj.pth", pickleNewObj, "refusing NEWOBJ"},
	} {
		wantError(t, c.name, torchZip(t, map[string]string{"archive/data.pkl": c.pickle}), c.want)
		// The same pickle as a legacy (pre-zip) file.
		wantError(t, c.name, []byte(c.pickle), c.want)
	}
}

// pthEntries returns the zip entries of testdata/tensors.pth, name → content.
func pthEntries(t *testing.T) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader("testdata/tensors.pth")
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	entries := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		entries[zf.Name] = b.String()
	}
	return entries
}

func TestZipPathTraversal(t *testing.T) {
	for _, evil := range []string{"../evil", "archive/../../evil", "/etc/passwd", `archive\..\evil`} {
		entries := pthEntries(t)
		entries[evil] = "x"
		wantError(t, "traversal.pth", torchZip(t, entries), "outside the archive", strconv.Quote(evil))
	}
}

func TestBadSafetensors(t *testing.T) {
	four := make([]byte, 16)
	for _, c := range []struct {
		name, header string
		data         []byte
		want         []string
	}{
		{"unknown_dtype.safetensors", `{"w":{"dtype":"F8","shape":[4],"data_offsets":[0,4]}}`, four, []string{`"w"`, `unknown dtype "F8"`}},
		{"size_mismatch.safetensors", `{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}}`, four, []string{`"w"`, "shape [2 3] of F32 needs 24 bytes, data_offsets give 16"}},
		{"out_of_range.safetensors", `{"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}`, four, []string{`"w"`, "outside the 16-byte data section"}},
		{"backwards.safetensors", `{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}`, four, []string{`"w"`, "data_offsets [8, 4]"}},
		{"overlap.safetensors", `{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}`, four, []string{`"a"`, `"b"`, "overlap"}},
		{"negative.safetensors", `{"w":{"dtype":"F32","shape":[-1,-4],"data_offsets":[0,16]}}`, four, []string{`"w"`, "negative dimension"}},
		{"huge.safetensors", `{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,16]}}`, four, []string{`"w"`, "elements"}},
		{"not_json.safetensors", `{"w":`, four, []string{"not a JSON object"}},
	} {
		wantError(t, c.name, safetensors(c.header, c.data), c.want...)
	}
	// A header length larger than the file.
	b := safetensors(`{}`, nil)
	binary.LittleEndian.PutUint64(b, 1<<40)
	wantError(t, "long_header.safetensors", b, "header length")
}

func TestBadPth(t *testing.T) {
	entries := pthEntries(t)
	// Shorten the first storage: tensors pointing into it now run past its end.
	shortened := clone(entries)
	shortened["tensors/data/0"] = shortened["tensors/data/0"][:8]
	wantError(t, "short_storage.pth", torchZip(t, shortened), "storage")
	missing := clone(entries)
	delete(missing, "tensors/data/0")
	wantError(t, "missing_storage.pth", torchZip(t, missing), "no zip entry tensors/data/0")
	noPickle := clone(entries)
	delete(noPickle, "tensors/data.pkl")
	wantError(t, "no_pickle.pth", torchZip(t, noPickle), "data.pkl")
	bigEndian := clone(entries)
	bigEndian["tensors/byteorder"] = "big"
	wantError(t, "big_endian.pth", torchZip(t, bigEndian), "little-endian")
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestTruncated cuts every test file at many lengths: each cut must give an
// error (or, where the cut only removes zip padding, a file that reads), never a panic.
func TestTruncated(t *testing.T) {
	for _, path := range append(seedFiles(), fixtures.Path("vgg19_tiny_torchvision.pth"), fixtures.Path("vgg19_tiny.safetensors")) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		step := max(1, len(b)/200)
		for n := 0; n < len(b); n += step {
			readAll(openBytes(path, b[:n]))
		}
		// A cut anywhere in a legacy file or a safetensors file loses data: always an error.
		if strings.HasSuffix(path, "legacy.pth") || strings.HasSuffix(path, ".safetensors") {
			if _, err := readAll(openBytes(path, b[:len(b)-1])); err == nil || !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s without its last byte: got %v, want an ErrCorrupt", path, err)
			}
		}
	}
}

// TestCorrupted flips bytes all over each file: errors are fine, panics are not.
func TestCorrupted(t *testing.T) {
	for _, path := range seedFiles() {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(b); i += 7 {
			c := bytes.Clone(b)
			c[i] ^= 0xff
			readAll(openBytes(path, c))
		}
	}
}

func seedFiles() []string {
	out := []string{"testdata/tensors_legacy_v1.pth"}
	for path := range testFiles {
		out = append(out, path)
	}
	return out
}

// readAll reads every tensor of a successfully opened file.
func readAll(f *File, err error) (*File, error) {
	if err != nil {
		return nil, err
	}
	for _, k := range f.Keys() {
		if _, err := f.Tensor(k); err != nil {
			return nil, err
		}
	}
	return f, nil
}
