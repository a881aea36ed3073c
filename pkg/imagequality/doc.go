// Package imagequality measures pictures: how much contrast they have, how
// well thin dark structures stand out from their surroundings, how much of a
// reference's structure they keep, how much an animation flickers, and
// whether a texture tiles without a seam.
//
// They are the numbers behind the claims of neuralart's applications
// notebook (notebooks/06-applications.ipynb), for example "style transfer
// can enhance the contrast of a medical image": a claim about contrast is
// checked with [RMSContrast] (Peli, "Contrast in complex images", JOSA A
// 1990: the standard deviation of the luminance), a claim about visible
// vessels with [VesselContrast] on a mask from [Vesselness] (Frangi, Niessen,
// Vincken & Viergever, "Multiscale Vessel Enhancement Filtering", MICCAI
// 1998), and whether an enhancement invents or destroys structure with
// [SSIM] (Wang, Bovik, Sheikh & Simoncelli, "Image Quality Assessment: From
// Error Visibility to Structural Similarity", IEEE TIP 2004). [Flicker] and
// [SeamError] judge stylised video and tileable textures.
//
// Every measure works on luminance in [0, 1]: the gray level of a gray
// image, and of a colour image Y = 0.299 R + 0.587 G + 0.114 B (ITU-R
// BT.601, Go's color.GrayModel), except [Flicker], which compares colours.
// Masks are *image.Alpha, a pixel belonging to the mask when its alpha is
// not zero, as the masks of image/draw.
package imagequality
