package gan

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/neuralart/neuralart/pkg/nn"
)

// Class-conditional GANs (Mirza & Osindero 2014, "Conditional Generative
// Adversarial Nets", https://arxiv.org/abs/1411.1784) give both players the
// class y of each image: G(z, y) must draw a y, and D(x, y) judges whether x
// is a real y, so a generator that draws the wrong digit is caught. Here y
// enters G as a learnt embedding concatenated to z (Mirza & Osindero's
// concatenation, with PyTorch's nn.Embedding in place of a one-hot), and D
// by projection (Miyato & Koyama 2018, "cGANs with Projection
// Discriminator", https://arxiv.org/abs/1802.05637): the logit gains
// ⟨embed(y), φ(x)⟩, φ(x) the features D's last layer reads, which is
// cheaper than extra input channels and trains better.

// checkLabels panics unless labels are int32 [n] for a network of classes
// classes, or nil for an unconditional one (classes 0).
func checkLabels(labels *Node, n, classes int) {
	switch {
	case classes == 0 && labels != nil:
		panic(fmt.Errorf("gan: an unconditional network takes no labels, got %s", labels.Shape()))
	case classes > 0 && labels == nil:
		panic(fmt.Errorf("gan: a class-conditional network of %d classes needs labels int32 [%d], got none", classes, n))
	case classes > 0 && (labels.DType() != dtypes.Int32 || labels.Rank() != 1 || labels.Shape().Dimensions[0] != n):
		panic(fmt.Errorf("gan: labels must be int32 [%d], got %s", n, labels.Shape()))
	}
}

// embedding is PyTorch's nn.Embedding: row labels[i] of a [classes, dim]
// table (scope "embedding"), as a one-hot product, whose gradient is a
// matrix product where Gather's would be a scatter.
func embedding(ctx *context.Context, labels *Node, classes, dim int, init initializers.VariableInitializer) *Node {
	table := ctx.WithInitializer(init).VariableWithShape("embedding", shapes.Make(dtypes.Float32, classes, dim)).ValueGraph(labels.Graph())
	// MatMulTransposed multiplies by the transpose of its second operand.
	return nn.MatMulTransposed(OneHot(labels, classes, dtypes.Float32), Transpose(table, 0, 1))
}

// conditionLatent returns z with the embedding of labels appended, [N,
// latent + classes], or z itself for an unconditional generator.
func conditionLatent(ctx *context.Context, z, labels *Node, classes int) *Node {
	checkLabels(labels, z.Shape().Dimensions[0], classes)
	if classes == 0 {
		return z
	}
	// nn.Embedding's N(0, 1), one dimension per class as in PyTorch-GAN's cgan.
	e := embedding(ctx.In("class"), labels, classes, classes, initializers.RandomNormalFn(ctx, 1))
	return Concatenate([]*Node{z, e}, 1)
}

// projection returns the projection discriminator's class term
// ⟨embed(y), φ⟩ per image, [N], for features φ [N, ...]; nil for an
// unconditional discriminator. The table is initialised like the linear
// layer it sits beside, U(±1/√dim).
func projection(ctx *context.Context, features, labels *Node, classes int) *Node {
	n := features.Shape().Dimensions[0]
	checkLabels(labels, n, classes)
	if classes == 0 {
		return nil
	}
	flat := Reshape(features, n, -1)
	dim := flat.Shape().Dimensions[1]
	e := embedding(ctx.In("class"), labels, classes, dim, pytorchUniform(ctx, dim))
	return ReduceSum(Mul(flat, e), 1)
}
