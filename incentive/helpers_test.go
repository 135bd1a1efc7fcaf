package incentive_test

import (
	"context"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	calSH    = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	t0       = time.Date(2026, 3, 1, 9, 0, 0, 0, shanghai.Location())
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// newLedger returns a ledger on a fresh memory store for a program with the
// given kinds and rules.
func newLedger(t testing.TB, kinds []incentive.Kind, rules ...incentive.Rule) *incentive.Ledger {
	t.Helper()
	eng, err := incentive.Compile(incentive.Program{Calendar: calSH, Kinds: kinds, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	return &incentive.Ledger{Store: incentive.NewMemoryStore(), Engine: eng}
}

func acct(kind string) incentive.AccountID {
	return incentive.AccountID{Community: "wine-club", Member: "lin", Kind: kind}
}

func mustBalance(t testing.TB, l *incentive.Ledger, id incentive.AccountID, now time.Time) incentive.Balance {
	t.Helper()
	b, err := l.Balance(context.Background(), id, now, days(30))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
