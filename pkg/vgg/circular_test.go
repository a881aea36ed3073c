package vgg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/backend/purego"
)

// With Circular set the network sees the image as a torus: rolling the
// image by 8 pixels rolls relu3_1 (after two poolings) by 2, exactly, where
// zero padding makes the borders differ.
func TestCircularIsShiftEquivariant(t *testing.T) {
	be, err := purego.New()
	if err != nil {
		t.Fatal(err)
	}
	m, err := RandomWidth(DefaultSeed, 16)
	if err != nil {
		t.Fatal(err)
	}
	const h, w, shift = 16, 24, 8
	rng := rand.New(rand.NewPCG(1, 2))
	img, rolled := make([]float32, 3*h*w), make([]float32, 3*h*w)
	for i := range img {
		img[i] = rng.Float32()
	}
	for c := range 3 {
		for y := range h {
			for x := range w {
				rolled[(c*h+y)*w+(x+shift)%w] = img[(c*h+y)*w+x]
			}
		}
	}
	features := func(data []float32) []float32 {
		out := graph.MustExecOnce(be, func(x *graph.Node) *graph.Node { return m.Features(x, []string{"relu3_1"})["relu3_1"] },
			tensors.FromFlatDataAndDimensions(data, 1, 3, h, w))
		return tensors.MustCopyFlatData[float32](out)
	}
	for _, circular := range []bool{true, false} {
		m.Circular = circular
		a, b := features(img), features(rolled)
		fw := w / 4
		worst := 0.0
		for i, v := range a {
			x, rest := i%fw, i/fw
			worst = max(worst, math.Abs(float64(b[rest*fw+(x+shift/4)%fw]-v)))
		}
		if circular && worst > 1e-5 {
			t.Errorf("Circular: rolled image's relu3_1 differs from the rolled relu3_1 by up to %g", worst)
		}
		if !circular && worst < 1e-3 {
			t.Errorf("zero padding: rolled features match to %g; the test cannot tell the paddings apart", worst)
		}
	}
}
