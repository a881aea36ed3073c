package conv

import (
	"sync"

	"github.com/neuralart/neuralart/pkg/backend/internal/parallel"
	"github.com/neuralart/neuralart/pkg/backend/internal/sgemm"
)

const (
	// patchBudget bounds the values of one block of patches (4 MiB): large
	// enough that each block is a GEMM worth packing for, small enough to
	// stay in the last-level cache on the way from the filler to the GEMM.
	patchBudget = 1 << 20
	// minBlockColumns keeps blocks wide when the kernel is deep (512·3·3
	// rows): the GEMM packs the kernel matrix once per block.
	minBlockColumns = 256
)

// Direct computes the convolution of x with the kernel w into y
// (overwritten), reading and writing each through the problem's strides.
func Direct(p *Problem, x, w, y []float32) error {
	if err := p.check(); err != nil {
		return err
	}
	if p.matMul(x, w, y) {
		return nil
	}
	groups, outPerGroup := p.groups()
	depth := p.InChannels * p.Kernel[0] * p.Kernel[1]
	spatial := p.Output[0] * p.Output[1]
	columns := p.Batch * spatial
	if outPerGroup == 0 || columns == 0 {
		return nil
	}
	if depth == 0 {
		p.forEachOutput(func(offset int) { y[offset] = 0 })
		return nil
	}
	// Patches are filled along their longer runs of input: P row by row
	// straight into the GEMM's packing buffers (sgemm.MulRows), or, when a
	// kernel is wider than the output (kernel gradients), Pᵀ in blocks,
	// read from the problem with output and kernel swapped.
	transposed := groups == 1 && p.Kernel[1] > p.Output[1]
	wide := max(minBlockColumns, patchBudget/outPerGroup)
	if transposed {
		wide = max(minBlockColumns, patchBudget/depth)
	}
	// Blocks write the output in place when it stores them contiguously,
	// else go through a scratch block (worth it when the runs are short).
	run := p.outputRun()
	inPlace := run >= min(columns, wide/2)
	var patch, packed, block *[]float32
	for g := range groups {
		a := p.kernelMatrix(w, g, outPerGroup, depth, &packed)
		for j0 := 0; j0 < columns; {
			n := min(wide, columns-j0)
			if inPlace {
				n = min(n, run-j0%run)
			}
			dst, ldc := []float32(nil), n
			if inPlace {
				dst, ldc = y[p.outputOffset(g*outPerGroup, j0):], max(p.OutputStrides[1], n)
			} else {
				block = ensureScratch(block, outPerGroup*n)
				dst = *block
			}
			if !transposed {
				sgemm.MulRows(false, outPerGroup, n, depth, a, depth, patchRows{p, x, g, j0}, dst, ldc)
			} else {
				patch = ensureScratch(patch, patchBudget)
				p.mulTransposedPatches(a, x, j0, n, depth, outPerGroup, *patch, dst, ldc)
			}
			if !inPlace {
				p.scatter(y, dst, g*outPerGroup, outPerGroup, j0, n)
			}
			j0 += n
		}
	}
	putScratch(patch)
	putScratch(packed)
	putScratch(block)
	return nil
}

// patchRows are the rows of group g's patch matrix P from column j0 on.
type patchRows struct {
	p  *Problem
	x  []float32
	g  int
	j0 int
}

func (r patchRows) Row(dst []float32, row, j int) { r.p.fillRow(dst, r.x, r.g, row, r.j0+j) }

// mulTransposedPatches sets dst (ldc) to the kernel matrix a times the
// columns j0…j0+n-1 of P, filling Pᵀ from the swapped problem in slices of
// r that fit patch, summed.
func (p *Problem) mulTransposedPatches(a, x []float32, j0, n, depth, outs int, patch, dst []float32, ldc int) {
	swapped := p.swapped()
	rowsPerSlice := min(depth, max(1, len(patch)/n))
	for r0 := 0; r0 < depth; r0 += rowsPerSlice {
		rows := min(rowsPerSlice, depth-r0)
		pm := patch[:rows*n]
		swapped.fillPatch(pm, x, 0, j0, n, r0, rows)
		mul := sgemm.Mul
		if r0 > 0 {
			mul = sgemm.MulAdd
		}
		mul(false, true, outs, n, rows, a[r0:], depth, pm, rows, dst, ldc)
	}
}

// swapped is the problem with the output positions and kernel taps, and the
// input's images and channels, exchanged: its patch matrix is Pᵀ. Only its
// geometry is used, to fill patches (a single group).
func (p *Problem) swapped() Problem {
	t := *p
	t.Batch, t.InChannels = p.InChannels, p.Batch
	t.Kernel, t.Output = p.Output, p.Kernel
	t.Stride, t.KernelDilation = p.KernelDilation, p.Stride
	t.InputStrides[0], t.InputStrides[1] = p.InputStrides[1], p.InputStrides[0]
	return t
}

