package incentivetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Check runs the ledger's invariants against a host's own program, each as
// a subtest with rapid properties:
//
//   - Ledger: on every kind, random histories of earns, spends, grants,
//     deductions, reversals, expiries and replays agree with a plain model
//     of the ledger; the balance equals the sum of the statement's entries;
//     available points are never negative, nor is the balance without the
//     Debt policy; spending takes the soonest-expiring lots first; expiry
//     removes only what remains of a lot, never what was spent.
//   - Replay: a replayed idempotency key returns the original result,
//     flagged Duplicate, and changes nothing; the same key with a
//     different request is refused with ErrIdempotencyConflict.
//   - Caps: random events earned through [incentive.Ledger.EarnEvent], with
//     redeliveries and late arrivals, never exceed any rule's daily,
//     weekly, monthly or lifetime cap, any campaign budget, or any
//     cooldown; a first-time bonus is given at most once; what the
//     statements record is exactly what the rules awarded.
//   - Deterministic: evaluating the same event twice gives the same
//     decision, and so does the program with its rules in another order, as
//     long as rules of equal priority keep their relative order.
//
// The events, members, rule usage and timelines are drawn from the
// program's own vocabulary (see [Events] and [Members]): its event names,
// the values its conditions test and the thresholds they compare with,
// its tiers, event values that fill its caps, the days around its
// campaign windows and the DST transitions of its zone. Check logs (see
// go test -v) for each rule how often the Caps property saw it award and
// each of its limits cut it, and names any rule that never awarded and
// any limit that never cut, marked NOT REACHED: the property says nothing
// about those. It logs rather than fails, because a valid program may
// hold a rule that cannot award (paused with a cap of 0, shadowed by a
// rule that stops) or a cap too large to reach in a few dozen events;
// read the log when the program changes.
//   - Reversal: on every kind, an earn reversed (at once or in two parts,
//     anywhere in a history, often after its points were spent) takes
//     what its kind's policy says: what remains of its lot, then what was
//     spent from it from the member's other points, writing off the rest
//     (CapAtZero, LotOnly) or recording it as debt that later earns repay
//     (Debt). From then on the balance differs from a history that never
//     earned it only by what was spent on those points and what was
//     written off, and lifetime points do not differ at all, whether or
//     not the rest of the history depended on the earn. It logs how many
//     histories reached each path.
//
// Check fails the test at once if p is not valid.
func Check(t *testing.T, p incentive.Program) {
	t.Helper()
	eng, err := incentive.Compile(p)
	if err != nil {
		t.Fatalf("incentivetest: %v", err)
	}
	for _, k := range p.Kinds {
		t.Run("Ledger/"+k.Name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) { runMachine(rt, eng, k) })
		})
	}
	v := vocabularyOf(p)
	t.Run("Caps", func(t *testing.T) {
		cov := newCoverage(eng.Program())
		rapid.Check(t, func(rt *rapid.T) { checkCaps(rt, eng, v, cov) })
		for _, line := range cov.report() {
			t.Log(line)
		}
	})
	t.Run("Deterministic", func(t *testing.T) { rapid.Check(t, func(rt *rapid.T) { checkDeterministic(rt, eng, v) }) })
	for _, k := range p.Kinds {
		t.Run("Reversal/"+k.Name, func(t *testing.T) {
			var stats reversalStats
			rapid.Check(t, func(rt *rapid.T) { checkReversal(rt, eng, k, &stats) })
			t.Logf("Reversal/%s (%s): %v", k.Name, k.Reversal, stats)
		})
	}
}

var ctx = context.Background()

var decimalEqual = cmp.Comparer(decimal.Decimal.Equal)

// machine drives a ledger and the model side by side.
type machine struct {
	l       *incentive.Ledger
	id      incentive.AccountID
	k       incentive.Kind
	m       *model
	now     time.Time
	n       int
	lots    []string
	applied []applied
	// engines and kinds are the program as given and as edited: a host
	// may change a kind's expiry or pending period, and lots keep the
	// terms they were earned under.
	engines [2]*incentive.Engine
	kinds   [2]incentive.Kind
	edited  int
}

// applied is a request applied before, to replay.
type applied struct {
	result   incentive.Result
	again    func() (incentive.Result, error)
	conflict func() error // the same key with a different request
}

