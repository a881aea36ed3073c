package datasets_test

import (
	"fmt"
	"log"

	"github.com/neuralart/neuralart/pkg/datasets"
)

func ExampleLoadMNIST() {
	test, err := datasets.LoadMNIST(datasets.Test, datasets.MNISTOptions{})
	if err != nil {
		log.Fatal(err)
	}
	it, err := test.Batches(datasets.BatchOptions{BatchSize: 64, Seed: 1, DropLast: true})
	if err != nil {
		log.Fatal(err)
	}
	b, _ := it.Next()
	fmt.Println(test.Len(), "images;", it.BatchesPerEpoch(), "batches of", b.Images.Shape())
	// Output: 10000 images; 156 batches of (Float32)[64 1 28 28]
}
