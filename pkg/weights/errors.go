package weights

import "errors"

// The kinds of error callers branch on; test with errors.Is. The errors
// themselves keep their own messages, which name the file and say what was
// expected and what was found.
var (
	// ErrFormat: the file is none of the formats this package reads (not
	// safetensors, not a torch.save zip or legacy pickle), e.g. an HTML page
	// saved under a .pth name or a tar-format checkpoint of PyTorch < 0.1.10.
	ErrFormat = errors.New("weights: not a weights file of a known format")
	// ErrCorrupt: the file starts as one of those formats but its content
	// does not hold together: a truncated file, offsets or sizes outside it,
	// a pickle that is no state_dict or names a Python function this
	// package refuses to trust.
	ErrCorrupt = errors.New("weights: corrupt weights file")
)
