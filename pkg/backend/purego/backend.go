package purego

import (
	"slices"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// Name is the name this backend is registered under (GOMLX_BACKEND=neuralart).
const Name = "neuralart"

func init() {
	backends.Register(Name, func(config string) (backends.Backend, error) { return newBackend(config) })
}

// Backend is the project's pure-Go GoMLX backend: simplego (GoMLX's portable
// Go backend) plus lowerings of the ops simplego lacks (Pad, Reverse,
// SelectAndScatter, BatchNorm, DynamicSlice, DynamicUpdateSlice), and
// executors of its own for float32 convolutions (Winograd, or GEMMs over
// patches), matrix products, broadcasts and sums; see the package doc.
//
// Buffers, compilation and scheduling are simplego's: graph building (see
// Builder) and the executors of some ops differ.
type Backend struct {
	*simplego.Backend
}

// New returns the project's pure-Go backend, registered as Name.
func New() (backends.Backend, error) { return newBackend("") }

// newBackend accepts simplego's configuration string (e.g. "parallelism=2").
// Ops run one after another ("ops_sequential") unless config says
// "ops_parallel": in GoMLX v0.26, simplego's parallel op scheduler can
// deadlock, every pool worker running an op that waits for a free worker to
// split its own work (seen with one CPU, and possible with more). Each big op
// still uses all cores.
func newBackend(config string) (*Backend, error) {
	if !slices.ContainsFunc(strings.Split(config, ","), func(option string) bool { return strings.HasPrefix(option, "ops_") }) {
		config = strings.TrimPrefix(config+",ops_sequential", ",")
	}
	b, err := simplego.New(config)
	if err != nil {
		return nil, err
	}
	sb := b.(*simplego.Backend)
	ownBackends.Store(sb, true)
	return &Backend{Backend: sb}, nil
}

// Name returns the backend's name, Name.
func (b *Backend) Name() string { return Name }

// String returns Name.
func (b *Backend) String() string { return Name }

// Description says what the backend is.
func (b *Backend) Description() string {
	return "neuralart pure-Go backend (GoMLX simplego + lowered Pad, Reverse, SelectAndScatter, BatchNorm, DynamicSlice; Winograd and GEMM convolutions)"
}

// Capabilities reports simplego's capabilities plus the lowered ops.
func (b *Backend) Capabilities() backends.Capabilities {
	c := b.Backend.Capabilities().Clone()
	for _, op := range loweredOps {
		c.Operations[op] = true
	}
	return c
}

// loweredOps are the ops this backend adds to simplego.
var loweredOps = []backends.OpType{
	backends.OpTypePad,
	backends.OpTypeReverse,
	backends.OpTypeSelectAndScatterMax,
	backends.OpTypeSelectAndScatterMin,
	backends.OpTypeBatchNormForInference,
	backends.OpTypeBatchNormForTraining,
	backends.OpTypeBatchNormGradient,
	backends.OpTypeDynamicSlice,
	backends.OpTypeDynamicUpdateSlice,
	backends.OpTypeConvGeneral,
}

// Builder returns a graph builder that lowers the ops simplego lacks.
func (b *Backend) Builder(name string) backends.Builder {
	return &Builder{Builder: b.Backend.Builder(name).(*simplego.Builder),
		reversed: map[backends.Op]reversal{}, constants: map[backends.Op]bool{},
		zeros: map[backends.Op]bool{}, zeroExtended: map[backends.Op]zeroExtension{}}
}

// Builder is simplego's builder with the lowered ops overridden. Each
// lowering emits only simplego ops, so the compiled graph runs on simplego's
// executor; configurations that cannot be lowered return an error here, at
// build time, never at run time.
type Builder struct {
	*simplego.Builder

	// reversed records the operand of each Reverse, so that a convolution
	// of a reversed kernel (every convolution's input gradient) reads the
	// kernel backwards instead of materializing the reversal.
	reversed map[backends.Op]reversal

	// constants records the graph's constants, whose derived forms (a
	// convolution kernel's Winograd transform) can be computed once.
	constants map[backends.Op]bool

	// zeros and zeroExtended record ops known to be zeros, and ops that are
	// another extended with zeros, so that a convolution skips a kernel's
	// zero taps (see stripZeroTaps).
	zeros        map[backends.Op]bool
	zeroExtended map[backends.Op]zeroExtension
}

// Constant is simplego's, recorded in constants (and zeros).
func (b *Builder) Constant(flat any, dims ...int) (backends.Op, error) {
	op, err := b.Builder.Constant(flat, dims...)
	if err == nil {
		b.constants[op] = true
		if isZeroScalar(flat) {
			b.zeros[op] = true
		}
	}
	return op, err
}

// reversal is a Reverse op's operand and axes.
type reversal struct {
	x    backends.Op
	axes []int
}

var _ backends.Builder = (*Builder)(nil)

// Finalize releases the backend's resources.
func (b *Backend) Finalize() {
	ownBackends.Delete(b.Backend)
	b.Backend.Finalize()
}