// outputRun is the number of consecutive columns j that the output stores
// at consecutive addresses (a GEMM can write them in place), 0 if none.
func (p *Problem) outputRun() int {
	s := p.OutputStrides
	run := 0
	if s[3] == 1 {
		run = p.Output[1]
		if s[2] == p.Output[1] {
			run *= p.Output[0]
			if s[0] == run || p.Batch == 1 {
				run *= p.Batch
			}
		}
	}
	return run
}

// outputOffset is the position in y of output channel co at column j.
func (p *Problem) outputOffset(co, j int) int {
	spatial := p.Output[0] * p.Output[1]
	b, s := j/spatial, j%spatial
	os := p.OutputStrides
	return b*os[0] + co*os[1] + s/p.Output[1]*os[2] + s%p.Output[1]*os[3]
}

// forEachOutput calls f with the offset of every output element.
func (p *Problem) forEachOutput(f func(offset int)) {
	for co := range p.OutChannels {
		for j := range p.Batch * p.Output[0] * p.Output[1] {
			f(p.outputOffset(co, j))
		}
	}
}

// scatter writes the block c ([outs][n], output channels from co0, columns
// from j0) into y.
func (p *Problem) scatter(y, c []float32, co0, outs, j0, n int) {
	step := p.OutputStrides[1]
	for jj := range n {
		offset := p.outputOffset(co0, j0+jj)
		for i := range outs {
			y[offset+i*step] = c[i*n+jj]
		}
	}
}

// kernelMatrix returns group g's kernel as a row-major [outs][depth]
// matrix, r = (input channel, row, column) in the order the patches use,
// with flips applied: a slice of w itself when w is stored so, else a copy
// into *scratch.
func (p *Problem) kernelMatrix(w []float32, g, outs, depth int, scratch **[]float32) []float32 {
	kh, kw := p.Kernel[0], p.Kernel[1]
	ks := p.KernelStrides
	if !p.Flip[0] && !p.Flip[1] && ks[3] == 1 && ks[2] == kw && ks[1] == kh*kw && ks[0] == depth {
		return w[g*outs*depth:]
	}
	*scratch = ensureScratch(*scratch, outs*depth)
	a := **scratch
	// One kernel's taps, flipped as asked, from w at base into dst.
	taps := func(dst []float32, base int) {
		r := 0
		for th := range kh {
			if p.Flip[0] {
				th = kh - 1 - th
			}
			for tw := range kw {
				if p.Flip[1] {
					tw = kw - 1 - tw
				}
				dst[r] = w[base+th*ks[2]+tw*ks[3]]
				r++
			}
		}
	}
	// Walk w in its storage order: an input gradient's kernel is stored
	// with the input channels outermost.
	first := g * outs * ks[0]
	if ks[1] > ks[0] {
		for ci := range p.InChannels {
			for o := range outs {
				taps(a[o*depth+ci*kh*kw:], first+o*ks[0]+ci*ks[1])
			}
		}
		return a
	}
	for o := range outs {
		for ci := range p.InChannels {
			taps(a[o*depth+ci*kh*kw:], first+o*ks[0]+ci*ks[1])
		}
	}
	return a
}

// fillPatch sets dst ([rows][n]) to the patch rows r0… of group g for the
// columns j0…j0+n-1, splitting the rows over the CPUs.
func (p *Problem) fillPatch(dst, x []float32, g, r0, rows, j0, n int) {
	parallel.For(rows, parallel.Workers(rows, rows*n, 1<<15), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p.fillRow(dst[i*n:(i+1)*n], x, g, r0+i, j0)
		}
	})
}

// fillRow sets row to P[r, j0…], one output row at a time.
func (p *Problem) fillRow(row, x []float32, g, r, j0 int) {
	taps := p.Kernel[0] * p.Kernel[1]
	ci, th, tw := r/taps, r%taps/p.Kernel[1], r%taps%p.Kernel[1]
	xs := p.InputStrides
	channel, image := ci, 0
	if p.ChannelGroups > 1 {
		channel += g * p.InChannels
	}
	if p.BatchGroups > 1 {
		image = g * p.Batch
	}
	cols := p.columns(tw)
	spatial, width := p.Output[0]*p.Output[1], p.Output[1]
	b, oh, ow := j0/spatial, j0%spatial/width, j0%width
	// Whole output rows read whole input rows when both are stored densely
	// and consecutive output rows read consecutive input rows.
	bulk := cols.dense && p.Stride[0] == 1 && p.InputDilation[0] == 1 && xs[2] == width
	for col := 0; col < len(row); {
		if rows := min((len(row)-col)/width, p.Output[0]-oh); bulk && ow == 0 && rows > 1 {
			p.fillRows(row[col:col+rows*width], x, (image+b)*xs[0]+channel*xs[1], oh, th, &cols)
			col += rows * width
			oh += rows
			if oh == p.Output[0] {
				oh, b = 0, b+1
			}
			continue
		}
		seg := row[col:min(col+width-ow, len(row))]
		if u, ok := p.inputIndex(0, oh, th); ok {
			cols.fill(seg, x, (image+b)*xs[0]+channel*xs[1]+u*xs[2], ow)
		} else {
			clear(seg)
		}
		col += len(seg)
		ow, oh = 0, oh+1
		if oh == p.Output[0] {
			oh, b = 0, b+1
		}
	}
}

