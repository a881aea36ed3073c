//go:build !(goexperiment.simd && amd64)

package purego

func maxScalar32(y, x []float32, k float32) { maxScalarGo(y, x, k) }

func maxPairs32(y, x, w []float32) { maxPairsGo(y, x, w) }

func binaryRunScalar(op binaryOp, kFirst bool, run, src []float32, k float32) {
	binaryRunScalarGo(op, kFirst, run, src, k)
}
