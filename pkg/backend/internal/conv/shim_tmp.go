package conv

import "github.com/neuralart/neuralart/pkg/backend/internal/sgemm"

// TEMPORARY until sgemm.MulAdd lands.
func sgemmMulAdd(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	t := make([]float32, m*n)
	sgemm.Mul(ta, tb, m, n, k, a, lda, b, ldb, t, n)
	for i := range m {
		for j := range n {
			c[i*ldc+j] += t[i*n+j]
		}
	}
}
