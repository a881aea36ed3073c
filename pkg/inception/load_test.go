package inception_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuralart/neuralart/pkg/inception"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/metrics"
	"github.com/neuralart/neuralart/pkg/weights"
)

var _ metrics.FeatureExtractor = (*inception.Extractor)(nil)

// fixtureTensors returns every tensor of the fixture's weights file.
func fixtureTensors(t *testing.T) map[string]*weights.Tensor {
	t.Helper()
	f, err := weights.Open(fixtures.Path("inception_fid_tiny.pth"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all := map[string]*weights.Tensor{}
	for _, k := range f.Keys() {
		if all[k], err = f.Tensor(k); err != nil {
			t.Fatal(err)
		}
	}
	return all
}

// TestLoadRefusesWrongFiles checks that a file missing a tensor, or holding
// one of the wrong shape or a negative variance, is refused with an error
// naming the file and the tensor, and that the fixture, re-saved as
// safetensors, loads with the same width.
func TestLoadRefusesWrongFiles(t *testing.T) {
	const (
		conv = "Mixed_6c.branch7x7_2.conv.weight"
		bn   = "Mixed_7b.branch_pool.bn.running_var"
	)
	cases := []struct {
		name   string
		change func(map[string]*weights.Tensor)
		want   []string // substrings of the error; none: it must load
	}{
		{"resaved", func(map[string]*weights.Tensor) {}, nil},
		{"missing kernel", func(m map[string]*weights.Tensor) { delete(m, conv) }, []string{"missing " + conv}},
		{"missing statistic", func(m map[string]*weights.Tensor) { delete(m, bn) }, []string{"missing " + bn}},
		{"transposed kernel", func(m map[string]*weights.Tensor) {
			s := m[conv].Shape
			m[conv].Shape = []int{s[0], s[1], s[3], s[2]} // 7x1 where 1x7 belongs
		}, []string{conv + " has shape", ", 1, 7]"}},
		{"short statistic", func(m map[string]*weights.Tensor) {
			m[bn].Data, m[bn].Shape = m[bn].Data[1:], []int{m[bn].Shape[0] - 1}
		}, []string{bn + " has shape"}},
		{"negative variance", func(m map[string]*weights.Tensor) { m[bn].Data[0] = -1 }, []string{bn + "[0] is -1"}},
	}
	reference, err := inception.Load(fixtures.Path("inception_fid_tiny.pth"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fixtureTensors(t)
			c.change(m)
			path := filepath.Join(t.TempDir(), "changed.safetensors")
			if err := weights.SaveSafetensors(path, m, nil); err != nil {
				t.Fatal(err)
			}
			model, err := inception.Load(path)
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if model.Dim() != reference.Dim() {
					t.Errorf("Dim() = %d, want the .pth's %d", model.Dim(), reference.Dim())
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded a file with a %s", c.name)
			}
			t.Log(err)
			for _, s := range append(c.want, path) {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}
