package ledgertest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// storeModel is a plain model of a store: the contract with nothing else.
type storeModel struct {
	accounts map[incentive.AccountID]*modelAccount
	budgets  map[[2]string]decimal.Decimal
}

type modelAccount struct {
	state   incentive.Account
	lots    map[string]incentive.Lot
	ops     map[string]incentive.Operation
	entries []incentive.Entry
}

// append applies p as the contract says, and returns nil or the sentinel
// the store must fail with.
func (m *storeModel) append(p incentive.AppendParams) error {
	acc := m.accounts[p.Account]
	version := int64(0)
	if acc != nil {
		version = acc.state.Version
		if _, used := acc.ops[p.Operation.Key]; used {
			return incentive.ErrConflict
		}
	}
	if version != p.ExpectedVersion {
		return incentive.ErrConflict
	}
	for _, d := range p.Draws {
		if m.budgets[[2]string{p.Account.Community, d.Name}].Add(d.Points).GreaterThan(d.Limit) {
			return incentive.ErrBudgetExhausted
		}
	}
	if acc == nil {
		acc = &modelAccount{lots: map[string]incentive.Lot{}, ops: map[string]incentive.Operation{}}
		m.accounts[p.Account] = acc
	}
	acc.state = p.Next
	for _, l := range p.Lots {
		acc.lots[l.ID] = l
	}
	acc.ops[p.Operation.Key] = p.Operation
	acc.entries = append(acc.entries, p.Operation.Entries...)
	for _, d := range p.Draws {
		k := [2]string{p.Account.Community, d.Name}
		m.budgets[k] = m.budgets[k].Add(d.Points)
	}
	return nil
}

// runModel applies random operations, computed by the engine on the state
// the store returns, to the store and the model, some with stale versions,
// used keys or budget draws past the limit, and compares what they hold.
func runModel(t *testing.T, newStore func(t *testing.T) incentive.Store) {
	rapid.Check(t, func(rt *rapid.T) {
		s := newStore(t)
		ref := incentive.NewMemoryStore() // the reference, fed the same appends
		m := &storeModel{accounts: map[incentive.AccountID]*modelAccount{}, budgets: map[[2]string]decimal.Decimal{}}
		ids := []incentive.AccountID{account("c1", "lin"), account("c1", "wei"), account("c2", "lin")}
		now := start
		n := 0
		rt.Repeat(map[string]func(*rapid.T){
			"operation": func(t *rapid.T) {
				id := rapid.SampledFrom(ids).Draw(t, "account")
				now = now.Add(time.Duration(rapid.IntRange(0, 90*24).Draw(t, "hours")) * time.Hour)
				snap, err := s.Load(ctx, incentive.LoadParams{Account: id})
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				n++
				key := fmt.Sprint("k", n)
				if rapid.Float64Range(0, 1).Draw(t, "reuse key") < 0.1 && n > 1 {
					key = fmt.Sprint("k", rapid.IntRange(1, n-1).Draw(t, "used key"))
				}
				amount := decimal.New(int64(rapid.IntRange(1, 100).Draw(t, "points")), 0)
				var out incentive.Outcome
				switch rapid.IntRange(0, 3).Draw(t, "op") {
				case 0:
					out, err = engine.Earn(snap.Account, incentive.EarnRequest{Account: id, Key: key, Points: amount}, now)
				case 1:
					out, err = engine.Spend(snap.Account, incentive.SpendRequest{Account: id, Key: key, Points: amount}, now)
				case 2:
					out, err = engine.Expire(snap.Account, incentive.ExpireRequest{Account: id, Key: key}, now)
				case 3:
					// An earn from the rules: it updates rule usage and draws on
					// the campaign budget.
					ev := qun.Event{ID: key, Member: id.Member, Name: "join", Time: now}
					d := engine.Evaluate(ev, incentive.Member{}, incentive.RuleState{Usage: snap.Account.Usage}, now)
					reqs := d.EarnRequests(id.Community, ev)
					if len(reqs) == 0 {
						t.Skip("nothing awarded")
					}
					out, err = engine.Earn(snap.Account, reqs[0], now)
				}
				if err != nil || len(out.Operation.Entries) == 0 {
					t.Skip("nothing to write")
				}
				p := params(id, snap.Account.Version, out)
				if rapid.Float64Range(0, 1).Draw(t, "stale") < 0.1 {
					p.ExpectedVersion--
					p.Next.Version--
				}
				if rapid.Bool().Draw(t, "draw") {
					p.Draws = []incentive.BudgetDraw{{Name: "launch", Points: amount, Limit: decimal.New(300, 0)}}
				}
				want := m.append(p)
				if refErr := ref.Append(ctx, p); !errors.Is(refErr, want) {
					t.Fatalf("the reference store disagrees with the model: %v, want %v", refErr, want)
				}
				err = s.Append(ctx, p)
				switch {
				case want == nil && err != nil:
					t.Fatalf("Append: %v, want success", err)
				case want != nil && err == nil:
					t.Fatalf("Append succeeded; it must fail with %v (stale version, used key or budget past its limit)", want)
				case want != nil && !errors.Is(err, want):
					t.Fatalf("Append: err = %v, want %v", err, want)
				}
			},
			"": func(t *rapid.T) {
				compareModel(t, s, m, ids)
				compareReference(t, s, ref, ids)
			},
		})
	})
}

