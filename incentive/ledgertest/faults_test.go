package ledgertest

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

// The kit is only as good as the faults it catches. These tests run it
// against stores with the faults a SQL adapter is likely to have, and
// check that it fails each of them, in the cases written for the fault and
// in the model test; and that it passes a correct store that returns empty
// slices where the reference returns nil.

// recorder is a testing.TB that records failures instead of failing the
// test, so that a test can run the kit and look at what it reported. It
// embeds the real test for what it does not record (Name, Helper,
// Context, Cleanup), and drops logs.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	failures []string
	skipped  bool
}

func (r *recorder) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, msg)
}

func (r *recorder) Errorf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...)) }
func (r *recorder) Error(args ...any)                 { r.fail(fmt.Sprint(args...)) }
func (r *recorder) Fail()                             { r.fail("Fail called") }
func (r *recorder) FailNow()                          { r.Fail(); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) Logf(string, ...any)               {}
func (r *recorder) Log(...any)                        {}
func (r *recorder) SkipNow()                          { r.skipped = true; runtime.Goexit() }
func (r *recorder) Skipf(string, ...any)              { r.SkipNow() }
func (r *recorder) Skip(...any)                       { r.SkipNow() }

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failures) > 0
}

// record runs f with a recorder on its own goroutine, as testing runs a
// test, so that Fatal ends f and nothing else, and returns the recorder.
func record(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

// quietRapid makes rapid give up shrinking soon and write no fail files
// while a test runs the model on stores meant to fail it, and lets it try
// up to 1000 runs (200 with -short) to find the failure: it stops at the
// first, which takes a few runs.
func quietRapid(t *testing.T) {
	for name, value := range map[string]string{"rapid.nofailfile": "true", "rapid.shrinktime": "500ms", "rapid.checks": "1000"} {
		f := flag.Lookup(name)
		if f == nil {
			t.Fatalf("rapid has no flag %s", name)
		}
		old := f.Value.String()
		if err := flag.Set(name, value); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = flag.Set(name, old) })
	}
}

// faultyStore wraps the reference store with a fault in what it writes
// (onAppend, given a copy of the params) or what it loads (onLoad).
type faultyStore struct {
	*incentive.MemoryStore
	onAppend func(p *incentive.AppendParams)
	onLoad   func(p incentive.LoadParams, snap *incentive.Snapshot)
}

func (s *faultyStore) Append(ctx context.Context, p incentive.AppendParams) error {
	if s.onAppend != nil {
		p = copyParams(p)
		s.onAppend(&p)
	}
	return s.MemoryStore.Append(ctx, p)
}

func (s *faultyStore) Load(ctx context.Context, p incentive.LoadParams) (incentive.Snapshot, error) {
	snap, err := s.MemoryStore.Load(ctx, p)
	if err == nil && s.onLoad != nil {
		s.onLoad(p, &snap)
	}
	return snap, err
}

// copyParams copies p deeply enough that a fault can change the copy.
func copyParams(p incentive.AppendParams) incentive.AppendParams {
	p.Next.Usage = slices.Clone(p.Next.Usage)
	p.Lots = slices.Clone(p.Lots)
	p.Operation.Entries = cloneEntries(p.Operation.Entries)
	p.Draws = slices.Clone(p.Draws)
	return p
}

// truncate stands for an integer column: it drops the decimal places.
func truncate(d *decimal.Decimal) { *d = d.Truncate(0) }