// fillRows sets dst to whole output rows oh… (tap row th) of the channel
// plane at base, with one copy: output row o reads input row o + th − pad,
// and a dense plane stores those rows end to end.
func (p *Problem) fillRows(dst, x []float32, base, oh, th int, cols *columnMap) {
	width, rows := p.Output[1], len(dst)/p.Output[1]
	first := max(0, min(p.PadStart[0]-th*p.KernelDilation[0], rows+oh)-oh)            // rows before the input
	last := max(first, min(rows, p.Input[0]+p.PadStart[0]-th*p.KernelDilation[0]-oh)) // rows up to its end
	clear(dst[:first*width])
	clear(dst[last*width:])
	if first == last || cols.lo == cols.hi {
		clear(dst[first*width : last*width])
		return
	}
	u := oh + first + th*p.KernelDilation[0] - p.PadStart[0]
	src := base + u*p.InputStrides[2] + cols.start
	lo, hi := first*width+cols.lo, (last-1)*width+cols.hi
	copy(dst[lo:hi], x[src+cols.lo:src+cols.lo+hi-lo])
	// Columns outside [lo, hi) of each row got their neighbours' elements.
	for r := first; r < last; r++ {
		clear(dst[r*width : r*width+cols.lo])
		clear(dst[r*width+cols.hi : (r+1)*width])
	}
}

// inputIndex is the input index that output o meets at kernel tap t along
// axis, and whether it is a real input element (not padding, not a hole of
// the input dilation).
func (p *Problem) inputIndex(axis, o, t int) (int, bool) {
	u := o*p.Stride[axis] + t*p.KernelDilation[axis] - p.PadStart[axis]
	d := p.InputDilation[axis]
	if u < 0 || u >= p.Input[axis]*d || (d > 1 && u%d != 0) {
		return 0, false
	}
	return u / d, true
}

// columnMap says where the output columns of kernel column tw read an input
// row: output column c reads input column start + c·step (times the input's
// column stride) for lo ≤ c < hi, and zero elsewhere. With input dilation
// the valid columns are not a range: dilated marks that case.
type columnMap struct {
	p              *Problem
	tw             int
	lo, hi         int
	start, step    int
	dilated, dense bool
}

func (p *Problem) columns(tw int) columnMap {
	m := columnMap{p: p, tw: tw, dilated: p.InputDilation[1] > 1}
	if m.dilated {
		return m
	}
	stride := p.Stride[1]
	u0 := tw*p.KernelDilation[1] - p.PadStart[1] // input column of output column 0
	if u0 < 0 {
		m.lo = (-u0 + stride - 1) / stride
	}
	if last := p.Input[1] - 1 - u0; last >= 0 {
		m.hi = max(last/stride+1, m.lo)
	} else {
		m.hi = m.lo
	}
	m.hi = min(m.hi, p.Output[1])
	m.lo = min(m.lo, m.hi)
	m.start, m.step = u0*p.InputStrides[3], stride*p.InputStrides[3]
	m.dense = m.step == 1
	return m
}

// fill sets seg to the output columns ow… of the input row at base.
func (m *columnMap) fill(seg, x []float32, base, ow int) {
	if m.dilated {
		step := m.p.InputStrides[3]
		for c := range seg {
			if u, ok := m.p.inputIndex(1, ow+c, m.tw); ok {
				seg[c] = x[base+u*step]
			} else {
				seg[c] = 0
			}
		}
		return
	}
	// seg[c] is output column ow+c: valid for lo-ow ≤ c < hi-ow.
	lo, hi := min(max(m.lo-ow, 0), len(seg)), min(max(m.hi-ow, 0), len(seg))
	hi = max(hi, lo)
	clear(seg[:lo])
	clear(seg[hi:])
	if lo == hi {
		return
	}
	src := base + m.start + (ow+lo)*m.step
	if m.dense {
		copy(seg[lo:hi], x[src:src+hi-lo])
		return
	}
	for c := lo; c < hi; c++ {
		seg[c] = x[src]
		src += m.step
	}
}

var scratchPool sync.Pool

// getScratch returns a buffer of at least n values.
func getScratch(n int) *[]float32 {
	if s, ok := scratchPool.Get().(*[]float32); ok && cap(*s) >= n {
		*s = (*s)[:n]
		return s
	}
	s := make([]float32, n)
	return &s
}

// ensureScratch returns s when it holds n values, else a (pooled) buffer that does.
func ensureScratch(s *[]float32, n int) *[]float32 {
	if s != nil && cap(*s) >= n {
		*s = (*s)[:n]
		return s
	}
	putScratch(s)
	return getScratch(n)
}

func putScratch(s *[]float32) {
	if s != nil {
		scratchPool.Put(s)
	}
}
