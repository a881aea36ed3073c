package inception

// The network is written once, over an abstract value T, and interpreted
// twice: over channel counts (checker, in load.go), which validates a
// weights file key by key before anything is built, and over graph nodes
// (builder, in model.go). The layer order, key names and geometry are
// torchvision 0.14's Inception3 with pytorch-fid's FID blocks
// (fid_inception_v3 in pytorch-fid's src/pytorch_fid/inception.py).
type ops[T any] interface {
	// conv is torchvision's BasicConv2d: a convolution without bias, batch
	// norm (eps 0.001, running statistics) and ReLU; its tensors are
	// name+".conv.weight" and name+".bn.{weight,bias,running_mean,running_var}".
	conv(x T, name string, g geometry) T
	// maxPool is a 3×3 max pool (padding never matters: inputs are ReLU
	// outputs, ≥ 0, and every window holds at least one of them).
	maxPool(x T, stride, padding int) T
	// avgPool is FID's 3×3, stride-1, padding-1 average pool with
	// count_include_pad=False: TensorFlow's average, which ignores the padding.
	avgPool(x T) T
	// concat joins branches along the channel axis.
	concat(xs ...T) T
}

// geometry is a convolution's kernel size, stride and padding per axis.
type geometry struct {
	kh, kw, stride, ph, pw int
}

var (
	conv1x1 = geometry{kh: 1, kw: 1, stride: 1}
	conv3x3 = geometry{kh: 3, kw: 3, stride: 1} // unpadded
	same3x3 = geometry{kh: 3, kw: 3, stride: 1, ph: 1, pw: 1}
	down3x3 = geometry{kh: 3, kw: 3, stride: 2} // stride 2, unpadded
	same5x5 = geometry{kh: 5, kw: 5, stride: 1, ph: 2, pw: 2}
	row1x3  = geometry{kh: 1, kw: 3, stride: 1, pw: 1}
	col3x1  = geometry{kh: 3, kw: 1, stride: 1, ph: 1}
	row1x7  = geometry{kh: 1, kw: 7, stride: 1, pw: 3}
	col7x1  = geometry{kh: 7, kw: 1, stride: 1, ph: 3}
)

// network maps the 299×299 input x (already scaled to [-1, 1]) to the
// output of Mixed_7c, [N, 2048, 8, 8] at full width, before the final
// average pool.
func network[T any](o ops[T], x T) T {
	x = o.conv(x, "Conv2d_1a_3x3", down3x3)
	x = o.conv(x, "Conv2d_2a_3x3", conv3x3)
	x = o.conv(x, "Conv2d_2b_3x3", same3x3)
	x = o.maxPool(x, 2, 0)
	x = o.conv(x, "Conv2d_3b_1x1", conv1x1)
	x = o.conv(x, "Conv2d_4a_3x3", conv3x3)
	x = o.maxPool(x, 2, 0)
	for _, name := range []string{"Mixed_5b", "Mixed_5c", "Mixed_5d"} {
		x = inceptionA(o, x, name)
	}
	x = inceptionB(o, x, "Mixed_6a")
	for _, name := range []string{"Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"} {
		x = inceptionC(o, x, name)
	}
	x = inceptionD(o, x, "Mixed_7a")
	x = inceptionE(o, x, "Mixed_7b", false)
	return inceptionE(o, x, "Mixed_7c", true)
}

// layer names a convolution of a block and gives its geometry.
type layer struct {
	name string
	g    geometry
}

// chain applies the block's convolutions in turn.
func chain[T any](o ops[T], x T, block string, layers ...layer) T {
	for _, l := range layers {
		x = o.conv(x, block+"."+l.name, l.g)
	}
	return x
}

// inceptionA is FIDInceptionA (Mixed_5b, 5c, 5d).
func inceptionA[T any](o ops[T], x T, block string) T {
	return o.concat(
		chain(o, x, block, layer{"branch1x1", conv1x1}),
		chain(o, x, block, layer{"branch5x5_1", conv1x1}, layer{"branch5x5_2", same5x5}),
		chain(o, x, block, layer{"branch3x3dbl_1", conv1x1}, layer{"branch3x3dbl_2", same3x3}, layer{"branch3x3dbl_3", same3x3}),
		chain(o, o.avgPool(x), block, layer{"branch_pool", conv1x1}),
	)
}

// inceptionB is torchvision's InceptionB (Mixed_6a), which halves the size.
func inceptionB[T any](o ops[T], x T, block string) T {
	return o.concat(
		chain(o, x, block, layer{"branch3x3", down3x3}),
		chain(o, x, block, layer{"branch3x3dbl_1", conv1x1}, layer{"branch3x3dbl_2", same3x3}, layer{"branch3x3dbl_3", down3x3}),
		o.maxPool(x, 2, 0),
	)
}

// inceptionC is FIDInceptionC (Mixed_6b to 6e): 7×7 convolutions factored
// into 1×7 and 7×1.
func inceptionC[T any](o ops[T], x T, block string) T {
	return o.concat(
		chain(o, x, block, layer{"branch1x1", conv1x1}),
		chain(o, x, block, layer{"branch7x7_1", conv1x1}, layer{"branch7x7_2", row1x7}, layer{"branch7x7_3", col7x1}),
		chain(o, x, block, layer{"branch7x7dbl_1", conv1x1}, layer{"branch7x7dbl_2", col7x1}, layer{"branch7x7dbl_3", row1x7},
			layer{"branch7x7dbl_4", col7x1}, layer{"branch7x7dbl_5", row1x7}),
		chain(o, o.avgPool(x), block, layer{"branch_pool", conv1x1}),
	)
}

// inceptionD is torchvision's InceptionD (Mixed_7a), which halves the size.
func inceptionD[T any](o ops[T], x T, block string) T {
	return o.concat(
		chain(o, x, block, layer{"branch3x3_1", conv1x1}, layer{"branch3x3_2", down3x3}),
		chain(o, x, block, layer{"branch7x7x3_1", conv1x1}, layer{"branch7x7x3_2", row1x7}, layer{"branch7x7x3_3", col7x1},
			layer{"branch7x7x3_4", down3x3}),
		o.maxPool(x, 2, 0),
	)
}

// inceptionE is FIDInceptionE_1 (Mixed_7b, average pool) or, with maxPool,
// FIDInceptionE_2 (Mixed_7c): TensorFlow's graph, which pytorch-fid's weights
// come from, max-pools there where the paper's network averages.
func inceptionE[T any](o ops[T], x T, block string, maxPool bool) T {
	b1 := chain(o, x, block, layer{"branch1x1", conv1x1})
	b3 := chain(o, x, block, layer{"branch3x3_1", conv1x1})
	b3 = o.concat(chain(o, b3, block, layer{"branch3x3_2a", row1x3}), chain(o, b3, block, layer{"branch3x3_2b", col3x1}))
	bd := chain(o, x, block, layer{"branch3x3dbl_1", conv1x1}, layer{"branch3x3dbl_2", same3x3})
	bd = o.concat(chain(o, bd, block, layer{"branch3x3dbl_3a", row1x3}), chain(o, bd, block, layer{"branch3x3dbl_3b", col3x1}))
	pool := o.avgPool(x)
	if maxPool {
		pool = o.maxPool(x, 1, 1)
	}
	return o.concat(b1, b3, bd, chain(o, pool, block, layer{"branch_pool", conv1x1}))
}
