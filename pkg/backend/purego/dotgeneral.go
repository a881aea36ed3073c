package purego

import (
	"reflect"
	"slices"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/neuralart/neuralart/pkg/backend/internal/sgemm"
)

// A faster float32 DotGeneral for this backend's graphs: simplego's
// DotGeneral entry in its executor table is replaced (see internals.go) by
// fastDotGeneral, which reads the node's axes (unexported fields, through
// reflect). Only graphs built on a neuralart Backend take the new path, and
// only for float32 problems big enough to matter; everything else, including
// every other simplego backend in the process, runs simplego's own executor.
// TestDotGeneralFloat32 pins the behaviour: a GoMLX upgrade that changes
// these internals fails it (and readDotGeneralParams falls back to simplego
// when the fields are missing).

var (
	// simplegoDotGeneral is simplego's own executor, used for what fastDotGeneral declines.
	simplegoDotGeneral nodeExecutor
	// ownBackends holds the *simplego.Backend of every neuralart Backend.
	ownBackends sync.Map
)

func init() { simplegoDotGeneral = replaceExecutor(backends.OpTypeDotGeneral, fastDotGeneral) }

// minFastDotGeneralFlops is the size below which simplego's executor (with
// its small-matrix path) is as fast.
const minFastDotGeneralFlops = 1 << 18

// dotGeneralParams are the fields of simplego's DotGeneral node data that
// fastDotGeneral reads.
type dotGeneralParams struct {
	lhsContractingAxes, lhsBatchAxes []int
	rhsContractingAxes, rhsBatchAxes []int
	batchSize, lhsCrossSize          int
	rhsCrossSize, contractingSize    int
}

var dotGeneralParamFields = []string{"lhsContractingAxes", "lhsBatchAxes", "rhsContractingAxes", "rhsBatchAxes",
	"batchSize", "lhsCrossSize", "rhsCrossSize", "contractingSize"}

// readDotGeneralParams reads the node's axes and sizes, or reports false.
func readDotGeneralParams(node *simplego.Node) (p dotGeneralParams, outShape shapes.Shape, ok bool) {
	data := nodeData(node)
	if data.IsNil() || data.Elem().Kind() != reflect.Pointer || data.Elem().Elem().Kind() != reflect.Struct {
		return p, outShape, false
	}
	dv := data.Elem().Elem()
	targets := []any{&p.lhsContractingAxes, &p.lhsBatchAxes, &p.rhsContractingAxes, &p.rhsBatchAxes,
		&p.batchSize, &p.lhsCrossSize, &p.rhsCrossSize, &p.contractingSize}
	for i, name := range dotGeneralParamFields {
		if _, found := dv.Type().FieldByName(name); !found {
			return p, outShape, false
		}
		f := field(dv, name)
		target := reflect.ValueOf(targets[i]).Elem()
		if f.Type() != target.Type() {
			return p, outShape, false
		}
		target.Set(f)
	}
	return p, nodeShape(node), true
}

