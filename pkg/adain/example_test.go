package adain_test

import (
	"context"
	"fmt"
	"log"

	"github.com/neuralart/neuralart/pkg/adain"
	"github.com/neuralart/neuralart/pkg/backend/purego"
	"github.com/neuralart/neuralart/pkg/internal/fixtures"
)

// Stylising an image with networks in the published files' format (here
// the narrow ones of the test fixtures; adain.LoadPublished reads the real
// ones once scripts/fetch-weights.sh has fetched them).
func ExampleStylizer_Stylize() {
	b, err := purego.New()
	if err != nil {
		log.Fatal(err)
	}
	enc, err := adain.LoadEncoder(fixtures.Path("adain_vgg_tiny.pth"))
	if err != nil {
		log.Fatal(err)
	}
	dec, err := adain.LoadDecoder(fixtures.Path("adain_decoder_tiny.pth"))
	if err != nil {
		log.Fatal(err)
	}
	s, err := adain.NewStylizer(b, enc, dec)
	if err != nil {
		log.Fatal(err)
	}
	content, style := randomImage(64, 1), randomImage(48, 2)
	opts := adain.DefaultStylizeOptions()
	opts.Alpha = 0.5 // half content, half style
	out, err := s.Stylize(context.Background(), content, style, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Shape())
	// Output: (Float32)[1 3 64 64]
}
