package datasets

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxBytes encodes an IDX stream, gzipped when zip is set.
func idxBytes(t testing.TB, idx *IDX, zip bool) []byte {
	var buf bytes.Buffer
	if err := WriteIDX(&buf, idx); err != nil {
		t.Fatal(err)
	}
	if !zip {
		return buf.Bytes()
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(buf.Bytes())
	w.Close()
	return z.Bytes()
}

func TestReadIDXRoundTrip(t *testing.T) {
	want := &IDX{Dims: []int{2, 3, 4}, Data: make([]byte, 24)}
	for i := range want.Data {
		want.Data[i] = byte(i * 7)
	}
	for _, zip := range []bool{false, true} {
		got, err := ReadIDX(bytes.NewReader(idxBytes(t, want, zip)))
		if err != nil {
			t.Fatalf("gzip=%v: %v", zip, err)
		}
		if !slices.Equal(got.Dims, want.Dims) || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("gzip=%v: got dims %v data %v, want %v %v", zip, got.Dims, got.Data, want.Dims, want.Data)
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := idxBytes(t, &IDX{Dims: []int{3, 2}, Data: []byte{1, 2, 3, 4, 5, 6}}, false)
	corrupt := func(i int, b byte) []byte {
		c := bytes.Clone(good)
		c[i] = b
		return c
	}
	gz := idxBytes(t, &IDX{Dims: []int{3, 2}, Data: []byte{1, 2, 3, 4, 5, 6}}, true)
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"empty", "magic", nil},
		{"short header", "magic", good[:3]},
		{"bad magic", "not an IDX file", corrupt(0, 0x12)},
		{"float type", "element type", corrupt(2, 0x0d)},
		{"rank zero", "rank 0", corrupt(3, 0)},
		{"truncated dims", "dimensions", good[:9]},
		{"truncated data", "truncated IDX data", good[:len(good)-1]},
		{"trailing data", "longer", append(bytes.Clone(good), 9)},
		{"huge dims", "announce more than", []byte{0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"truncated gzip", "unexpected EOF", gz[:len(gz)-6]},
	} {
		_, err := ReadIDX(bytes.NewReader(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: got error %v, want one matching ErrFormat and mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestReadIDXFileNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken-idx3-ubyte.gz")
	os.WriteFile(path, []byte{0, 0, 8, 3, 0, 0}, 0o644)
	_, err := ReadIDXFile(path)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, ErrFormat) {
		t.Errorf("got %v, want an ErrFormat naming %s", err, path)
	}
	if _, err := ReadIDXFile(path + ".missing"); !errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrFormat) {
		t.Errorf("missing file: got %v, want an os.ErrNotExist that is not an ErrFormat", err)
	}
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(f, &IDX{Dims: []int{2, 2}, Data: []byte{1, 2, 3, 4}}, false))
	f.Add(idxBytes(f, &IDX{Dims: []int{3}, Data: []byte{7, 8, 9}}, true))
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 5, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := ReadIDX(bytes.NewReader(data))
		if err != nil {
			return
		}
		n := 1
		for _, d := range idx.Dims {
			n *= d
		}
		if n != len(idx.Data) {
			t.Fatalf("dims %v but %d bytes", idx.Dims, len(idx.Data))
		}
	})
}
