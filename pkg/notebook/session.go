package notebook

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// SessionDirEnv is the environment variable in which GoNB passes each cell's
// program the temporary directory of its kernel: one directory per kernel
// session, made when the kernel starts and removed when it stops.
const SessionDirEnv = "GONB_TMP_DIR"

// FirstInSession reports whether this is the first time key is asked about in
// this notebook session, so that something said once (which backend runs the
// graphs, say) is not repeated under every cell. It leaves a marker file named
// after key in the kernel's temporary directory; restarting the kernel starts
// a new session. Outside a notebook every call returns true: a program that
// wants once per process keeps its own sync.Once.
//
// When the marker cannot be written FirstInSession returns true: repeating a
// message is better than losing it.
func FirstInSession(key string) bool {
	dir := os.Getenv(SessionDirEnv)
	if dir == "" {
		return true
	}
	sum := sha256.Sum256([]byte(key))
	marker := filepath.Join(dir, "neuralart-once-"+hex.EncodeToString(sum[:8]))
	f, err := os.OpenFile(marker, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false
	}
	if err == nil {
		f.Close()
	}
	return true
}
