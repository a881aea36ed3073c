package applications

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/imagequality"
	"github.com/neuralart/neuralart/pkg/images"
	"github.com/neuralart/neuralart/pkg/style"
)

// MedicalOptions are the knobs of [Medical]. Start from
// [DefaultMedicalOptions].
type MedicalOptions struct {
	// Size is the longer side, in pixels, the photograph is studied at;
	// default 384.
	Size int
	// Contrast is the factor by which the low-contrast version scales every
	// pixel's difference from the field of view's mean colour; default 0.4.
	Contrast float64
	// FieldOfView is the luminance above which a pixel of the original
	// belongs to the fundus rather than its black surround, and Margin the
	// pixels the field of view is then eroded by to keep its rim out of the
	// measures; defaults 0.1 and 6.
	FieldOfView float64
	Margin      int
	// CLAHE, Equalize, Vesselness and SSIM configure the enhancements and
	// the measures; defaults those of their packages, with Vesselness'
	// Fraction at 0.1.
	CLAHE      images.CLAHEOptions
	Equalize   images.EqualizeOptions
	Vesselness imagequality.VesselnessOptions
	SSIM       imagequality.SSIMOptions
	// Transfer configures the style transfer, from the low-contrast image
	// (content) to the style image; its Size is set to Size. Default
	// style.DefaultOptions with 300 iterations.
	Transfer style.Options
}

// DefaultMedicalOptions returns the defaults documented on [MedicalOptions].
func DefaultMedicalOptions() MedicalOptions {
	transfer := style.DefaultOptions()
	transfer.Iterations = 300
	return MedicalOptions{
		Size: 384, Contrast: 0.4, FieldOfView: 0.1, Margin: 6,
		CLAHE: images.DefaultCLAHEOptions(), Equalize: images.DefaultEqualizeOptions(),
		Vesselness: imagequality.DefaultVesselnessOptions(), SSIM: imagequality.DefaultSSIMOptions(),
		Transfer: transfer,
	}
}

func (o MedicalOptions) check() error {
	switch {
	case o.Size < 16:
		return fmt.Errorf("applications: MedicalOptions.Size must be at least 16 pixels, got %d", o.Size)
	case !(o.Contrast > 0 && o.Contrast <= 1):
		return fmt.Errorf("applications: MedicalOptions.Contrast must be in (0, 1], got %g", o.Contrast)
	case !(o.FieldOfView >= 0 && o.FieldOfView < 1):
		return fmt.Errorf("applications: MedicalOptions.FieldOfView must be in [0, 1), got %g", o.FieldOfView)
	case o.Margin < 0:
		return fmt.Errorf("applications: MedicalOptions.Margin must be ≥ 0, got %d", o.Margin)
	}
	return nil
}

// Method names of the rows of a [MedicalStudy], in order.
const (
	MethodOriginal      = "original"
	MethodLowContrast   = "low contrast"
	MethodStyleTransfer = "style transfer"
	MethodCLAHE         = "CLAHE"
	MethodEqualize      = "histogram equalisation"
)

// MedicalRow is one image of the study and its measures, all within the
// eroded field of view.
type MedicalRow struct {
	Method string
	// Image is the green channel the measures are taken on.
	Image image.Image
	// RMSContrast is imagequality.RMSContrast over the field of view.
	RMSContrast float64
	// Vessels is the vessels' contrast against the rest of the field of
	// view, on the vessel mask of the original.
	Vessels imagequality.Contrast
	// SSIM is the structural similarity to the original.
	SSIM float64
}

// MedicalStudy is the outcome of [Medical].
type MedicalStudy struct {
	// Rows are the original, its low-contrast version and the three
	// enhancements of it, in the order of the Method constants.
	Rows []MedicalRow
	// Colour holds the original, the low-contrast version and the style
	// transfer's result in colour (the classical methods work on the green
	// channel only).
	Colour []image.Image
	// FieldOfView (eroded) and Vessels are the masks every row is measured
	// on, both from the original.
	FieldOfView, Vessels *image.Alpha
	// Transfer is the style transfer's result (its losses and history).
	Transfer *style.Result
}

