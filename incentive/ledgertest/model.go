package ledgertest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// storeModel is a plain model of a store: the contract with nothing else.
type storeModel struct {
	accounts map[incentive.AccountID]*modelAccount
	budgets  map[[2]string]decimal.Decimal
	// changed are the lots the last append wrote, by account.
	changed map[incentive.AccountID][]string
}

type modelAccount struct {
	state   incentive.Account
	lots    map[string]incentive.Lot
	ops     map[string]incentive.Operation
	entries []incentive.Entry
}

// append applies p as the contract says, and returns nil or the sentinel
// the store must fail with. It keeps copies of what p holds, so that a
// store that changes the slices it is given cannot change the model too.
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
	acc.state.Usage = slices.Clone(p.Next.Usage)
	m.changed = map[incentive.AccountID][]string{}
	for _, l := range p.Lots {
		acc.lots[l.ID] = l
		m.changed[p.Account] = append(m.changed[p.Account], l.ID)
	}
	op := p.Operation
	op.Entries = cloneEntries(op.Entries)
	acc.ops[op.Key] = op
	acc.entries = append(acc.entries, cloneEntries(op.Entries)...)
	for _, d := range p.Draws {
		k := [2]string{p.Account.Community, d.Name}
		m.budgets[k] = m.budgets[k].Add(d.Points)
	}
	return nil
}

// cloneEntries copies entries and the slices they hold.
func cloneEntries(es []incentive.Entry) []incentive.Entry {
	out := slices.Clone(es)
	for i := range out {
		out[i].Lots = slices.Clone(out[i].Lots)
		out[i].Awards = slices.Clone(out[i].Awards)
		for j := range out[i].Awards {
			out[i].Awards[j].Multipliers = slices.Clone(out[i].Awards[j].Multipliers)
		}
	}
	return out
}

// modelAccounts are the accounts the model test writes: two communities,
// and every kind of the engine, so that debt, pending lots, fractional
// amounts and closed lots all reach the store.
var modelAccounts = []incentive.AccountID{
	accountOf("c1", "lin", "points"), accountOf("c2", "lin", "points"),
	accountOf("c1", "lin", "cents"), accountOf("c1", "lin", "stars"),
}

// The operations of the model test.
const (
	opEarn = iota
	opSpend
	opExpire
	opRules // an earn from the rules: rule usage and a budget draw
	opReverse
	opGrant
	opDeduct
	opSpendAll // everything available, so that reversals find their lots spent
)

// modelRun is one run of the model test: a store, the model and the
// reference store, fed the same appends.
type modelRun struct {
	s       incentive.Store
	ref     *incentive.MemoryStore
	m       *storeModel
	now     time.Time
	n       int // keys used
	steps   int
	touched *incentive.AccountID // the account the last step wrote to
	key     string               // and its key
}

// step is one operation to apply: on an account, with an amount or lot
// given, or drawn when they are zero.
type step struct {
	op     int
	id     incentive.AccountID
	hours  int // to advance the clock by; -1 draws it
	amount decimal.Decimal
	lot    string // the lot a reversal reverses
	// plain steps reuse no key, are never stale and draw on no budget.
	plain bool
}