func runMachine(t *rapid.T, eng *incentive.Engine, k incentive.Kind) {
	s := &machine{
		l:   &incentive.Ledger{Store: incentive.NewMemoryStore(), Engine: eng},
		id:  incentive.AccountID{Community: "community", Member: "member", Kind: k.Name},
		k:   k,
		m:   &model{k: k, cal: eng.Calendar()},
		now: Start,
	}
	edit := Kinds(k.Name).Draw(t, "edited kind")
	edited := k
	edited.Expiry, edited.Pending = edit.Expiry, edit.Pending
	p := eng.Program()
	for i := range p.Kinds {
		if p.Kinds[i].Name == k.Name {
			p.Kinds[i] = edited
		}
	}
	eng2, err := incentive.Compile(p)
	if err != nil {
		t.Fatalf("edited program: %v", err)
	}
	s.engines, s.kinds = [2]*incentive.Engine{eng, eng2}, [2]incentive.Kind{k, edited}
	t.Repeat(map[string]func(*rapid.T){
		"edit": func(t *rapid.T) {
			s.edited = 1 - s.edited
			s.l.Engine, s.m.k, s.k = s.engines[s.edited], s.kinds[s.edited], s.kinds[s.edited]
		},
		"earn":     func(t *rapid.T) { s.earn(t, false) },
		"grant":    func(t *rapid.T) { s.earn(t, true) },
		"spend":    func(t *rapid.T) { s.spend(t, false) },
		"deduct":   func(t *rapid.T) { s.spend(t, true) },
		"reverse":  s.reverse,
		"expire":   s.expire,
		"advance":  s.advance,
		"replay":   s.replay,
		"conflict": s.conflict,
		"":         s.check,
	})
}

func (s *machine) key() string {
	s.n++
	return fmt.Sprint("op-", s.n)
}

func (s *machine) advance(t *rapid.T) {
	s.now = s.now.Add(time.Duration(rapid.Int64Range(1, 40*24).Draw(t, "hours")) * time.Hour)
}

func (s *machine) earn(t *rapid.T, grant bool) {
	key, points := s.key(), amount(t, "points", s.k, 300)
	var again func() (incentive.Result, error)
	var conflict func() error
	now := s.now
	if grant {
		req := incentive.AdjustRequest{Account: s.id, Key: key, Points: points, Reason: "grant"}
		again = func() (incentive.Result, error) { return s.l.Adjust(ctx, req, now) }
		other := req
		other.Reason = "another reason"
		conflict = func() error { _, err := s.l.Adjust(ctx, other, now); return err }
	} else {
		req := incentive.EarnRequest{Account: s.id, Key: key, Points: points}
		again = func() (incentive.Result, error) { return s.l.Earn(ctx, req, now) }
		other := req
		other.Points = points.Add(decimal.New(1, 0))
		conflict = func() error { _, err := s.l.Earn(ctx, other, now); return err }
	}
	res, err := again()
	if err != nil {
		t.Fatalf("earn %s: %v", points, err)
	}
	expired := s.m.prepare(s.now)
	s.m.earn(key, points, s.now, grant)
	s.checkExpiry(t, res, expired)
	s.lots = append(s.lots, key)
	s.applied = append(s.applied, applied{res, again, conflict})
}

func (s *machine) spend(t *rapid.T, deduct bool) {
	key, points := s.key(), amount(t, "points", s.k, 300)
	now := s.now
	var again func() (incentive.Result, error)
	if deduct {
		req := incentive.AdjustRequest{Account: s.id, Key: key, Points: points.Neg(), Reason: "deduct"}
		again = func() (incentive.Result, error) { return s.l.Adjust(ctx, req, now) }
	} else {
		req := incentive.SpendRequest{Account: s.id, Key: key, Points: points}
		again = func() (incentive.Result, error) { return s.l.Spend(ctx, req, now) }
	}
	res, err := again()
	next := s.m.clone()
	expired := next.prepare(s.now)
	changes, ok := next.spend(points, s.now, deduct)
	switch {
	case !deduct && !s.k.Spendable:
		if !errors.Is(err, incentive.ErrNotSpendable) {
			t.Fatalf("spend from a kind that is not spendable: err = %v", err)
		}
		return
	case !ok:
		if !errors.Is(err, incentive.ErrInsufficientPoints) {
			t.Fatalf("spend %s with %s available: err = %v, want ErrInsufficientPoints", points, s.m.clone().available(s.now), err)
		}
		return
	case err != nil:
		t.Fatalf("spend %s: %v", points, err)
	}
	s.m = next
	s.checkExpiry(t, res, expired)
	last := res.Entries[len(res.Entries)-1]
	if diff := cmp.Diff(changes, last.Lots, decimalEqual); diff != "" {
		t.Fatalf("spend %s took other lots than the soonest-expiring ones (-want +got):\n%s", points, diff)
	}
	s.applied = append(s.applied, applied{result: res, again: again})
}

