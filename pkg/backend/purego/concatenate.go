package purego

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// Concatenate of float32 one output row at a time, with short pieces moved
// by a loop. Reflection padding (nn.ReflectionPad2D, before every
// convolution of TransformerNet and AdaIN) concatenates single-pixel
// columns to each image row, and simplego copies every piece with copy(),
// which for one float is a call to memmove: the padding of one AdaIN
// stylisation made over 30 million of them.

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
	// pieces[i] is how many floats input i contributes to each output row.
	pieces := make([]int, len(in))
	for i, x := range in {
		pieces[i] = len(x) / outer
	}
	row := len(y) / outer
	for o := range outer {
		dst := y[o*row : (o+1)*row]
		for i, x := range in {
			n := pieces[i]
			src := x[o*n : (o+1)*n]
			if n <= shortPiece {
				for j, v := range src {
					dst[j] = v
				}
			} else {
				copy(dst, src)
			}
			dst = dst[n:]
		}
	}
	return out, nil
}
