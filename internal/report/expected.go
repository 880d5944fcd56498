package report

import "errors"

// Expected marks err as a failure the scenario expects: the variant did the
// right thing and the item still failed (a call rightly not made after the
// client left, a cluster that is down). It is counted in Variant.Failed and
// Variant.Expected, and tallied as "(expected)". The error says and wraps
// the same as err. Expected(nil) is nil.
func Expected(err error) error {
	if err == nil {
		return nil
	}
	return expectedError{err}
}

// IsExpected reports whether err was marked with Expected.
func IsExpected(err error) bool {
	var e expectedError
	return errors.As(err, &e)
}

type expectedError struct{ err error }

func (e expectedError) Error() string { return e.err.Error() }
func (e expectedError) Unwrap() error { return e.err }
