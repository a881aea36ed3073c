package errkind

// Mark returns err marked as being of kind, with err's message; nil stays nil.
func Mark(kind, err error) error {
	if err == nil {
		return nil
	}
	return &marked{kind: kind, err: err}
}

type marked struct{ kind, err error }

func (m *marked) Error() string { return m.err.Error() }

// Unwrap lets errors.Is and errors.As see both the kind and the error's own
// chain (an *os.PathError inside, say).
func (m *marked) Unwrap() []error { return []error{m.kind, m.err} }
