package weights

import (
	"bytes"
	"strings"
	"testing"
)

func TestRawRoundTripKeepsEveryDType(t *testing.T) {
	in := map[string]*Raw{
		"counter": {DType: U64, Shape: []int{2}, Data: []byte{1, 0, 0, 0, 0, 0, 0, 0x80, 2, 0, 0, 0, 0, 0, 0, 0}},
		"step":    {DType: I64, Shape: []int{}, Data: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		"weights": {DType: F32, Shape: []int{1, 1}, Data: []byte{0, 0, 0x80, 0x3f}},
	}
	var buf bytes.Buffer
	if err := WriteRawSafetensors(&buf, in, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	f, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "raw")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range in {
		got, err := f.Raw(name)
		if err != nil {
			t.Fatal(err)
		}
		if got.DType != want.DType || len(got.Shape) != len(want.Shape) || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("%s read back as %+v, want %+v", name, got, want)
		}
	}
	if w, _ := f.Tensor("weights"); w.Data[0] != 1 {
		t.Errorf("F32 weights read as %v, want [1]", w.Data)
	}
}

func TestRawWriteRefusesMismatchedData(t *testing.T) {
	bad := map[string]*Raw{"x": {DType: U32, Shape: []int{3}, Data: make([]byte, 8)}}
	err := WriteRawSafetensors(&bytes.Buffer{}, bad, nil)
	if err == nil || !strings.Contains(err.Error(), `"x"`) || !strings.Contains(err.Error(), "needs 12 bytes") {
		t.Errorf("got %v, want an error naming x and the 12 bytes its shape needs", err)
	}
}

// A safetensors header length whose low byte is 0x80 starts the file like a
// pickle's PROTO opcode; the file must still read as safetensors.
func TestSafetensorsHeaderLengthLikePickleProto(t *testing.T) {
	tensors := map[string]*Raw{"w": {DType: F32, Shape: []int{1}, Data: []byte{0, 0, 0x80, 0x3f}}}
	for pad := 0; pad < 256; pad++ {
		var buf bytes.Buffer
		if err := WriteRawSafetensors(&buf, tensors, map[string]string{"pad": strings.Repeat("x", pad)}); err != nil {
			t.Fatal(err)
		}
		if buf.Bytes()[0] != 0x80 {
			continue
		}
		f, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "proto-like.safetensors")
		if err != nil {
			t.Fatalf("header length %d: %v", buf.Bytes()[0], err)
		}
		if f.Format() != "safetensors" {
			t.Errorf("read as %s, want safetensors", f.Format())
		}
		return
	}
	t.Fatal("no padding gave a header length with low byte 0x80")
}
