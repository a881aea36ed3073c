package transformernet

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/neuralart/neuralart/pkg/weights"
)

// Net is a TransformerNet's weights, held on the host by their state_dict
// keys. Apply embeds them as constants of the graph being built, so a
// compiled graph carries them. A Net is read-only and safe to share.
type Net struct {
	width   int
	weights map[string]*tensors.Tensor
	source  string
}

// staleKey matches the instance-norm running statistics that PyTorch before
// 0.4 saved and fast_neural_style's stylize deletes before loading
// (neural_style.py: re.search(r'in\d+\.running_(mean|var)$', k)).
var staleKey = regexp.MustCompile(`in\d+\.running_(mean|var)$`)

// Load reads a TransformerNet state_dict from a .pth file (torch.save, zip
// or legacy format, as fast_neural_style's published models are) or a
// safetensors file with the same keys. The width is read from the file
// (conv1's output channels; fast_neural_style's is DefaultWidth) and every
// other tensor must have the shape it implies. Instance-norm running_mean
// and running_var keys are ignored, as fast_neural_style ignores them; any
// other key is an error, as it is for PyTorch's load_state_dict.
func Load(path string) (*Net, error) {
	f, err := weights.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return FromFile(f)
}

// FromFile is Load for an already open weights file.
func FromFile(f *weights.File) (*Net, error) {
	_, first, err := f.Info("conv1.conv2d.weight")
	if err != nil || len(first) != 4 || first[0] < 1 {
		return nil, fmt.Errorf("transformernet: %s is not a TransformerNet state_dict: want conv1.conv2d.weight [width, 3, 9, 9], found %s",
			f.Name(), describeKey(f, "conv1.conv2d.weight"))
	}
	want := shapes(first[0])
	var problems []string
	for _, key := range slices.Sorted(maps.Keys(want)) {
		_, shape, err := f.Info(key)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("missing %s (expected shape %v)", key, want[key]))
		case !slices.Equal(shape, want[key]):
			problems = append(problems, fmt.Sprintf("%s has shape %v, expected %v", key, shape, want[key]))
		}
	}
	for _, key := range f.Keys() {
		if _, ok := want[key]; !ok && !staleKey.MatchString(key) {
			problems = append(problems, "unexpected key "+key)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("transformernet: %s is not a TransformerNet state_dict of width %d: %s",
			f.Name(), first[0], strings.Join(problems, "; "))
	}
	n := &Net{width: first[0], weights: make(map[string]*tensors.Tensor, len(want)), source: "weights from " + f.Name()}
	for key := range want {
		t, err := f.Tensor(key)
		if err != nil {
			return nil, err
		}
		n.weights[key] = tensors.FromFlatDataAndDimensions(t.Data, t.Shape...)
	}
	return n, nil
}

// describeKey says what f holds under key, for error messages.
func describeKey(f *weights.File, key string) string {
	if _, shape, err := f.Info(key); err == nil {
		return fmt.Sprintf("shape %v", shape)
	}
	keys := f.Keys()
	if len(keys) > 4 {
		keys = append(keys[:4], fmt.Sprintf("... (%d tensors in all)", len(f.Keys())))
	}
	return "no such key; the file holds " + strings.Join(keys, ", ")
}

// Random returns an untrained TransformerNet of the given width, initialised
// as PyTorch initialises one: each convolution's kernel and bias uniform in
// ±1/√fan_in (torch.nn.Conv2d's reset_parameters), instance-norm scales 1
// and offsets 0. The same seed gives the same weights.
func Random(seed uint64, width int) (*Net, error) {
	if width < 1 {
		return nil, fmt.Errorf("transformernet: width must be at least 1, got %d", width)
	}
	rng := rand.New(rand.NewPCG(seed, 0x4a6f686e736f6e)) // stream: "Johnson"
	n := &Net{width: width, weights: map[string]*tensors.Tensor{},
		source: fmt.Sprintf("RANDOM weights (seed %d; untrained)", seed)}
	for _, c := range convs {
		in, out := channels(c.in, width), channels(c.out, width)
		bound := 1 / math.Sqrt(float64(in*c.kernel*c.kernel))
		uniform := func(count int) []float32 {
			v := make([]float32, count)
			for i := range v {
				v[i] = float32((2*rng.Float64() - 1) * bound)
			}
			return v
		}
		n.weights[c.name+".conv2d.weight"] = tensors.FromFlatDataAndDimensions(uniform(out*in*c.kernel*c.kernel), out, in, c.kernel, c.kernel)
		n.weights[c.name+".conv2d.bias"] = tensors.FromFlatDataAndDimensions(uniform(out), out)
		if c.norm != "" {
			ones := make([]float32, out)
			for i := range ones {
				ones[i] = 1
			}
			n.weights[c.norm+".weight"] = tensors.FromFlatDataAndDimensions(ones, out)
			n.weights[c.norm+".bias"] = tensors.FromFlatDataAndDimensions(make([]float32, out), out)
		}
	}
	return n, nil
}

// Width returns the channel count of the first layer (DefaultWidth for
// fast_neural_style's models).
func (n *Net) Width() int { return n.width }

// String says what the network is and where its weights came from.
func (n *Net) String() string {
	return fmt.Sprintf("TransformerNet, width %d (%d parameters), %s", n.width, n.Parameters(), n.source)
}

// Weights returns the state_dict keys in sorted order and the weights under
// them (shared with the Net: do not modify them).
func (n *Net) Weights() (keys []string, values []*tensors.Tensor) {
	keys = slices.Sorted(maps.Keys(n.weights))
	values = make([]*tensors.Tensor, len(keys))
	for i, k := range keys {
		values[i] = n.weights[k]
	}
	return keys, values
}

// Parameters returns the number of weights.
func (n *Net) Parameters() int {
	total := 0
	for _, t := range n.weights {
		total += t.Shape().Size()
	}
	return total
}

// Apply is Forward with the network's weights as constants of images' graph.
func (n *Net) Apply(images *Node) *Node {
	g := images.Graph()
	return Forward(images, func(key string) *Node {
		t, ok := n.weights[key]
		if !ok {
			panic(fmt.Errorf("transformernet: no weight %q", key))
		}
		return ConvertDType(ConstTensor(g, t), images.DType())
	})
}

// Save writes the weights to path as safetensors with fast_neural_style's
// keys (readable by Load and by safetensors.torch.load_file), atomically.
func (n *Net) Save(path string, metadata map[string]string) error {
	out := make(map[string]*weights.Tensor, len(n.weights))
	for key, t := range n.weights {
		out[key] = &weights.Tensor{Shape: t.Shape().Dimensions, Data: tensors.MustCopyFlatData[float32](t)}
	}
	return weights.SaveSafetensors(path, out, metadata)
}