// faults are the faulty stores, each with the cases written to catch it.
var faults = []struct {
	name  string
	store func() incentive.Store
	cases []string
}{
	{"drops the debt", func() incentive.Store {
		return &faultyStore{MemoryStore: incentive.NewMemoryStore(), onAppend: func(p *incentive.AppendParams) {
			p.Next.Debt = decimal.Zero
		}}
	}, []string{"DebtKept", "OpenLotsByFlag"}},
	{"drops lots' charged amounts", func() incentive.Store {
		return &faultyStore{MemoryStore: incentive.NewMemoryStore(), onAppend: func(p *incentive.AppendParams) {
			for i := range p.Lots {
				p.Lots[i].Charged = decimal.Zero
			}
		}}
	}, []string{"ReverseTwice", "LotOnlyAndAdjust"}},
	{"drops lots' clawed amounts", func() incentive.Store {
		return &faultyStore{MemoryStore: incentive.NewMemoryStore(), onAppend: func(p *incentive.AppendParams) {
			for i := range p.Lots {
				p.Lots[i].Clawed = decimal.Zero
			}
		}}
	}, []string{"PendingReversal"}},
	{"loads lots with points remaining instead of open ones", func() incentive.Store {
		return &faultyStore{MemoryStore: incentive.NewMemoryStore(), onLoad: func(p incentive.LoadParams, snap *incentive.Snapshot) {
			snap.Account.Lots = slices.DeleteFunc(snap.Account.Lots, func(l incentive.Lot) bool {
				return l.Remaining.IsZero() && l.ID != p.Lot
			})
		}}
	}, []string{"OpenLotsByFlag"}},
	{"keeps amounts in integer columns", func() incentive.Store {
		return &faultyStore{MemoryStore: incentive.NewMemoryStore(), onAppend: func(p *incentive.AppendParams) {
			truncate(&p.Next.Debt)
			for _, d := range []*decimal.Decimal{&p.Next.Totals.Earned, &p.Next.Totals.Granted, &p.Next.Totals.Spent,
				&p.Next.Totals.Deducted, &p.Next.Totals.Expired, &p.Next.Totals.Reversed, &p.Next.Totals.Shortfall} {
				truncate(d)
			}
			for i := range p.Lots {
				l := &p.Lots[i]
				for _, d := range []*decimal.Decimal{&l.Amount, &l.Remaining, &l.Used, &l.Expired, &l.Clawed, &l.Charged} {
					truncate(d)
				}
			}
			for i := range p.Operation.Entries {
				e := &p.Operation.Entries[i]
				for _, d := range []*decimal.Decimal{&e.Points, &e.Balance, &e.Debt, &e.Shortfall} {
					truncate(d)
				}
				for j := range e.Lots {
					truncate(&e.Lots[j].Points)
				}
			}
		}}
	}, []string{"ExactAmounts", "LotOnlyAndAdjust", "PendingReversal"}},
}

func TestKitFailsFaultyStores(t *testing.T) {
	quietRapid(t)
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			var caught []string
			for _, c := range cases {
				r := record(t, func(tb testing.TB) { c.run(tb, f.store()) })
				if r.Failed() {
					caught = append(caught, c.name)
					t.Logf("%s: %s", c.name, r.failures[0])
				}
			}
			for _, name := range f.cases {
				if !slices.Contains(caught, name) {
					t.Errorf("case %s passed a store that %s; cases that failed it: %v", name, f.name, caught)
				}
			}
			r := record(t, func(tb testing.TB) { runModel(tb, f.store) })
			if !r.Failed() {
				t.Errorf("the model test passed a store that %s", f.name)
			} else {
				first, _, _ := strings.Cut(strings.Join(r.failures, "\n"), "\n")
				t.Logf("Model: %s", first)
			}
		})
	}
}

// emptySlices is a correct store that returns empty slices where the
// reference returns nil, as a SQL store reading an empty child table does.
type emptySlices struct{ *incentive.MemoryStore }

func (s emptySlices) Load(ctx context.Context, p incentive.LoadParams) (incentive.Snapshot, error) {
	snap, err := s.MemoryStore.Load(ctx, p)
	if err != nil {
		return snap, err
	}
	snap.Account.Lots = nonNil(snap.Account.Lots)
	snap.Account.Usage = nonNil(snap.Account.Usage)
	snap.Budgets = nonNil(snap.Budgets)
	if snap.Operation != nil {
		snap.Operation.Entries = emptyInside(nonNil(snap.Operation.Entries))
	}
	return snap, nil
}

func (s emptySlices) Entries(ctx context.Context, p incentive.EntriesParams) (incentive.EntryPage, error) {
	page, err := s.MemoryStore.Entries(ctx, p)
	page.Entries = emptyInside(nonNil(page.Entries))
	return page, err
}

func nonNil[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

func emptyInside(es []incentive.Entry) []incentive.Entry {
	for i := range es {
		es[i].Lots = nonNil(es[i].Lots)
		es[i].Awards = nonNil(es[i].Awards)
		for j := range es[i].Awards {
			es[i].Awards[j].Multipliers = nonNil(es[i].Awards[j].Multipliers)
		}
	}
	return es
}

func TestKitPassesEmptySlices(t *testing.T) {
	Run(t, func(*testing.T) incentive.Store { return emptySlices{incentive.NewMemoryStore()} })
}

// TestRecorder checks the recorder itself: a kit case that fails is
// recorded, and one that passes is not.
func TestRecorder(t *testing.T) {
	if r := record(t, func(tb testing.TB) { tb.Fatalf("boom") }); !r.Failed() || r.failures[0] != "boom" {
		t.Errorf("a fatal failure was not recorded: %+v", r.failures)
	}
	i := slices.IndexFunc(cases, func(c testCase) bool { return c.name == "DebtKept" })
	if r := record(t, func(tb testing.TB) { cases[i].run(tb, incentive.NewMemoryStore()) }); r.Failed() {
		t.Errorf("DebtKept failed the reference store: %v", r.failures)
	}
}
