package winograd

import (
	"sync"

	"github.com/neuralart/neuralart/pkg/backend/internal/parallel"
	"github.com/neuralart/neuralart/pkg/backend/internal/sgemm"
)

// Algorithm selects the output tile size of the Winograd convolution.
type Algorithm int

const (
	// F4x4 is F(4×4, 3×3): 6×6 input tiles, 4× fewer multiplies than a
	// direct convolution.
	F4x4 Algorithm = iota
	// F2x2 is F(2×2, 3×3): 4×4 input tiles, 2.25× fewer multiplies, and
	// an error close to a direct convolution's.
	F2x2
)

func (a Algorithm) String() string {
	switch a {
	case F4x4:
		return "F(4x4,3x3)"
	case F2x2:
		return "F(2x2,3x3)"
	}
	return "winograd.Algorithm(?)"
}

// algorithm holds the tile geometry and the transforms of an Algorithm.
// The input and output transforms work on groups of 8 tiles (lanes), so
// that they can run as 8-lane vector code.
type algorithm struct {
	m, alpha int // output and input tile sizes, α = m + 2
	kernel   func(g *[9]float64, u *[36]float64)
	// input8 writes V[ξ] of the patches d[·][k] to v[ξ*stride+k].
	input8 func(d *[36][8]float32, v []float32, stride int)
	// output8 writes to y[·][k] the output block of M[ξ] = m[ξ*stride+k].
	output8 func(m []float32, stride int, y *[16][8]float32)
	// Optional vector paths (nil where there are none) for a run: 8 tiles
	// side by side in one tile row, with unit column stride. gatherRun
	// loads their patches, lying wholly in x (row stride rs), into d;
	// outputRun writes their whole output blocks to y (row stride rs).
	gatherRun func(x []float32, rs int, d *[36][8]float32)
	outputRun func(m []float32, stride int, y []float32, rs int)
}

var algorithms = [...]algorithm{
	F4x4: {m: 4, alpha: 6, kernel: kernelF4, input8: inputLanes(inputF4), output8: outputLanes(36, outputF4)},
	F2x2: {m: 2, alpha: 4, kernel: kernelF2, input8: inputLanes(inputF2), output8: outputLanes(16, outputF2)},
}

// Kernel is a 3×3 kernel transformed once for a Winograd convolution.
// It is read-only, so one Kernel may serve concurrent Convs.
type Kernel struct {
	alg       *algorithm
	cout, cin int
	u         []float32 // U = G g Gᵀ laid out [α²][cout][cin]
	ld        int       // the stride between the U[ξ]
}

// TransformKernel is F4x4.TransformKernel.
func TransformKernel(w []float32, cout, cin int, strides [4]int, flipH, flipW bool) *Kernel {
	return F4x4.TransformKernel(w, cout, cin, strides, flipH, flipW)
}

// TransformKernel reads w as a [cout][cin][3][3] kernel through explicit
// element strides (strides[0] for the output channel, [1] input channel,
// [2] row, [3] column; so a transposed-channel view is just swapped
// strides) and returns its Winograd transform. flipH/flipW read the kernel
// with rows/columns reversed (the input gradient's kernel).
func (a Algorithm) TransformKernel(w []float32, cout, cin int, strides [4]int, flipH, flipW bool) *Kernel {
	alg := &algorithms[a]
	aa := alg.alpha * alg.alpha
	k := &Kernel{alg: alg, cout: cout, cin: cin, ld: spread(cout * cin)}
	k.u = make([]float32, aa*k.ld)
	// Flips become a start at the last row/column and a negated stride.
	base, rs, cs := 0, strides[2], strides[3]
	if flipH {
		base, rs = base+2*rs, -rs
	}
	if flipW {
		base, cs = base+2*cs, -cs
	}
	parallelFor(cout, 1, func(lo, hi int) {
		var g [9]float64
		var u [36]float64
		row := make([]float32, aa*cin) // U[·][co][·], ξ-major
		for co := lo; co < hi; co++ {
			for ci := range cin {
				o := base + co*strides[0] + ci*strides[1]
				for r := range 3 {
					for c := range 3 {
						g[3*r+c] = float64(w[o+r*rs+c*cs])
					}
				}
				alg.kernel(&g, &u)
				for xi := range aa {
					row[xi*cin+ci] = float32(u[xi])
				}
			}
			for xi := range aa {
				copy(k.u[xi*k.ld+co*cin:], row[xi*cin:(xi+1)*cin])
			}
		}
	})
	return k
}

