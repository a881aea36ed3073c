package download_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/neuralart/neuralart/pkg/download"
)

func ExampleFetch() {
	// A stand-in for download.pytorch.org; the file's SHA-256 is known in advance.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "weights")
	}))
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "cache")
	defer os.RemoveAll(dir)

	path, err := download.Fetch(context.Background(), srv.URL+"/models/tiny.pth", download.Options{
		Dir:    dir,
		SHA256: "9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(path))
	// Output: tiny.pth
}
