package nn

import "github.com/gomlx/gomlx/pkg/core/graph"

// ReLU is max(x, 0), torch.nn.ReLU. It compares x with a scalar zero, where
// GoMLX's activations.Relu compares it with ZerosLike(x): a tensor of zeros
// as large as x, which a backend without fusion (the pure-Go one) fills and
// reads for every activation. Its gradient is GoMLX's for Max: 1 where
// x ≥ 0 (PyTorch's is 0 at x = 0 exactly, a set of measure zero).
func ReLU(x *graph.Node) *graph.Node {
	return graph.Max(x, graph.ScalarZero(x.Graph(), x.DType()))
}
