package weights

import (
	"encoding/binary"
	"fmt"
	"math"
)

// DType is an element type as safetensors names it.
type DType string

// The element types a weights file may hold.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U64  DType = "U64"
	U32  DType = "U32"
	U16  DType = "U16"
	U8   DType = "U8"
	Bool DType = "BOOL"
)

// Size returns the size of one element in bytes, or 0 for an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	case I8, U8, Bool:
		return 1
	}
	return 0
}

// decode converts little-endian raw data of dtype d into dst (len(dst) elements).
func decode[T float32 | float64](d DType, raw []byte, dst []T) {
	le := binary.LittleEndian
	switch d {
	case F32:
		for i := range dst {
			dst[i] = T(math.Float32frombits(le.Uint32(raw[4*i:])))
		}
	case F64:
		for i := range dst {
			dst[i] = T(math.Float64frombits(le.Uint64(raw[8*i:])))
		}
	case F16:
		for i := range dst {
			dst[i] = T(halfToFloat32(le.Uint16(raw[2*i:])))
		}
	case BF16:
		for i := range dst {
			dst[i] = T(math.Float32frombits(uint32(le.Uint16(raw[2*i:])) << 16))
		}
	case I64:
		for i := range dst {
			dst[i] = T(int64(le.Uint64(raw[8*i:])))
		}
	case I32:
		for i := range dst {
			dst[i] = T(int32(le.Uint32(raw[4*i:])))
		}
	case I16:
		for i := range dst {
			dst[i] = T(int16(le.Uint16(raw[2*i:])))
		}
	case I8:
		for i := range dst {
			dst[i] = T(int8(raw[i]))
		}
	case U64:
		for i := range dst {
			dst[i] = T(le.Uint64(raw[8*i:]))
		}
	case U32:
		for i := range dst {
			dst[i] = T(le.Uint32(raw[4*i:]))
		}
	case U16:
		for i := range dst {
			dst[i] = T(le.Uint16(raw[2*i:]))
		}
	case U8, Bool:
		for i := range dst {
			dst[i] = T(raw[i])
		}
	default:
		panic(fmt.Sprintf("weights: decode of unchecked dtype %q", d))
	}
}

// halfToFloat32 converts an IEEE 754 binary16 value to float32 exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: value is frac·2⁻²⁴
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}
