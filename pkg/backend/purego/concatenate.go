package purego

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// Concatenate of float32 with short pieces moved by a loop. Reflection
// padding (nn.ReflectionPad2D, before every
// convolution of TransformerNet and AdaIN) concatenates single-pixel
// columns to each image row, and simplego copies every piece with copy(),
// which for one float is a call to memmove: the padding of one AdaIN
// stylisation made over 30 million of them. Pieces of one float are an
// interleave: the phases of a transposed convolution, interior padding.

var simplegoConcatenate nodeExecutor

func init() { simplegoConcatenate = replaceExecutor(backends.OpTypeConcatenate, execConcatenate) }

// shortPiece is the longest piece that execConcatenate moves with a loop
// rather than copy.
const shortPiece = 16

func execConcatenate(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	axis, isAxis := nodeData(node).Interface().(int)
	outShape := nodeShape(node)
	if _, ours := ownBackends.Load(backend); !ours || !isAxis || outShape.DType != dtypes.Float32 {
		return simplegoConcatenate(backend, node, inputs, owned)
	}
	in, err := float32Data(backend, inputs...)
	if err != nil {
		return simplegoConcatenate(backend, node, inputs, owned)
	}
	out, y, err := newFloat32Output(backend, outShape)
	if err != nil {
		return simplegoConcatenate(backend, node, inputs, owned)
	}
	outer := 1
	for _, d := range outShape.Dimensions[:axis] {
		outer *= d
	}
	if outer == 0 || len(y) == 0 {
		return out, nil
	}
	row := len(y) / outer
	splitWork(outer, len(y), func(lo, hi int) {
		offset := 0 // of input i's piece in each output row
		for _, x := range in {
			n := len(x) / outer
			switch {
			case n == 1: // an interleave (convolution phases, interior padding)
				for o, v := range x[lo:hi] {
					y[(lo+o)*row+offset] = v
				}
			case n <= shortPiece:
				for o := lo; o < hi; o++ {
					dst, src := y[o*row+offset:o*row+offset+n], x[o*n:(o+1)*n]
					for j, v := range src {
						dst[j] = v
					}
				}
			default:
				for o := lo; o < hi; o++ {
					copy(y[o*row+offset:o*row+offset+n], x[o*n:(o+1)*n])
				}
			}
			offset += n
		}
	})
	return out, nil
}
