package weights

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
	"runtime"
	"strings"
	"testing"
)

// pInt pickles n as an 8-byte LONG1.
func pInt(n int64) string {
	return "\x8a\x08" + string(binary.LittleEndian.AppendUint64(nil, uint64(n)))
}

// pBig pickles n (which may not fit an int64) as a LONG1.
func pBig(n *big.Int) string {
	be := n.Bytes()
	le := make([]byte, len(be)+1) // a zero top byte keeps it positive
	for i, c := range be {
		le[len(be)-1-i] = c
	}
	return "\x8a" + string(rune(len(le))) + string(le)
}

// pStr pickles s as a BINUNICODE.
func pStr(s string) string {
	return "X" + string(binary.LittleEndian.AppendUint32(nil, uint32(len(s)))) + s
}

// pTuple pickles a tuple of pickled items.
func pTuple(items ...string) string { return "(" + strings.Join(items, "") + "t" }

// stateDictPickle pickles {"x": tensor} with a float storage "0" of the
// given (pickled) element count and the given (pickled) size and stride tuples.
func stateDictPickle(numel, size, stride string) string {
	const orderedDict = "ccollections\nOrderedDict\n)R"
	storage := pTuple(pStr("storage"), "ctorch\nFloatStorage\n", pStr("0"), pStr("cpu"), numel) + "Q"
	tensor := "ctorch._utils\n_rebuild_tensor_v2\n" + pTuple(storage, pInt(0), size, stride, "\x89", orderedDict) + "R"
	return "\x80\x02" + orderedDict + pStr("x") + tensor + "s."
}

// twelveFloats is the pickle of a state_dict holding one [3 4] float tensor.
var twelveFloats = stateDictPickle(pInt(12), pTuple(pInt(3), pInt(4)), pTuple(pInt(4), pInt(1)))