// Conv computes y[b][co][i][j] = Σ_ci Σ_{r,s<3} w[co][ci][r][s] ·
// x[b][ci][i+r-padTop][j+s-padLeft] (a cross-correlation, as in deep
// learning; x is zero outside), for output size outH×outW, with x read
// through strides xs (batch, channel, row, column) and y written
// (overwritten) through strides ys. x has batch×cin×h×w elements.
//
// Padding and output size are free: outH = h + padTop + padBottom - 2
// gives the usual padded convolution, and a smaller outH crops it.
// Strides must be non-negative, and y must not overlap x.
func Conv(k *Kernel, x []float32, batch, h, w int, xs [4]int, padTop, padLeft, outH, outW int, y []float32, ys [4]int) {
	if batch <= 0 || outH <= 0 || outW <= 0 || k.cout == 0 {
		return
	}
	alg := k.alg
	tilesH, tilesW := ceilDiv(outH, alg.m), ceilDiv(outW, alg.m)
	total := batch * tilesH * tilesW
	// Equal chunks of at most maxChunk tiles that keep V and M within
	// scratchBudget.
	per := min(maxChunk, max(16, scratchBudget/(alg.alpha*alg.alpha*(k.cin+k.cout))/16*16))
	per = ceilDiv(total, ceilDiv(total, per))
	per8 := (per + 7) &^ 7

	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	s.tiles = grow(s.tiles, per)
	s.v = grow(s.v, alg.alpha*alg.alpha*spread(k.cin*per8))
	s.m = grow(s.m, alg.alpha*alg.alpha*spread(k.cout*per8))

	c := conv{k: k, alg: alg, s: s, x: x, xs: xs, y: y, ys: ys}
	for t0 := 0; t0 < total; t0 += per {
		n := min(per, total-t0)
		c.n, c.n8 = n, (n+7)&^7
		c.ldv, c.ldm = spread(k.cin*c.n8), spread(k.cout*c.n8)
		for t := range n {
			g := t0 + t
			b, th, tw := g/(tilesH*tilesW), g/tilesW%tilesH, g%tilesW
			s.tiles[t] = newTile(alg, b, th, tw, h, w, xs, padTop, padLeft, outH, outW, ys)
			s.tiles[t].line = g / tilesW
		}
		groups := c.n8 / 8
		parallelFor(k.cin*groups, 2, c.transformInput)
		parallelFor(alg.alpha*alg.alpha, 1, c.multiply)
		parallelFor(k.cout*groups, 2, c.transformOutput)
	}
}

// Chunks of tiles. Each GEMM packs its U[ξ] afresh, so a chunk must be
// wide (the GEMMs' n) to pay for that; but the output transform reads M
// back from cache, so it must not be wider than that needs. scratchBudget
// bounds the float32s of V and M of a chunk (16 MiB, at most 112 tiles
// for 512 channels in and out), maxChunk the tiles (V and M of 256 tiles
// of 64 channels take 4.5 MiB).
const (
	scratchBudget = 1 << 22
	maxChunk      = 256
)

// scratch is the memory of one Conv, reused through scratchPool.
type scratch struct {
	tiles []tile
	v, m  []float32 // V [α²][cin][n8] and M [α²][cout][n8] for a chunk of n tiles
}

