// Package ledgertest checks that an implementation of [incentive.Store]
// keeps the contract written on that interface, in the style of
// testing/fstest and testing/slogtest: [Run] runs one subtest per case,
// each on a fresh store and each explaining what it checks, and a rapid
// model test that compares the store with a plain model under random
// appends, loads and listings.
//
// The cases and the model write every field a store keeps, in amounts with
// decimal places: debt, lots' charged and clawed amounts, lots that are
// open with nothing remaining, closed lots reversed again after a reload,
// grants and deductions, rule usage and budget draws. The kit's own tests
// run it against stores that drop the debt, drop lots' charged or clawed
// amounts, load lots by their remaining points instead of their Open flag,
// or keep amounts in integer columns, and check that it fails each; and
// against a store that returns empty slices where the reference returns
// nil, which it passes.
//
// A host's adapter passes it with
//
//	func TestStore(t *testing.T) {
//		ledgertest.Run(t, func(t *testing.T) incentive.Store { return newTestStore(t) })
//	}
//
// Run the cases under the race detector: some of them write concurrently.
package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

// Run checks the store that newStore returns. It calls newStore once per
// case, so each case starts from an empty store, and once per run of the
// model test.
//
// The cases drive stores through a program whose kinds exercise every
// field a store keeps: whole points reversed under CapAtZero with a
// campaign budget, points to the cent that are pending for two days and
// reversed under Debt, and tenths of a star reversed under LotOnly. A store
// that loses the debt, a lot's charged or clawed amounts, a lot stored
// open with nothing remaining, or a decimal place fails them.
func Run(t *testing.T, newStore func(t *testing.T) incentive.Store) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Logf("%s: %s", c.name, c.explain)
			c.run(t, newStore(t))
		})
	}
	t.Run("Model", func(t *testing.T) {
		t.Log("Model: random operations of every kind (earns, spends, expiries, reversals under each policy, grants, deductions; some stale, some with used keys, some over a budget) give the same loads and listings as a plain model and the reference store")
		runModel(t, func() incentive.Store { return newStore(t) })
	})
}

// testCase is one case of the kit. It takes a testing.TB, not a
// *testing.T, so that the kit's own tests can run it against a recorder
// and check that it fails faulty stores.
type testCase struct {
	name, explain string
	run           func(t testing.TB, s incentive.Store)
}

var (
	ctx   = context.Background()
	start = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	cal   = qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
)

// engine is the program the cases drive stores with. Its kinds exercise
// every field a store keeps:
//
//   - points: whole points that expire at the end of the year, reversed
//     under CapAtZero (a shortfall), with a campaign budget;
//   - cents: points to the cent (scale 2), pending for two days and
//     expiring 30 days after they become available, reversed under Debt
//     (an account's debt; lots that stay open with nothing remaining);
//   - stars: tenths of a star (scale 1) that never expire, reversed
//     under LotOnly.
var engine = func() *incentive.Engine {
	eng, err := incentive.Compile(incentive.Program{
		Calendar: cal,
		Kinds: []incentive.Kind{
			{Name: "points", Spendable: true, Expiry: incentive.Expiry{End: qun.Year}},
			{Name: "cents", Scale: 2, Rounding: incentive.HalfEven, Spendable: true, Pending: qun.Days(2),
				Expiry: incentive.Expiry{After: qun.Days(30), From: incentive.ExpiryFromAvailable}, Reversal: incentive.Debt},
			{Name: "stars", Scale: 1, Spendable: true, Reversal: incentive.LotOnly},
		},
		Rules: []incentive.Rule{
			{ID: "launch", Kind: "points", Event: qun.EventFilter{Name: "join"}, Points: decimal.New(40, 0),
				Caps: incentive.Caps{Budget: incentive.BudgetCap{Name: "launch", Limit: decimal.New(100, 0)}}},
			{ID: "cashback", Kind: "cents", Event: qun.EventFilter{Name: "join"}, Points: decimal.New(1, 0), Per: decimal.New(3, 0),
				Caps: incentive.Caps{Day: incentive.Cap(decimal.New(500, -2))}},
		},
	})
	if err != nil {
		panic(err)
	}
	return eng
}()

