package purego

import (
	"github.com/gomlx/gomlx/backends"
)

// Batch normalization (Ioffe & Szegedy 2015, https://arxiv.org/abs/1502.03167),
// lowered to arithmetic. With x̂ = (x - mean) / sqrt(variance + epsilon) per
// feature (the statistics are over all axes but featureAxis):
//
//	y = scale·x̂ + offset

// batchNormAxes returns the axes reduced by batch norm (all but featureAxis),
// and the number of values per feature.
func (l *lowering) batchNormAxes(x backends.Op, featureAxis int) (axes []int, count int) {
	s := l.shape(x)
	if l.err != nil {
		return nil, 0
	}
	if featureAxis < 0 || featureAxis >= s.Rank() {
		l.failf("feature axis %d out of range for operand %s", featureAxis, s)
		return nil, 0
	}
	count = 1
	for i, d := range s.Dimensions {
		if i != featureAxis {
			axes = append(axes, i)
			count *= d
		}
	}
	return axes, count
}

// perFeature broadcasts the per-feature vector v to x's shape.
func (l *lowering) perFeature(v, x backends.Op, featureAxis int) backends.Op {
	return l.broadcastAxis(v, featureAxis, l.shape(x).Dimensions)
}

// invStd returns 1/sqrt(variance + epsilon).
func (l *lowering) invStd(variance backends.Op, epsilon float32) backends.Op {
	v := l.add(variance, l.scalar(l.shape(variance).DType, float64(epsilon)))
	if l.err != nil {
		return nil
	}
	return l.keep(l.b.Rsqrt(v))
}

// BatchNormForInference normalizes x with the given mean and variance.
func (b *Builder) BatchNormForInference(operand, scale, offset, mean, variance backends.Op, epsilon float32, featureAxis int) (backends.Op, error) {
	l := b.lower("BatchNormForInference")
	l.batchNormAxes(operand, featureAxis)
	factor := l.mul(scale, l.invStd(variance, epsilon))
	bias := l.sub(offset, l.mul(mean, factor))
	y := l.add(l.mul(operand, l.perFeature(factor, operand, featureAxis)), l.perFeature(bias, operand, featureAxis))
	return l.done(y)
}

// BatchNormForTraining normalizes x with its own per-feature mean and
// (biased) variance, and returns them too.
func (b *Builder) BatchNormForTraining(operand, scale, offset backends.Op, epsilon float32, featureAxis int) (normalized, batchMean, batchVariance backends.Op, err error) {
	l := b.lower("BatchNormForTraining")
	axes, count := l.batchNormAxes(operand, featureAxis)
	dtype := l.shape(operand).DType
	invCount := l.scalar(dtype, 1/float64(max(count, 1)))
	mean := l.mul(l.reduceSum(operand, axes...), invCount)
	centered := l.sub(operand, l.perFeature(mean, operand, featureAxis))
	variance := l.mul(l.reduceSum(l.mul(centered, centered), axes...), invCount)
	factor := l.mul(scale, l.invStd(variance, epsilon))
	y := l.add(l.mul(centered, l.perFeature(factor, operand, featureAxis)), l.perFeature(offset, operand, featureAxis))
	if _, err := l.done(nil); err != nil {
		return nil, nil, nil, err
	}
	return y, mean, variance, nil
}

// BatchNormGradient returns the gradients of BatchNormForTraining's output
// with respect to operand, scale and offset, given gradOutput:
//
//	∂offset = Σ g,  ∂scale = Σ g·x̂,  ∂x = scale/σ · (g - ∂offset/N - x̂·∂scale/N)
func (b *Builder) BatchNormGradient(operand, scale, mean, variance, gradOutput backends.Op, epsilon float32, featureAxis int) (gradOperand, gradScale, gradOffset backends.Op, err error) {
	l := b.lower("BatchNormGradient")
	axes, count := l.batchNormAxes(operand, featureAxis)
	dtype := l.shape(operand).DType
	invCount := l.scalar(dtype, 1/float64(max(count, 1)))
	inv := l.invStd(variance, epsilon)
	xHat := l.mul(l.sub(operand, l.perFeature(mean, operand, featureAxis)), l.perFeature(inv, operand, featureAxis))
	gradOffset = l.reduceSum(gradOutput, axes...)
	gradScale = l.reduceSum(l.mul(gradOutput, xHat), axes...)
	centeredGrad := l.sub(gradOutput, l.perFeature(l.mul(gradOffset, invCount), operand, featureAxis))
	centeredGrad = l.sub(centeredGrad, l.mul(xHat, l.perFeature(l.mul(gradScale, invCount), operand, featureAxis)))
	gradOperand = l.mul(centeredGrad, l.perFeature(l.mul(scale, inv), operand, featureAxis))
	if _, err := l.done(nil); err != nil {
		return nil, nil, nil, err
	}
	return gradOperand, gradScale, gradOffset, nil
}