// runModel applies random operations, computed by the engine on the state
// the store returns, to the store and the model, some with stale versions,
// used keys or budget draws past the limit, and compares what they hold.
// The operations are every one the ledger has: earns (by hand and from the
// rules), spends, expiries, reversals under each policy, and grants and
// deductions, in amounts with as many decimal places as each kind keeps;
// and refunds of spent points under the Debt policy, repaid by pending
// earns (a lot open with nothing remaining).
//
// Before each step it checks that the store loads what the reference
// does; after it, it compares the account the step wrote to with the
// model; every eighth step every account with its statement, so that a
// store that changes one account when it writes another is caught too;
// and at the end every account with every operation.
func runModel(t testing.TB, newStore func() incentive.Store) {
	rapid.Check(t, func(rt *rapid.T) {
		r := &modelRun{s: newStore(), ref: incentive.NewMemoryStore(), now: start,
			m: &storeModel{accounts: map[incentive.AccountID]*modelAccount{}, budgets: map[[2]string]decimal.Decimal{}}}
		random := func(op int) func(*rapid.T) {
			return func(t *rapid.T) {
				r.apply(t, step{op: op, id: rapid.SampledFrom(modelAccounts).Draw(t, "account"), hours: -1})
			}
		}
		rt.Repeat(map[string]func(*rapid.T){
			"earn":      random(opEarn),
			"spend":     random(opSpend),
			"expire":    random(opExpire),
			"rules":     random(opRules),
			"reverse":   random(opReverse),
			"grant":     random(opGrant),
			"deduct":    random(opDeduct),
			"spend all": random(opSpendAll),
			"refund":    r.refund,
			"": func(t *rapid.T) {
				r.steps++
				switch {
				case r.steps%8 == 0:
					r.compare(t, modelAccounts, true, false)
				case r.touched != nil:
					r.compare(t, []incentive.AccountID{*r.touched}, false, false)
				}
				r.touched = nil
			},
		})
		r.compare(rt, modelAccounts, true, true)
	})
}

// refund earns points under the Debt policy, spends them, refunds the
// earn (a debt) and earns again less than the debt within the pending
// period: a lot that is open with nothing remaining, which a store must
// keep loading by its Open flag.
func (r *modelRun) refund(t *rapid.T) {
	id := accountOf("c1", "lin", "cents")
	earned := r.apply(t, step{op: opEarn, id: id, hours: -1, plain: true})
	r.apply(t, step{op: opSpendAll, id: id, hours: 49, plain: true})
	r.apply(t, step{op: opReverse, id: id, lot: earned, plain: true})
	r.apply(t, step{op: opEarn, id: id, amount: decimal.New(1, -2), plain: true})
}