// Medical runs the contrast experiment on photo, a fundus photograph: it
// makes a low-contrast version, enhances it by style transfer from
// styleImage with net on backend, by CLAHE and by histogram equalisation,
// and measures all five images on masks taken from the original. Measures,
// vessel mask and the classical methods use the green channel, as fundus
// image analysis does: haemoglobin absorbs green most, so vessels have the
// most contrast there (style transfer works on colour, VGG's input, and
// its result's green channel is measured). When ctx
// is cancelled during the style transfer, the study is finished with the
// transfer's best image so far and returned with ctx's error.
func Medical(ctx context.Context, backend backends.Backend, net style.Network, photo, styleImage image.Image,
	opts MedicalOptions) (*MedicalStudy, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	original := images.Resize(photo, opts.Size)
	fov := imagequality.Threshold(original, opts.FieldOfView)
	low := reduceContrast(original, fov, opts.Contrast)
	fov = imagequality.Erode(fov, opts.Margin)
	originalGreen, lowGreen := green(original), green(low)
	vessels, err := imagequality.VesselMask(originalGreen, fov, opts.Vesselness)
	if err != nil {
		return nil, fmt.Errorf("applications: the vessel mask of the original: %w", err)
	}
	background := imagequality.Without(fov, vessels)

	transferOpts := opts.Transfer
	transferOpts.Size = opts.Size
	styleTensor := images.ToTensor(images.Resize(styleImage, opts.Size), images.NCHW)
	res, transferErr := style.Transfer(ctx, backend, net, images.ToTensor(low, images.NCHW), []*tensors.Tensor{styleTensor}, transferOpts)
	if res == nil {
		return nil, fmt.Errorf("applications: the style transfer: %w", transferErr)
	}
	transferred, err := images.ImageFromTensor(res.Image, images.NCHW)
	if err != nil {
		return nil, err
	}
	transferred = images.ResizeTo(transferred, original.Bounds().Dx(), original.Bounds().Dy()) // a cancelled multi-level run may be smaller
	clahe, err := images.CLAHE(lowGreen, opts.CLAHE)
	if err != nil {
		return nil, err
	}
	equalised, err := images.Equalize(lowGreen, opts.Equalize)
	if err != nil {
		return nil, err
	}

	study := &MedicalStudy{Colour: []image.Image{original, low, transferred}, FieldOfView: fov, Vessels: vessels, Transfer: res}
	for _, m := range []struct {
		name string
		img  image.Image
	}{{MethodOriginal, originalGreen}, {MethodLowContrast, lowGreen}, {MethodStyleTransfer, green(transferred)}, {MethodCLAHE, clahe}, {MethodEqualize, equalised}} {
		row := MedicalRow{Method: m.name, Image: m.img}
		if row.RMSContrast, err = imagequality.RMSContrast(m.img, fov); err != nil {
			return nil, err
		}
		if row.Vessels, err = imagequality.VesselContrast(m.img, vessels, background); err != nil {
			return nil, err
		}
		if row.SSIM, err = imagequality.SSIM(originalGreen, m.img, opts.SSIM); err != nil {
			return nil, err
		}
		study.Rows = append(study.Rows, row)
	}
	return study, transferErr
}

// green returns img's green channel as a gray image.
func green(img image.Image) *image.Gray {
	r := img.Bounds()
	out := image.NewGray(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			out.SetGray(x, y, color.Gray{Y: color.RGBAModel.Convert(img.At(x, y)).(color.RGBA).G})
		}
	}
	return out
}

