package inception

import (
	"context"

	"github.com/neuralart/neuralart/pkg/download"
)

// pytorch-fid's Inception-v3 weights (FID_WEIGHTS_URL in its inception.py),
// ported from TensorFlow's inception-2015-12-05.tgz.
const (
	WeightsURL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth"
	// WeightsSHA256Prefix is the start of the file's SHA-256, which its name
	// carries as torchvision's files do (torch.hub's check_hash). The full
	// digest is not recorded here because it could not be verified while
	// writing this package; pass it in download.Options.SHA256 when you have it.
	WeightsSHA256Prefix = "6726825d"
)

// CachedPath returns where Download stores pytorch-fid's file (in
// download.CacheDir()); the file may not exist yet.
func CachedPath() (string, error) { return download.Path(WeightsURL, download.Options{}) }

// Download fetches pytorch-fid's weights (~95 MB) into the cache directory
// unless they are already there, checks the SHA-256 (opts.SHA256 when given,
// else WeightsSHA256Prefix) and returns the file's path, for Load.
func Download(ctx context.Context, opts download.Options) (string, error) {
	if opts.SHA256 == "" {
		opts.SHA256 = WeightsSHA256Prefix
	}
	return download.Fetch(ctx, WeightsURL, opts)
}
