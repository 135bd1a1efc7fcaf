package ledgertest_test

import (
	"testing"

	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/ledgertest"
)

// TestMemoryStore runs the conformance kit on the reference store.
func TestMemoryStore(t *testing.T) {
	ledgertest.Run(t, func(*testing.T) incentive.Store { return incentive.NewMemoryStore() })
}
