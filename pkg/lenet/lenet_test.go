package lenet

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/datasets"
)

func testBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mnist(t testing.TB, split datasets.Split) *datasets.Dataset {
	t.Helper()
	d, err := datasets.LoadMNIST(split, datasets.MNISTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTrainLeNetReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: trains LeNet twice")
	}
	b := testBackend(t)
	small := mnist(t, datasets.Train).Subset(96)
	opts := TrainOptions{Epochs: 1, BatchSize: 32, Seed: 5}
	var params [2]map[string][]float32
	for i := range params {
		net, err := Train(context.Background(), b, small, opts)
		if err != nil {
			t.Fatal(err)
		}
		if params[i], err = net.Params(); err != nil {
			t.Fatal(err)
		}
	}
	init := initParams(opts.Seed)
	for name, p := range params[0] {
		changed := false
		for i, v := range p {
			if v != params[1][name][i] {
				t.Fatalf("%s[%d]: %g then %g with one seed", name, i, v, params[1][name][i])
			}
			changed = changed || v != init[name][i]
		}
		if !changed {
			t.Errorf("%s did not change in training", name)
		}
	}
}

func TestLeNetSaveLoad(t *testing.T) {
	b := testBackend(t)
	net, err := New(b, initParams(3))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lenet.safetensors")
	if err := net.Save(path, map[string]string{"note": "test"}); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(b, path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := net.Params()
	got, _ := loaded.Params()
	for name, p := range want {
		for i := range p {
			if got[name][i] != p[i] {
				t.Fatalf("%s[%d] = %g after the round trip, want %g", name, i, got[name][i], p[i])
			}
		}
	}

	params := initParams(3)
	delete(params, "fc2.bias")
	if _, err := New(b, params); err == nil || !strings.Contains(err.Error(), "fc2.bias") {
		t.Errorf("missing parameter: got %v", err)
	}
	if _, err := net.Features(tensors.FromShape(tensors.FromScalarAndDimensions(float32(0), 2, 3, 28, 28).Shape())); err == nil || !strings.Contains(err.Error(), "[2 3 28 28]") {
		t.Errorf("RGB input: got %v", err)
	}
}
