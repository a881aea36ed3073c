package display

// Must returns v, or panics with err when it is not nil. A notebook cell has no
// caller to return an error to: GoNB shows the panic's message under the cell,
// which is where the reader is looking.
func Must[T any](v T, err error) T {
	Check(err)
	return v
}

// Check panics with err when it is not nil; see Must.
func Check(err error) {
	if err != nil {
		panic(err)
	}
}
