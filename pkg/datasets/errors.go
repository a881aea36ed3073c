package datasets

import "errors"

// The kinds of error callers branch on; test with errors.Is. The errors
// themselves keep their own messages, which name the file or directory.
var (
	// ErrNotFound: a data set's files are not where they were looked for
	// (MNIST outside the module cache, an image folder without images).
	ErrNotFound = errors.New("datasets: data set files not found")
	// ErrFormat: a data file is malformed: not an IDX file, truncated,
	// dimensions or labels that do not fit together, a short CIFAR-10 record.
	ErrFormat = errors.New("datasets: malformed data file")
)
