package incentive_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// Concurrent events of one member cannot slip past a cap together: each
// earn is appended only if the account (and its rule usage) is unchanged
// since the rules were evaluated, and evaluated again otherwise.
func TestConcurrentEventsRespectCaps(t *testing.T) {
	rules := []incentive.Rule{
		{ID: "post", Kind: "points", Event: qun.EventFilter{Name: "post"}, Points: dec("3"), Caps: incentive.Caps{Day: incentive.Cap(dec("20"))}},
		{ID: "post-growth", Kind: "growth", Event: qun.EventFilter{Name: "post"}, Points: dec("1"), Caps: incentive.Caps{Day: incentive.Cap(dec("5"))}},
	}
	l := newLedger(t, []incentive.Kind{spendable("points"), {Name: "growth"}}, rules...)
	l.Attempts = 1000
	day := time.Date(2026, 11, 10, 8, 0, 0, 0, shanghai.Location())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				ev := qun.Event{ID: fmt.Sprint("post-", g, "-", i), Member: "lin", Name: "post", Time: day}
				if _, err := l.EarnEvent(ctx, "wine-club", ev, incentive.Member{}, day.Add(time.Duration(i)*time.Minute)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if b := mustBalance(t, l, acct("points"), day.Add(time.Hour)); !b.Net.Equal(dec("20")) {
		t.Errorf("points = %s, want the daily cap of 20", b.Net)
	}
	if b := mustBalance(t, l, acct("growth"), day.Add(time.Hour)); !b.Net.Equal(dec("5")) {
		t.Errorf("growth = %s, want the daily cap of 5", b.Net)
	}
}
