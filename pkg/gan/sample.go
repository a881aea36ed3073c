package gan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/neuralart/neuralart/pkg/checkpoint"
)

// Sampler draws images from a generator: the generator's variables under
// GeneratorScope of a context, evaluated with batch normalisation's running
// averages (inference mode).
type Sampler struct {
	G       Generator
	ctx     *context.Context
	backend backends.Backend

	once sync.Once
	exec *context.Exec
	err  error
}

// LoadSampler reads the generator's variables from a checkpoint: one that
// Trainer.Save wrote (a full training state) or one that
// Trainer.SaveTo(path, GeneratorScope) wrote (the generator alone).
func LoadSampler(backend backends.Backend, g Generator, path string) (*Sampler, error) {
	_, named, err := checkpoint.Read(path, checkpointFormat)
	if err != nil {
		return nil, err
	}
	return newSampler(backend, g, named, "checkpoint "+path)
}

// newSampler returns a sampler of g whose variables all come from named,
// which source (for errors) holds.
func newSampler(backend backends.Backend, g Generator, named map[string]*tensors.Tensor, source string) (*Sampler, error) {
	ctx := context.New().Checked(false)
	s := &Sampler{G: g, ctx: ctx, backend: backend}
	// Build the graph once to learn which variables the generator has, then
	// fill them from named: variables must all come from there.
	ctx.SetLoader(checkpointLoader(named))
	exec, err := s.generateExec()
	if err != nil {
		return nil, err
	}
	args := []any{tensors.FromShape(latentShape(g, 1))}
	if g.Classes() > 0 {
		args = append(args, []int32{0})
	}
	if err := exec.PreCompile(args...); err != nil {
		return nil, fmt.Errorf("gan: building the generator: %w", err)
	}
	for v := range ctx.IterVariables() {
		if !v.HasValue() {
			return nil, fmt.Errorf("gan: %s has no variable %s %s: it was written for another generator", source, v.ScopeAndName(), v.Shape())
		}
	}
	return s, nil
}

// checkpointLoader hands a checkpoint's tensors to a context as its graphs
// ask for variables (context.Loader).
type checkpointLoader map[string]*tensors.Tensor

func (l checkpointLoader) LoadVariable(_ *context.Context, scope, name string) (*tensors.Tensor, bool) {
	t, ok := l[context.JoinScope(scope, name)]
	return t, ok
}

func (l checkpointLoader) DeleteVariable(_ *context.Context, scope, name string) error {
	delete(l, context.JoinScope(scope, name))
	return nil
}

func (s *Sampler) generateExec() (*context.Exec, error) {
	s.once.Do(func() {
		s.exec, s.err = context.NewExec(s.backend, s.ctx, func(ctx *context.Context, inputs []*Node) *Node {
			ctx.SetTraining(inputs[0].Graph(), false)
			return s.G.Generate(ctx.In(GeneratorScope), inputs[0], classLabels(inputs[1:]))
		})
	})
	return s.exec, s.err
}

// Generate returns the images of latent codes z, [N, LatentDim()], as
// [N, C, H, W] NCHW float32 in [-1, 1]. A class-conditional generator needs
// GenerateClasses.
func (s *Sampler) Generate(z *tensors.Tensor) (*tensors.Tensor, error) {
	return s.GenerateClasses(z, nil)
}

// GenerateClasses returns the images of latent codes z, [N, LatentDim()],
// of classes labels (N of them in [0, G.Classes()), nil for an
// unconditional generator), as [N, C, H, W] NCHW float32 in [-1, 1].
func (s *Sampler) GenerateClasses(z *tensors.Tensor, labels []int) (*tensors.Tensor, error) {
	d := z.Shape().Dimensions
	if len(d) != 2 || d[1] != s.G.LatentDim() {
		return nil, fmt.Errorf("gan: latent codes must be shaped [N, %d], got %s", s.G.LatentDim(), z.Shape())
	}
	args := []any{z}
	switch classes := s.G.Classes(); {
	case classes == 0 && labels != nil:
		return nil, fmt.Errorf("gan: the generator is unconditional, yet got %d labels", len(labels))
	case classes > 0:
		if len(labels) != d[0] {
			return nil, fmt.Errorf("gan: the generator is class-conditional: want %d labels for %d codes, got %d", d[0], d[0], len(labels))
		}
		l := make([]int32, len(labels))
		for i, c := range labels {
			if c < 0 || c >= classes {
				return nil, fmt.Errorf("gan: label %d of code %d is not a class in [0, %d)", c, i, classes)
			}
			l[i] = int32(c)
		}
		args = append(args, l)
	}
	exec, err := s.generateExec()
	if err != nil {
		return nil, err
	}
	out, err := exec.Exec(args...)
	if err != nil {
		return nil, fmt.Errorf("gan: generating: %w", err)
	}
	return out[0], nil
}

// cyclicLabels returns the classes of images first, ..., first+n−1 of a
// sequence that draws 0, 1, ..., classes−1, 0, 1, ...: every class equally
// often. It is nil for an unconditional generator (classes 0).
func cyclicLabels(first, n, classes int) []int {
	if classes == 0 {
		return nil
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = (first + i) % classes
	}
	return labels
}

// RandomLatents draws n latent codes z ~ N(0, I), [n, LatentDim()], from seed.
func RandomLatents(g Generator, n int, seed uint64) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 0))
	z := make([]float32, n*g.LatentDim())
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(z, n, g.LatentDim())
}

// Random returns n images from latent codes drawn from seed; a
// class-conditional generator draws image i of class i mod G.Classes().
func (s *Sampler) Random(n int, seed uint64) (*tensors.Tensor, error) {
	return s.GenerateClasses(RandomLatents(s.G, n, seed), cyclicLabels(0, n, s.G.Classes()))
}

// Interpolate returns the images of steps latent codes on the great circle
// from a to b (spherical interpolation, White 2016, "Sampling Generative
// Networks", https://arxiv.org/abs/1609.04468: unlike a straight line it
// keeps the codes at the norm Gaussian codes have), [steps, C, H, W].
func (s *Sampler) Interpolate(a, b []float32, steps int) (*tensors.Tensor, error) {
	z, err := Slerp(a, b, steps)
	if err != nil {
		return nil, err
	}
	return s.Generate(z)
}

// Slerp returns steps ≥ 2 points from a to b (inclusive) by spherical linear
// interpolation, shaped [steps, len(a)]:
//
//	slerp(a, b; t) = sin((1−t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b,  cos Ω = â·b̂
//
// falling back to a straight line when a and b are (anti)parallel.
func Slerp(a, b []float32, steps int) (*tensors.Tensor, error) {
	if len(a) != len(b) || len(a) == 0 {
		return nil, fmt.Errorf("gan: interpolation endpoints must have the same non-zero length, got %d and %d", len(a), len(b))
	}
	if steps < 2 {
		return nil, fmt.Errorf("gan: interpolation needs at least 2 steps, got %d", steps)
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	omega := math.Acos(math.Max(-1, math.Min(1, dot/math.Sqrt(na*nb))))
	out := make([]float32, 0, steps*len(a))
	for k := range steps {
		t := float64(k) / float64(steps-1)
		wa, wb := 1-t, t
		if s := math.Sin(omega); s > 1e-6 {
			wa, wb = math.Sin((1-t)*omega)/s, math.Sin(t*omega)/s
		}
		for i := range a {
			out = append(out, float32(wa*float64(a[i])+wb*float64(b[i])))
		}
	}
	return tensors.FromFlatDataAndDimensions(out, steps, len(a)), nil
}
