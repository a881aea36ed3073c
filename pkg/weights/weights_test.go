package weights

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/internal/fixtures"
)

// The files in testdata were written by PyTorch itself (make_testdata.py).
var testFiles = map[string]string{
	"testdata/tensors.pth":         "pth",
	"testdata/tensors_legacy.pth":  "pth (legacy)",
	"testdata/tensors.safetensors": "safetensors",
}

type expectedTensor struct {
	Shape []int
	Data  []float64
}

func readExpected(t *testing.T) map[string]expectedTensor {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]expectedTensor
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	return want
}

func TestReadPyTorchFiles(t *testing.T) {
	want := readExpected(t)
	wantKeys := make([]string, 0, len(want))
	for k := range want {
		wantKeys = append(wantKeys, k)
	}
	slices.Sort(wantKeys)
	for path, format := range testFiles {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format() != format {
				t.Errorf("Format() = %q, want %q", f.Format(), format)
			}
			if !slices.Equal(f.Keys(), wantKeys) {
				t.Fatalf("Keys() = %v, want %v", f.Keys(), wantKeys)
			}
			for name, w := range want {
				checkFloat64(t, f, name, w)
				t32, err := f.Tensor(name)
				if err != nil {
					t.Fatal(err)
				}
				for i, v := range w.Data {
					if t32.Data[i] != float32(v) {
						t.Errorf("%s[%d]: float32 %g, want %g", name, i, t32.Data[i], float32(v))
						break
					}
				}
			}
		})
	}
}

// TestReadLegacyV1 reads the legacy format as PyTorch 0.1.10-0.3 wrote it,
// the format of torchvision's vgg19-dcbb9e9d.pth (2017): tensors rebuilt by
// torch._utils._rebuild_tensor and Python 2's OrderedDict([[k, v], ...]).
func TestReadLegacyV1(t *testing.T) {
	want := readExpected(t)
	f, err := Open("testdata/tensors_legacy_v1.pth")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := []string{"base", "offset", "transposed"}
	if !slices.Equal(f.Keys(), keys) {
		t.Fatalf("Keys() = %v, want %v", f.Keys(), keys)
	}
	for _, name := range keys {
		checkFloat64(t, f, name, want[name])
	}
}

// checkFloat64 checks that tensor name of f holds exactly want.
func checkFloat64(t *testing.T, f *File, name string, want expectedTensor) {
	t.Helper()
	data, shape, err := f.Float64(name)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(shape, want.Shape) || !slices.Equal(data, want.Data) {
		t.Errorf("%s: got %v %v, want %v %v", name, shape, data, want.Shape, want.Data)
	}
}

func TestFixtureFormatsAgree(t *testing.T) {
	st, err := Open(fixtures.Path("vgg19_tiny.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pth, err := Open(fixtures.Path("vgg19_tiny_torchvision.pth"))
	if err != nil {
		t.Fatal(err)
	}
	defer pth.Close()
	if !slices.Equal(st.Keys(), pth.Keys()) {
		t.Fatalf("keys differ: safetensors %v, pth %v", st.Keys(), pth.Keys())
	}
	if !slices.Contains(st.Keys(), "features.0.weight") {
		t.Fatalf("no features.0.weight in %v", st.Keys())
	}
	for _, k := range st.Keys() {
		a, err := st.Tensor(k)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pth.Tensor(k)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Shape, b.Shape) || !slices.Equal(a.Data, b.Data) {
			t.Errorf("%s differs between the formats", k)
		}
	}
}

func TestLoad(t *testing.T) {
	got, err := Load("testdata/tensors.pth", map[string][]int{"base": {3, 4}, "model.weight": {-1, 2, 3, 3}, "param": nil})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["model.weight"].Shape[0] != 3 || len(got["param"].Data) != 2 {
		t.Errorf("Load returned %d tensors: %v", len(got), got)
	}
	_, err = Load("testdata/tensors.safetensors", map[string][]int{"base": {4, 3}, "nothere": {7}, "half": {2, 3}})
	if err == nil {
		t.Fatal("Load accepted a wrong shape and a missing key")
	}
	for _, s := range []string{"tensors.safetensors", `"base" has shape [3 4], expected [4 3]`, `missing "nothere" (expected shape [7])`} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	if strings.Contains(err.Error(), "half") {
		t.Errorf("error %q mentions a tensor that was fine", err)
	}
}

func TestHalfToFloat32(t *testing.T) {
	for _, c := range []struct {
		bits uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x0001, 1.0 / (1 << 24)}, {0x8000, float32(math.Copysign(0, -1))},
		{0x7c00, float32(math.Inf(1))}, {0x3555, 0.333251953125},
	} {
		if got := halfToFloat32(c.bits); got != c.want || math.Signbit(float64(got)) != math.Signbit(float64(c.want)) {
			t.Errorf("halfToFloat32(%#04x) = %g, want %g", c.bits, got, c.want)
		}
	}
	if got := halfToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("halfToFloat32(NaN) = %g", got)
	}
}
