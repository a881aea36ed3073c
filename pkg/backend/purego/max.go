package purego

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Max of float32 as vector loops. Every ReLU is a Max against zero, and
// simplego's loop calls Go's max builtin per element, whose NaN and
// signed-zero cases compile to branches: 1.7 ns per element on one core,
// against 0.1-0.3 ns for the AVX loop (vector_simd.go), and a ReLU after every
// convolution of VGG or AdaIN's decoder made it 7% of a stylisation.

var simplegoMax nodeExecutor

func init() { simplegoMax = replaceExecutor(backends.OpTypeMax, execMax) }

// execMax computes the Max of two float32 operands of the output's shape,
// or of one such operand and a scalar (any size-1 shape), in either order.
// Like simplego's binary ops it writes into the full-size operand's buffer
// when this is that buffer's last use. NaN propagates, as in XLA; a zero
// result may have the other sign than simplego's.
func execMax(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	operands, ok := float32BinaryOperands(backend, node, inputs, owned, func(out, other shapes.Shape) bool {
		return other.Equal(out) || other.Size() == 1
	})
	if !ok {
		return simplegoMax(backend, node, inputs, owned)
	}
	out, y, x, w := operands.out, operands.y, operands.full, operands.other
	splitWork(len(x), len(x), func(lo, hi int) {
		if len(w) == 1 && len(x) != 1 {
			maxScalar32(y[lo:hi], x[lo:hi], w[0])
		} else {
			maxPairs32(y[lo:hi], x[lo:hi], w[lo:hi])
		}
	})
	return out, nil
}

// maxScalarGo sets y[i] = max(x[i], k).
func maxScalarGo(y, x []float32, k float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = max(v, k)
	}
}

// maxPairsGo sets y[i] = max(x[i], w[i]).
func maxPairsGo(y, x, w []float32) {
	y, w = y[:len(x)], w[:len(x)]
	for i, v := range x {
		y[i] = max(v, w[i])
	}
}
