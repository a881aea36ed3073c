package notebook

import (
	"errors"
	"testing"
)

func TestPick(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want int
	}{{"1", 30}, {"", 3000}, {"0", 3000}, {"yes", 3000}} {
		t.Setenv(QuickEnv, tc.env)
		if got := Pick(3000, 30); got != tc.want {
			t.Errorf("%s=%q: Pick(3000, 30) = %d, want %d", QuickEnv, tc.env, got, tc.want)
		}
		if Quick() != (tc.want == 30) {
			t.Errorf("%s=%q: Quick() = %v", QuickEnv, tc.env, Quick())
		}
	}
}

func TestMust(t *testing.T) {
	if got := Must(7, nil); got != 7 {
		t.Errorf("Must(7, nil) = %d, want 7", got)
	}
	want := errors.New("no such file")
	defer func() {
		if r := recover(); r != want {
			t.Errorf("Must(0, err) panicked with %v, want %v", r, want)
		}
	}()
	Must(0, want)
	t.Error("Must(0, err) returned")
}

func TestFirstInSession(t *testing.T) {
	t.Setenv(SessionDirEnv, "")
	if !FirstInSession("a") || !FirstInSession("a") {
		t.Error("outside a notebook FirstInSession returned false")
	}
	// Each call plays a cell: a new program in the same kernel session.
	t.Setenv(SessionDirEnv, t.TempDir())
	if !FirstInSession("a") {
		t.Error("first call in a session returned false")
	}
	if FirstInSession("a") {
		t.Error("second call with the same key returned true")
	}
	if !FirstInSession("b") {
		t.Error("first call with another key returned false")
	}
	t.Setenv(SessionDirEnv, t.TempDir()) // a restarted kernel
	if !FirstInSession("a") {
		t.Error("first call in a new session returned false")
	}
}
