package transformernet_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/download"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/transformernet"
	"github.com/neuralart/neuralart/pkg/weights"
)

// TestLoadErrors checks that files which are not TransformerNets are refused
// with errors naming the file and what is wrong.
func TestLoadErrors(t *testing.T) {
	net, err := transformernet.Load(fixtures.Path("transformernet_tiny.pth"))
	if err != nil {
		t.Fatal(err)
	}
	keys, values := net.Weights()
	save := func(t *testing.T, edit func(map[string]*weights.Tensor)) string {
		named := map[string]*weights.Tensor{}
		for i, k := range keys {
			named[k] = &weights.Tensor{Shape: values[i].Shape().Dimensions, Data: tensorData(values[i])}
		}
		edit(named)
		path := filepath.Join(t.TempDir(), "edited.safetensors")
		if err := weights.SaveSafetensors(path, named, nil); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		name  string
		edit  func(map[string]*weights.Tensor)
		parts []string
	}{
		{"missing", func(m map[string]*weights.Tensor) { delete(m, "res3.in2.bias") }, []string{"missing res3.in2.bias"}},
		{"shape", func(m map[string]*weights.Tensor) {
			m["deconv1.conv2d.bias"] = &weights.Tensor{Shape: []int{3}, Data: make([]float32, 3)}
		}, []string{"deconv1.conv2d.bias has shape [3]"}},
		{"unexpected", func(m map[string]*weights.Tensor) {
			m["res1.extra_tensor"] = &weights.Tensor{Shape: []int{1}, Data: []float32{0}}
		}, []string{"unexpected key res1.extra_tensor"}},
		{"not a transformernet", func(m map[string]*weights.Tensor) { delete(m, "conv1.conv2d.weight") }, []string{"conv1.conv2d.weight", "no such key"}},
		{"running stats are ignored", func(m map[string]*weights.Tensor) {
			m["res2.in1.running_mean"] = &weights.Tensor{Shape: []int{1}, Data: []float32{0}}
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := save(t, c.edit)
			_, err := transformernet.Load(path)
			if c.parts == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("Load accepted the file")
			}
			for _, part := range append(c.parts, path) {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not mention %q", err, part)
				}
			}
		})
	}
}

// fixtureTransport answers every request with a body, standing in for the
// model's host.
type fixtureTransport struct{ body []byte }

func (f fixtureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Body: io.NopCloser(bytes.NewReader(f.body)),
		ContentLength: int64(len(f.body)), Request: req, Header: http.Header{}}, nil
}

// TestDownloadPublished serves a zip laid out as fast_neural_style's
// saved_models.zip, holding the fixture network under two names.
func TestDownloadPublished(t *testing.T) {
	model, err := os.ReadFile(fixtures.Path("transformernet_tiny_legacy.pth"))
	if err != nil {
		t.Fatal(err)
	}
	var archive bytes.Buffer
	zw := zip.NewWriter(&archive)
	for _, name := range []string{"saved_models/", "saved_models/candy.pth", "saved_models/udnie.pth", "saved_models/README.txt"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".pth") {
			w.Write(model)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	t.Setenv(download.CacheEnvVar, cache)
	if _, err := transformernet.LoadPublished("candy"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadPublished before downloading: err = %v, want fs.ErrNotExist", err)
	}
	client := &http.Client{Transport: fixtureTransport{archive.Bytes()}}
	paths, err := transformernet.DownloadPublished(context.Background(), download.Options{Client: client})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || paths["candy"] == "" || paths["udnie"] == "" {
		t.Errorf("DownloadPublished extracted %v, want candy and udnie", paths)
	}
	if want, err := transformernet.PublishedPath("candy"); err != nil || paths["candy"] != want {
		t.Errorf("candy extracted to %s, PublishedPath says %s (err %v)", paths["candy"], want, err)
	}
	if _, err := transformernet.LoadPublished("candy"); err != nil {
		t.Error(err)
	}
	// A cached zip is checked against a digest when one is given.
	if _, err := transformernet.DownloadPublished(context.Background(), download.Options{Client: client, SHA256: strings.Repeat("0", 64)}); err == nil {
		t.Error("DownloadPublished accepted a zip whose SHA-256 does not match")
	}
}

func TestSaveLoad(t *testing.T) {
	net, err := transformernet.Random(3, 2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "net.safetensors")
	if err := net.Save(path, map[string]string{"style": "test"}); err != nil {
		t.Fatal(err)
	}
	back, err := transformernet.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	keys, values := net.Weights()
	backKeys, backValues := back.Weights()
	if back.Width() != 2 || !slices.Equal(keys, backKeys) {
		t.Fatalf("loaded width %d, keys %v; want width 2, keys %v", back.Width(), backKeys, keys)
	}
	for i := range values {
		if !slices.Equal(tensorData(values[i]), tensorData(backValues[i])) {
			t.Errorf("%s changed on the way through the file", keys[i])
		}
	}
}

// TestShippedModel loads the network trained here that the notebooks use.
func TestShippedModel(t *testing.T) {
	net, err := transformernet.Load(filepath.Join("..", "..", "notebooks", "models", "transformernet-hubble.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if net.Width() != 16 {
		t.Errorf("the shipped model has width %d, notebooks/models/README.md says 16", net.Width())
	}
}