func (s *machine) reverse(t *rapid.T) {
	if len(s.lots) == 0 {
		t.Skip("nothing earned yet")
	}
	target := rapid.SampledFrom(s.lots).Draw(t, "earn")
	points := decimal.Zero
	if rapid.Bool().Draw(t, "partial") {
		points = amount(t, "points", s.k, 300)
	}
	req := incentive.ReverseRequest{Account: s.id, Key: s.key(), Earn: target, Points: points}
	res, err := s.l.Reverse(ctx, req, s.now)
	next := s.m.clone()
	expired := next.prepare(s.now)
	_, valid, shortfall := next.reverse(target, points, s.now)
	if !valid {
		if !errors.Is(err, qun.ErrInvalid) {
			t.Fatalf("reverse %s of %s beyond what is left: err = %v", points, target, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("reverse %s of %s: %v", points, target, err)
	}
	s.m = next
	s.checkExpiry(t, res, expired)
	if !res.Shortfall().Equal(shortfall) {
		t.Fatalf("reverse %s: shortfall %s, want %s", target, res.Shortfall(), shortfall)
	}
	if len(res.Entries) > 0 { // a reversal with nothing left to reverse records nothing
		now := s.now
		s.applied = append(s.applied, applied{result: res, again: func() (incentive.Result, error) { return s.l.Reverse(ctx, req, now) }})
	}
}

func (s *machine) expire(t *rapid.T) {
	req := incentive.ExpireRequest{Account: s.id, Key: s.key()}
	res, err := s.l.Expire(ctx, req, s.now)
	if err != nil {
		t.Fatalf("expire: %v", err)
	}
	expired := s.m.prepare(s.now)
	s.checkExpiry(t, res, expired)
}

// checkExpiry checks that an operation expired exactly what remained of
// the lots past their expiry, and nothing spent.
func (s *machine) checkExpiry(t *rapid.T, res incentive.Result, want []incentive.LotChange) {
	var got []incentive.LotChange
	for _, e := range res.Entries {
		if e.Type == incentive.EntryExpire {
			got = append(got, e.Lots...)
		}
	}
	slices.SortFunc(got, func(a, b incentive.LotChange) int { return compareStrings(a.Lot, b.Lot) })
	slices.SortFunc(want, func(a, b incentive.LotChange) int { return compareStrings(a.Lot, b.Lot) })
	if diff := cmp.Diff(want, got, decimalEqual, cmp.Comparer(func(a, b []incentive.LotChange) bool { return len(a)+len(b) == 0 || cmp.Equal(a, b, decimalEqual) })); diff != "" {
		t.Fatalf("expiry removed other points than what remained of expired lots (-want +got):\n%s", diff)
	}
}

func (s *machine) replay(t *rapid.T) {
	if len(s.applied) == 0 {
		t.Skip("nothing applied yet")
	}
	a := rapid.SampledFrom(s.applied).Draw(t, "request")
	before := s.state(t)
	res, err := a.again()
	if err != nil {
		t.Fatalf("replay of %q: %v", a.result.Key, err)
	}
	if !res.Duplicate {
		t.Fatalf("replay of %q not flagged Duplicate", a.result.Key)
	}
	if diff := cmp.Diff(a.result.Entries, res.Entries, decimalEqual); diff != "" {
		t.Fatalf("replay of %q returned other entries (-first +replay):\n%s", a.result.Key, diff)
	}
	if after := s.state(t); after.Version != before.Version || after.Seq != before.Seq {
		t.Fatalf("replay of %q changed the account: version %d → %d", a.result.Key, before.Version, after.Version)
	}
}

func (s *machine) conflict(t *rapid.T) {
	i := slices.IndexFunc(s.applied, func(a applied) bool { return a.conflict != nil })
	if i < 0 {
		t.Skip("no earn to conflict with")
	}
	a := s.applied[i]
	if err := a.conflict(); !errors.Is(err, incentive.ErrIdempotencyConflict) {
		t.Fatalf("a different request under key %q: err = %v, want ErrIdempotencyConflict", a.result.Key, err)
	}
}

func (s *machine) state(t *rapid.T) incentive.Account {
	snap, err := s.l.Store.Load(ctx, incentive.LoadParams{Account: s.id})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return snap.Account
}

// check compares the ledger with the model and checks the invariants.
func (s *machine) check(t *rapid.T) {
	b, err := s.l.Balance(ctx, s.id, s.now, 0)
	if err != nil {
		t.Fatalf("balance: %v", err)
	}
	avail, pending, debt, net, lifetime := s.m.balance(s.now)
	got := []decimal.Decimal{b.Available, b.Pending, b.Debt, b.Net, b.Lifetime}
	want := []decimal.Decimal{avail, pending, debt, net, lifetime}
	if diff := cmp.Diff(want, got, decimalEqual); diff != "" {
		t.Fatalf("balance [available pending debt net lifetime] differs from the model (-model +ledger):\n%s", diff)
	}
	if b.Available.Sign() < 0 || b.Pending.Sign() < 0 || b.Debt.Sign() < 0 {
		t.Fatalf("negative balance: %+v", b)
	}
	if s.k.Reversal != incentive.Debt && (b.Net.Sign() < 0 || !b.Debt.IsZero()) {
		t.Fatalf("balance below zero without the debt policy: %+v", b)
	}
	sum := decimal.Zero
	for e, err := range s.l.Statement(ctx, s.id) {
		if err != nil {
			t.Fatalf("statement: %v", err)
		}
		sum = sum.Add(e.Points)
		if !e.Balance.Equal(sum) {
			t.Fatalf("entry %d: balance %s, but the entries so far add up to %s", e.Seq, e.Balance, sum)
		}
	}
	tot := s.state(t).Totals
	fromTotals := tot.Earned.Add(tot.Granted).Sub(tot.Spent).Sub(tot.Deducted).Sub(tot.Expired).Sub(tot.Reversed)
	if !sum.Equal(fromTotals) {
		t.Fatalf("the entries add up to %s, the totals to %s", sum, fromTotals)
	}
}

// checkDeterministic evaluates an event twice, and on the program with its
// rules reordered.
func checkDeterministic(t *rapid.T, eng *incentive.Engine, v *vocabulary) {
	p := eng.Program()
	ev := events(v, "").Draw(t, "event")
	ev.ID = "event"
	m := members(v).Draw(t, "member")
	now := ev.Time.Add(time.Duration(rapid.Int64Range(0, 600).Draw(t, "lag minutes")) * time.Minute)
	var s incentive.RuleState
	s.Usage = Usages(p, now).Draw(t, "usage")
	for _, b := range v.budgets {
		// Anything from nothing used to past the limit.
		used := b.Limit.Mul(decimal.New(rapid.Int64Range(0, 12).Draw(t, "budget used tenths"), -1)).Truncate(0)
		s.Budgets = append(s.Budgets, incentive.Budget{Name: b.Name, Used: used})
	}
	first := eng.Evaluate(ev, m, s, now)
	if diff := cmp.Diff(first, eng.Evaluate(ev, m, s, now), decimalEqual); diff != "" {
		t.Fatalf("two evaluations differ:\n%s", diff)
	}
	// Shuffle the rules, then put each priority's rules back in their
	// order in the places the shuffle gave that priority, whatever the
	// priorities' values.
	perm := rapid.Permutation(slices.Clone(p.Rules)).Draw(t, "order")
	shuffled := slices.Clone(perm)
	byPriority := map[int][]incentive.Rule{}
	for _, r := range p.Rules {
		byPriority[r.Priority] = append(byPriority[r.Priority], r)
	}
	next := map[int]int{}
	for i, r := range perm {
		shuffled[i] = byPriority[r.Priority][next[r.Priority]]
		next[r.Priority]++
	}
	q := p
	q.Rules = shuffled
	eng2, err := incentive.Compile(q)
	if err != nil {
		t.Fatalf("reordered program: %v", err)
	}
	if diff := cmp.Diff(first, eng2.Evaluate(ev, m, s, now), decimalEqual); diff != "" {
		t.Fatalf("reordering rules of distinct priorities changed the decision (-before +after):\n%s", diff)
	}
}
