package style

import "fmt"

// Luma weights of ITU-R BT.601: the Y row shared by the YUV and YIQ colour
// spaces that neural-style and Gatys et al. use for colour preservation.
const (
	lumaR = 0.299
	lumaG = 0.587
	lumaB = 0.114
)

// KeepOriginalColors returns the luminance of result with the colours
// (chrominance) of content: neural-style's -original_colors, which converts
// both images to YUV, keeps Y from the result and U, V from the content, and
// converts back (Gatys, Bethge, Hertzmann, Shechtman, "Preserving Color in
// Neural Artistic Style Transfer", 2016, https://arxiv.org/abs/1606.05897,
// do the same in YIQ).
//
// In both spaces the inverse transform maps Y to R, G and B with weight 1,
// so the round trip reduces to
//
//	RGB_out = RGB_content + (Y(result) − Y(content))·(1, 1, 1),   Y = 0.299R + 0.587G + 0.114B,
//
// which is what is computed, with no chroma matrices to round. result and
// content are float32 NCHW data of images [N, 3, H, W] of the same shape,
// given as flat slices with their dimensions.
func KeepOriginalColors(result, content []float32, n, h, w int) ([]float32, error) {
	size := n * 3 * h * w
	if len(result) != size || len(content) != size {
		return nil, fmt.Errorf("style.KeepOriginalColors: want two [%d, 3, %d, %d] images (%d values), got %d and %d values",
			n, h, w, size, len(result), len(content))
	}
	out := make([]float32, size)
	plane := h * w
	for b := range n {
		r, c := result[b*3*plane:(b+1)*3*plane], content[b*3*plane:(b+1)*3*plane]
		o := out[b*3*plane : (b+1)*3*plane]
		for i := range plane {
			yResult := lumaR*r[i] + lumaG*r[plane+i] + lumaB*r[2*plane+i]
			yContent := lumaR*c[i] + lumaG*c[plane+i] + lumaB*c[2*plane+i]
			for ch := range 3 {
				o[ch*plane+i] = c[ch*plane+i] + yResult - yContent
			}
		}
	}
	return out, nil
}
