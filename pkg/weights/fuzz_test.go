package weights

import (
	"os"
	"testing"

	"github.com/neuralart/neuralart/pkg/internal/fixtures"
)

// addSeeds adds each file and a few of its truncations to the fuzz corpus.
func addSeeds(f *testing.F, paths ...string) {
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, n := range []int{len(b) / 2, len(b) - 1, 9} {
			if n >= 0 && n <= len(b) {
				f.Add(b[:n])
			}
		}
	}
}

func FuzzSafetensors(f *testing.F) {
	addSeeds(f, "testdata/tensors.safetensors", fixtures.Path("vgg19_tiny.safetensors"))
	f.Add(safetensors(`{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Fuzz(func(t *testing.T, b []byte) {
		readAll(openBytes("fuzz.safetensors", b))
	})
}

func FuzzPth(f *testing.F) {
	addSeeds(f, "testdata/tensors.pth", "testdata/tensors_legacy.pth", "testdata/tensors_legacy_v1.pth", fixtures.Path("vgg19_tiny_torchvision.pth"))
	f.Add([]byte(pickleOSSystem))
	f.Add(torchZip(f, map[string]string{"archive/data.pkl": pickleEval}))
	f.Fuzz(func(t *testing.T, b []byte) {
		readAll(openBytes("fuzz.pth", b))
	})
}
