package purego

import (
	"math"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// Where of float32 without branches. Every LeakyReLU of the GAN
// discriminators is a Where (and so is each half of its gradient), and
// simplego's loop branches on every condition, which on activations (signs
// as good as random) mispredicts about half the time.

var simplegoWhere nodeExecutor

func init() { simplegoWhere = replaceExecutor(backends.OpTypeWhere, execWhere) }

// execWhere selects between two float32 operands of the output's shape by a
// condition of that shape, into an operand's buffer when this is that
// buffer's last use; other shapes (scalars) run simplego's executor.
func execWhere(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	if _, ours := ownBackends.Load(backend); !ours {
		return simplegoWhere(backend, node, inputs, owned)
	}
	outShape := nodeShape(node)
	if outShape.DType != dtypes.Float32 {
		return simplegoWhere(backend, node, inputs, owned)
	}
	for _, in := range inputs {
		if s, err := backend.BufferShape(in); err != nil || !slices.Equal(s.Dimensions, outShape.Dimensions) {
			return simplegoWhere(backend, node, inputs, owned)
		}
	}
	flat, err := backend.BufferData(inputs[0])
	condition, isBool := flat.([]bool)
	if err != nil || !isBool {
		return simplegoWhere(backend, node, inputs, owned)
	}
	in, err := float32Data(backend, inputs[1], inputs[2])
	if err != nil {
		return simplegoWhere(backend, node, inputs, owned)
	}
	onTrue, onFalse := in[0], in[1]
	var out *simplego.Buffer
	var y []float32
	switch {
	case owned[1]:
		out, y, inputs[1] = inputs[1], onTrue, nil // reused as the output, as simplego marks it
	case owned[2]:
		out, y, inputs[2] = inputs[2], onFalse, nil
	default:
		if out, y, err = newFloat32Output(backend, outShape); err != nil {
			return simplegoWhere(backend, node, inputs, owned)
		}
	}
	splitWork(len(y), len(y), func(lo, hi int) { where32(y[lo:hi], condition[lo:hi], onTrue[lo:hi], onFalse[lo:hi]) })
	return out, nil
}

// where32 sets y[i] to onTrue[i] where condition[i], else to onFalse[i],
// by masking the bits of both.
func where32(y []float32, condition []bool, onTrue, onFalse []float32) {
	y, onTrue, onFalse = y[:len(condition)], onTrue[:len(condition)], onFalse[:len(condition)]
	for i, c := range condition {
		var bit uint32
		if c {
			bit = 1
		}
		mask := -bit
		y[i] = math.Float32frombits(math.Float32bits(onTrue[i])&mask | math.Float32bits(onFalse[i])&^mask)
	}
}