// reduceContrast returns img with every pixel's difference from the mean
// colour of the pixels in fov scaled by k: a dim, flat exposure.
func reduceContrast(img *image.RGBA, fov *image.Alpha, k float64) *image.RGBA {
	var mean [3]float64
	n := 0
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if fov.AlphaAt(x, y).A != 0 {
				c := img.RGBAAt(x, y)
				mean[0], mean[1], mean[2] = mean[0]+float64(c.R), mean[1]+float64(c.G), mean[2]+float64(c.B)
				n++
			}
		}
	}
	for i := range mean {
		mean[i] /= float64(max(n, 1))
	}
	out := image.NewRGBA(r)
	scale := func(v uint8, m float64) uint8 { return uint8(math.Round(m + k*(float64(v)-m))) }
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			out.SetRGBA(x, y, color.RGBA{scale(c.R, mean[0]), scale(c.G, mean[1]), scale(c.B, mean[2]), 0xff})
		}
	}
	return out
}

// Row returns the row of the named method, or nil.
func (s *MedicalStudy) Row(method string) *MedicalRow {
	for i := range s.Rows {
		if s.Rows[i].Method == method {
			return &s.Rows[i]
		}
	}
	return nil
}

// Table returns the measures as an aligned text table, one row per image.
func (s *MedicalStudy) Table() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "image\tRMS contrast\tvessel Weber contrast\tvessel CNR\tSSIM to original\t")
	for _, r := range s.Rows {
		fmt.Fprintf(w, "%s\t%.3f\t%.3f\t%.2f\t%.3f\t\n", r.Method, r.RMSContrast, r.Vessels.Weber, r.Vessels.CNR, r.SSIM)
	}
	w.Flush()
	return b.String()
}

// Verdict says, from the numbers alone, which enhancement of the
// low-contrast image brought the vessels out most (by Weber contrast and by
// CNR) and how much of the original's structure each kept (SSIM), and
// whether style transfer beat the classical methods on each.
func (s *MedicalStudy) Verdict() string {
	low, st := s.Row(MethodLowContrast), s.Row(MethodStyleTransfer)
	if low == nil || st == nil {
		return "incomplete study: no verdict"
	}
	enhancements := []*MedicalRow{st, s.Row(MethodCLAHE), s.Row(MethodEqualize)}
	best := func(score func(*MedicalRow) float64) *MedicalRow {
		b := enhancements[0]
		for _, r := range enhancements[1:] {
			if score(r) > score(b) {
				b = r
			}
		}
		return b
	}
	weber := best(func(r *MedicalRow) float64 { return r.Vessels.Weber })
	cnr := best(func(r *MedicalRow) float64 { return r.Vessels.CNR })
	ssim := best(func(r *MedicalRow) float64 { return r.SSIM })
	var b strings.Builder
	fmt.Fprintf(&b, "Vessel contrast (Weber) went from %.3f (low contrast) to %.3f with style transfer, %.3f with CLAHE and %.3f with histogram equalisation; best: %s.\n",
		low.Vessels.Weber, st.Vessels.Weber, enhancements[1].Vessels.Weber, enhancements[2].Vessels.Weber, weber.Method)
	fmt.Fprintf(&b, "Vessel CNR: %.2f → %.2f / %.2f / %.2f; best: %s. Closest in structure to the original (SSIM): %s (%.3f; style transfer %.3f).\n",
		low.Vessels.CNR, st.Vessels.CNR, enhancements[1].Vessels.CNR, enhancements[2].Vessels.CNR, cnr.Method, ssim.Method, ssim.SSIM, st.SSIM)
	switch {
	case weber == st && cnr == st && ssim == st:
		b.WriteString("On these measures style transfer helped most here.")
	case weber != st && cnr != st:
		b.WriteString("Style transfer does not help here: a classical method brings the vessels out more on both contrast measures.")
	default:
		b.WriteString("Mixed: style transfer leads on some measures and not on others.")
	}
	b.WriteString(" Whether any method improves a diagnosis is a clinical question (graders, outcomes) that this image and these numbers cannot answer.")
	return b.String()
}
