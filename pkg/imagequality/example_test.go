package imagequality_test

import (
	"fmt"
	"log"

	"github.com/neuralart/neuralart/pkg/imagequality"
)

// A dark vessel on a bright background: find it, then measure how it stands
// out and how much contrast the image has.
func ExampleVesselContrast() {
	img := vesselImage(0.4) // a 0.4 vessel, 3 px wide, on a 0.8 background
	region := imagequality.Erode(imagequality.Threshold(img, 0.1), 4)
	opts := imagequality.DefaultVesselnessOptions()
	opts.Fraction = 0.06
	vessels, err := imagequality.VesselMask(img, region, opts)
	if err != nil {
		log.Fatal(err)
	}
	c, err := imagequality.VesselContrast(img, vessels, imagequality.Without(region, vessels))
	if err != nil {
		log.Fatal(err)
	}
	rms, err := imagequality.RMSContrast(img, region)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Weber %.2f, RMS contrast %.2f\n", c.Weber, rms)
	// Output: Weber 0.50, RMS contrast 0.11
}
