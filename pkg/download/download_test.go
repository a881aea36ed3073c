package download

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// serve returns a test server that serves body at any path and counts requests.
func serve(t *testing.T, body []byte) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if strings.HasSuffix(r.URL.Path, "/missing") {
			http.NotFound(w, r)
			return
		}
		n := len(body)
		if strings.HasSuffix(r.URL.Path, "/truncated") {
			n *= 2 // promise more than is sent, as a dropped connection does
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestFetchCachesAndVerifies(t *testing.T) {
	body := bytes.Repeat([]byte("neural art "), 1000)
	srv, hits := serve(t, body)
	dir := t.TempDir()
	opts := Options{Dir: dir, SHA256: sha(body)}
	path, err := Fetch(context.Background(), srv.URL+"/models/w.pth", opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "w.pth"); path != want {
		t.Errorf("path = %q, want %q", path, want)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("cached file differs from served body (err %v)", err)
	}
	if _, err := Fetch(context.Background(), srv.URL+"/models/w.pth", opts); err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("server hit %d times, want 1 (second Fetch should use the cache)", n)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d entries, want only the file (no temp files left)", len(entries))
	}
}

func TestFetchHashMismatch(t *testing.T) {
	body := []byte("some weights")
	srv, _ := serve(t, body)
	dir := t.TempDir()
	wrong := sha([]byte("other weights"))
	_, err := Fetch(context.Background(), srv.URL+"/w.bin", Options{Dir: dir, SHA256: wrong})
	if err == nil {
		t.Fatal("Fetch accepted a file with the wrong SHA-256")
	}
	for _, s := range []string{"mismatch", wrong, sha(body)} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	if !errors.Is(err, ErrChecksum) {
		t.Errorf("error %q does not match ErrChecksum", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed download left %d files in the cache", len(entries))
	}
}

func TestFetchHashPrefix(t *testing.T) {
	body := []byte("torchvision names files by hash")
	srv, _ := serve(t, body)
	dir := t.TempDir()
	if _, err := Fetch(context.Background(), srv.URL+"/w.bin", Options{Dir: dir, SHA256: sha(body)[:8]}); err != nil {
		t.Fatalf("an 8-digit prefix of the right hash: %v", err)
	}
	for _, bad := range []string{"abc", "not-hex-at-all", "00000000"} {
		if _, err := Fetch(context.Background(), srv.URL+"/other.bin", Options{Dir: dir, SHA256: bad}); err == nil {
			t.Errorf("SHA256 %q: no error", bad)
		}
	}
}

func TestFetchCachedFileRechecked(t *testing.T) {
	body := []byte("good")
	srv, _ := serve(t, body)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "w.bin"), []byte("corrupted"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Fetch(context.Background(), srv.URL+"/w.bin", Options{Dir: dir, SHA256: sha(body)})
	if err == nil || !strings.Contains(err.Error(), "mismatch") || !errors.Is(err, ErrChecksum) {
		t.Fatalf("corrupted cached file: err = %v, want a SHA-256 mismatch (ErrChecksum)", err)
	}
}

func TestFetchHTTPError(t *testing.T) {
	srv, _ := serve(t, nil)
	dir := t.TempDir()
	_, err := Fetch(context.Background(), srv.URL+"/missing", Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err = %v, want one naming HTTP status 404", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed download left %d files in the cache", len(entries))
	}
}

func TestFetchTruncated(t *testing.T) {
	srv, _ := serve(t, []byte("half a file"))
	dir := t.TempDir()
	if _, err := Fetch(context.Background(), srv.URL+"/truncated", Options{Dir: dir}); err == nil {
		t.Fatal("a truncated transfer gave no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a truncated download left %d files in the cache", len(entries))
	}
}

func TestFetchNameAndEnvDir(t *testing.T) {
	srv, _ := serve(t, []byte("x"))
	dir := t.TempDir()
	t.Setenv(CacheEnvVar, dir)
	path, err := Fetch(context.Background(), srv.URL+"/a/b", Options{Name: "renamed.bin"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "renamed.bin"); path != want {
		t.Errorf("path = %q, want %q", path, want)
	}
	if _, err := Path(srv.URL+"/", Options{}); err == nil {
		t.Error("a URL without a file name gave no error")
	}
}

func TestFetchProgress(t *testing.T) {
	srv, _ := serve(t, make([]byte, 3<<20))
	var out bytes.Buffer
	if _, err := Fetch(context.Background(), srv.URL+"/big.bin", Options{Dir: t.TempDir(), Progress: &out}); err != nil {
		t.Fatal(err)
	}
	if line := out.String(); !strings.Contains(line, "big.bin: 3.0 MiB of 3.0 MiB (100%)") || !strings.Contains(line, "/s") {
		t.Errorf("progress output %q lacks size and rate", line)
	}
}

func TestFetchCanceled(t *testing.T) {
	srv, _ := serve(t, []byte("x"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fetch(ctx, srv.URL+"/w.bin", Options{Dir: t.TempDir()}); err == nil {
		t.Error("Fetch with a canceled context succeeded")
	}
}
