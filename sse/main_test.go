package sse

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// handler, client and broker loop must have ended.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
