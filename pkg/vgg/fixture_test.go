package vgg_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/backend"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
	"github.com/neuralart/neuralart/pkg/internal/fixtures/vggref"
	"github.com/neuralart/neuralart/pkg/style"
	"github.com/neuralart/neuralart/pkg/vgg"
)

// Tolerances of the reference fixtures (README): features and losses to
// 1e-5, the gradient to 1e-4, relative, as ‖a−b‖/‖b‖.
const (
	valueTolerance    = 1e-5
	gradientTolerance = 1e-4
)

// layersUnder returns the layer names of the reference keys "<prefix><layer>".
func layersUnder(r *vggref.Reference, prefix string) []string {
	var names []string
	for _, k := range r.File.Keys() {
		if name, ok := strings.CutPrefix(k, prefix); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// TestFixtureTorchvisionParity compares VGG-19 features, Gram matrices, the
// Gatys losses and the loss gradient with PyTorch's, for both weight files
// and both poolings. Layers, sizes and widths all come from the fixtures.
func TestFixtureTorchvisionParity(t *testing.T) {
	ref := vggref.Open(t)
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	image, content, styleImage := ref.Tensor(t, "image"), ref.Tensor(t, "content_image"), ref.Tensor(t, "style_image")
	for _, file := range []string{"vgg19_tiny.safetensors", "vgg19_tiny_torchvision.pth"} {
		for _, pooling := range []vgg.Pooling{vgg.MaxPooling, vgg.AvgPooling} {
			t.Run(fmt.Sprintf("%s/%s", file, pooling), func(t *testing.T) {
				model, err := vgg.Load(fixtures.Path(file))
				if err != nil {
					t.Fatal(err)
				}
				model.Pooling = pooling
				prefix := pooling.String() + "/"
				featureLayers := layersUnder(ref, prefix+"features/")
				gramLayers := layersUnder(ref, prefix+"gram/")
				if len(featureLayers) == 0 || len(gramLayers) == 0 {
					t.Fatalf("no %sfeatures/ or %sgram/ tensors in %s", prefix, prefix, ref.File.Name())
				}
				outputs := parityOutputs(t, b, model, ref, featureLayers, gramLayers, image, content, styleImage)
				check := func(name string, got *tensors.Tensor, tolerance float64) {
					e := fixtures.RelativeError(t, name, got, ref.Tensor(t, prefix+name))
					t.Logf("%-16s relative error %.2g", name, e)
					if e > tolerance {
						t.Errorf("%s: relative error %.3g exceeds %g", name, e, tolerance)
					}
				}
				for _, name := range featureLayers {
					check("features/"+name, outputs[0], valueTolerance)
					outputs = outputs[1:]
				}
				for _, name := range gramLayers {
					check("gram/"+name, outputs[0], valueTolerance)
					outputs = outputs[1:]
				}
				check("content_loss", outputs[0], valueTolerance)
				check("style_loss", outputs[1], valueTolerance)
				check("total_loss", outputs[2], valueTolerance)
				check("grad_image", outputs[3], gradientTolerance)
			})
		}
	}
}

// parityOutputs runs one graph computing, for image: the features at
// featureLayers, the Gram matrices at gramLayers, and the content, style and
// total losses (reshaped to [1] like the reference's) and ∂total/∂image.
func parityOutputs(t *testing.T, b backends.Backend, model *vgg.Model, ref *vggref.Reference, featureLayers, gramLayers []string,
	image, content, styleImage *tensors.Tensor) []*tensors.Tensor {
	t.Helper()
	all := slices.Concat(featureLayers, gramLayers, []string{ref.ContentLayer}, ref.StyleLayers)
	exec, err := NewExec(b, func(image, content, styleImage *Node) []*Node {
		x := model.Features(image, all)
		c := model.Features(content, []string{ref.ContentLayer})
		s := model.Features(styleImage, ref.StyleLayers)
		var out []*Node
		for _, name := range featureLayers {
			out = append(out, x[name])
		}
		for _, name := range gramLayers {
			out = append(out, style.Gram(x[name]))
		}
		contentLoss := style.ContentLoss(x[ref.ContentLayer], c[ref.ContentLayer])
		styleLoss := ScalarZero(image.Graph(), image.DType())
		for _, name := range ref.StyleLayers {
			styleLoss = Add(styleLoss, style.StyleLayerLoss(x[name], style.Gram(s[name])))
		}
		total := Add(MulScalar(contentLoss, ref.Alpha), MulScalar(styleLoss, ref.Beta))
		grad := Gradient(total, image)[0]
		return append(out, Reshape(contentLoss, 1), Reshape(styleLoss, 1), Reshape(total, 1), grad)
	})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Exec(image, content, styleImage)
	if err != nil {
		t.Fatal(err)
	}
	return outputs
}
