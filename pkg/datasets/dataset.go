package datasets

import "fmt"

// Dataset is a labelled set of images of one size, held as 8-bit pixels in
// NCHW order (image by image, channel planes, rows, columns).
type Dataset struct {
	// Name identifies the data set in messages, e.g. "mnist-train".
	Name string
	// Channels, Height and Width give every image's shape.
	Channels, Height, Width int
	// Pixels holds Len()·Channels·Height·Width bytes, 0 black to 255 white
	// (MNIST digits are white on black, as distributed).
	Pixels []uint8
	// Labels holds one class index per image.
	Labels []int
	// Classes names the classes; Labels index into it.
	Classes []string
}

// Len returns the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// ImageSize returns the number of bytes of one image, Channels·Height·Width.
func (d *Dataset) ImageSize() int { return d.Channels * d.Height * d.Width }

// Image returns the pixels of image i, CHW, sharing memory with d.
func (d *Dataset) Image(i int) []uint8 {
	n := d.ImageSize()
	return d.Pixels[i*n : (i+1)*n]
}

// Subset returns a data set of the first n images, sharing memory with d;
// a quick way to make experiments smaller.
func (d *Dataset) Subset(n int) *Dataset {
	n = min(n, d.Len())
	s := *d
	s.Pixels = d.Pixels[:n*d.ImageSize()]
	s.Labels = d.Labels[:n]
	return &s
}

// validate checks that the fields agree with one another.
func (d *Dataset) validate() error {
	if d.Channels <= 0 || d.Height <= 0 || d.Width <= 0 {
		return fmt.Errorf("datasets: %s: image shape %dx%dx%d, expected positive sizes", d.Name, d.Channels, d.Height, d.Width)
	}
	if len(d.Pixels) != d.Len()*d.ImageSize() {
		return fmt.Errorf("datasets: %s: %d labels need %d pixels, found %d", d.Name, d.Len(), d.Len()*d.ImageSize(), len(d.Pixels))
	}
	for i, l := range d.Labels {
		if l < 0 || l >= len(d.Classes) {
			return fmt.Errorf("datasets: %s: label %d of image %d out of range [0, %d)", d.Name, l, i, len(d.Classes))
		}
	}
	return nil
}
