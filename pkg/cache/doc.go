// Package cache keeps the results of long computations on disk, under a key
// made of everything they were computed from, so that a later cell of a
// notebook, a rerun of it or another program reuses them instead of
// computing them again.
//
// GoNB compiles and runs every notebook cell as a program of its own:
// nothing a cell computes outlives it. A 20-minute style transfer is gone
// when its cell ends, and the next cell that compares against it would
// compute it again. This package is memoisation across programs: the result
// of f(inputs, options) is stored under the SHA-256 of a canonical encoding
// of the inputs and options, and found there the next time f is asked for
// the same.
//
// # Keys
//
// A KeyBuilder writes named values (numbers, strings, slices of them,
// tensors: their dtype, shape and every element) into a SHA-256 hash; the
// Key it makes is the hash and a kind naming what is cached
// ("style-transfer"). The caller decides what goes into a key, and
// documents it: everything the result depends on, and nothing else. What
// cannot be hashed (a function, say) must be named by something that can:
// style.Options.Cache keys a loss term by its name, weights and layers, not
// by its code. A key that leaves out an input returns stale results; one
// that adds an irrelevant option only misses more often.
//
// # Storage
//
// An entry is a safetensors file of named tensors, written atomically and
// read back with a checksum through package checkpoint, at
// Dir/<kind>/<hex key>.safetensors. A damaged or unreadable entry is a
// miss: it is computed again and replaced. Dir defaults to "results" in the
// download cache directory ($NEURALART_CACHE, else
// os.UserCacheDir()/neuralart; see package download), not the temporary
// directory, which notebook runs get empty.
//
// To clear the cache, call Cache.Clear (which removes Dir and nothing else:
// downloaded weights stay), or delete the directory by hand:
//
//	rm -r ~/.cache/neuralart/results    # Linux, $NEURALART_CACHE unset
package cache
