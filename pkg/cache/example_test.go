package cache_test

import (
	"fmt"
	"log"
	"os"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuralart/neuralart/pkg/cache"
)

// A long computation is keyed on its inputs and options, computed the first
// time it is asked for and read from disk afterwards, by this program or
// the next.
func ExampleCache_Get() {
	dir, err := os.MkdirTemp("", "cache-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	c := &cache.Cache{Dir: dir} // &cache.Cache{} uses the user's cache directory

	mean := func(steps int) *tensors.Tensor {
		key, err := cache.NewKey("example-mean").Add("steps", steps).Key()
		if err != nil {
			log.Fatal(err)
		}
		named, cached, err := c.Get(key, func() (map[string]*tensors.Tensor, error) {
			fmt.Println("computing", steps, "steps")
			return map[string]*tensors.Tensor{"mean": tensors.FromValue([]float64{0.5 * float64(steps)})}, nil
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("cached:", cached)
		return named["mean"]
	}
	fmt.Println(mean(10).Value())
	fmt.Println(mean(10).Value())
	// Output:
	// computing 10 steps
	// cached: false
	// [5]
	// cached: true
	// [5]
}
