package bad

import "testing"

func TestOK(t *testing.T) {}
func TestBad(t *testing.T) {
	t.Log("context line")
	t.Run("inner", func(t *testing.T) { t.Error("inner broke: want 1, got 2") })
}
func TestPanics(t *testing.T) { panic("boom") }
