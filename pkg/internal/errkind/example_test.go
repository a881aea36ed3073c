package errkind_test

import (
	"errors"
	"fmt"

	"github.com/neuralart/neuralart/pkg/internal/errkind"
)

func ExampleMark() {
	ErrFormat := errors.New("malformed file")
	err := errkind.Mark(ErrFormat, fmt.Errorf("data.idx: truncated: %d bytes, expected %d", 10, 16))
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrFormat))
	// Output:
	// data.idx: truncated: 10 bytes, expected 16
	// true
}