// spread returns the stride, at least n, at which to store the α² matrices
// of n elements that a transform reads or writes all at once: an odd
// multiple of 64 bytes, so that they fall in distinct cache sets rather
// than, for a power-of-two n, all in one.
func spread(n int) int {
	n = (n + 15) &^ 15
	if n&16 == 0 {
		n += 16
	}
	return n
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// tile is where one tile's input patch and output block lie.
type tile struct {
	x              int // offset in x of the patch's first in-bounds element, channel 0
	r0, r1, c0, c1 int // the in-bounds rows and columns of the α×α patch
	y              int // offset in y of the output block, channel 0
	rows, cols     int // the part of the m×m output block within outH×outW
	line           int // tiles of one line (batch and tile row) are side by side
}

func newTile(alg *algorithm, b, th, tw, h, w int, xs [4]int, padTop, padLeft, outH, outW int, ys [4]int) tile {
	i0, j0 := th*alg.m, tw*alg.m
	t := tile{
		r0: max(0, padTop-i0), r1: min(alg.alpha, h+padTop-i0),
		c0: max(0, padLeft-j0), c1: min(alg.alpha, w+padLeft-j0),
		y:    b*ys[0] + i0*ys[2] + j0*ys[3],
		rows: min(alg.m, outH-i0), cols: min(alg.m, outW-j0),
	}
	if t.r0 >= t.r1 || t.c0 >= t.c1 {
		t.r0, t.r1, t.c0, t.c1 = 0, 0, 0, 0 // all padding
	} else {
		t.x = b*xs[0] + (i0+t.r0-padTop)*xs[2] + (j0+t.c0-padLeft)*xs[3]
	}
	return t
}

// conv is one Conv's state while it runs through its chunks of tiles.
type conv struct {
	k      *Kernel
	alg    *algorithm
	s      *scratch
	n      int // tiles in the current chunk
	n8     int // n rounded up to whole groups of 8, the row stride of V[ξ] and M[ξ]
	ldv    int // ξ-stride of V
	ldm    int // ξ-stride of M
	x, y   []float32
	xs, ys [4]int
}

// transformInput fills V for the (channel, group of 8 tiles) pairs
// [lo, hi) of the chunk, numbered channel-major so that a worker reads x
// channel by channel.
func (c *conv) transformInput(lo, hi int) {
	alg, groups := c.alg, c.n8/8
	alpha, rs, cs := alg.alpha, c.xs[2], c.xs[3]
	var d [36][8]float32
	for q := lo; q < hi; q++ {
		ci, g := q/groups, q%groups
		if c.run(g) && alg.gatherRun != nil && cs == 1 {
			if first, last := &c.s.tiles[8*g], &c.s.tiles[8*g+7]; first.r1-first.r0 == alpha && first.c0 == 0 && last.c1 == alpha {
				alg.gatherRun(c.x[first.x+ci*c.xs[1]:], rs, &d)
				alg.input8(&d, c.s.v[ci*c.n8+8*g:], c.ldv)
				continue
			}
		}
		d = [36][8]float32{} // padding, and lanes past the last tile
		for k, tl := range c.s.tiles[8*g : 8*g+min(8, c.n-8*g)] {
			o := tl.x + ci*c.xs[1]
			for r := tl.r0; r < tl.r1; r++ {
				dr := d[r*alpha+tl.c0 : r*alpha+tl.c1]
				if cs == 1 {
					row := c.x[o : o+len(dr)]
					for j := range dr {
						dr[j][k] = row[j]
					}
				} else {
					for j := range dr {
						dr[j][k] = c.x[o+j*cs]
					}
				}
				o += rs
			}
		}
		alg.input8(&d, c.s.v[ci*c.n8+8*g:], c.ldv)
	}
}

// run reports whether group g of the chunk is 8 tiles side by side.
func (c *conv) run(g int) bool {
	return 8*g+8 <= c.n && c.s.tiles[8*g].line == c.s.tiles[8*g+7].line
}

// multiply computes M[ξ] = U[ξ]·V[ξ] for ξ in [lo, hi).
func (c *conv) multiply(lo, hi int) {
	cout, cin, n, n8 := c.k.cout, c.k.cin, c.n, c.n8
	for xi := lo; xi < hi; xi++ {
		u := c.k.u[xi*c.k.ld : xi*c.k.ld+cout*cin]
		v := c.s.v[xi*c.ldv : xi*c.ldv+cin*n8]
		m := c.s.m[xi*c.ldm : xi*c.ldm+cout*n8]
		sgemm.Mul(false, false, cout, n, cin, u, cin, v, n8, m, n8)
	}
}

// transformOutput writes the output blocks of the (channel, group of 8
// tiles) pairs [lo, hi) of the chunk.
func (c *conv) transformOutput(lo, hi int) {
	alg, groups := c.alg, c.n8/8
	m, rs, cs := alg.m, c.ys[2], c.ys[3]
	var out [16][8]float32
	for q := lo; q < hi; q++ {
		co, g := q/groups, q%groups
		if c.run(g) && alg.outputRun != nil && cs == 1 {
			if last := &c.s.tiles[8*g+7]; last.rows == m && last.cols == m {
				alg.outputRun(c.s.m[co*c.n8+8*g:], c.ldm, c.y[c.s.tiles[8*g].y+co*c.ys[1]:], rs)
				continue
			}
		}
		alg.output8(c.s.m[co*c.n8+8*g:], c.ldm, &out)
		for k, tl := range c.s.tiles[8*g : 8*g+min(8, c.n-8*g)] {
			o := tl.y + co*c.ys[1]
			for i := range tl.rows {
				src := out[i*m : i*m+tl.cols]
				if cs == 1 {
					row := c.y[o : o+len(src)]
					for j := range src {
						row[j] = src[j][k]
					}
				} else {
					for j := range src {
						c.y[o+j*cs] = src[j][k]
					}
				}
				o += rs
			}
		}
	}
}

// parallelFor calls f on consecutive parts of [0, n), on up to GOMAXPROCS
// goroutines with at least grain elements each.
func parallelFor(n, grain int, f func(lo, hi int)) {
	parallel.For(n, parallel.Workers(n, n, grain), f)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
