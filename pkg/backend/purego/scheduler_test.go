package purego

import (
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// TestManyParallelOpsOnOneWorker runs a graph of many independent batched
// products, each of which splits its batch across simplego's workers, with
// the smallest worker pool: simplego's parallel op scheduler deadlocks on
// it, the backend's default must not.
func TestManyParallelOpsOnOneWorker(t *testing.T) {
	b, err := newBackend("parallelism=1")
	if err != nil {
		t.Fatal(err)
	}
	exec, err := NewExec(b, func(x *Node) *Node {
		const products = 16
		sum := ZerosLike(x)
		for i := range products {
			sum = Add(sum, Einsum("bij,bjk->bik", x, MulScalar(x, float64(i+1))))
		}
		return ReduceAllSum(sum)
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := exec.Exec(tensors.FromShape(shapes.Make(dtypes.Float32, 8, 4, 4)))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("deadlock: 16 parallel batched products did not finish in a minute with one worker")
	}
}
