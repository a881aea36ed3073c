package vgg_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/download"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/vgg"
	"github.com/neuralart/neuralart/pkg/weights"
)

// fixtureTensors reads every tensor of the fixture weights.
func fixtureTensors(t *testing.T) map[string]*weights.Tensor {
	t.Helper()
	f, err := weights.Open(fixtures.Path("vgg19_tiny.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]*weights.Tensor{}
	for _, k := range f.Keys() {
		if out[k], err = f.Tensor(k); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// writeSafetensors writes tensors to path, failing the test on error.
func writeSafetensors(t *testing.T, path string, ts map[string]*weights.Tensor) {
	t.Helper()
	if err := weights.SaveSafetensors(path, ts, nil); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRejectsWrongLayouts(t *testing.T) {
	dir := t.TempDir()
	missing := fixtureTensors(t)
	delete(missing, "features.10.weight")
	writeSafetensors(t, filepath.Join(dir, "missing.safetensors"), missing)

	wrongIn := fixtureTensors(t)
	k := wrongIn["features.2.weight"]
	k.Shape[1]++ // one input channel more than conv1_1 has outputs
	k.Data = append(k.Data, make([]float32, k.Shape[0]*9)...)
	writeSafetensors(t, filepath.Join(dir, "wrong_in.safetensors"), wrongIn)

	notVGG := map[string]*weights.Tensor{"classifier.0.bias": {Shape: []int{1}, Data: []float32{0}}}
	writeSafetensors(t, filepath.Join(dir, "not_vgg.safetensors"), notVGG)

	for file, parts := range map[string][]string{
		"missing.safetensors":  {"missing features.10.weight"},
		"wrong_in.safetensors": {"features.2.weight has shape", "expected [?, "},
		"not_vgg.safetensors":  {"missing features.0.weight (conv 1, expected shape [?, 3, 3, 3])", "missing features.34.bias"},
	} {
		_, err := vgg.Load(filepath.Join(dir, file))
		if err == nil {
			t.Errorf("%s: no error", file)
			continue
		}
		for _, p := range append(parts, file) {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %q does not mention %q", file, err, p)
			}
		}
	}
}

func TestDefault(t *testing.T) {
	t.Setenv(download.CacheEnvVar, t.TempDir())
	torchHome := t.TempDir()
	t.Setenv("TORCH_HOME", torchHome)
	t.Setenv(vgg.WeightsEnvVar, "")
	m, real, err := vgg.Default()
	if err != nil || real || !m.IsRandom() {
		t.Fatalf("empty caches: real %v, random %v, err %v; want random weights", real, m != nil && m.IsRandom(), err)
	}

	// torchvision's own cache.
	hub := filepath.Join(torchHome, "hub", "checkpoints")
	fixture, err := os.ReadFile(fixtures.Path("vgg19_tiny_torchvision.pth"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(hub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hub, filepath.Base(vgg.TorchvisionURL)), fixture, 0o644); err != nil {
		t.Fatal(err)
	}
	if m, real, err = vgg.Default(); err != nil || !real || m.IsRandom() {
		t.Fatalf("weights in $TORCH_HOME/hub/checkpoints: real %v, err %v; want them loaded", real, err)
	}
	t.Setenv("TORCH_HOME", t.TempDir())

	t.Setenv(vgg.WeightsEnvVar, fixtures.Path("vgg19_tiny_torchvision.pth"))
	m, real, err = vgg.Default()
	if err != nil || !real || m.IsRandom() {
		t.Fatalf("$%s set: real %v, err %v; want the file's weights", vgg.WeightsEnvVar, real, err)
	}

	// A broken file in the cache is an error, not a silent fallback.
	t.Setenv(vgg.WeightsEnvVar, "")
	path, err := vgg.CachedPath()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("PK\x03\x04 not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := vgg.Default(); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("corrupt cached weights: err = %v, want one naming %s", err, path)
	}
}

// fixtureTransport answers every request with a fixture file, standing in
// for download.pytorch.org.
type fixtureTransport struct{ path string }

func (f fixtureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	file, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	st, _ := file.Stat()
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Body: file, ContentLength: st.Size(), Request: req, Header: http.Header{}}, nil
}

func TestDownload(t *testing.T) {
	fixture := fixtures.Path("vgg19_tiny_torchvision.pth")
	client := &http.Client{Transport: fixtureTransport{fixture}}
	dir := t.TempDir()
	// The fixture is not torchvision's file: its hash does not start with dcbb9e9d.
	if _, err := vgg.Download(context.Background(), download.Options{Dir: dir, Client: client}); err == nil || !strings.Contains(err.Error(), vgg.TorchvisionSHA256Prefix) {
		t.Fatalf("err = %v, want a mismatch with %s", err, vgg.TorchvisionSHA256Prefix)
	}
	sum, err := download.FileSHA256(fixture)
	if err != nil {
		t.Fatal(err)
	}
	path, err := vgg.Download(context.Background(), download.Options{Dir: dir, Client: client, SHA256: sum, Progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != filepath.Base(vgg.TorchvisionURL) {
		t.Errorf("downloaded to %s, want torchvision's file name", path)
	}
	if _, err := vgg.Load(path); err != nil {
		t.Error(err)
	}
}

// TestLoadVGG16 loads the VGG-16 fixture (torchvision's vgg16().features
// keys at 1/16 of the width), which Load recognises by its keys.
func TestLoadVGG16(t *testing.T) {
	path := fixtures.Path("vgg16_tiny_torchvision.pth")
	m, err := vgg.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Architecture() != vgg.VGG16 || !strings.HasPrefix(m.String(), "VGG-16 features") {
		t.Errorf("Load(%s) = %s (%s), want VGG-16", path, m.Architecture(), m)
	}
	c, err := m.Channels("relu4_3")
	if err != nil || c != 512/16 {
		t.Errorf("Channels(relu4_3) = %d, %v; want %d", c, err, 512/16)
	}
	if _, err := m.Channels("relu5_4"); err == nil {
		t.Error("VGG-16 has no relu5_4, yet Channels accepted it")
	}
	f, err := weights.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := vgg.VGG19.FromFile(f); err == nil || !strings.Contains(err.Error(), "VGG-19") || !strings.Contains(err.Error(), "features.34.weight") {
		t.Errorf("VGG19.FromFile on a VGG-16 file: err = %v, want one naming VGG-19 and its missing features.34.weight", err)
	}
	t.Setenv(download.CacheEnvVar, t.TempDir())
	t.Setenv("TORCH_HOME", t.TempDir())
	t.Setenv(vgg.WeightsVGG16EnvVar, path)
	if m, real, err := vgg.VGG16.Default(); err != nil || !real || m.Architecture() != vgg.VGG16 {
		t.Errorf("VGG16.Default with $%s set: %v, real %v, err %v", vgg.WeightsVGG16EnvVar, m, real, err)
	}
	t.Setenv(vgg.WeightsVGG16EnvVar, "")
	if m, real, err := vgg.VGG16.Default(); err != nil || real || !m.IsRandom() || m.Architecture() != vgg.VGG16 {
		t.Errorf("VGG16.Default without weights: %v, real %v, err %v; want a random VGG-16", m, real, err)
	}
}