// fastDotGeneral multiplies with sgemm each batch of the operands, viewed
// (without copies when their layout allows) as row-major matrices.
func fastDotGeneral(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	if _, ours := ownBackends.Load(backend); !ours {
		return simplegoDotGeneral(backend, node, inputs, owned)
	}
	lhsShape, err1 := backend.BufferShape(inputs[0])
	rhsShape, err2 := backend.BufferShape(inputs[1])
	p, outShape, ok := readDotGeneralParams(node)
	if err1 != nil || err2 != nil || !ok || lhsShape.DType != dtypes.Float32 ||
		p.batchSize*p.lhsCrossSize*p.rhsCrossSize*p.contractingSize < minFastDotGeneralFlops {
		return simplegoDotGeneral(backend, node, inputs, owned)
	}
	lhsFlat, err1 := backend.BufferData(inputs[0])
	rhsFlat, err2 := backend.BufferData(inputs[1])
	if err1 != nil || err2 != nil {
		return simplegoDotGeneral(backend, node, inputs, owned)
	}
	lhs := asMatrices(lhsFlat.([]float32), lhsShape.Dimensions, p.lhsBatchAxes, p.lhsContractingAxes)
	rhs := asMatrices(rhsFlat.([]float32), rhsShape.Dimensions, p.rhsBatchAxes, p.rhsContractingAxes)
	out := backend.NewBuffer(outShape)
	outFlat, err := backend.BufferData(out)
	if err != nil {
		return nil, err
	}
	c := outFlat.([]float32)
	m, n, k := p.lhsCrossSize, p.rhsCrossSize, p.contractingSize
	for b := range p.batchSize {
		// C[b] (m×n) = L[b] (m×k) · R[b]ᵀ (k×n).
		a, bt := lhs.batch(b, m*k), rhs.batch(b, n*k)
		lda, ldb := k, k
		if lhs.contractFirst {
			lda = m
		}
		if rhs.contractFirst {
			ldb = n
		}
		sgemm.Mul(lhs.contractFirst, !rhs.contractFirst, m, n, k, a, lda, bt, ldb, c[b*m*n:(b+1)*m*n], n)
	}
	return out, nil
}

// matrices is an operand as a batch of row-major matrices: [batch][cross][contract],
// or [batch][contract][cross] when contractFirst.
type matrices struct {
	data          []float32
	contractFirst bool
}

func (x matrices) batch(b, size int) []float32 { return x.data[b*size : (b+1)*size] }

// asMatrices views data (shaped dims) as matrices when its axes are already
// grouped as batch, then contracting and cross (either order), with the
// contracting axes in the order DotGeneral pairs them; otherwise it copies
// the data into [batch][cross][contract]. Axes of size 1 are ignored.
func asMatrices(data []float32, dims, batchAxes, contractAxes []int) matrices {
	var cross []int
	for axis := range dims {
		if !slices.Contains(batchAxes, axis) && !slices.Contains(contractAxes, axis) {
			cross = append(cross, axis)
		}
	}
	nonTrivial := func(axes []int) []int {
		return slices.DeleteFunc(slices.Clone(axes), func(a int) bool { return dims[a] == 1 })
	}
	order := func(groups ...[]int) []int {
		var all []int
		for _, g := range groups {
			all = append(all, nonTrivial(g)...)
		}
		return all
	}
	if slices.IsSorted(order(batchAxes, cross, contractAxes)) {
		return matrices{data: data}
	}
	if slices.IsSorted(order(batchAxes, contractAxes, cross)) {
		return matrices{data: data, contractFirst: true}
	}
	return matrices{data: transposeCopy(data, dims, slices.Concat(batchAxes, cross, contractAxes))}
}

// transposeCopy returns data (shaped dims) with its axes permuted to perm.
func transposeCopy(data []float32, dims, perm []int) []float32 {
	rank := len(dims)
	srcStrides := make([]int, rank)
	stride := 1
	for a := rank - 1; a >= 0; a-- {
		srcStrides[a] = stride
		stride *= dims[a]
	}
	outDims := make([]int, rank)
	outSrcStrides := make([]int, rank) // source stride of each output axis
	for i, a := range perm {
		outDims[i], outSrcStrides[i] = dims[a], srcStrides[a]
	}
	out := make([]float32, len(data))
	if rank == 0 || len(data) == 0 {
		copy(out, data)
		return out
	}
	// Iterate over the output in order, the innermost axis as a strided run.
	last := rank - 1
	idx := make([]int, rank)
	src := 0
	for o := 0; o < len(out); o += outDims[last] {
		s := src
		for j := range outDims[last] {
			out[o+j] = data[s]
			s += outSrcStrides[last]
		}
		for a := last - 1; a >= 0; a-- {
			idx[a]++
			src += outSrcStrides[a]
			if idx[a] < outDims[a] {
				break
			}
			src -= outSrcStrides[a] * outDims[a]
			idx[a] = 0
		}
	}
	return out
}
