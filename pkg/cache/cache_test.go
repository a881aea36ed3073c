package cache_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/cache"
)

func mustKey(t *testing.T, b *cache.KeyBuilder) cache.Key {
	t.Helper()
	k, err := b.Key()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKeysDifferWithEveryInput(t *testing.T) {
	image := func(v float32) *tensors.Tensor { return tensors.FromFlatDataAndDimensions([]float32{0, v}, 1, 2) }
	keys := map[string]cache.Key{
		"base":         mustKey(t, cache.NewKey("k").Add("size", 64).Add("image", image(1))),
		"other kind":   mustKey(t, cache.NewKey("j").Add("size", 64).Add("image", image(1))),
		"other size":   mustKey(t, cache.NewKey("k").Add("size", 65).Add("image", image(1))),
		"other name":   mustKey(t, cache.NewKey("k").Add("side", 64).Add("image", image(1))),
		"other pixel":  mustKey(t, cache.NewKey("k").Add("size", 64).Add("image", image(2))),
		"other shape":  mustKey(t, cache.NewKey("k").Add("size", 64).Add("image", tensors.FromFlatDataAndDimensions([]float32{0, 1}, 2, 1))),
		"float size":   mustKey(t, cache.NewKey("k").Add("size", 64.0).Add("image", image(1))),
		"nil image":    mustKey(t, cache.NewKey("k").Add("size", 64).Add("image", (*tensors.Tensor)(nil))),
		"split string": mustKey(t, cache.NewKey("k").Add("size", 64).Add("image", image(1)).Add("a", []string{"bc"})),
		"moved split":  mustKey(t, cache.NewKey("k").Add("size", 64).Add("image", image(1)).Add("a", []string{"b", "c"})),
	}
	seen := map[cache.Key]string{}
	for name, k := range keys {
		if other, ok := seen[k]; ok {
			t.Errorf("%s and %s have the same key %s", name, other, k)
		}
		seen[k] = name
	}
	if again := mustKey(t, cache.NewKey("k").Add("size", 64).Add("image", image(1))); again != keys["base"] {
		t.Errorf("the same inputs give keys %s and %s", again, keys["base"])
	}
}

func TestKeyRefusesWhatItCannotHash(t *testing.T) {
	if _, err := cache.NewKey("k").Add("callback", func() {}).Key(); err == nil {
		t.Error("a func was hashed into a key")
	}
	if _, err := cache.NewKey("../up").Key(); err == nil {
		t.Error("a kind that leaves the directory was accepted")
	}
}

func TestGetComputesOnceThenReads(t *testing.T) {
	c := &cache.Cache{Dir: t.TempDir()}
	key := mustKey(t, cache.NewKey("test").Add("n", 3))
	calls := 0
	compute := func() (map[string]*tensors.Tensor, error) {
		calls++
		return map[string]*tensors.Tensor{
			"x":     tensors.FromFlatDataAndDimensions([]float32{1, 2, 3}, 3),
			"stats": tensors.FromFlatDataAndDimensions([]float64{0.1, 1e-300}, 2),
		}, nil
	}
	for i, wantCached := range []bool{false, true} {
		named, cached, err := c.Get(key, compute)
		if err != nil {
			t.Fatal(err)
		}
		if cached != wantCached || calls != 1 {
			t.Fatalf("call %d: cached %v after %d computations, want %v after 1", i, cached, calls, wantCached)
		}
		if got := tensors.MustCopyFlatData[float32](named["x"]); !slices.Equal(got, []float32{1, 2, 3}) {
			t.Errorf("call %d: x = %v", i, got)
		}
		if got := tensors.MustCopyFlatData[float64](named["stats"]); !slices.Equal(got, []float64{0.1, 1e-300}) {
			t.Errorf("call %d: float64 stats = %v, want them exact", i, got)
		}
	}
}

func TestDamagedEntryIsComputedAgain(t *testing.T) {
	c := &cache.Cache{Dir: t.TempDir()}
	key := mustKey(t, cache.NewKey("test").Add("n", 1))
	one := map[string]*tensors.Tensor{"x": tensors.FromFlatDataAndDimensions([]float32{1}, 1)}
	if err := c.Store(key, one); err != nil {
		t.Fatal(err)
	}
	path, err := c.Path(key)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 0xff // flip the last data byte
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, cached, err := c.Get(key, func() (map[string]*tensors.Tensor, error) { return one, nil })
	if err != nil || cached {
		t.Fatalf("a damaged entry gave cached=%v, err=%v; want it computed again", cached, err)
	}
	if _, err := c.Load(key); err != nil {
		t.Errorf("the recomputed entry does not load: %v", err)
	}
}

func TestComputeErrorStoresNothing(t *testing.T) {
	c := &cache.Cache{Dir: t.TempDir()}
	key := mustKey(t, cache.NewKey("test"))
	boom := errors.New("boom")
	if _, _, err := c.Get(key, func() (map[string]*tensors.Tensor, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("Get returned %v, want the computation's error", err)
	}
	if _, err := c.Load(key); !errors.Is(err, cache.ErrNotCached) {
		t.Errorf("Load after a failed computation: %v, want ErrNotCached", err)
	}
}

func TestClearRemovesOnlyItsDirectory(t *testing.T) {
	parent := t.TempDir()
	t.Setenv("NEURALART_CACHE", parent)
	weights := filepath.Join(parent, "vgg19.pth")
	if err := os.WriteFile(weights, []byte("weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &cache.Cache{} // the default directory, under $NEURALART_CACHE
	key := mustKey(t, cache.NewKey("test"))
	if err := c.Store(key, map[string]*tensors.Tensor{"x": tensors.FromFlatDataAndDimensions([]float32{1}, 1)}); err != nil {
		t.Fatal(err)
	}
	if path, _ := c.Path(key); filepath.Dir(filepath.Dir(path)) != filepath.Join(parent, "results") {
		t.Errorf("entry at %s, want it under %s", path, filepath.Join(parent, "results"))
	}
	if err := c.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(key); !errors.Is(err, cache.ErrNotCached) {
		t.Errorf("Load after Clear: %v, want ErrNotCached", err)
	}
	if _, err := os.Stat(weights); err != nil {
		t.Errorf("Clear removed a file outside its directory: %v", err)
	}
}
