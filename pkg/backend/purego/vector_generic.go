//go:build !(goexperiment.simd && amd64)

package purego

func binaryRunScalar(op binaryOp, kFirst bool, run, src []float32, k float32) {
	binaryRunScalarGo(op, kFirst, run, src, k)
}

func sum32(x []float32) float32 { return sum32Go(x) }

func addTo32(acc, x []float32) { addTo32Go(acc, x) }

func binaryRun(op binaryOp, wFirst bool, run, src, w []float32) { binaryRunGo(op, wFirst, run, src, w) }
