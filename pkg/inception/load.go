package inception

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/weights"
)

// batchNormEpsilon is torchvision's BasicConv2d's (and TensorFlow's
// Inception-v3's) batch-norm epsilon.
const batchNormEpsilon = 0.001

// batchNormKeys are the per-channel tensors of a BasicConv2d's bn.
var batchNormKeys = []string{"weight", "bias", "running_mean", "running_var"}

// Load reads pytorch-fid's Inception-v3 weights, a state_dict with the key
// names of pt_inception-2015-12-05-6726825d.pth (Conv2d_1a_3x3.conv.weight,
// Conv2d_1a_3x3.bn.running_mean, Mixed_5b.branch1x1.conv.weight, ...), from
// a .pth (torch.save) or safetensors file. Tensors FID does not use (fc.*,
// bn.num_batches_tracked) are ignored. Channel counts are taken from the
// file, so a network of the same layout at another width loads too (the
// test fixtures are one at 1/8 width); they must chain.
func Load(path string) (*Model, error) {
	f, err := weights.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return FromFile(f)
}

// FromFile is Load for an already open weights file.
func FromFile(f *weights.File) (*Model, error) {
	c := &checker{f: f}
	dim := network[int](c, 3)
	if c.err != nil {
		return nil, fmt.Errorf("inception: %s is not pytorch-fid's Inception-v3 state_dict: %w", f.Name(), c.err)
	}
	m := &Model{convs: make(map[string]foldedConv, len(c.names)), dim: dim, source: f.Name()}
	for _, name := range c.names {
		fc, err := fold(f, name)
		if err != nil {
			return nil, fmt.Errorf("inception: reading %s: %w", f.Name(), err)
		}
		m.convs[name] = fc
	}
	return m, nil
}

// checker runs the network over channel counts: each conv checks its
// tensors' shapes against its input's channels and its geometry, and
// returns its output channels. It keeps the first problem only, since after
// one the expected shapes are unknown.
type checker struct {
	f     *weights.File
	names []string // the convolutions, in network order
	err   error
}

func (c *checker) conv(in int, name string, g geometry) int {
	if c.err != nil {
		return 0
	}
	key := name + ".conv.weight"
	_, shape, err := c.f.Info(key)
	if err != nil {
		c.err = fmt.Errorf("missing %s (expected shape [?, %d, %d, %d])", key, in, g.kh, g.kw)
		return 0
	}
	if len(shape) != 4 || shape[0] < 1 || shape[1] != in || shape[2] != g.kh || shape[3] != g.kw {
		c.err = fmt.Errorf("%s has shape %v, expected [?, %d, %d, %d]", key, shape, in, g.kh, g.kw)
		return 0
	}
	out := shape[0]
	for _, k := range batchNormKeys {
		key := name + ".bn." + k
		_, shape, err := c.f.Info(key)
		if err != nil {
			c.err = fmt.Errorf("missing %s (expected shape [%d])", key, out)
			return 0
		}
		if len(shape) != 1 || shape[0] != out {
			c.err = fmt.Errorf("%s has shape %v, expected [%d]", key, shape, out)
			return 0
		}
	}
	c.names = append(c.names, name)
	return out
}

func (c *checker) maxPool(in, _, _ int) int { return in }

func (c *checker) avgPool(in int) int { return in }

func (c *checker) concat(ins ...int) int {
	sum := 0
	for _, in := range ins {
		sum += in
	}
	return sum
}

// foldedConv is a BasicConv2d with its batch norm folded into the
// convolution: kernel [out, in, kh, kw] and bias [out].
type foldedConv struct {
	kernel, bias *tensors.Tensor
}

// fold reads the named BasicConv2d and folds its inference-mode batch norm,
// γ·(conv(x) − μ)/√(σ² + ε) + β, into the kernel (scaled by s = γ/√(σ² + ε)
// per output channel) and a bias β − μ·s: one convolution and one add per
// layer instead of four more passes over every activation, for a difference
// of float32 rounding.
func fold(f *weights.File, name string) (foldedConv, error) {
	kernel, err := f.Tensor(name + ".conv.weight")
	if err != nil {
		return foldedConv{}, err
	}
	bn := make(map[string][]float32, len(batchNormKeys))
	for _, k := range batchNormKeys {
		t, err := f.Tensor(name + ".bn." + k)
		if err != nil {
			return foldedConv{}, err
		}
		bn[k] = t.Data
	}
	out := kernel.Shape[0]
	perChannel := len(kernel.Data) / out
	folded := make([]float32, len(kernel.Data))
	bias := make([]float32, out)
	for o := range out {
		if v := bn["running_var"][o]; !(v >= 0) {
			return foldedConv{}, fmt.Errorf("%s.bn.running_var[%d] is %g, expected a variance (>= 0)", name, o, v)
		}
		s := float64(bn["weight"][o]) / math.Sqrt(float64(bn["running_var"][o])+batchNormEpsilon)
		for i, w := range kernel.Data[o*perChannel : (o+1)*perChannel] {
			folded[o*perChannel+i] = float32(float64(w) * s)
		}
		bias[o] = float32(float64(bn["bias"][o]) - float64(bn["running_mean"][o])*s)
	}
	return foldedConv{
		kernel: tensors.FromFlatDataAndDimensions(folded, kernel.Shape...),
		bias:   tensors.FromFlatDataAndDimensions(bias, out),
	}, nil
}
