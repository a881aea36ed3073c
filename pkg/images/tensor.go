package images

import (
	"fmt"
	"image"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Layout says where the channel axis of an image tensor is.
type Layout int

const (
	// NCHW is [batch, channels, height, width], PyTorch's layout and the
	// one used across neuralart's packages.
	NCHW Layout = iota
	// NHWC is [batch, height, width, channels], TensorFlow's layout.
	NHWC
)

func (l Layout) String() string {
	switch l {
	case NCHW:
		return "NCHW"
	case NHWC:
		return "NHWC"
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// rgbChannels is the channel count of the tensors ToTensor makes.
const rgbChannels = 3

// ToTensor converts img to a float32 tensor in [0, 1] holding a batch of
// one RGB image: [1, 3, H, W] for NCHW or [1, H, W, 3] for NHWC.
// Grayscale becomes three equal channels; alpha is dropped.
func ToTensor(img image.Image, layout Layout) *tensors.Tensor {
	t, _ := BatchToTensor([]image.Image{img}, layout) // One image always has a consistent size.
	return t
}

// BatchToTensor converts images of equal size to a float32 tensor in
// [0, 1]: [N, 3, H, W] for NCHW or [N, H, W, 3] for NHWC.
func BatchToTensor(imgs []image.Image, layout Layout) (*tensors.Tensor, error) {
	if len(imgs) == 0 {
		return nil, fmt.Errorf("images: BatchToTensor needs at least one image, got none")
	}
	size := imgs[0].Bounds().Size()
	b := planes{n: len(imgs), c: rgbChannels, h: size.Y, w: size.X}
	b.data = make([]float32, b.n*b.c*b.h*b.w)
	for i, img := range imgs {
		if s := img.Bounds().Size(); s != size {
			return nil, fmt.Errorf("images: BatchToTensor needs images of one size: image 0 is %d×%d, image %d is %d×%d",
				size.X, size.Y, i, s.X, s.Y)
		}
		b.setImage(i, img)
	}
	return b.tensor(layout), nil
}

// FromTensor converts an image tensor back to images, clamping values to
// [0, 1] (NaN becomes 0). The tensor is float32 or float64 of rank 4
// ([N, C, H, W] or [N, H, W, C]) or rank 3 (one image, [C, H, W] or
// [H, W, C]) with 1 (gray) or 3 (RGB) channels. Gray tensors give
// *image.Gray, RGB ones *image.RGBA.
func FromTensor(t *tensors.Tensor, layout Layout) ([]image.Image, error) {
	b, err := tensorPlanes(t, layout)
	if err != nil {
		return nil, err
	}
	b.clamp()
	imgs := make([]image.Image, b.n)
	for i := range imgs {
		imgs[i] = b.image(i)
	}
	return imgs, nil
}

// ImageFromTensor is FromTensor for a tensor holding exactly one image
// (rank 3, or rank 4 with a batch of 1).
func ImageFromTensor(t *tensors.Tensor, layout Layout) (image.Image, error) {
	imgs, err := FromTensor(t, layout)
	if err != nil {
		return nil, err
	}
	if len(imgs) != 1 {
		return nil, fmt.Errorf("images: ImageFromTensor expects one image, got a batch of %d (shape %s); use FromTensor or GridTensor",
			len(imgs), t.Shape())
	}
	return imgs[0], nil
}

// planes is a batch of float32 images stored NCHW, the form the
// conversions share.
type planes struct {
	n, c, h, w int
	data       []float32
}

// plane returns the values of channel ch of image i.
func (b *planes) plane(i, ch int) []float32 {
	size := b.h * b.w
	start := (i*b.c + ch) * size
	return b.data[start : start+size]
}

// setImage writes img, as straight (not alpha-premultiplied) RGB, into
// image i.
func (b *planes) setImage(i int, img image.Image) {
	r, g, bl := b.plane(i, 0), b.plane(i, 1), b.plane(i, 2)
	if n, ok := img.(*image.NRGBA); ok {
		for y := range b.h {
			row := n.Pix[n.PixOffset(n.Rect.Min.X, n.Rect.Min.Y+y):]
			for x := range b.w {
				k := y*b.w + x
				r[k], g[k], bl[k] = float32(row[4*x])/255, float32(row[4*x+1])/255, float32(row[4*x+2])/255
			}
		}
		return
	}
	rgba := toRGBA(img)
	for y := range b.h {
		row := rgba.Pix[rgba.PixOffset(0, y):]
		for x := range b.w {
			k := y*b.w + x
			scale := float32(1) / 255
			if a := row[4*x+3]; a != 0xff && a != 0 {
				scale = 1 / float32(a) // Undo the premultiplication.
			}
			r[k], g[k], bl[k] = float32(row[4*x])*scale, float32(row[4*x+1])*scale, float32(row[4*x+2])*scale
		}
	}
}

// tensor returns the batch as a float32 tensor in the given layout.
func (b *planes) tensor(layout Layout) *tensors.Tensor {
	if layout == NHWC {
		hw := b.h * b.w
		out := make([]float32, len(b.data))
		for i := range b.n {
			for ch := range b.c {
				src := b.plane(i, ch)
				dst := out[i*hw*b.c:]
				for k, v := range src {
					dst[k*b.c+ch] = v
				}
			}
		}
		return tensors.FromFlatDataAndDimensions(out, b.n, b.h, b.w, b.c)
	}
	return tensors.FromFlatDataAndDimensions(b.data, b.n, b.c, b.h, b.w)
}

// tensorPlanes copies an image tensor into planes, checking that it has 1
// or 3 channels.
func tensorPlanes(t *tensors.Tensor, layout Layout) (planes, error) {
	b, err := readPlanes(t, layout)
	if err == nil && b.c != 1 && b.c != rgbChannels {
		err = fmt.Errorf("images: expected 1 or 3 channels in a %s tensor, got %d (shape %s)", layout, b.c, t.Shape())
	}
	return b, err
}

// readPlanes copies a rank-4 tensor (or a rank-3 one, a batch of one) of
// any channel count into planes.
func readPlanes(t *tensors.Tensor, layout Layout) (planes, error) {
	if t == nil {
		return planes{}, fmt.Errorf("images: expected an image tensor, got nil")
	}
	if layout != NCHW && layout != NHWC {
		return planes{}, fmt.Errorf("images: unknown %s, expected NCHW or NHWC", layout)
	}
	shape := t.Shape()
	dims := shape.Dimensions
	if len(dims) == 3 {
		dims = append([]int{1}, dims...)
	}
	if len(dims) != 4 {
		return planes{}, fmt.Errorf("images: expected an image tensor of rank 4 (%s) or 3, got shape %s", layout, shape)
	}
	b := planes{n: dims[0], c: dims[1], h: dims[2], w: dims[3]}
	if layout == NHWC {
		b.h, b.w, b.c = dims[1], dims[2], dims[3]
	}
	flat, err := float32Data(t)
	if err != nil {
		return planes{}, err
	}
	if layout == NCHW || b.c == 1 {
		b.data = flat
		return b, nil
	}
	b.data = make([]float32, len(flat))
	hw := b.h * b.w
	for i := range b.n {
		src := flat[i*hw*b.c:]
		for ch := range b.c {
			dst := b.plane(i, ch)
			for k := range dst {
				dst[k] = src[k*b.c+ch]
			}
		}
	}
	return b, nil
}

// float32Data copies the values of a float32 or float64 tensor.
func float32Data(t *tensors.Tensor) ([]float32, error) {
	switch t.DType() {
	case dtypes.Float32:
		return tensors.CopyFlatData[float32](t)
	case dtypes.Float64:
		f64, err := tensors.CopyFlatData[float64](t)
		if err != nil {
			return nil, err
		}
		f32 := make([]float32, len(f64))
		for i, v := range f64 {
			f32[i] = float32(v)
		}
		return f32, nil
	}
	return nil, fmt.Errorf("images: expected a float32 or float64 tensor, got %s (shape %s)", t.DType(), t.Shape())
}

// clamp limits every value to [0, 1], mapping NaN to 0.
func (b *planes) clamp() {
	for i, v := range b.data {
		switch {
		case v > 1:
			b.data[i] = 1
		case v >= 0:
		default: // Negative or NaN.
			b.data[i] = 0
		}
	}
}

// image returns image i of a batch whose values are in [0, 1].
func (b *planes) image(i int) image.Image {
	rect := image.Rect(0, 0, b.w, b.h)
	if b.c == 1 {
		g := image.NewGray(rect)
		for k, v := range b.plane(i, 0) {
			g.Pix[k] = toByte(v)
		}
		return g
	}
	rgba := image.NewRGBA(rect)
	r, g, bl := b.plane(i, 0), b.plane(i, 1), b.plane(i, 2)
	for k := range r {
		p := rgba.Pix[4*k : 4*k+4]
		p[0], p[1], p[2], p[3] = toByte(r[k]), toByte(g[k]), toByte(bl[k]), 0xff
	}
	return rgba
}

// toByte maps v in [0, 1] to 0..255 by rounding, as torchvision's
// save_image does (x*255 + 0.5, truncated).
func toByte(v float32) uint8 {
	return uint8(v*255 + 0.5)
}
