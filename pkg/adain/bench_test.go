package adain_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/adain"
	"github.com/neuralart/neuralart/pkg/backend/purego"
)

// randomImage is a [1, 3, size, size] image of seeded pseudo-random pixels.
func randomImage(size int, seed uint32) *tensors.Tensor {
	data := make([]float32, 3*size*size)
	for i := range data {
		seed = seed*1664525 + 1013904223
		data[i] = float32(seed>>8) / (1 << 24)
	}
	return tensors.FromFlatDataAndDimensions(data, 1, 3, size, size)
}

// BenchmarkAdaIN stylises one image with the published widths (random
// weights: the time does not depend on them): encoding the content and the
// style, AdaIN and decoding, as test.py's style_transfer.
func BenchmarkAdaIN(b *testing.B) {
	backend, err := purego.New()
	if err != nil {
		b.Fatal(err)
	}
	enc, err := adain.RandomEncoder(1, 1)
	if err != nil {
		b.Fatal(err)
	}
	s, err := adain.NewStylizer(backend, enc, adain.NewDecoder(enc.Channels(), 1))
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{256, 512} {
		b.Run(fmt.Sprintf("%dpx", size), func(b *testing.B) {
			content, style := randomImage(size, 1), randomImage(size, 2)
			opts := adain.DefaultStylizeOptions()
			if _, err := s.Stylize(context.Background(), content, style, opts); err != nil { // compiles
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := s.Stylize(context.Background(), content, style, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