// apply applies one step to the store, the model and the reference, and
// returns its key.
func (r *modelRun) apply(t *rapid.T, st step) string {
	id := st.id
	r.touched = &id
	kind, _ := engine.Kind(id.Kind)
	hours := st.hours
	if hours < 0 {
		hours = rapid.IntRange(0, 10*24).Draw(t, "hours")
	}
	r.now = r.now.Add(time.Duration(hours) * time.Hour)
	now := r.now
	r.n++
	key := fmt.Sprint("k", r.n)
	if !st.plain && rapid.IntRange(0, 9).Draw(t, "reuse key") == 0 && r.n > 1 {
		key = fmt.Sprint("k", rapid.IntRange(1, r.n-1).Draw(t, "used key"))
	}
	r.key = key
	amount := st.amount
	if amount.IsZero() {
		perPoint := decimal.New(1, kind.Scale).IntPart() // units of the kind's scale in one point
		amount = decimal.New(rapid.Int64Range(1, 100*perPoint).Draw(t, "units"), -kind.Scale)
	}
	load := incentive.LoadParams{Account: id}
	if st.op == opReverse { // a reversal loads the lot it reverses, open or closed
		load.Lot = st.lot
		if load.Lot == "" {
			acc := r.m.accounts[id]
			if acc == nil || len(acc.lots) == 0 {
				return key // no lot to reverse: a step that does nothing (a skip would end the run: rapid stops after more skips than steps)
			}
			lots := slices.Sorted(maps.Keys(acc.lots))
			// Mostly a lot that was spent from, so that reversals charge
			// other points, write off or leave debt.
			spent := slices.DeleteFunc(slices.Clone(lots), func(id string) bool {
				l := acc.lots[id]
				return !l.Used.GreaterThan(l.Charged)
			})
			if len(spent) > 0 && rapid.IntRange(0, 2).Draw(t, "spent lot") > 0 {
				lots = spent
			}
			load.Lot = rapid.SampledFrom(lots).Draw(t, "lot")
		}
	}
	// The operation is computed on what the store loads, as a Ledger
	// computes it, after checking that the load is what the reference
	// loads: a fault must not hide behind the next append.
	snap, err := r.s.Load(ctx, load)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r.sameAsReference(t, load, snap)
	var out incentive.Outcome
	switch st.op {
	case opEarn:
		out, err = engine.Earn(snap.Account, incentive.EarnRequest{Account: id, Key: key, Points: amount}, now)
	case opSpend:
		out, err = engine.Spend(snap.Account, incentive.SpendRequest{Account: id, Key: key, Points: amount}, now)
	case opExpire:
		out, err = engine.Expire(snap.Account, incentive.ExpireRequest{Account: id, Key: key}, now)
	case opRules:
		ev := qun.Event{ID: key, Member: id.Member, Name: "join", Time: now, Value: decimal.NewNullDecimal(amount)}
		d := engine.Evaluate(ev, incentive.Member{}, incentive.RuleState{Usage: snap.Account.Usage}, now)
		reqs := slices.DeleteFunc(d.EarnRequests(id.Community, ev), func(r incentive.EarnRequest) bool { return r.Account != id })
		if len(reqs) == 0 {
			return key // nothing awarded
		}
		out, err = engine.Earn(snap.Account, reqs[0], now)
	case opReverse:
		var part decimal.Decimal
		if st.lot == "" && rapid.Bool().Draw(t, "partial") {
			part = amount
		}
		out, err = engine.Reverse(snap.Account, incentive.ReverseRequest{Account: id, Key: key, Earn: load.Lot, Points: part}, now)
	case opGrant:
		out, err = engine.Adjust(snap.Account, incentive.AdjustRequest{Account: id, Key: key, Points: amount, Reason: "grant"}, now)
	case opDeduct:
		out, err = engine.Adjust(snap.Account, incentive.AdjustRequest{Account: id, Key: key, Points: amount.Neg(), Reason: "deduct"}, now)
	case opSpendAll:
		avail := snap.Account.BalanceAt(now, 0).Available
		if avail.Sign() <= 0 {
			return key // nothing to spend
		}
		out, err = engine.Spend(snap.Account, incentive.SpendRequest{Account: id, Key: key, Points: avail}, now)
	}
	if err != nil || len(out.Operation.Entries) == 0 {
		return key // nothing to write
	}
	p := params(id, snap.Account.Version, out)
	if !st.plain && rapid.IntRange(0, 9).Draw(t, "stale") == 0 {
		p.ExpectedVersion--
		p.Next.Version--
	}
	if !st.plain && rapid.IntRange(0, 3).Draw(t, "draw") == 0 {
		p.Draws = []incentive.BudgetDraw{{Name: "launch", Points: amount, Limit: decimal.New(600, 0)}}
	}
	want := r.m.append(p)
	if refErr := r.ref.Append(ctx, p); !errors.Is(refErr, want) {
		t.Fatalf("the reference store disagrees with the model: %v, want %v", refErr, want)
	}
	err = r.s.Append(ctx, p)
	switch {
	case want == nil && err != nil:
		t.Fatalf("Append: %v, want success", err)
	case want != nil && err == nil:
		t.Fatalf("Append succeeded; it must fail with %v (stale version, used key or budget past its limit)", want)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("Append: err = %v, want %v", err, want)
	}
	return key
}

