// Package download fetches files into a local cache directory, checks their
// SHA-256 and writes them atomically, so that a half-finished download is
// never mistaken for a complete one.
//
// A file is fetched once: later calls find it in the cache (and re-check its
// hash when one is given). The cache directory is $NEURALART_CACHE when set,
// else the user cache directory (os.UserCacheDir) joined with "neuralart".
//
// Pre-trained weights are the typical use: torchvision's VGG-19 is a 548 MiB
// file, so Fetch can print a progress line with bytes, rate and ETA.
package download
