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
	wRows, wTrans, ok1 := ld(ks[0], ks[1], p.OutChannels, p.InChannels)
	pRows, pTrans, ok2 := ld(xs[1], xCol, p.InChannels, columns)
	cRows, cTrans, ok3 := ld(ys[1], yCol, p.OutChannels, columns)
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

// ld describes an nRows×nCols matrix with the given row and column strides
// as sgemm reads it: row-major with a leading dimension, or transposed
// (column-major); false when it is neither. A stride along an axis of size
// 1 is never used, so such a matrix can be read either way.
func ld(rowStride, colStride, nRows, nCols int) (leading int, transposed, ok bool) {
	switch {
	case nRows == 1 && colStride == 1, nRows == 1 && nCols == 1:
		return max(nCols, 1), false, true
	case nCols == 1 && rowStride == 1:
		return max(nRows, 1), true, true
	case colStride == 1 || nCols == 1:
		return rowStride, false, rowStride >= nCols
	case rowStride == 1 || nRows == 1:
		return colStride, true, colStride >= nRows
	}
	return 0, false, false
}
