package gan

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/neuralart/neuralart/pkg/checkpoint"
)

// A Generator maps latent codes, and for a class-conditional generator
// class labels, to images.
//
// Generate takes z shaped [N, LatentDim()] and returns images shaped
// [N, C, H, W] (NCHW) with values in [-1, 1]. labels are the classes of the
// images, int32 [N] in [0, Classes()), for a class-conditional generator,
// and nil for an unconditional one (Classes() 0). Its variables live in
// ctx's current scope; ctx.IsTraining selects batch statistics (training) or
// running averages (sampling) in batch normalisation.
type Generator interface {
	LatentDim() int
	// ImageShape is the (channels, height, width) of the generated images.
	ImageShape() (channels, height, width int)
	Classes() int
	Generate(ctx *context.Context, z, labels *graph.Node) *graph.Node
}

// A Discriminator scores images: Logits takes images shaped [N, C, H, W]
// (NCHW, values in [-1, 1]) and, for a class-conditional discriminator,
// their labels (int32 [N], nil otherwise), and returns one unnormalised
// score per image, shaped [N]; sigmoid(logit) is the probability that the
// image is a real one (of that class).
type Discriminator interface {
	Logits(ctx *context.Context, images, labels *graph.Node) *graph.Node
}

// latentShape is the shape of n latent codes of g.
func latentShape(g Generator, n int) shapes.Shape {
	return shapes.Make(dtypes.Float32, n, g.LatentDim())
}

// imageShape is the shape of n images of g, NCHW.
func imageShape(g Generator, n int) shapes.Shape {
	c, h, w := g.ImageShape()
	return shapes.Make(dtypes.Float32, n, c, h, w)
}

// Describe returns a table of the trainable variables under the top-level
// scope (GeneratorScope or DiscriminatorScope) of ctx, one line per
// variable with its shape and size, and their total count: what PyTorch
// users get from print(model) and sum(p.numel() for p in parameters()).
func Describe(ctx *context.Context, scope string) (table string, parameters int) {
	var b strings.Builder
	for v := range ctx.IterVariables() {
		if !v.Trainable || !checkpoint.InScope(v.Scope(), scope) {
			continue
		}
		size := v.Shape().Size()
		parameters += size
		fmt.Fprintf(&b, "  %-48s %-16s %9d\n", v.ScopeAndName(), fmt.Sprint(v.Shape().Dimensions), size)
	}
	fmt.Fprintf(&b, "  %-48s %-16s %9d\n", "total", "", parameters)
	return b.String(), parameters
}
