package weights

import (
	"math"
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

func TestSaveSafetensorsFloat64(t *testing.T) {
	want := map[string]*Tensor64{
		"mu":    {Shape: []int{3}, Data: []float64{0.1, -1e-300, 1 + 1e-15}},
		"sigma": {Shape: []int{1, 2}, Data: []float64{math.Pi, math.MaxFloat64}},
	}
	path := filepath.Join(t.TempDir(), "f64.safetensors")
	if err := SaveSafetensors(path, want, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, w := range want {
		dtype, _, err := f.Info(name)
		if err != nil {
			t.Fatal(err)
		}
		got, shape, err := f.Float64(name)
		if err != nil {
			t.Fatal(err)
		}
		if dtype != F64 || !slices.Equal(shape, w.Shape) || !slices.Equal(got, w.Data) {
			t.Errorf("%s: wrote F64 %v %v, read back %s %v %v", name, w.Shape, w.Data, dtype, shape, got)
		}
	}
}