func compareModel(t *rapid.T, s incentive.Store, m *storeModel, ids []incentive.AccountID) {
	for _, id := range ids {
		acc := m.accounts[id]
		keys := []string{"k1", "k2", "k5"}
		var lots []string
		if acc != nil {
			for k := range acc.ops {
				keys = append(keys, k)
			}
			for k := range acc.lots {
				lots = append(lots, k)
			}
		}
		slices.Sort(keys)
		slices.Sort(lots)
		for _, key := range keys[:min(len(keys), 4)] {
			snap, err := s.Load(ctx, incentive.LoadParams{Account: id, Key: key, Budgets: []string{"launch"}})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var wantOp *incentive.Operation
			if acc != nil {
				if op, ok := acc.ops[key]; ok {
					wantOp = &op
				}
			}
			if diff := cmp.Diff(wantOp, snap.Operation, decimalEqual, timeEqual); diff != "" {
				t.Fatalf("%s operation %q (-model +store):\n%s", id, key, diff)
			}
			if used := m.budgets[[2]string{id.Community, "launch"}]; !used.Equal(snap.Budgets[0].Used) {
				t.Fatalf("%s budget: store %s, model %s", id.Community, snap.Budgets[0].Used, used)
			}
		}
		var wantState incentive.Account
		wantState.ID = id
		var wantOpen []incentive.Lot
		if acc != nil {
			wantState = acc.state
			for _, l := range acc.lots {
				if l.Open {
					wantOpen = append(wantOpen, l)
				}
			}
		}
		snap, err := s.Load(ctx, incentive.LoadParams{Account: id})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		byID := func(a, b incentive.Lot) int { return cmpString(a.ID, b.ID) }
		slices.SortFunc(wantOpen, byID)
		got := snap.Account
		slices.SortFunc(got.Lots, byID)
		wantState.Lots = wantOpen
		if len(wantState.Lots) == 0 {
			wantState.Lots = nil
		}
		if len(got.Lots) == 0 {
			got.Lots = nil
		}
		if diff := cmp.Diff(wantState, got, decimalEqual, timeEqual, cmp.Comparer(func(a, b []incentive.Usage) bool {
			return len(a)+len(b) == 0 || cmp.Equal(a, b, decimalEqual, timeEqual)
		})); diff != "" {
			t.Fatalf("%s state (-model +store):\n%s", id, diff)
		}
		for _, lot := range lots[:min(len(lots), 3)] {
			snap, err := s.Load(ctx, incentive.LoadParams{Account: id, Lot: lot})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !slices.ContainsFunc(snap.Account.Lots, func(l incentive.Lot) bool { return l.ID == lot }) {
				t.Fatalf("%s: lot %q asked for is missing", id, lot)
			}
		}
		var want []incentive.Entry
		if acc != nil {
			want = acc.entries
		}
		var listed []incentive.Entry
		cursor := ""
		for { // in pages of 3, to exercise cursors
			page, err := s.Entries(ctx, incentive.EntriesParams{Account: id, After: cursor, Limit: 3})
			if err != nil {
				t.Fatalf("Entries: %v", err)
			}
			listed = append(listed, page.Entries...)
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		if diff := cmp.Diff(want, listed, decimalEqual, timeEqual, cmp.Comparer(func(a, b []incentive.Entry) bool {
			return len(a)+len(b) == 0 || cmp.Equal(a, b, decimalEqual, timeEqual)
		})); diff != "" {
			t.Fatalf("%s entries (-model +store):\n%s", id, diff)
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareReference checks that the store answers loads and listings as the
// in-memory reference does.
func compareReference(t *rapid.T, s, ref incentive.Store, ids []incentive.AccountID) {
	for _, id := range ids {
		p := incentive.LoadParams{Account: id, Key: "k1", Lot: "k2", Budgets: []string{"launch"}}
		got, err := s.Load(ctx, p)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		want, err := ref.Load(ctx, p)
		if err != nil {
			t.Fatalf("reference Load: %v", err)
		}
		byID := func(a, b incentive.Lot) int { return cmpString(a.ID, b.ID) }
		slices.SortFunc(got.Account.Lots, byID)
		slices.SortFunc(want.Account.Lots, byID)
		if diff := cmp.Diff(want, got, decimalEqual, timeEqual, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s: Load differs from the reference (-reference +store):\n%s", id, diff)
		}
		if diff := cmp.Diff(listAll(t, ref, id), listAll(t, s, id), decimalEqual, timeEqual, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s: Entries differ from the reference (-reference +store):\n%s", id, diff)
		}
	}
}

// listAll lists an account's statement, page by page (a store may return
// short pages).
func listAll(t *rapid.T, s incentive.Store, id incentive.AccountID) []incentive.Entry {
	var out []incentive.Entry
	cursor := ""
	for {
		page, err := s.Entries(ctx, incentive.EntriesParams{Account: id, After: cursor})
		if err != nil {
			t.Fatalf("Entries: %v", err)
		}
		out = append(out, page.Entries...)
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
}
