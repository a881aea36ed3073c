package notebook

// Must returns v, or panics with err when it is not nil. A notebook cell has
// no caller to return an error to: GoNB prints the panic under the cell, where
// the reader is looking, and a headless run (nbconvert) stops at that cell.
func Must[T any](v T, err error) T {
	Check(err)
	return v
}

// Check panics with err when it is not nil; see [Must].
func Check(err error) {
	if err != nil {
		panic(err)
	}
}
