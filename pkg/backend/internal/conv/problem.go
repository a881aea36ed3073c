package conv

import "fmt"

// Strides are the element strides of a 4-D tensor's axes: (batch, channel,
// row, column) for inputs and outputs, (output channel, input channel, row,
// column) for kernels. Any layout, transposed views included, is a choice of
// strides.
type Strides [4]int

// Problem is one 2-D convolution in XLA's general form.
type Problem struct {
	// Batch is the number of output images; the input has Batch·BatchGroups.
	Batch int
	// InChannels is the kernel's input channels: the input's channels per
	// channel group.
	InChannels int
	// OutChannels is the number of output channels, all groups together.
	OutChannels int
	// ChannelGroups splits the input channels into groups convolved with
	// their own block of OutChannels/ChannelGroups kernels; BatchGroups does
	// the same with the input images (a grouped convolution's kernel
	// gradient). At most one of them is above 1.
	ChannelGroups, BatchGroups int

	// Input, Kernel and Output are the spatial sizes (rows, columns).
	Input, Kernel, Output [2]int
	// Stride, KernelDilation and InputDilation are per spatial axis (≥ 1).
	Stride, KernelDilation, InputDilation [2]int
	// PadStart is the padding before the first row and column of the
	// dilated input (negative crops).
	PadStart [2]int
	// Flip reads the kernel reversed along rows or columns (the input
	// gradient's kernel), so the reversal never runs as an op.
	Flip [2]bool

	InputStrides, KernelStrides, OutputStrides Strides
}

// groups returns the number of groups and the output channels of each.
func (p *Problem) groups() (groups, outPerGroup int) {
	groups = max(p.ChannelGroups, p.BatchGroups, 1)
	return groups, p.OutChannels / groups
}

// check reports a problem whose sizes do not describe a convolution.
func (p *Problem) check() error {
	groups, _ := p.groups()
	switch {
	case p.Batch < 0 || p.InChannels < 0 || p.OutChannels < 0:
		return fmt.Errorf("conv: negative size in %+v", *p)
	case p.ChannelGroups > 1 && p.BatchGroups > 1:
		return fmt.Errorf("conv: both channel groups (%d) and batch groups (%d)", p.ChannelGroups, p.BatchGroups)
	case p.OutChannels%groups != 0:
		return fmt.Errorf("conv: %d output channels do not split into %d groups", p.OutChannels, groups)
	}
	for a := range 2 {
		if p.Stride[a] < 1 || p.KernelDilation[a] < 1 || p.InputDilation[a] < 1 {
			return fmt.Errorf("conv: stride %v, kernel dilation %v and input dilation %v must be at least 1",
				p.Stride, p.KernelDilation, p.InputDilation)
		}
	}
	return nil
}

// FLOPs is the number of floating-point operations of the problem
// computed directly: two per multiply-add.
func (p *Problem) FLOPs() int {
	return 2 * p.Batch * p.OutChannels * p.InChannels *
		p.Kernel[0] * p.Kernel[1] * p.Output[0] * p.Output[1]
}
