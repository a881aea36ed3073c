// Package images moves pictures between files, the screen and GoMLX tensors.
//
// Neural style transfer (Gatys, Ecker & Bethge, "Image Style Transfer Using
// Convolutional Neural Networks", CVPR 2016) and GANs (Radford, Metz &
// Chintala, "Unsupervised Representation Learning with Deep Convolutional
// Generative Adversarial Networks", 2015) both start and end with images:
// a photograph is decoded, oriented, resized and turned into a float32
// tensor; the optimised or generated tensor is turned back into pixels and
// laid out for a person to look at. This package is that edge, so that the
// math packages only ever see tensors.
//
// Conventions, shared with the rest of neuralart:
//
//   - Pixel values in tensors are float32 in [0, 1]. Converting back to an
//     image clamps to [0, 1] (NaN becomes 0), so an optimiser that overshoots
//     never wraps around.
//   - Tensors are NCHW (PyTorch's layout) unless a [Layout] says NHWC.
//     Colour tensors have 3 channels in RGB order; grayscale images are
//     replicated to RGB, and alpha is dropped, as PIL's convert("RGB") does.
//
// The pieces, one file each: [Load] and [Decode] read PNG, JPEG and GIF
// (honouring the EXIF orientation of JPEGs and refusing images with more than
// [DefaultMaxPixels] pixels before decoding them); [Save] writes PNG or JPEG;
// [Resize], [ResizeTo], [CenterCrop] and [ToRGB] prepare inputs; [ToTensor],
// [BatchToTensor], [FromTensor] and [ImageFromTensor] convert; [Grid] and
// [GridTensor] lay a batch out like torchvision's make_grid; [Panels] puts
// labelled images side by side (content | style | result); [Heatmap] and
// [FeatureMaps] colour-map matrices such as Gram matrices and feature maps
// with [Viridis]; [Equalize] and [CLAHE] (Zuiderveld 1994) spread an image's
// brightness histogram, globally or region by region, as scikit-image does;
// [Tile] repeats a texture edge to edge and [EncodeGIF] writes frames as an
// animation that notebooks play inline.
package images
