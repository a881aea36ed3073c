package adain

import (
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive,staticcheck // graph code reads best unqualified.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/gomlx/exceptions"
	"github.com/neuralart/neuralart/pkg/vgg"
	"github.com/neuralart/neuralart/pkg/weights"
)

// encoderLayers are the first 31 modules of net.py's vgg, the "normalised"
// VGG-19 up to relu4_1: a 1×1 convolution that takes RGB in [0, 1] to the
// mean-subtracted BGR·255 inputs the original Caffe VGG was trained on, then
// VGG-19's convolutions with reflection padding and ceil-mode pooling.
var encoderLayers = []module{
	conv1x1,
	pad, conv3x3, relu, // relu1_1
	pad, conv3x3, relu, pool,
	pad, conv3x3, relu, // relu2_1
	pad, conv3x3, relu, pool,
	pad, conv3x3, relu, // relu3_1
	pad, conv3x3, relu, pad, conv3x3, relu, pad, conv3x3, relu, pool,
	pad, conv3x3, relu, // relu4_1
}

// encoderTaps are the positions of relu1_1, relu2_1, relu3_1 and relu4_1:
// the ends of net.Net's enc_1 ... enc_4.
var encoderTaps = []int{3, 10, 17, 30}

// LayerNames names the encoder's outputs, as Features returns them.
var LayerNames = []string{"relu1_1", "relu2_1", "relu3_1", "relu4_1"}

// Encoder is AdaIN's fixed image encoder f: net.py's vgg up to relu4_1, its
// weights held on the host and embedded as graph constants. It is
// read-only and safe to share.
type Encoder struct {
	convs  []convWeights
	source string
	random bool
}

// LoadEncoder reads the encoder from a .pth (torch.save) or safetensors file
// holding the state_dict of net.py's vgg Sequential, such as the published
// vgg_normalised.pth: keys "0.weight" (the 1×1 convolution, [3, 3, 1, 1]),
// "0.bias", "2.weight" ... "28.bias". Keys past relu4_1 (the published file
// goes on to relu5_4) are ignored. Channel counts come from the file, so
// narrower networks of the same layout load too.
func LoadEncoder(path string) (*Encoder, error) {
	f, err := weights.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return EncoderFromFile(f)
}

// EncoderFromFile is LoadEncoder for an already open weights file.
func EncoderFromFile(f *weights.File) (*Encoder, error) {
	convs, err := readConvs(f, "an AdaIN encoder (the state_dict of net.vgg)", encoderLayers, 3, -1)
	if err != nil {
		return nil, err
	}
	if d := convs[0].kernel.Shape().Dimensions; d[0] != 3 {
		return nil, fmt.Errorf("adain: %s is not an AdaIN encoder: 0.weight has shape %v, expected [3, 3, 1, 1] (RGB to BGR)", f.Name(), d)
	}
	return &Encoder{convs: convs, source: describe(f), random: f.Metadata()[randomKey] == "true"}, nil
}

// RandomEncoder returns an encoder with random weights and every width of
// the published one (64 to 512 channels) divided by divisor (1 for those
// widths): He-normal kernels N(0, 2/fan_in) and zero biases, so that
// activations keep their scale through the depth, and a 1×1 convolution that
// normalises with vgg.ImageNetMean and vgg.ImageNetStd. It is NOT the
// trained VGG: random features still carry texture statistics
// (Ustyuzhaninov et al. 2016, https://arxiv.org/abs/1606.00021), which is
// what a decoder can be trained on where no trained VGG can be fetched. The
// same seed and divisor give the same weights.
func RandomEncoder(seed uint64, divisor int) (*Encoder, error) {
	if divisor < 1 || 64%divisor != 0 {
		return nil, fmt.Errorf("adain: RandomEncoder: width divisor %d does not divide the narrowest layer's 64 channels", divisor)
	}
	rng := rand.New(rand.NewPCG(seed, 0xada1))
	e := &Encoder{random: true, source: fmt.Sprintf("RANDOM weights (seed %d, widths / %d, He-normal; not the trained VGG)", seed, divisor)}
	kernel := make([]float32, 9)
	bias := make([]float32, 3)
	for c := range 3 {
		kernel[c*3+c] = 1 / vgg.ImageNetStd[c]
		bias[c] = -vgg.ImageNetMean[c] / vgg.ImageNetStd[c]
	}
	e.convs = append(e.convs, convWeights{
		kernel: tensors.FromFlatDataAndDimensions(kernel, 3, 3, 1, 1),
		bias:   tensors.FromFlatDataAndDimensions(bias, 3),
	})
	in := 3
	for _, width := range []int{64, 64, 128, 128, 256, 256, 256, 256, 512} {
		out := width / divisor
		std := math.Sqrt(2 / float64(in*9))
		k := make([]float32, out*in*9)
		for i := range k {
			k[i] = float32(rng.NormFloat64() * std)
		}
		e.convs = append(e.convs, convWeights{
			kernel: tensors.FromFlatDataAndDimensions(k, out, in, 3, 3),
			bias:   tensors.FromFlatDataAndDimensions(make([]float32, out), out),
		})
		in = out
	}
	return e, nil
}

// Save writes the encoder as a safetensors file with the state_dict's key
// names ("0.weight" ...), which LoadEncoder reads back; a random encoder
// is saved so, beside the decoder trained on it.
func (e *Encoder) Save(path string) error {
	return saveConvs(path, encoderLayers, e.convs, map[string]string{sourceKey: e.source, randomKey: fmt.Sprint(e.random)})
}

// Features returns relu1_1, relu2_1, relu3_1 and relu4_1 (LayerNames) of
// images [N, 3, H, W] (NCHW, RGB in [0, 1]); each pooling halves the size,
// rounding up. It panics on images of another shape, as graph functions do.
func (e *Encoder) Features(images *Node) []*Node {
	return e.features(images, constants(images.Graph(), e.convs))
}

// Encode returns relu4_1 of images, f(x) in Huang & Belongie's notation.
func (e *Encoder) Encode(images *Node) *Node {
	return forward(checkImages("Encoder.Encode", images), encoderLayers, constants(images.Graph(), e.convs), encoderTaps[3:])[0]
}

func (e *Encoder) features(images *Node, params []*Node) []*Node {
	return forward(checkImages("Encoder.Features", images), encoderLayers, params, encoderTaps)
}

// Channels returns the number of channels of relu4_1 (512 for the published weights).
func (e *Encoder) Channels() int { return e.convs[len(e.convs)-1].bias.Shape().Dimensions[0] }

// IsRandom reports whether the weights are RandomEncoder's rather than trained.
func (e *Encoder) IsRandom() bool { return e.random }

// String says what the encoder is and where its weights came from.
func (e *Encoder) String() string {
	return fmt.Sprintf("AdaIN encoder (normalised VGG-19 to relu4_1, %d channels), %s", e.Channels(), e.source)
}

func checkImages(what string, images *Node) *Node {
	if images.Rank() != 4 || images.Shape().Dimensions[1] != 3 {
		exceptions.Panicf("adain: %s wants images [N, 3, H, W] (NCHW, RGB), got shape %s", what, images.Shape())
	}
	return images
}