func account(community, member string) incentive.AccountID {
	return incentive.AccountID{Community: community, Member: qun.MemberID(member), Kind: "points"}
}

func accountOf(community, member, kind string) incentive.AccountID {
	return incentive.AccountID{Community: community, Member: qun.MemberID(member), Kind: kind}
}

func points(n int64) decimal.Decimal { return decimal.New(n, 0) }

// amount parses a decimal the cases write as text.
func amount(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// earn computes an earn's outcome on the state s holds, and returns the
// AppendParams for it.
func earn(t testing.TB, s incentive.Store, id incentive.AccountID, key string, n int64, at time.Time) incentive.AppendParams {
	t.Helper()
	snap, err := s.Load(ctx, incentive.LoadParams{Account: id})
	if err != nil {
		t.Fatalf("Load(%s): %v", id, err)
	}
	out, err := engine.Earn(snap.Account, incentive.EarnRequest{Account: id, Key: key, Points: points(n)}, at)
	if err != nil {
		t.Fatal(err)
	}
	return params(id, snap.Account.Version, out)
}

// params returns the AppendParams for an outcome computed at version, as
// the Ledger writes them: Next carries no lots.
func params(id incentive.AccountID, version int64, out incentive.Outcome) incentive.AppendParams {
	next := out.Account
	next.Lots = nil
	return incentive.AppendParams{Account: id, ExpectedVersion: version, Next: next,
		Lots: out.Lots, Operation: out.Operation, Draws: out.Draws}
}

// must returns a function that fails the test on an error.
func must(t testing.TB) func(incentive.Result, error) incentive.Result {
	return func(r incentive.Result, err error) incentive.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

func mustAppend(t testing.TB, s incentive.Store, p incentive.AppendParams) {
	t.Helper()
	if err := s.Append(ctx, p); err != nil {
		t.Fatalf("Append(%s, key %q): %v", p.Account, p.Operation.Key, err)
	}
}

func load(t testing.TB, s incentive.Store, p incentive.LoadParams) incentive.Snapshot {
	t.Helper()
	snap, err := s.Load(ctx, p)
	if err != nil {
		t.Fatalf("Load(%s): %v", p.Account, err)
	}
	return snap
}

// all lists every entry of an account, page by page. A page never holds
// more than the limit, and an empty page ends the listing.
func all(t testing.TB, s incentive.Store, id incentive.AccountID, limit int) []incentive.Entry {
	t.Helper()
	var out []incentive.Entry
	cursor := ""
	for range 10000 {
		page, err := s.Entries(ctx, incentive.EntriesParams{Account: id, After: cursor, Limit: limit})
		if err != nil {
			t.Fatalf("Entries(%s, after %q): %v", id, cursor, err)
		}
		if limit > 0 && len(page.Entries) > limit {
			t.Fatalf("Entries returned %d entries, over the limit of %d", len(page.Entries), limit)
		}
		if len(page.Entries) == 0 && page.Next != "" {
			t.Fatalf("Entries(%s, after %q) returned an empty page with a cursor %q", id, cursor, page.Next)
		}
		out = append(out, page.Entries...)
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
	t.Fatalf("Entries(%s) never ends", id)
	return nil
}

// equal compares what stores return: decimals by value (a store may
// read 3.30 back as 3.3), instants by time (a store may read them back in
// another location), and nil and empty slices alike (a SQL store reads an
// empty child table as an empty slice).
var equal = cmp.Options{decimalEqual, timeEqual, cmpopts.EquateEmpty()}

var decimalEqual = cmp.Comparer(decimal.Decimal.Equal)

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

var cases = []testCase{
	{"NotFound", "an account never written loads as version 0 with nothing in it; an unknown key, lot or budget is absent or zero, and its statement is empty", func(t testing.TB, s incentive.Store) {
		id := account("c1", "nobody")
		snap := load(t, s, incentive.LoadParams{Account: id, Key: "k", Lot: "l", Budgets: []string{"launch"}})
		if snap.Account.Version != 0 || len(snap.Account.Lots) != 0 || snap.Operation != nil || !snap.Account.Totals.Earned.IsZero() {
			t.Errorf("Load of an account never written = %+v", snap)
		}
		if len(snap.Budgets) != 1 || snap.Budgets[0].Name != "launch" || !snap.Budgets[0].Used.IsZero() {
			t.Errorf("budget never drawn = %+v, want launch with 0 used", snap.Budgets)
		}
		if es := all(t, s, id, 0); len(es) != 0 {
			t.Errorf("statement of an account never written = %+v", es)
		}
	}},
	{"AppendThenLoad", "what Append writes, Load and Entries return: the state, the open lots, the operation by its key, the entries in order", func(t testing.TB, s incentive.Store) {
		id := account("c1", "lin")
		p := earn(t, s, id, "e1", 100, start)
		mustAppend(t, s, p)
		snap := load(t, s, incentive.LoadParams{Account: id, Key: "e1"})
		if snap.Account.Version != 1 || snap.Account.Seq != 1 || !snap.Account.Totals.Earned.Equal(points(100)) {
			t.Errorf("state after one earn = %+v", snap.Account)
		}
		if diff := cmp.Diff(p.Lots, snap.Account.Lots, equal); diff != "" {
			t.Errorf("lots (-appended +loaded):\n%s", diff)
		}
		if snap.Operation == nil {
			t.Fatalf("operation e1 not returned")
		}
		if diff := cmp.Diff(p.Operation, *snap.Operation, equal); diff != "" {
			t.Errorf("operation (-appended +loaded):\n%s", diff)
		}
		if diff := cmp.Diff(p.Operation.Entries, all(t, s, id, 0), equal); diff != "" {
			t.Errorf("entries (-appended +listed):\n%s", diff)
		}
	}},
	{"VersionConflictWritesNothing", "an append whose expected version is stale fails with ErrConflict and writes nothing: not the state, not the lots, not the key, not the entries", func(t testing.TB, s incentive.Store) {
		id := account("c1", "lin")
		first := earn(t, s, id, "e1", 100, start)
		stale := earn(t, s, id, "e2", 50, start) // computed on version 0 too
		mustAppend(t, s, first)
		err := s.Append(ctx, stale)
		if !errors.Is(err, incentive.ErrConflict) {
			t.Fatalf("stale append: err = %v, want ErrConflict", err)
		}
		snap := load(t, s, incentive.LoadParams{Account: id, Key: "e2", Lot: "e2"})
		if snap.Account.Version != 1 || snap.Operation != nil || len(snap.Account.Lots) != 1 || len(all(t, s, id, 0)) != 1 {
			t.Errorf("a failed append wrote something: %+v", snap)
		}
		again := earn(t, s, id, "e2", 50, start)
		mustAppend(t, s, again)
	}},
	{"KeyRecordedOnce", "an append under a key already recorded for the account fails with ErrConflict even at the right version, and writes nothing", func(t testing.TB, s incentive.Store) {
		id := account("c1", "lin")
		mustAppend(t, s, earn(t, s, id, "e1", 100, start))
		dup := earn(t, s, id, "e2", 10, start)
		dup.Operation.Key = "e1"
		for i := range dup.Operation.Entries {
			dup.Operation.Entries[i].Key = "e1"
		}
		if err := s.Append(ctx, dup); !errors.Is(err, incentive.ErrConflict) {
			t.Fatalf("append under a recorded key: err = %v, want ErrConflict", err)
		}
		if snap := load(t, s, incentive.LoadParams{Account: id}); snap.Account.Version != 1 {
			t.Errorf("version = %d after a refused append, want 1", snap.Account.Version)
		}
	}},
	{"IdempotentReplay", "through a Ledger, a replayed key returns the original entries flagged Duplicate and writes nothing", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := account("c1", "lin")
		req := incentive.EarnRequest{Account: id, Key: "order-1", Points: points(10)}
		first, err := l.Earn(ctx, req, start)
		if err != nil {
			t.Fatal(err)
		}
		again, err := l.Earn(ctx, req, start.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !again.Duplicate || again.Version != first.Version {
			t.Errorf("replay = %+v, want a duplicate of version %d", again, first.Version)
		}
		if diff := cmp.Diff(first.Entries, again.Entries, equal); diff != "" {
			t.Errorf("replay entries (-first +replay):\n%s", diff)
		}
		if n := len(all(t, s, id, 0)); n != 1 {
			t.Errorf("%d entries after a replay, want 1", n)
		}
	}},
	{"ConflictingKey", "through a Ledger, the same key with a different request fails with ErrIdempotencyConflict, which matches qun.ErrInvalid", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := account("c1", "lin")
		if _, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: points(10)}, start); err != nil {
			t.Fatal(err)
		}
		_, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: points(11)}, start)
		if !errors.Is(err, incentive.ErrIdempotencyConflict) || !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("conflicting request: err = %v", err)
		}
	}},
	{"UsageAndBudgets", "rule usage (for caps, cooldowns, first-time bonuses) and budget draws are kept with the append that made them", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		for i, m := range []string{"lin", "wei"} {
			ev := qun.Event{ID: "join", Member: qun.MemberID(m), Name: "join", Time: start.Add(time.Duration(i) * time.Hour)}
			if _, err := l.EarnEvent(ctx, "c1", ev, incentive.Member{}, ev.Time); err != nil {
				t.Fatal(err)
			}
		}
		snap := load(t, s, incentive.LoadParams{Account: account("c1", "wei"), Budgets: []string{"launch"}})
		u := snap.Account.Usage
		if len(u) != 1 || u[0].Rule != "launch" || u[0].Awards != 1 || !u[0].Points.Equal(points(40)) || !u[0].Last.Equal(start.Add(time.Hour)) {
			t.Errorf("usage = %+v, want one award of 40 by rule launch", u)
		}
		if !snap.Budgets[0].Used.Equal(points(80)) {
			t.Errorf("budget used = %s, want 80", snap.Budgets[0].Used)
		}
	}},
	{"Paging", "entries list in the order written, each once, across pages of any size; a page never exceeds its limit; the last page has no cursor", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := account("c1", "lin")
		for i := range 23 {
			if _, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: fmt.Sprint("e", i), Points: points(1)}, start.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		whole := all(t, s, id, 0)
		if len(whole) != 23 {
			t.Fatalf("%d entries, want 23", len(whole))
		}
		for i, e := range whole {
			if e.Seq != int64(i+1) || e.Key != fmt.Sprint("e", i) {
				t.Fatalf("entry %d = seq %d key %q", i, e.Seq, e.Key)
			}
		}
		for _, limit := range []int{1, 2, 7, 23, 50} {
			if diff := cmp.Diff(whole, all(t, s, id, limit), equal); diff != "" {
				t.Errorf("pages of %d differ from one listing:\n%s", limit, diff)
			}
			// The page that returns the last entry is the last page.
			cursor := ""
			for {
				page, err := s.Entries(ctx, incentive.EntriesParams{Account: id, After: cursor, Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				n := len(page.Entries)
				if n > 0 && page.Entries[n-1].Seq == whole[len(whole)-1].Seq {
					if page.Next != "" {
						t.Errorf("pages of %d: the page with the last entry has a cursor %q, want none", limit, page.Next)
					}
					break
				}
				if page.Next == "" {
					t.Fatalf("pages of %d: the listing ended before the last entry", limit)
				}
				cursor = page.Next
			}
		}
	}},
	{"ClosedLots", "a lot used up is closed: Load leaves it out unless asked for by ID", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := account("c1", "lin")
		for _, req := range []incentive.EarnRequest{{Account: id, Key: "a", Points: points(10)}, {Account: id, Key: "b", Points: points(10)}} {
			if _, err := l.Earn(ctx, req, start); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s", Points: points(10)}, start); err != nil {
			t.Fatal(err)
		}
		ids := func(ls []incentive.Lot) []string {
			var out []string
			for _, l := range ls {
				out = append(out, l.ID)
			}
			slices.Sort(out)
			return out
		}
		if got := ids(load(t, s, incentive.LoadParams{Account: id}).Account.Lots); !slices.Equal(got, []string{"b"}) {
			t.Errorf("open lots = %v, want [b]", got)
		}
		if got := ids(load(t, s, incentive.LoadParams{Account: id, Lot: "a"}).Account.Lots); !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("lots with a asked for = %v, want [a b]", got)
		}
	}},
	{"CancelledContext", "every method returns the context's error when it is already cancelled, and Append writes nothing", func(t testing.TB, s incentive.Store) {
		id := account("c1", "lin")
		p := earn(t, s, id, "e1", 100, start)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Append(cancelled, p); !errors.Is(err, context.Canceled) {
			t.Errorf("Append: err = %v, want context.Canceled", err)
		}
		if _, err := s.Load(cancelled, incentive.LoadParams{Account: id}); !errors.Is(err, context.Canceled) {
			t.Errorf("Load: err = %v, want context.Canceled", err)
		}
		if _, err := s.Entries(cancelled, incentive.EntriesParams{Account: id}); !errors.Is(err, context.Canceled) {
			t.Errorf("Entries: err = %v, want context.Canceled", err)
		}
		if snap := load(t, s, incentive.LoadParams{Account: id}); snap.Account.Version != 0 {
			t.Errorf("Append with a cancelled context wrote version %d", snap.Account.Version)
		}
	}},
	{"CommunityIsolation", "the same member, kind and key in two communities are two accounts; budgets of the same name in two communities are two budgets", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		a, b := account("club-a", "lin"), account("club-b", "lin")
		join := qun.Event{ID: "join-1", Member: "lin", Name: "join", Time: start}
		for _, c := range []string{"club-a", "club-a", "club-b"} {
			if _, err := l.EarnEvent(ctx, c, join, incentive.Member{}, start); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := l.Earn(ctx, incentive.EarnRequest{Account: a, Key: "k", Points: points(5)}, start); err != nil {
			t.Fatal(err)
		}
		res, err := l.Earn(ctx, incentive.EarnRequest{Account: b, Key: "k", Points: points(7)}, start)
		if err != nil || res.Duplicate {
			t.Fatalf("same key in another community: %+v, %v", res, err)
		}
		sa := load(t, s, incentive.LoadParams{Account: a, Budgets: []string{"launch"}})
		sb := load(t, s, incentive.LoadParams{Account: b, Budgets: []string{"launch"}})
		if !sa.Account.Totals.Earned.Equal(points(45)) || !sb.Account.Totals.Earned.Equal(points(47)) {
			t.Errorf("earned: %s in club-a (want 45), %s in club-b (want 47)", sa.Account.Totals.Earned, sb.Account.Totals.Earned)
		}
		if !sa.Budgets[0].Used.Equal(points(40)) || !sb.Budgets[0].Used.Equal(points(40)) {
			t.Errorf("budget used: %s in club-a, %s in club-b, want 40 each", sa.Budgets[0].Used, sb.Budgets[0].Used)
		}
		if len(all(t, s, account("club-c", "lin"), 0)) != 0 {
			t.Errorf("a third community sees entries")
		}
	}},
	{"BudgetLimit", "an append whose budget draw would pass the budget's limit fails with ErrBudgetExhausted (not ErrConflict: retrying cannot help) and writes nothing", func(t testing.TB, s incentive.Store) {
		id := account("c1", "lin")
		p := earn(t, s, id, "e1", 60, start)
		p.Draws = []incentive.BudgetDraw{{Name: "launch", Points: points(60), Limit: points(100)}}
		mustAppend(t, s, p)
		q := earn(t, s, id, "e2", 60, start)
		q.Draws = []incentive.BudgetDraw{{Name: "launch", Points: points(60), Limit: points(100)}}
		if err := s.Append(ctx, q); !errors.Is(err, incentive.ErrBudgetExhausted) || errors.Is(err, incentive.ErrConflict) {
			t.Fatalf("draw past the limit: err = %v, want ErrBudgetExhausted", err)
		}
		snap := load(t, s, incentive.LoadParams{Account: id, Budgets: []string{"launch"}})
		if snap.Account.Version != 1 || !snap.Budgets[0].Used.Equal(points(60)) {
			t.Errorf("after a refused draw: version %d, budget used %s", snap.Account.Version, snap.Budgets[0].Used)
		}
	}},
	{"ConcurrentSpenders", "eight goroutines spend from one account at once through Ledgers: no spend is lost, none overspends, and the balance is what was earned less what was spent", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine, Attempts: 1000}
		id := account("c1", "lin")
		if _, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "earn", Points: points(100)}, start); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		spent, refused := 0, 0
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 20 {
					_, err := l.Spend(ctx, incentive.SpendRequest{Account: id, Key: fmt.Sprint("spend-", g, "-", i), Points: points(1)}, start.Add(time.Minute))
					mu.Lock()
					switch {
					case err == nil:
						spent++
					case errors.Is(err, incentive.ErrInsufficientPoints):
						refused++
					default:
						t.Errorf("spend: %v", err)
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if spent != 100 || refused != 60 {
			t.Errorf("%d spends succeeded and %d were refused, want 100 and 60", spent, refused)
		}
		b, err := l.Balance(ctx, id, start.Add(time.Minute), 0)
		if err != nil || !b.Available.IsZero() {
			t.Errorf("balance after spending everything = %+v, %v", b, err)
		}
		if n := len(all(t, s, id, 0)); n != 101 {
			t.Errorf("%d entries, want 101", n)
		}
	}},
	{"ConcurrentReplays", "eight goroutines send the same earn at once: exactly one applies it, the others get it back as a duplicate", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine, Attempts: 1000}
		id := account("c1", "lin")
		var wg sync.WaitGroup
		var mu sync.Mutex
		applied := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: points(10)}, start)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("earn: %v", err)
				} else if !res.Duplicate {
					applied++
				}
			}()
		}
		wg.Wait()
		if applied != 1 {
			t.Errorf("the earn was applied %d times, want once", applied)
		}
		if b, _ := l.Balance(ctx, id, start, 0); !b.Available.Equal(points(10)) {
			t.Errorf("balance = %s, want 10", b.Available)
		}
	}},
	{"ConcurrentBudget", "members of one community draw on one budget at once: the budget is never passed", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine, Attempts: 1000}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := qun.MemberID("m" + strconv.Itoa(g))
				if _, err := l.EarnEvent(ctx, "c1", qun.Event{ID: "join", Member: m, Name: "join", Time: start}, incentive.Member{}, start); err != nil {
					t.Errorf("earn event: %v", err)
				}
			}()
		}
		wg.Wait()
		total := decimal.Zero
		for g := range 8 {
			total = total.Add(load(t, s, incentive.LoadParams{Account: account("c1", "m"+strconv.Itoa(g))}).Account.Totals.Earned)
		}
		used := load(t, s, incentive.LoadParams{Account: account("c1", "m0"), Budgets: []string{"launch"}}).Budgets[0].Used
		if !total.Equal(points(100)) || !used.Equal(points(100)) {
			t.Errorf("members earned %s and the budget recorded %s, want 100 of a 100 budget", total, used)
		}
	}},
	{"ExactAmounts", "amounts are kept exactly to the kind's scale: a store with integer or float columns loses points (3.33 read back as 3, or 3.3299999)", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := accountOf("c1", "lin", "cents")
		ok := must(t)
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "a", Points: amount("3.33")}, start))
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "b", Points: amount("0.07")}, start))
		ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s", Points: amount("1.01")}, start.Add(72*time.Hour)))
		snap := load(t, s, incentive.LoadParams{Account: id, Lot: "a"})
		tot := snap.Account.Totals
		if !tot.Earned.Equal(amount("3.40")) || !tot.Spent.Equal(amount("1.01")) {
			t.Errorf("totals earned %s, spent %s; want 3.40 and 1.01", tot.Earned, tot.Spent)
		}
		var remaining []string
		for _, lot := range snap.Account.Lots {
			remaining = append(remaining, lot.ID+"="+lot.Remaining.StringFixed(2))
		}
		slices.Sort(remaining)
		if want := []string{"a=2.32", "b=0.07"}; !slices.Equal(remaining, want) {
			t.Errorf("lots remaining %v, want %v", remaining, want)
		}
		b, err := l.Balance(ctx, id, start.Add(72*time.Hour), 0)
		if err != nil || !b.Available.Equal(amount("2.39")) || !b.Lifetime.Equal(amount("3.40")) {
			t.Errorf("balance = %+v, %v; want 2.39 available of 3.40 earned", b, err)
		}
	}},
	{"DebtKept", "an account's debt (a refund of points already spent, under the Debt policy) is kept with the account, and the next earns repay it", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := accountOf("c1", "lin", "cents")
		ok := must(t)
		later := start.Add(72 * time.Hour)
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: amount("100.00")}, start))
		ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "redeem", Points: amount("100.00")}, later))
		ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "refund-1", Earn: "order-1"}, later))
		if snap := load(t, s, incentive.LoadParams{Account: id}); !snap.Account.Debt.Equal(amount("100")) {
			t.Fatalf("debt after the refund = %s, want 100", snap.Account.Debt)
		}
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-2", Points: amount("60.50")}, later))
		b, err := l.Balance(ctx, id, later.Add(72*time.Hour), 0)
		if err != nil || !b.Debt.Equal(amount("39.50")) || !b.Available.IsZero() || !b.Net.Equal(amount("-39.50")) {
			t.Errorf("balance after earning 60.50 = %+v, %v; want debt 39.50, nothing available", b, err)
		}
	}},
	{"ReverseTwice", "a lot's charged and clawed amounts are kept, closed lots included: reversing an earn a second time, after a reload, takes nothing more", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := account("c1", "lin")
		ok := must(t)
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "A", Points: points(100)}, start))
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "B", Points: points(300)}, start.Add(time.Second)))
		ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s", Points: points(100)}, start.Add(2*time.Second)))
		first := ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "r1", Earn: "A"}, start.Add(3*time.Second)))
		if !first.Points().Equal(points(-100)) {
			t.Fatalf("first reversal took %s, want 100", first.Points())
		}
		snap := load(t, s, incentive.LoadParams{Account: id, Lot: "A"})
		i := slices.IndexFunc(snap.Account.Lots, func(lot incentive.Lot) bool { return lot.ID == "A" })
		if i < 0 || !snap.Account.Lots[i].Charged.Equal(points(100)) || snap.Account.Lots[i].Open {
			t.Fatalf("closed lot A loaded by ID = %+v, want it closed with 100 charged", snap.Account.Lots)
		}
		second := ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "r2", Earn: "A"}, start.Add(4*time.Second)))
		if len(second.Entries) != 0 {
			t.Errorf("second reversal of A wrote %+v, want nothing: A was reversed in full", second.Entries)
		}
		if b, err := l.Balance(ctx, id, start.Add(5*time.Second), 0); err != nil || !b.Available.Equal(points(200)) {
			t.Errorf("balance = %+v, %v; want 200 available", b, err)
		}
	}},
	{"OpenLotsByFlag", "a store loads the lots stored with Open set, not those with points remaining: a pending lot that repaid debt has nothing remaining and is still open", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := accountOf("c1", "lin", "cents")
		ok := must(t)
		later := start.Add(72 * time.Hour)
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "A", Points: amount("100")}, start))
		ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s", Points: amount("100")}, later))
		ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "r", Earn: "A"}, later))
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "B", Points: amount("100")}, later.Add(time.Hour))) // repays the debt, pending
		snap := load(t, s, incentive.LoadParams{Account: id})
		i := slices.IndexFunc(snap.Account.Lots, func(lot incentive.Lot) bool { return lot.ID == "B" })
		if i < 0 || !snap.Account.Lots[i].Open || !snap.Account.Lots[i].Remaining.IsZero() {
			t.Fatalf("open lots = %+v, want B, open with nothing remaining", snap.Account.Lots)
		}
		b, err := l.Balance(ctx, id, later.Add(2*time.Hour), 0)
		if err != nil || !b.Lifetime.IsZero() || !b.Debt.IsZero() {
			t.Errorf("balance = %+v, %v; want lifetime 0 while B is pending, no debt", b, err)
		}
	}},
	{"PendingReversal", "a partial reversal of a pending lot is kept as the lot's clawed amount: lifetime points leave out what is still pending, and nothing more", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := accountOf("c1", "lin", "cents")
		ok := must(t)
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: amount("100.00")}, start))
		ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "refund-1", Earn: "order-1", Points: amount("30.25")}, start.Add(time.Hour)))
		b, err := l.Balance(ctx, id, start.Add(2*time.Hour), 0)
		if err != nil || !b.Pending.Equal(amount("69.75")) || !b.Lifetime.IsZero() || !b.Net.Equal(amount("69.75")) {
			t.Errorf("balance while pending = %+v, %v; want 69.75 pending, lifetime 0", b, err)
		}
		b, err = l.Balance(ctx, id, start.Add(72*time.Hour), 0)
		if err != nil || !b.Available.Equal(amount("69.75")) || !b.Lifetime.Equal(amount("69.75")) {
			t.Errorf("balance once available = %+v, %v; want 69.75 available and lifetime", b, err)
		}
	}},
	{"LotOnlyAndAdjust", "grants and deductions keep their totals; a reversal under LotOnly claws back what remains of the lot, writes off what was spent, and a second reversal after a reload writes off nothing more", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine}
		id := accountOf("c1", "lin", "stars")
		ok := must(t)
		at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Minute) }
		ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "A", Points: amount("10.0")}, at(0)))
		ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s", Points: amount("4.5")}, at(1)))
		ok(l.Adjust(ctx, incentive.AdjustRequest{Account: id, Key: "G", Points: amount("2.5"), Reason: "apology"}, at(2)))
		ok(l.Adjust(ctx, incentive.AdjustRequest{Account: id, Key: "d", Points: amount("-1.2"), Reason: "correction"}, at(3)))
		first := ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "r1", Earn: "A"}, at(4)))
		if !first.Points().Equal(amount("-4.3")) || !first.Shortfall().Equal(amount("5.7")) {
			t.Errorf("reversal took %s and wrote off %s; want 4.3 and 5.7", first.Points().Neg(), first.Shortfall())
		}
		second := ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "r2", Earn: "A"}, at(5)))
		if len(second.Entries) != 0 {
			t.Errorf("second reversal of A wrote %+v, want nothing", second.Entries)
		}
		tot := load(t, s, incentive.LoadParams{Account: id}).Account.Totals
		want := incentive.Totals{Earned: amount("10"), Granted: amount("2.5"), Spent: amount("4.5"), Deducted: amount("1.2"),
			Expired: decimal.Zero, Reversed: amount("4.3"), Shortfall: amount("5.7")}
		if diff := cmp.Diff(want, tot, equal); diff != "" {
			t.Errorf("totals (-want +loaded):\n%s", diff)
		}
		b, err := l.Balance(ctx, id, at(6), 0)
		if err != nil || !b.Available.Equal(amount("2.5")) || !b.Lifetime.Equal(amount("2.5")) {
			t.Errorf("balance = %+v, %v; want 2.5 available and lifetime", b, err)
		}
	}},
	{"LoadWhileAppending", "Load returns one consistent snapshot while another goroutine appends: the open lots hold exactly what the totals say, and no operation is newer than the account", func(t testing.TB, s incentive.Store) {
		l := &incentive.Ledger{Store: s, Engine: engine, Attempts: 1000}
		id := account("c1", "lin")
		var wg sync.WaitGroup
		done := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			for i := range 150 {
				at := start.Add(time.Duration(i) * time.Second)
				var err error
				if i%3 == 2 {
					_, err = l.Spend(ctx, incentive.SpendRequest{Account: id, Key: fmt.Sprint("op-", i), Points: points(2)}, at)
				} else {
					_, err = l.Earn(ctx, incentive.EarnRequest{Account: id, Key: fmt.Sprint("op-", i), Points: points(3)}, at)
				}
				if err != nil {
					t.Errorf("op %d: %v", i, err)
					return
				}
			}
		}()
		for r := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-done:
						return
					default:
					}
					snap, err := s.Load(ctx, incentive.LoadParams{Account: id, Key: fmt.Sprint("op-", (n*7+r)%150)})
					if err != nil {
						t.Errorf("Load: %v", err)
						return
					}
					a := snap.Account
					held := decimal.Zero
					for _, lot := range a.Lots {
						held = held.Add(lot.Remaining)
					}
					if want := a.Totals.Earned.Sub(a.Totals.Spent); !held.Equal(want) || a.Seq != a.Version {
						t.Errorf("torn snapshot at version %d: lots hold %s, totals say %s; seq %d", a.Version, held, want, a.Seq)
						return
					}
					if op := snap.Operation; op != nil && op.Version > a.Version {
						t.Errorf("torn snapshot: operation %q of version %d with the account at version %d", op.Key, op.Version, a.Version)
						return
					}
				}
			}()
		}
		wg.Wait()
	}},
}
