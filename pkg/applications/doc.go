// Package applications runs the experiments behind the application areas
// the neuralart article names (art, video, design, education, medical
// imaging) as functions that return their images and numbers, so that
// notebooks/06-applications.ipynb only calls and shows them.
//
// The medical one ([Medical]) tests the article's claim that "style
// transfer can enhance image contrast and improve diagnosis" on the
// measurable part of it: a fundus photograph made low-contrast is enhanced
// by Gatys et al.'s style transfer from a high-contrast fundus image, by
// CLAHE (Zuiderveld 1994) and by histogram equalisation, and each result is
// scored with package imagequality: RMS contrast, the contrast of the
// vessels against their background (on a Frangi et al. 1998 vesselness
// mask of the original), and SSIM to the original (Wang et al. 2004), which
// falls when a method invents or loses structure. Whether any of this
// improves a diagnosis needs clinical data (graders, outcomes) that this
// project does not have; the numbers say only what they measure.
package applications
