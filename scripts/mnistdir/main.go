// Command mnistdir prints the directory of the MNIST files as package
// datasets finds it ($NEURALART_MNIST, else the GoMNIST module in the module
// cache), so that scripts ask the library rather than work out module cache
// paths themselves. It fails with the library's error when the files are not
// there.
package main

import (
	"fmt"
	"os"

	"github.com/neuralart/neuralart/pkg/datasets"
)

func main() {
	dir, err := datasets.MNISTDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(dir)
}
