package images

import (
	"encoding/binary"
	"image"
	"image/draw"
)

// Orientation is the EXIF Orientation tag (0x0112): how the stored pixels
// must be transformed to show the picture upright. Cameras store the sensor
// image as is and record the way the camera was held in this tag.
type Orientation int

// The eight EXIF orientations, named by the transform that makes the stored
// image upright.
const (
	OrientNormal     Orientation = 1 // stored upright
	OrientFlipH      Orientation = 2 // mirror left-right
	OrientRotate180  Orientation = 3
	OrientFlipV      Orientation = 4 // mirror top-bottom
	OrientTranspose  Orientation = 5 // mirror along the main diagonal
	OrientRotate90   Orientation = 6 // rotate 90° clockwise
	OrientTransverse Orientation = 7 // mirror along the anti-diagonal
	OrientRotate270  Orientation = 8 // rotate 90° counter-clockwise
)

// Orient returns img transformed to be upright for the given EXIF
// orientation; orientations outside 2..8 return img unchanged.
func Orient(img image.Image, o Orientation) image.Image {
	if o < OrientFlipH || o > OrientRotate270 {
		return img
	}
	src := toRGBA(img)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	outW, outH := w, h
	if o >= OrientTranspose {
		outW, outH = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, outW, outH))
	for y := range outH {
		for x := range outW {
			sx, sy := sourcePixel(o, x, y, w, h)
			copy(dst.Pix[dst.PixOffset(x, y):][:4], src.Pix[src.PixOffset(sx, sy):][:4])
		}
	}
	return dst
}

// sourcePixel maps the output pixel (x, y) of an upright image back to the
// stored w×h image.
func sourcePixel(o Orientation, x, y, w, h int) (int, int) {
	switch o {
	case OrientFlipH:
		return w - 1 - x, y
	case OrientRotate180:
		return w - 1 - x, h - 1 - y
	case OrientFlipV:
		return x, h - 1 - y
	case OrientTranspose:
		return y, x
	case OrientRotate90:
		return y, h - 1 - x
	case OrientTransverse:
		return w - 1 - y, h - 1 - x
	case OrientRotate270:
		return w - 1 - y, x
	}
	return x, y
}

// toRGBA returns img as an *image.RGBA with its origin at (0, 0), copying
// only when needed.
func toRGBA(img image.Image) *image.RGBA {
	if rgba, ok := img.(*image.RGBA); ok && rgba.Rect.Min == (image.Point{}) {
		return rgba
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	return dst
}

// jpegOrientation finds the EXIF Orientation tag in the APP1 segments of a
// JPEG file. It returns OrientNormal when there is none or when the
// metadata is malformed: orientation is a hint, never a reason to refuse an
// image that decodes.
func jpegOrientation(data []byte) Orientation {
	const (
		markerSOI  = 0xD8
		markerSOS  = 0xDA
		markerAPP1 = 0xE1
	)
	if len(data) < 2 || data[0] != 0xFF || data[1] != markerSOI {
		return OrientNormal
	}
	for pos := 2; pos+4 <= len(data); {
		if data[pos] != 0xFF {
			return OrientNormal
		}
		marker := data[pos+1]
		if marker == 0xFF { // Fill byte.
			pos++
			continue
		}
		if marker == markerSOS {
			return OrientNormal // Metadata segments all come before the scan.
		}
		size := int(binary.BigEndian.Uint16(data[pos+2:]))
		if size < 2 || pos+2+size > len(data) {
			return OrientNormal
		}
		if marker == markerAPP1 {
			if o, ok := exifOrientation(data[pos+4 : pos+2+size]); ok {
				return o
			}
		}
		pos += 2 + size
	}
	return OrientNormal
}

// exifOrientation reads the Orientation tag from the first IFD of an APP1
// payload ("Exif\0\0" followed by a TIFF header).
func exifOrientation(app1 []byte) (Orientation, bool) {
	const (
		exifHeader     = "Exif\x00\x00"
		tagOrientation = 0x0112
		typeShort      = 3
		ifdEntrySize   = 12
	)
	if len(app1) < len(exifHeader)+8 || string(app1[:len(exifHeader)]) != exifHeader {
		return 0, false
	}
	tiff := app1[len(exifHeader):]
	var order binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0, false
	}
	ifd := int64(order.Uint32(tiff[4:]))
	if ifd+2 > int64(len(tiff)) {
		return 0, false
	}
	count := int64(order.Uint16(tiff[ifd:]))
	for i := range count {
		entry := ifd + 2 + i*ifdEntrySize
		if entry+ifdEntrySize > int64(len(tiff)) {
			return 0, false
		}
		if order.Uint16(tiff[entry:]) != tagOrientation {
			continue
		}
		if order.Uint16(tiff[entry+2:]) != typeShort {
			return 0, false
		}
		o := Orientation(order.Uint16(tiff[entry+8:]))
		return o, o >= OrientNormal && o <= OrientRotate270
	}
	return 0, false
}
