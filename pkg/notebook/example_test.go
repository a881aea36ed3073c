package notebook_test

import (
	"fmt"
	"os"
	"strconv"

	"github.com/neuralart/neuralart/pkg/notebook"
)

// A cell names the real experiment's setting and CI's in one place, and fails
// on an error with the error's own message.
func ExamplePick() {
	os.Setenv(notebook.QuickEnv, "1") // as scripts/test.sh does
	defer os.Unsetenv(notebook.QuickEnv)
	steps := notebook.Pick(3000, 30)
	size := notebook.Must(strconv.Atoi("64"))
	fmt.Println(notebook.Quick(), steps, size)
	// Output: true 30 64
}
