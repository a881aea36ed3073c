package purego

import "github.com/neuralart/neuralart/pkg/backend/backendtest"

// Plain-loop references for the lowered ops, on float64 tensors held as
// (flat data, dimensions) in row-major order: array is the reference tensor
// shared with pkg/nn's tests.
type array = backendtest.Array

// transposed returns a with output axis j taken from axis perm[j].
func transposed(a array, perm []int) array {
	dims := make([]int, len(perm))
	for j, p := range perm {
		dims[j] = a.Dims[p]
	}
	out := backendtest.NewArray(dims...)
	src := make([]int, len(perm))
	i := 0
	for idx := range indicesOf(dims) {
		for j, p := range perm {
			src[p] = idx[j]
		}
		out.Data[i] = a.At(src...)
		i++
	}
	return out
}

// convConfig is one ConvGeneral configuration in canonical layout: input
// [batch, channels, spatial...], kernel [inChannels/groups, outChannels, k...],
// output [batch/batchGroups, outChannels, spatial...].
type convConfig struct {
	batch, inChannels, outChannels int
	spatial, kernel                []int
	strides, inputDilations        []int
	kernelDilations                []int
	paddings                       [][2]int
	channelGroups, batchGroups     int
}

func (c convConfig) groups() (cg, bg int) { return max(c.channelGroups, 1), max(c.batchGroups, 1) }

func (c convConfig) outputSpatial() []int {
	out := make([]int, len(c.spatial))
	for i, s := range c.spatial {
		in := (s-1)*c.inputDilations[i] + 1 + c.paddings[i][0] + c.paddings[i][1]
		k := (c.kernel[i]-1)*c.kernelDilations[i] + 1
		out[i] = (in-k)/c.strides[i] + 1
	}
	return out
}

// referenceConv computes ConvGeneral with plain loops.
func referenceConv(c convConfig, x, k array) array {
	cg, bg := c.groups()
	outBatch := c.batch / bg
	kernelIn := c.inChannels / cg
	out := backendtest.NewArray(append([]int{outBatch, c.outChannels}, c.outputSpatial()...)...)
	n := len(c.spatial)
	xIdx := make([]int, n+2)
	kIdx := make([]int, n+2)
	i := 0
	for oIdx := range indicesOf(out.Dims) {
		ob, oc := oIdx[0], oIdx[1]
		b := (oc/(c.outChannels/bg))*outBatch + ob
		var sum float64
		for ci := range kernelIn {
			ch := (oc/(c.outChannels/cg))*kernelIn + ci
		kernelLoop:
			for kPos := range indicesOf(c.kernel) {
				for s := range n {
					p := oIdx[2+s]*c.strides[s] + kPos[s]*c.kernelDilations[s] - c.paddings[s][0]
					if p < 0 || p%c.inputDilations[s] != 0 || p/c.inputDilations[s] >= c.spatial[s] {
						continue kernelLoop
					}
					xIdx[2+s] = p / c.inputDilations[s]
					kIdx[2+s] = kPos[s]
				}
				xIdx[0], xIdx[1] = b, ch
				kIdx[0], kIdx[1] = ci, oc
				sum += x.At(xIdx...) * k.At(kIdx...)
			}
		}
		out.Data[i] = sum
		i++
	}
	return out
}
