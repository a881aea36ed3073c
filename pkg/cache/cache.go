package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/checkpoint"
	"github.com/neuralart/neuralart/pkg/download"
)

// ErrNotCached is Load's error when the cache holds nothing under the key.
var ErrNotCached = errors.New("cache: not cached")

// Cache is a directory of results. The zero value uses DefaultDir.
type Cache struct {
	// Dir is the directory of the entries; empty means DefaultDir().
	Dir string
}

// DefaultDir returns "results" in the download cache directory:
// $NEURALART_CACHE/results when the variable is set, else
// os.UserCacheDir()/neuralart/results.
func DefaultDir() (string, error) {
	dir, err := download.CacheDir()
	if err != nil {
		return "", fmt.Errorf("cache: %w", err)
	}
	return filepath.Join(dir, "results"), nil
}

func (c *Cache) dir() (string, error) {
	if c.Dir != "" {
		return c.Dir, nil
	}
	return DefaultDir()
}

// Path returns the file of the entry of key, whether it exists or not.
func (c *Cache) Path(key Key) (string, error) {
	if key.kind == "" {
		return "", errors.New("cache: the zero Key names no entry; make keys with NewKey")
	}
	dir, err := c.dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.FromSlash(key.String())+".safetensors"), nil
}

// format is the checkpoint format of entries of a kind: reading an entry
// as another kind fails.
func format(key Key) string { return "neuralart-cache/" + key.kind }

// Load returns the tensors stored under key: ErrNotCached when there is no
// entry, a *checkpoint.CorruptError when there is one but it is damaged.
func (c *Cache) Load(key Key) (map[string]*tensors.Tensor, error) {
	path, err := c.Path(key)
	if err != nil {
		return nil, err
	}
	_, named, err := checkpoint.Read(path, format(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotCached, path)
	}
	return named, err
}

// Store writes the tensors under key, atomically, replacing any entry.
func (c *Cache) Store(key Key, named map[string]*tensors.Tensor) error {
	path, err := c.Path(key)
	if err != nil {
		return err
	}
	if err := checkpoint.Write(path, format(key), 0, named); err != nil {
		return fmt.Errorf("cache: storing %s: %w", key, err)
	}
	return nil
}

// Get returns the tensors stored under key when there are some, and
// otherwise computes them, stores them and returns them; cached reports
// which. A damaged entry is computed again. An error of compute is returned
// as is, and nothing is stored.
func (c *Cache) Get(key Key, compute func() (map[string]*tensors.Tensor, error)) (named map[string]*tensors.Tensor, cached bool, err error) {
	named, err = c.Load(key)
	var corrupt *checkpoint.CorruptError
	switch {
	case err == nil:
		return named, true, nil
	case !errors.Is(err, ErrNotCached) && !errors.As(err, &corrupt):
		return nil, false, err
	}
	if named, err = compute(); err != nil {
		return nil, false, err
	}
	return named, false, c.Store(key, named)
}

// Remove deletes the entry of key; removing an absent entry is not an error.
func (c *Cache) Remove(key Key) error {
	path, err := c.Path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// Clear deletes every entry: the whole directory Dir (DefaultDir() when
// empty), and nothing outside it.
func (c *Cache) Clear() error {
	dir, err := c.dir()
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("cache: clearing %s: %w", dir, err)
	}
	return nil
}
