package adain

import (
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/gomlx/exceptions"
	"github.com/neuralart/neuralart/pkg/weights"
)

// decoderLayers are net.py's decoder: the encoder mirrored, with nearest
// upsampling in place of pooling and no normalisation layers (Huang &
// Belongie, section 6.1: instance or batch normalisation in the decoder
// hurt their results).
var decoderLayers = []module{
	pad, conv3x3, relu, upsample,
	pad, conv3x3, relu, pad, conv3x3, relu, pad, conv3x3, relu, pad, conv3x3, relu, upsample,
	pad, conv3x3, relu, pad, conv3x3, relu, upsample,
	pad, conv3x3, relu, pad, conv3x3,
}

// decoderOutput is the position of the decoder's last module.
var decoderOutput = []int{len(decoderLayers) - 1}

// Decoder is AdaIN's decoder g, mapping relu4_1 features back to an image.
// Its weights are held on the host; a Decoder is read-only and safe to share.
type Decoder struct {
	convs  []convWeights
	source string
}

// LoadDecoder reads the decoder from a .pth (torch.save) or safetensors file
// holding the state_dict of net.py's decoder Sequential, such as the
// published decoder.pth: keys "1.weight", "1.bias", "5.weight" ...
// "28.bias". Channel counts come from the file; the last convolution must
// make 3 (RGB) channels.
func LoadDecoder(path string) (*Decoder, error) {
	f, err := weights.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecoderFromFile(f)
}

// DecoderFromFile is LoadDecoder for an already open weights file.
func DecoderFromFile(f *weights.File) (*Decoder, error) {
	convs, err := readConvs(f, "an AdaIN decoder (the state_dict of net.decoder)", decoderLayers, -1, 3)
	if err != nil {
		return nil, err
	}
	return &Decoder{convs: convs, source: describe(f)}, nil
}

// NewDecoder returns a decoder for features of the given number of channels
// (512 for the published encoder) initialised as PyTorch initialises a fresh
// nn.Conv2d, which is where train.py starts: kernels and biases uniform in
// ±1/√fan_in (kaiming_uniform_ with a = √5).
func NewDecoder(in int, seed uint64) *Decoder {
	rng := rand.New(rand.NewPCG(seed, 0xdec0))
	// Channel ratios of net.py's decoder: 512 → 256, 256, 256, 256 → 128, 128 → 64, 64 → 3.
	widths := []int{in / 2, in / 2, in / 2, in / 2, in / 4, in / 4, in / 8, in / 8, 3}
	d := &Decoder{source: fmt.Sprintf("random initialisation (seed %d)", seed)}
	for _, out := range widths {
		bound := 1 / math.Sqrt(float64(in*9))
		uniform := func(n int) []float32 {
			v := make([]float32, n)
			for i := range v {
				v[i] = float32((2*rng.Float64() - 1) * bound)
			}
			return v
		}
		d.convs = append(d.convs, convWeights{
			kernel: tensors.FromFlatDataAndDimensions(uniform(out*in*9), out, in, 3, 3),
			bias:   tensors.FromFlatDataAndDimensions(uniform(out), out),
		})
		in = out
	}
	return d
}

// Decode maps features [N, C, h, w] (C = Channels) to images [N, 3, 8h, 8w],
// NCHW, RGB nominally in [0, 1]; nothing clamps them (test.py's save_image
// does, as pkg/images does when it converts a tensor to an image).
func (d *Decoder) Decode(features *Node) *Node {
	return d.decode(features, constants(features.Graph(), d.convs))
}

func (d *Decoder) decode(features *Node, params []*Node) *Node {
	if features.Rank() != 4 || features.Shape().Dimensions[1] != d.Channels() {
		exceptions.Panicf("adain: Decoder.Decode wants features [N, %d, h, w], got shape %s", d.Channels(), features.Shape())
	}
	return forward(features, decoderLayers, params, decoderOutput)[0]
}

// Channels returns the number of channels of the features it decodes.
func (d *Decoder) Channels() int { return d.convs[0].kernel.Shape().Dimensions[1] }

// Save writes the decoder as a safetensors file with the state_dict's key
// names ("1.weight" ...), which LoadDecoder, and PyTorch's
// decoder.load_state_dict(safetensors.torch.load_file(path)), read back.
func (d *Decoder) Save(path string) error {
	return saveConvs(path, decoderLayers, d.convs, map[string]string{sourceKey: d.source})
}

// String says where the decoder's weights came from.
func (d *Decoder) String() string {
	return fmt.Sprintf("AdaIN decoder (%d channels in), %s", d.Channels(), d.source)
}
