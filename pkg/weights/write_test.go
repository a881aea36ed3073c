package weights

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestSaveSafetensorsRoundTrip(t *testing.T) {
	src, err := Open("testdata/tensors.pth")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	all := map[string]*Tensor{}
	for _, k := range src.Keys() {
		if all[k], err = src.Tensor(k); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "copy.safetensors")
	if err := SaveSafetensors(path, all, map[string]string{"from": "tensors.pth"}); err != nil {
		t.Fatal(err)
	}
	dst, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if !slices.Equal(dst.Keys(), src.Keys()) || dst.Metadata()["from"] != "tensors.pth" {
		t.Fatalf("keys %v metadata %v, want %v and the metadata written", dst.Keys(), dst.Metadata(), src.Keys())
	}
	for k, want := range all {
		got, err := dst.Tensor(k)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Data, want.Data) {
			t.Errorf("%s: round trip changed %v %v into %v %v", k, want.Shape, want.Data, got.Shape, got.Data)
		}
	}
	bad := map[string]*Tensor{"w": {Shape: []int{2, 2}, Data: []float32{1}}}
	if err := SaveSafetensors(filepath.Join(t.TempDir(), "bad.safetensors"), bad, nil); err == nil {
		t.Error("a tensor whose shape does not match its data was written")
	}
}
