package conv

import "github.com/neuralart/neuralart/pkg/backend/internal/sgemm"

// matMul computes a 1×1 convolution without padding, stride or groups,
//
//	y[b, co, s] = Σ_ci w[co, ci] · x[b, ci, s],
//
// as matrix products on the tensors as they are stored, with no patches,
// and reports false for other problems or layouts. Products written as
// 1×1 convolutions (nn.MatMulTransposed: Gram matrices, linear layers and
// their gradients) are such problems, often with one spatial position and
// the "batch" as the long side.
func (p *Problem) matMul(x, w, y []float32) bool {
	one := [2]int{1, 1}
	if p.Kernel != one || p.Stride != one || p.KernelDilation != one || p.InputDilation != one ||
		p.PadStart != [2]int{} || p.Output != p.Input || max(p.ChannelGroups, p.BatchGroups) > 1 {
		return false
	}
	spatial := p.Output[0] * p.Output[1]
	xs, ys := p.InputStrides, p.OutputStrides
	// The columns j = (b, s) of one product: all images when a column
	// stride covers them, else one image at a time.
	xCol, yCol, columns, images := 0, 0, p.Batch*spatial, 1
	switch {
	case spatial == 1:
		xCol, yCol = xs[0], ys[0]
	case xs[3] == 1 && xs[2] == p.Output[1] && ys[3] == 1 && ys[2] == p.Output[1]:
		xCol, yCol = 1, 1
		if p.Batch > 1 && (xs[0] != spatial || ys[0] != spatial) {
			columns, images = spatial, p.Batch
		}
	default:
		return false
	}
	ks := p.KernelStrides
	// C = W·P (or, with a column-major C, Cᵀ = Pᵀ·Wᵀ): each operand is
	// either row-major or transposed in memory, else the problem is declined.
	wRows, wTrans, ok1 := ld(ks[0], ks[1])
	pRows, pTrans, ok2 := ld(xs[1], xCol)
	cRows, cTrans, ok3 := ld(ys[1], yCol)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	for b := range images {
		xb, yb := x[b*xs[0]:], y[b*ys[0]:]
		if !cTrans {
			sgemm.Mul(wTrans, pTrans, p.OutChannels, columns, p.InChannels, w, wRows, xb, pRows, yb, cRows)
		} else {
			sgemm.Mul(!pTrans, !wTrans, columns, p.OutChannels, p.InChannels, xb, pRows, w, wRows, yb, cRows)
		}
	}
	return true
}

// ld describes a matrix with row stride rows and column stride cols as
// sgemm reads it: row-major with leading dimension rows, or (transposed)
// column-major with leading dimension cols; false when neither stride is 1.
func ld(rows, cols int) (leading int, transposed, ok bool) {
	switch {
	case cols == 1:
		return max(rows, 1), false, true
	case rows == 1:
		return max(cols, 1), true, true
	}
	return 0, false, false
}
