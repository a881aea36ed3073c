// Package errkind gives an error the kind of a sentinel without changing its
// message, so that a package can keep errors that name the file and say
// what was expected and found, and still let callers branch on what went
// wrong with errors.Is:
//
//	return errkind.Mark(ErrFormat, fmt.Errorf("datasets: %s: truncated IDX data", path))
//
// errors.Is(err, ErrFormat) then holds, as does errors.Is or errors.As for
// anything the marked error wraps.
package errkind
