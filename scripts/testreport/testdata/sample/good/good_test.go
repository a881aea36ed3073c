package good

import "testing"

func TestA(t *testing.T)    {}
func TestSkip(t *testing.T) { t.Skip("slow") }
func TestSub(t *testing.T) {
	t.Run("one", func(t *testing.T) {})
}
