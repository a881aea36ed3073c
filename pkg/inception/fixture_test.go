package inception_test

import (
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/inception"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/weights"
)

// featureTolerance is the README's agreement for features: ‖a−b‖/‖b‖.
const featureTolerance = 1e-4

// openReference opens the fixture's inputs and expected outputs and returns
// the names of its cases (the prefixes of "<case>/images").
func openReference(t *testing.T) (*weights.File, []string) {
	t.Helper()
	ref, err := weights.Open(fixtures.Path("inception_fid_reference.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ref.Close() })
	var cases []string
	for _, k := range ref.Keys() {
		if name, ok := strings.CutSuffix(k, "/images"); ok {
			cases = append(cases, name)
		}
	}
	if len(cases) == 0 {
		t.Fatalf("%s holds no <case>/images", ref.Name())
	}
	return ref, cases
}

func referenceTensor(t *testing.T, f *weights.File, key string) *tensors.Tensor {
	t.Helper()
	w, err := f.Tensor(key)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.FromFlatDataAndDimensions(w.Data, w.Shape...)
}

// TestFixtureFeatures compares the pool features of every case (sizes
// below, above and at odd ratios to 299) with pytorch-fid's InceptionV3 on
// the fixture's random weights. Width, sizes and cases come from the files.
func TestFixtureFeatures(t *testing.T) {
	ref, cases := openReference(t)
	model, err := inception.Load(fixtures.Path("inception_fid_tiny.pth"))
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() && model.Dim() >= 2048 {
		t.Skip("a full-width network (NEURALART_FIXTURES): slow, skipped under -short")
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	e, err := inception.NewExtractor(b, model)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range cases {
		images := referenceTensor(t, ref, name+"/images")
		want := referenceTensor(t, ref, name+"/features")
		if want.Shape().Dimensions[1] != e.Dim() {
			t.Fatalf("%s: reference features are %v, the model's Dim() is %d", name, want.Shape().Dimensions, e.Dim())
		}
		got, err := e.Features(images)
		if err != nil {
			t.Fatal(err)
		}
		if r := fixtures.RelativeError(t, name, got, want); r > featureTolerance {
			t.Errorf("%s (images %v): features differ from pytorch-fid's by %.2g relative, want <= %g", name, images.Shape().Dimensions, r, featureTolerance)
		} else {
			t.Logf("%s (images %v): relative error %.2g", name, images.Shape().Dimensions, r)
		}
	}
}

// TestFixturePreprocess compares the network's input (the bilinear resize
// to 299×299 and 2x − 1) with torch's for the cases that record it.
func TestFixturePreprocess(t *testing.T) {
	ref, cases := openReference(t)
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	exec, err := NewExec(b, inception.Preprocess)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range cases {
		if _, _, err := ref.Info(name + "/input"); err != nil {
			continue
		}
		out, err := exec.Exec(referenceTensor(t, ref, name+"/images"))
		if err != nil {
			t.Fatal(err)
		}
		r := fixtures.RelativeError(t, name, out[0], referenceTensor(t, ref, name+"/input"))
		if r > 1e-6 {
			t.Errorf("%s: preprocessed input differs from torch's by %.2g relative, want <= 1e-6", name, r)
		}
		t.Logf("%s: relative error %.2g", name, r)
		checked++
	}
	if checked == 0 {
		t.Fatalf("%s records no <case>/input", ref.Name())
	}
}