// compare checks that the store holds what the model does, for each
// account: its state and open lots; the lots the last append wrote and a
// few others, each by ID (closed ones with all their amounts); the
// operation under the last step's key, under a key never used and, if
// allKeys, every operation; the budget; and, if statement, the statement.
// And that it answers a load as the reference store does.
func (r *modelRun) compare(t *rapid.T, ids []incentive.AccountID, statement, allKeys bool) {
	for _, id := range ids {
		acc := r.m.accounts[id]
		keys := []string{"k0", r.key}
		var lots []string
		if acc != nil {
			lots = slices.Sorted(maps.Keys(acc.lots))
			if allKeys {
				keys = append(keys, slices.Sorted(maps.Keys(acc.ops))...)
			}
		}
		for _, key := range keys {
			snap, err := r.s.Load(ctx, incentive.LoadParams{Account: id, Key: key, Budgets: []string{"launch"}})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var wantOp *incentive.Operation
			if acc != nil {
				if op, ok := acc.ops[key]; ok {
					wantOp = &op
				}
			}
			if diff := cmp.Diff(wantOp, snap.Operation, equal); diff != "" {
				t.Fatalf("%s operation %q (-model +store):\n%s", id, key, diff)
			}
			if used := r.m.budgets[[2]string{id.Community, "launch"}]; len(snap.Budgets) != 1 || !used.Equal(snap.Budgets[0].Used) {
				t.Fatalf("%s budget: store %+v, model %s used", id.Community, snap.Budgets, used)
			}
		}
		wantState := incentive.Account{ID: id}
		var wantOpen []incentive.Lot
		if acc != nil {
			wantState = acc.state
			for _, l := range acc.lots {
				if l.Open {
					wantOpen = append(wantOpen, l)
				}
			}
		}
		snap, err := r.s.Load(ctx, incentive.LoadParams{Account: id})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		slices.SortFunc(wantOpen, byID)
		got := snap.Account
		slices.SortFunc(got.Lots, byID)
		wantState.Lots = wantOpen
		if diff := cmp.Diff(wantState, got, equal); diff != "" {
			t.Fatalf("%s state (-model +store):\n%s", id, diff)
		}
		for _, lot := range append(slices.Clone(r.m.changed[id]), lots[:min(len(lots), 2)]...) {
			snap, err := r.s.Load(ctx, incentive.LoadParams{Account: id, Lot: lot})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			i := slices.IndexFunc(snap.Account.Lots, func(l incentive.Lot) bool { return l.ID == lot })
			if i < 0 {
				t.Fatalf("%s: lot %q asked for is missing", id, lot)
			}
			if diff := cmp.Diff(acc.lots[lot], snap.Account.Lots[i], equal); diff != "" {
				t.Fatalf("%s: lot %q loaded by ID (-model +store):\n%s", id, lot, diff)
			}
		}
		if statement {
			var want []incentive.Entry
			if acc != nil {
				want = acc.entries
			}
			var listed []incentive.Entry
			cursor := ""
			for { // in pages of 3, to exercise cursors
				page, err := r.s.Entries(ctx, incentive.EntriesParams{Account: id, After: cursor, Limit: 3})
				if err != nil {
					t.Fatalf("Entries: %v", err)
				}
				listed = append(listed, page.Entries...)
				if page.Next == "" || len(page.Entries) == 0 {
					break
				}
				cursor = page.Next
			}
			if diff := cmp.Diff(want, listed, equal); diff != "" {
				t.Fatalf("%s entries (-model +store):\n%s", id, diff)
			}
		}
		r.compareReference(t, id)
	}
}

func byID(a, b incentive.Lot) int { return strings.Compare(a.ID, b.ID) }

// compareReference checks that the store answers a load as the in-memory
// reference does.
func (r *modelRun) compareReference(t *rapid.T, id incentive.AccountID) {
	p := incentive.LoadParams{Account: id, Key: "k1", Lot: "k2", Budgets: []string{"launch"}}
	got, err := r.s.Load(ctx, p)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r.sameAsReference(t, p, got)
}

// sameAsReference checks that what the store loaded for p is what the
// reference loads.
func (r *modelRun) sameAsReference(t *rapid.T, p incentive.LoadParams, got incentive.Snapshot) {
	want, err := r.ref.Load(ctx, p)
	if err != nil {
		t.Fatalf("reference Load: %v", err)
	}
	got.Account.Lots = slices.SortedFunc(slices.Values(got.Account.Lots), byID)
	slices.SortFunc(want.Account.Lots, byID)
	if diff := cmp.Diff(want, got, equal); diff != "" {
		t.Fatalf("%s: Load(%+v) differs from the reference (-reference +store):\n%s", p.Account, p, diff)
	}
}