// deflateZeros returns n zero bytes, deflated, without holding them in memory.
func deflateZeros(t *testing.T, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(fw, zeroReader{}, n); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// zipWithStorage builds a torch.save zip of pkl and a storage entry
// archive/data/0 of raw deflated bytes that declares the given size.
func zipWithStorage(t *testing.T, pkl string, deflated []byte, declared uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "archive/data.pkl", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(pkl))
	w, err = zw.CreateRaw(&zip.FileHeader{Name: "archive/data/0", Method: zip.Deflate,
		CompressedSize64: uint64(len(deflated)), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// allocated returns the bytes allocated while running fn.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// wantErrorAlloc is wantError that also returns the bytes allocated by the attempt.
func wantErrorAlloc(t *testing.T, name string, b []byte, parts ...string) uint64 {
	t.Helper()
	return allocated(func() { wantError(t, name, b, parts...) })
}

func TestCompressedStorage(t *testing.T) {
	// A deflated storage of exactly the 48 bytes it needs reads.
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	data := make([]byte, 48)
	for i := range 12 {
		binary.LittleEndian.PutUint32(data[4*i:], 0x3f800000) // 1.0
	}
	fw.Write(data)
	fw.Close()
	f, err := openBytes("deflated.pth", zipWithStorage(t, twelveFloats, buf.Bytes(), 48))
	if err != nil {
		t.Fatal(err)
	}
	x, err := f.Tensor("x")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(x.Shape, x.Data) != "[3 4] [1 1 1 1 1 1 1 1 1 1 1 1]" {
		t.Errorf("x = %v %v", x.Shape, x.Data)
	}
}

func TestZipBomb(t *testing.T) {
	const inflated = 16 << 20
	bomb := deflateZeros(t, inflated)
	// Declared at its true size, far more than the 48 bytes the storage needs.
	n := wantErrorAlloc(t, "bomb_declared.pth", zipWithStorage(t, twelveFloats, bomb, inflated),
		`tensor "x"`, `storage "0"`, "zip entry archive/data/0 declares 16777216 bytes, more than the 48 bytes its storage needs")
	t.Logf("declared bomb: %d bytes allocated", n)
	if n > inflated/64 {
		t.Errorf("refusing a %d-byte bomb allocated %d bytes", inflated, n)
	}
	// Declared at the 48 bytes needed, but inflating to 16 MiB.
	n = wantErrorAlloc(t, "bomb_lying.pth", zipWithStorage(t, twelveFloats, bomb, 48),
		`tensor "x"`, `storage "0"`, "zip entry archive/data/0 declares 48 bytes but inflates to more (the storage needs 48 bytes)")
	t.Logf("lying bomb: %d bytes allocated", n)
	if n > inflated/64 {
		t.Errorf("refusing a %d-byte bomb allocated %d bytes", inflated, n)
	}
}

func TestBadTensorNumbers(t *testing.T) {
	store := func(pkl string) []byte {
		return torchZip(t, map[string]string{"archive/data.pkl": pkl, "archive/data/0": string(make([]byte, 48))})
	}
	size34 := pTuple(pInt(3), pInt(4))
	for _, c := range []struct {
		name, pkl string
		want      []string
	}{
		{"negative_stride.pth", stateDictPickle(pInt(12), size34, pTuple(pInt(-3), pInt(1))),
			[]string{`tensor "x": stride -3 (dimension 0 of (-3, 1)) is negative`}},
		{"negative_size.pth", stateDictPickle(pInt(12), pTuple(pInt(3), pInt(-4)), pTuple(pInt(4), pInt(1))),
			[]string{`tensor "x": size -4 (dimension 1 of (3, -4)) is negative`}},
		{"huge_size.pth", stateDictPickle(pInt(12), pTuple(pBig(new(big.Int).Lsh(big.NewInt(1), 70)), pInt(4)), pTuple(pInt(4), pInt(1))),
			[]string{`tensor "x": size 1180591620717411303424 (dimension 0 of (1180591620717411303424, 4)) exceeds the limit of 2^50`}},
		{"huge_storage.pth", stateDictPickle(pInt(1<<51), size34, pTuple(pInt(4), pInt(1))),
			[]string{`persistent id: storage "0": size 2251799813685248 elements exceeds the limit of 2^50`}},
		{"big_storage.pth", stateDictPickle(pBig(new(big.Int).Lsh(big.NewInt(1), 70)), size34, pTuple(pInt(4), pInt(1))),
			[]string{`persistent id: storage "0": size 1180591620717411303424 elements exceeds the limit of 2^50`}},
		{"negative_storage.pth", stateDictPickle(pInt(-12), size34, pTuple(pInt(4), pInt(1))),
			[]string{`persistent id: storage "0": size -12 elements is negative`}},
		// 2^40 elements is within the limit, but not within the 48-byte entry.
		{"short_storage.pth", stateDictPickle(pInt(1<<40), size34, pTuple(pInt(4), pInt(1))),
			[]string{`tensor "x": storage "0" holds 48 bytes, expected 1099511627776 elements of F32 (4398046511104 bytes)`}},
	} {
		wantError(t, c.name, store(c.pkl), c.want...)
	}
	if _, err := openBytes("good.pth", store(twelveFloats)); err != nil {
		t.Errorf("the well-formed pickle: %v", err)
	}
}

func TestDuplicateSafetensorsKey(t *testing.T) {
	rec := `{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`
	wantError(t, "duplicate.safetensors", safetensors(`{"a":`+rec+`,"a":`+rec+`}`, make([]byte, 4)), `key "a" appears twice in the header`)
	wantError(t, "duplicate_metadata.safetensors", safetensors(`{"__metadata__":{},"__metadata__":{}}`, nil), `key "__metadata__" appears twice`)
	wantError(t, "trailing.safetensors", safetensors(`{"a":`+rec+`} {}`, make([]byte, 4)), "after its JSON object")
}

func TestSafetensorsTooManyTensors(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: parses a header of 131073 tensor entries")
	}
	var h strings.Builder
	h.WriteString("{")
	for i := range maxTensors + 1 {
		if i > 0 {
			h.WriteString(",")
		}
		fmt.Fprintf(&h, `"%d":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`, i)
	}
	h.WriteString("}")
	b := safetensors(h.String(), nil)
	n := wantErrorAlloc(t, "many.safetensors", b, "header has more than 131072 tensors, the limit")
	t.Logf("%d-byte header of %d tensors: %d bytes allocated", h.Len(), maxTensors+1, n)
	if n > 100<<20 {
		t.Errorf("refusing a %d-byte header allocated %d bytes", h.Len(), n)
	}
}

func TestPickleLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs pickles of up to 10 MB to each limit")
	}
	for _, c := range []struct {
		name, pkl, want string
	}{
		{"marks.pth", "\x80\x02" + strings.Repeat("(", 10<<20), "more than 1024 nested MARKs (the limit for a state_dict)"},
		{"stack.pth", "\x80\x02" + strings.Repeat("N", maxStack+1), "more than 131072 values on the stack (the limit for a state_dict)"},
		{"memo.pth", "\x80\x02N" + strings.Repeat("\x94", maxMemo+1), "more than 262144 memo entries (the limit for a state_dict)"},
		{"list.pth", "\x80\x02]" + strings.Repeat("Na", maxItems+1), "a list of more than 262144 items (the limit for a state_dict)"},
		{"dict.pth", "\x80\x02}" + dictItems(maxItems+1), "a dict of more than 262144 items (the limit for a state_dict)"},
	} {
		n := wantErrorAlloc(t, c.name, torchZip(t, map[string]string{"archive/data.pkl": c.pkl}), "archive/data.pkl", c.want)
		m := wantErrorAlloc(t, c.name, []byte(c.pkl), "legacy .pth", c.want)
		t.Logf("%s (%d-byte pickle): %d bytes allocated (zip), %d (legacy)", c.name, len(c.pkl), n, m)
	}
}

// dictItems pickles n SETITEMs of distinct int keys with value None.
func dictItems(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("J")
		b.Write(binary.LittleEndian.AppendUint32(nil, uint32(i)))
		b.WriteString("Ns")
	}
	return b.String()
}
