package purego

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/neuralart/neuralart/pkg/backend/backendtest"
)

// TestDotGeneralFloat32 runs float32 DotGeneral through fastDotGeneral (the
// sgemm path) with operands in layouts it views in place and layouts it
// copies, against float64 loops.
func TestDotGeneralFloat32(t *testing.T) {
	if simplegoDotGeneral == nil {
		t.Fatal("simplego's DotGeneral executor was not replaced: its internals changed")
	}
	rng := rand.New(rand.NewPCG(23, 24))
	for _, c := range []struct {
		lhs, rhs                 []int
		lhsContract, lhsBatch    []int
		rhsContract, rhsBatch    []int
		batch, m, n, k           int
		lhsPermBack, rhsPermBack []int // canonical [batch, m, k] / [batch, k, n] axes of each operand axis
	}{
		// [b, m, k] x [b, k, n]: lhs in place, rhs contract-first in place.
		{[]int{2, 70, 90}, []int{2, 90, 80}, []int{2}, []int{0}, []int{1}, []int{0}, 2, 70, 80, 90, []int{0, 1, 2}, []int{0, 1, 2}},
		// [k, m] x [n, k]: lhs contract-first, rhs cross-first.
		{[]int{100, 60}, []int{70, 100}, []int{0}, nil, []int{1}, nil, 1, 60, 70, 100, []int{2, 1}, []int{2, 1}},
		// [m, b, k] x [k, b, n]: batch not leading, copied.
		{[]int{50, 3, 80}, []int{80, 3, 66}, []int{2}, []int{1}, []int{0}, []int{1}, 3, 50, 66, 80, []int{1, 0, 2}, []int{1, 0, 2}},
	} {
		t.Run(fmt.Sprint(c.lhs, c.rhs), func(t *testing.T) {
			lhs, rhs := backendtest.RandomArray(rng, c.lhs...), backendtest.RandomArray(rng, c.rhs...)
			got := execute32(t, func(x, y *graph.Node) *graph.Node {
				return graph.DotGeneral(x, c.lhsContract, c.lhsBatch, y, c.rhsContract, c.rhsBatch)
			}, lhs, rhs)
			// Reference: out[b, i, j] = Σ_p lhs[b, i, p]·rhs[b, p, j] with canonical indices mapped back.
			want := backendtest.NewArray(append(batchDims(c.batch), c.m, c.n)...)
			idx := make([]int, 3)
			at := func(a array, permBack []int) float64 {
				src := make([]int, len(permBack))
				for axis, canon := range permBack {
					src[axis] = idx[canon]
				}
				return a.At(src...)
			}
			o := 0
			for b := range c.batch {
				for i := range c.m {
					for j := range c.n {
						var s float64
						for p := range c.k {
							idx[0], idx[1], idx[2] = b, i, p
							l := at(lhs, c.lhsPermBack)
							idx[1], idx[2] = p, j
							s += l * at(rhs, c.rhsPermBack)
						}
						want.Data[o] = s
						o++
					}
				}
			}
			backendtest.AssertClose(t, "DotGeneral float32", got, want, 1e-4)
		})
	}
}

func batchDims(b int) []int {
	if b == 1 {
		return nil
	}
	return []int{b}
}

// execute32 runs fn on float32 versions of the inputs and returns float64 results.
func execute32(t *testing.T, fn any, inputs ...array) array {
	t.Helper()
	return backendtest.Execute32(t, testBackend(), fn, inputs...)
}

// TestSimplegoUntouched checks that GoMLX's own "go" backend keeps its
// DotGeneral executor: only neuralart backends take the sgemm path.
func TestSimplegoUntouched(t *testing.T) {
	goBackend, err := backends.NewWithConfig("go")
	if err != nil {
		t.Fatal(err)
	}
	if _, ours := ownBackends.Load(goBackend); ours {
		t.Error(`the "go" backend is registered as a neuralart backend`)
	}
	if _, ours := ownBackends.Load(testBackend().(*Backend).Backend); !ours {
		t.Error("the neuralart backend is not registered for the sgemm path")
	}
}
