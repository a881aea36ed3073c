package purego

import (
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// Sign of float32 without branches. GoMLX differentiates Max (every ReLU)
// through Sign, and simplego's Sign is a three-way switch per element,
// which on activations (signs as good as random) mispredicts about half the
// time: it took 7% of a Gatys step.

var simplegoSign nodeExecutor

func init() { simplegoSign = replaceExecutor(backends.OpTypeSign, execSign) }

func execSign(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	x, _, out, y, ok := float32Operands(backend, node, inputs[0])
	if !ok {
		return simplegoSign(backend, node, inputs, owned)
	}
	splitWork(len(x), len(x), func(lo, hi int) { sign32(y[lo:hi], x[lo:hi]) })
	return out, nil
}

// sign32 sets y[i] to the sign of x[i]: ±1, ±0 for ±0, NaN for NaN.
func sign32(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		bits := math.Float32bits(v)
		magnitude := bits &^ (1 << 31)
		nonzero := (magnitude + math.MaxInt32) >> 31   // 1 unless ±0
		nan := (0x7f800000 - magnitude) >> 31          // 1 for NaN
		s := bits&(1<<31) | 0x3f800000&-nonzero        // ±1 or ±0
		y[i] = math.Float32frombits(s ^ (s^bits)&-nan) // NaN stays NaN
	}
}
