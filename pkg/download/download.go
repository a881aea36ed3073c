package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/neuralart/neuralart/pkg/internal/atomicfile"
	"github.com/neuralart/neuralart/pkg/internal/errkind"
)

// ErrChecksum is matched (errors.Is) by the errors of [Fetch] and
// [VerifyFile] about a file whose SHA-256 is not the one expected: a download
// that was damaged or replaced on the server, or a damaged cached copy.
var ErrChecksum = errors.New("download: SHA-256 mismatch")

// CacheEnvVar names the environment variable that overrides the cache directory.
const CacheEnvVar = "NEURALART_CACHE"

// Options are the rarely needed knobs of Fetch. The zero value is fine.
type Options struct {
	// Dir is the cache directory; empty means CacheDir().
	Dir string
	// SHA256 is the expected hex SHA-256 of the file, or a prefix of at
	// least MinHashPrefix hex digits (torchvision's file names carry the
	// first 8, e.g. vgg19-dcbb9e9d.pth); empty skips the check.
	SHA256 string
	// Name is the file name inside Dir; empty means the last element of the URL path.
	Name string
	// Progress, when not nil, receives a progress line (bytes, rate, ETA)
	// about once per ProgressInterval during the transfer.
	Progress io.Writer
	// Client is the HTTP client to use; nil means http.DefaultClient.
	Client *http.Client
}

// MinHashPrefix is the shortest SHA-256 prefix Options.SHA256 may give.
const MinHashPrefix = 8

// ProgressInterval is how often Fetch reports progress when Options.Progress is set.
const ProgressInterval = 2 * time.Second

// CacheDir returns the default cache directory: $NEURALART_CACHE when set,
// else os.UserCacheDir()/neuralart.
func CacheDir() (string, error) {
	if dir := os.Getenv(CacheEnvVar); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("download: no cache directory (set $%s): %w", CacheEnvVar, err)
	}
	return filepath.Join(base, "neuralart"), nil
}

// Path returns where Fetch stores (or has stored) rawURL under opts, without
// touching the network or checking that the file exists.
func Path(rawURL string, opts Options) (string, error) {
	dir := opts.Dir
	if dir == "" {
		var err error
		if dir, err = CacheDir(); err != nil {
			return "", err
		}
	}
	name := opts.Name
	if name == "" {
		u, err := url.Parse(rawURL)
		if err != nil {
			return "", fmt.Errorf("download: bad URL %q: %w", rawURL, err)
		}
		name = path.Base(u.Path)
	}
	if name == "" || name == "." || name == "/" || name == ".." || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("download: no usable file name for %q (got %q); set Options.Name", rawURL, name)
	}
	return filepath.Join(dir, name), nil
}

// Fetch returns the path of a local copy of rawURL, downloading it into the
// cache directory unless it is already there.
//
// The transfer goes to a temporary file in the same directory, which is
// renamed into place only once complete and (when opts.SHA256 is set)
// verified; a cached file is verified again on every call that gives a hash.
// A cached file whose hash does not match is an error, not silently replaced:
// delete it to download again.
func Fetch(ctx context.Context, rawURL string, opts Options) (string, error) {
	dst, err := Path(rawURL, opts)
	if err != nil {
		return "", err
	}
	want := strings.ToLower(strings.TrimSpace(opts.SHA256))
	if want != "" && (len(want) < MinHashPrefix || len(want) > 64 || strings.Trim(want, "0123456789abcdef") != "") {
		return "", fmt.Errorf("download: SHA256 %q is not a hex SHA-256 or a prefix of at least %d hex digits", opts.SHA256, MinHashPrefix)
	}
	if _, err := os.Stat(dst); err == nil {
		if want != "" {
			if err := VerifyFile(dst, want); err != nil {
				return "", err
			}
		}
		return dst, nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	// The hash is checked before the rename, so a corrupt transfer never
	// lands in the cache. Errors of the transfer already say "download:".
	var fetchErr error
	err = atomicfile.Write(dst, func(w io.Writer) error {
		sum, err := transfer(ctx, rawURL, w, opts)
		if err == nil && want != "" && !strings.HasPrefix(sum, want) {
			err = hashMismatch(rawURL, want, sum, "")
		}
		fetchErr = err
		return err
	})
	if fetchErr != nil {
		return "", fetchErr
	}
	if err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	return dst, nil
}

// transfer copies the body of rawURL into w, returning its hex SHA-256.
func transfer(ctx context.Context, rawURL string, w io.Writer, opts Options) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return "", fmt.Errorf("download: bad URL %q: %w", rawURL, err)
	}
	client := opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download: %s: HTTP status %s", rawURL, resp.Status)
	}
	h := sha256.New()
	var body io.Reader = resp.Body
	if opts.Progress != nil {
		now := time.Now()
		body = &progressReader{r: resp.Body, out: opts.Progress, name: path.Base(req.URL.Path), total: resp.ContentLength, start: now, last: now}
	}
	n, err := io.Copy(io.MultiWriter(w, h), body)
	if err != nil {
		return "", fmt.Errorf("download: %s: after %d bytes: %w", rawURL, n, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return "", fmt.Errorf("download: %s: expected %d bytes, received %d", rawURL, resp.ContentLength, n)
	}
	if pr, ok := body.(*progressReader); ok {
		pr.report(true)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// FileSHA256 returns the hex SHA-256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("download: reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// VerifyFile checks that the file at path has the hex SHA-256 want (or a
// prefix of it, as in Options.SHA256).
func VerifyFile(path, want string) error {
	got, err := FileSHA256(path)
	if err != nil {
		return err
	}
	if want = strings.ToLower(strings.TrimSpace(want)); want == "" || !strings.HasPrefix(got, want) {
		return hashMismatch(path, want, got, " (delete the file to download it again)")
	}
	return nil
}

// hashMismatch says which SHA-256 (or prefix of one) was expected and which was found.
func hashMismatch(what, want, got, advice string) error {
	expected := want
	if len(want) < len(got) {
		expected = "one starting with " + want
	}
	return errkind.Mark(ErrChecksum, fmt.Errorf("download: %s: SHA-256 mismatch: expected %s, found %s%s", what, expected, got, advice))
}
