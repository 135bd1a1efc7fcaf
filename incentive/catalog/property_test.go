package catalog_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/catalog"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestPropertyRedeem runs random catalogs through random sequences of
// redemptions, replays and cancellations, applied by a model host that
// keeps stock, balances and histories as a host's transaction would, at
// times that never go back. After every step: stock is never negative
// (no unit is sold twice), no member passes a limit in any period, no
// balance goes below zero, a replay returns the same redemption flagged
// Duplicate, and every decision is the one the documented checks give, in
// their documented order.
func TestPropertyRedeem(t *testing.T) {
	tiers := []string{"silver", "gold"}
	rapid.Check(t, func(t *rapid.T) {
		c := catalog.Catalog{Calendar: calSH, Kind: "points", Tiers: tiers}
		for i := range rapid.IntRange(1, 3).Draw(t, "items") {
			it := catalog.Item{
				ID:     fmt.Sprint("item-", i),
				Points: decimal.NewFromInt(int64(rapid.IntRange(0, 60).Draw(t, "price"))),
				Cash:   decimal.New(int64(rapid.IntRange(0, 999).Draw(t, "cash cents")), -2),
			}
			if rapid.IntRange(0, 3).Draw(t, "unlimited") == 0 {
				it.Unlimited = true
			} else {
				it.Stock = int64(rapid.IntRange(0, 6).Draw(t, "stock"))
			}
			for _, per := range []qun.Grain{0, qun.Day, qun.Week} {
				if rapid.Bool().Draw(t, "limit") {
					it.Limits = append(it.Limits, catalog.Limit{Per: per, Quantity: int64(rapid.IntRange(1, 4).Draw(t, "quantity"))})
				}
			}
			if rapid.Bool().Draw(t, "min tier") {
				it.MinTier = rapid.SampledFrom(tiers).Draw(t, "tier")
			}
			if rapid.IntRange(0, 3).Draw(t, "segment") == 0 {
				it.Segment = "vip"
			}
			if rapid.IntRange(0, 3).Draw(t, "window") == 0 {
				it.From = t0.Add(time.Duration(rapid.IntRange(0, 72).Draw(t, "from")) * time.Hour)
				it.Until = it.From.Add(time.Duration(rapid.IntRange(1, 200).Draw(t, "open")) * time.Hour)
			}
			c.Items = append(c.Items, it)
		}
		e, err := catalog.Compile("club", c)
		if err != nil {
			t.Fatal(err)
		}
		type member struct {
			tier     string
			segments []string
			balance  decimal.Decimal
		}
		members := map[qun.MemberID]*member{}
		ids := []qun.MemberID{"a", "b", "c"}
		for _, m := range ids {
			mm := &member{tier: rapid.SampledFrom([]string{"", "silver", "gold"}).Draw(t, "member tier"), balance: decimal.NewFromInt(int64(rapid.IntRange(0, 200).Draw(t, "balance")))}
			if rapid.Bool().Draw(t, "vip") {
				mm.segments = []string{"vip"}
			}
			members[m] = mm
		}
		stock := map[string]int64{}
		for _, it := range c.Items {
			stock[it.ID] = it.Stock
		}
		var history []catalog.Redemption
		now := t0
		n := 0

		// expected returns the sentinel the documented checks give, or nil.
		expected := func(r catalog.Request, it catalog.Item, m *member) error {
			switch {
			case !it.From.IsZero() && now.Before(it.From), !it.Until.IsZero() && !now.Before(it.Until):
				return catalog.ErrUnavailable
			case it.MinTier != "" && slices.Index(tiers, m.tier) < slices.Index(tiers, it.MinTier):
				return catalog.ErrNotEligible
			case it.Segment != "" && !slices.Contains(m.segments, it.Segment):
				return catalog.ErrNotEligible
			}
			for _, l := range it.Limits {
				taken := r.Quantity
				for _, h := range history {
					if h.Member == r.Member && h.Item == it.ID && !h.Cancelled &&
						(l.Per == 0 || calSH.Period(l.Per, h.Time) == calSH.Period(l.Per, now)) {
						taken += h.Quantity
					}
				}
				if taken > l.Quantity {
					return catalog.ErrOverLimit
				}
			}
			if !it.Unlimited && stock[it.ID] < r.Quantity {
				return catalog.ErrOutOfStock
			}
			if m.balance.LessThan(it.Points.Mul(decimal.NewFromInt(r.Quantity))) {
				return catalog.ErrInsufficientPoints
			}
			return nil
		}
		state := func(item string, m qun.MemberID) catalog.State {
			mm := members[m]
			var h []catalog.Redemption
			for _, r := range history {
				if r.Member == m {
					h = append(h, r)
				}
			}
			return catalog.State{Stock: stock[item], Tier: mm.tier, Segments: mm.segments, Available: mm.balance, History: h}
		}

		t.Repeat(map[string]func(*rapid.T){
			"": func(t *rapid.T) {
				for id, s := range stock {
					if s < 0 {
						t.Fatalf("stock of %s is %d", id, s)
					}
				}
				for m, mm := range members {
					if mm.balance.Sign() < 0 {
						t.Fatalf("%s's balance is %s", m, mm.balance)
					}
				}
				type use struct {
					member qun.MemberID
					item   string
					limit  int
					period qun.Period
				}
				used := map[use]int64{}
				for _, h := range history {
					if h.Cancelled {
						continue
					}
					it, _ := e.Item(h.Item)
					for li, l := range it.Limits {
						var p qun.Period
						if l.Per != 0 {
							p = calSH.Period(l.Per, h.Time)
						}
						k := use{h.Member, h.Item, li, p}
						if used[k] += h.Quantity; used[k] > l.Quantity {
							t.Fatalf("%s has %d of %s in %v, limit %+v", h.Member, used[k], h.Item, p, l)
						}
					}
				}
			},
			"tick": func(t *rapid.T) {
				now = now.Add(time.Duration(rapid.IntRange(1, 40).Draw(t, "hours")) * time.Hour)
			},
			"redeem": func(t *rapid.T) {
				it := rapid.SampledFrom(c.Items).Draw(t, "item")
				r := catalog.Request{Key: fmt.Sprint("order-", n), Member: rapid.SampledFrom(ids).Draw(t, "member"), Item: it.ID, Quantity: int64(rapid.IntRange(1, 3).Draw(t, "units"))}
				n++
				want := expected(r, it, members[r.Member])
				red, err := e.Redeem(r, state(it.ID, r.Member), now)
				if want != nil {
					if !errors.Is(err, want) {
						t.Fatalf("redeem %+v: err %v, want %v", r, err, want)
					}
					return
				}
				if err != nil {
					t.Fatalf("redeem %+v: %v", r, err)
				}
				// The host's transaction: the conditional stock update and
				// the spend, together.
				if red.Stock != nil {
					if red.Stock.Before != stock[it.ID] || red.Stock.After != stock[it.ID]-r.Quantity {
						t.Fatalf("stock change %+v from %d", red.Stock, stock[it.ID])
					}
					stock[it.ID] = red.Stock.After
				}
				mm := members[r.Member]
				if red.Spend != nil {
					mm.balance = mm.balance.Sub(red.Spend.Points)
				} else if red.Points.Sign() != 0 {
					t.Fatalf("points without a spend: %+v", red)
				}
				history = append(history, red)
			},
			"replay": func(t *rapid.T) {
				if len(history) == 0 {
					t.Skip("nothing to replay")
				}
				first := rapid.SampledFrom(history).Draw(t, "replayed")
				again, err := e.Redeem(catalog.Request{Key: first.Key, Member: first.Member, Item: first.Item, Quantity: first.Quantity}, state(first.Item, first.Member), now)
				if err != nil {
					t.Fatal(err)
				}
				if !again.Duplicate {
					t.Fatalf("replay of %s not flagged", first.Key)
				}
				again.Duplicate = false
				if diff := cmp.Diff(first, again, decOpts); diff != "" {
					t.Fatalf("replay (-first +again):\n%s", diff)
				}
			},
			"cancel": func(t *rapid.T) {
				if len(history) == 0 {
					t.Skip("nothing to cancel")
				}
				i := rapid.IntRange(0, len(history)-1).Draw(t, "cancelled")
				red := history[i]
				cn, err := e.Cancel(red, "cancel-"+red.Key, stock[red.Item])
				if red.Cancelled {
					if err == nil {
						t.Fatal("cancelled twice")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if cn.Stock != nil {
					stock[red.Item] = cn.Stock.After
				}
				if cn.Refund != nil {
					members[red.Member].balance = members[red.Member].balance.Add(cn.Refund.Points)
				}
				history[i].Cancelled = true
			},
		})
	})
}
