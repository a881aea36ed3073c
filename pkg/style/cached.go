package style

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/cache"
)

// cacheKind names the entries of finished transfers in a cache.Cache; its
// version changes whenever Transfer computes something else from the same
// inputs, so that old entries are no longer found.
const cacheKind = "style-transfer-v1"

// transferKey returns the cache key of a transfer: the network by its
// String (architecture, widths, pooling and weights for *vgg.Model), every
// pixel of the content, style and initial images, and every option that
// changes the result. Callback, CallbackEvery and the backend do not; Terms
// are keyed by their Name, Weight and Layers, since their code cannot be
// hashed, and the optimiser by its type and its fields' values (%+v).
func transferKey(net Network, content *tensors.Tensor, styles []*tensors.Tensor, opts *Options) (cache.Key, error) {
	named, ok := net.(fmt.Stringer)
	if !ok {
		return cache.Key{}, fmt.Errorf("style: Options.Cache needs a Network that names itself (a fmt.Stringer, as *vgg.Model is); %T is not", net)
	}
	b := cache.NewKey(cacheKind).
		Add("network", named.String()).
		Add("content", content).
		Add("styles", len(styles))
	for _, s := range styles {
		b.Add("style", s)
	}
	b.Add("ContentWeight", opts.ContentWeight).Add("StyleWeight", opts.StyleWeight).Add("TVWeight", opts.TVWeight).
		Add("ContentLayers", opts.ContentLayers).Add("StyleLayers", opts.StyleLayers).
		Add("ContentLayerWeights", opts.ContentLayerWeights).Add("StyleLayerWeights", opts.StyleLayerWeights).
		Add("Size", opts.Size).Add("StyleScale", opts.StyleScale).Add("StyleBlendWeights", opts.StyleBlendWeights).
		Add("Init", int(opts.Init)).Add("InitImage", opts.InitImage).Add("Seed", opts.Seed).
		Add("Optimizer", fmt.Sprintf("%T%+v", opts.Optimizer, opts.Optimizer)).Add("Iterations", opts.Iterations).
		Add("Levels", opts.Levels).Add("OriginalColors", opts.OriginalColors).
		Add("terms", len(opts.Terms))
	for _, t := range opts.Terms {
		b.Add("term", t.Name).Add("weight", t.Weight).Add("layers", t.Layers)
	}
	return b.Key()
}

// encodeResult returns the tensors a result is cached as: the image, and
// the losses and their history as float64 rows of the total and the terms
// of termNames(opts).
func encodeResult(res *Result, opts *Options) map[string]*tensors.Tensor {
	width := 1 + len(termNames(opts))
	row := func(l Losses, dst []float64) {
		dst[0] = l.Total
		for i, t := range l.Terms {
			dst[1+i] = t.Value
		}
	}
	losses := make([]float64, width)
	row(res.Losses, losses)
	history := make([]float64, width*len(res.History))
	for i, l := range res.History {
		row(l, history[i*width:(i+1)*width])
	}
	ends := make([]int64, len(res.levelEnds))
	for i, e := range res.levelEnds {
		ends[i] = int64(e)
	}
	return map[string]*tensors.Tensor{
		"image":     res.Image,
		"losses":    tensors.FromFlatDataAndDimensions(losses, width),
		"history":   tensors.FromFlatDataAndDimensions(history, len(res.History), width),
		"levelEnds": tensors.FromFlatDataAndDimensions(ends, len(ends)),
	}
}

// decodeResult is the inverse of encodeResult; an entry of another layout
// is an error.
func decodeResult(named map[string]*tensors.Tensor, opts *Options) (*Result, error) {
	names := termNames(opts)
	width := 1 + len(names)
	image, losses, history, ends := named["image"], named["losses"], named["history"], named["levelEnds"]
	bad := fmt.Errorf("style: a cached transfer of another layout (want image, losses [%d], history [n, %d] and levelEnds [%d])", width, width, opts.Levels)
	if image == nil || losses == nil || history == nil || ends == nil || checkImage("cached image", image) != nil ||
		losses.Rank() != 1 || losses.Shape().Dimensions[0] != width || history.Rank() != 2 || history.Shape().Dimensions[1] != width ||
		ends.DType() != dtypes.Int64 || ends.Rank() != 1 || ends.Shape().Dimensions[0] != opts.Levels {
		return nil, bad
	}
	toLosses := func(row []float64) Losses { return newLosses(row[0], names, row[1:]) }
	res := &Result{Image: image, Cached: true, Losses: toLosses(tensors.MustCopyFlatData[float64](losses))}
	rows := tensors.MustCopyFlatData[float64](history)
	for i := 0; i < len(rows); i += width {
		res.History = append(res.History, toLosses(rows[i:i+width]))
	}
	previous := 0
	for _, e := range tensors.MustCopyFlatData[int64](ends) {
		if int(e) < previous || int(e) > len(res.History) {
			return nil, bad
		}
		res.levelEnds = append(res.levelEnds, int(e))
		previous = int(e)
	}
	return res, nil
}

// fromCache returns the cached result of a transfer, or nil when there is
// none to use (not cached, damaged, unreadable: all are computed again).
func fromCache(c *cache.Cache, key cache.Key, opts *Options) (*Result, error) {
	named, err := c.Load(key)
	if err != nil {
		return nil, nil
	}
	res, err := decodeResult(named, opts)
	if err != nil {
		return nil, nil
	}
	if opts.Callback != nil {
		if err := replay(res, opts); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// replay calls the callback as the transfer did, every CallbackEvery
// evaluations and at the end of each level, with the recorded losses: the
// curves of a live view come out as they did. Only the last Step has an
// image, the result, since those before it were not kept; the final Step of
// a level before the last carries its last evaluation's losses.
func replay(res *Result, opts *Options) error {
	every := max(1, opts.CallbackEvery)
	start := 0
	for level, end := range res.levelEnds {
		for i := start; i < end; i++ {
			if evaluation := i - start + 1; evaluation%every == 0 {
				if err := opts.Callback(Step{Level: level, Levels: opts.Levels, Evaluation: evaluation, Losses: res.History[i]}); err != nil {
					return err
				}
			}
		}
		final := Step{Level: level, Levels: opts.Levels, Evaluation: end - start, Losses: res.Losses, Final: true}
		if level == len(res.levelEnds)-1 {
			final.Image = tensors.FromFlatDataAndDimensions(tensors.MustCopyFlatData[float32](res.Image), res.Image.Shape().Dimensions...)
		} else if end > start {
			final.Losses = res.History[end-1]
		}
		if err := opts.Callback(final); err != nil {
			return err
		}
		start = end
	}
	return nil
}
