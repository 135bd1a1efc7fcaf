package incentive

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Ledger is the points ledger's front end: it loads an account from its
// [Store], applies an operation with the [Engine], and appends the outcome
// if the account has not changed meanwhile, retrying from a fresh load when
// it has, up to Attempts times. Every operation is idempotent by its key:
// a replay returns the original result flagged Duplicate, and a different
// request under a used key fails with [ErrIdempotencyConflict].
//
// A Ledger is safe for concurrent use if its Store is; its fields must not
// change once it is in use.
type Ledger struct {
	Store  Store
	Engine *Engine
	// Attempts bounds the loads and appends one operation makes when
	// other writers keep changing the account; 0 means 8.
	Attempts int
}

// Result is what an operation did.
type Result struct {
	Account AccountID `json:"account"`
	Key     string    `json:"key"`
	// Entries are the entries the operation wrote: none if it had nothing
	// to do (an expiry with nothing due), in which case nothing was written
	// and the key was not recorded.
	Entries []Entry `json:"entries,omitempty"`
	// Version is the account's version after the operation.
	Version int64 `json:"version"`
	// Duplicate reports a replay: the key was applied before, and Entries
	// are what it wrote then; nothing was written now.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Points returns the net change of the balance.
func (r Result) Points() decimal.Decimal {
	sum := decimal.Zero
	for _, e := range r.Entries {
		sum = sum.Add(e.Points)
	}
	return sum
}

// Shortfall returns what a reversal wrote off.
func (r Result) Shortfall() decimal.Decimal {
	sum := decimal.Zero
	for _, e := range r.Entries {
		sum = sum.Add(e.Shortfall)
	}
	return sum
}

func (l *Ledger) attempts() int {
	if l.Attempts > 0 {
		return l.Attempts
	}
	return 8
}

// apply runs one operation with retries.
func (l *Ledger) apply(ctx context.Context, load LoadParams, fp string, op func(Account, []Budget) (Outcome, error)) (Result, error) {
	id := load.Account
	for range l.attempts() {
		snap, err := l.Store.Load(ctx, load)
		if err != nil {
			return Result{}, fmt.Errorf("incentive: load %s: %w", id, err)
		}
		if res, done, err := replay(id, snap.Operation, fp); done {
			return res, err
		}
		out, err := op(snap.Account, snap.Budgets)
		if err != nil {
			return Result{}, err
		}
		if len(out.Operation.Entries) == 0 {
			return Result{Account: id, Key: load.Key, Version: snap.Account.Version}, nil
		}
		err = l.Store.Append(ctx, AppendParams{
			Account: id, ExpectedVersion: snap.Account.Version, Next: out.Account,
			Lots: out.Lots, Operation: out.Operation, Draws: out.Draws,
		})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Result{}, fmt.Errorf("incentive: append to %s: %w", id, err)
		}
		return Result{Account: id, Key: load.Key, Entries: out.Operation.Entries, Version: out.Account.Version}, nil
	}
	return Result{}, fmt.Errorf("incentive: %s: the account kept changing; gave up after %d attempts: %w", id, l.attempts(), ErrConflict)
}

// replay returns the original result of a recorded operation.
func replay(id AccountID, rec *Operation, fp string) (Result, bool, error) {
	if rec == nil {
		return Result{}, false, nil
	}
	if rec.Fingerprint != fp {
		return Result{}, true, fmt.Errorf("incentive: %s key %q: %w", id, rec.Key, ErrIdempotencyConflict)
	}
	return Result{Account: id, Key: rec.Key, Entries: rec.Entries, Version: rec.Version, Duplicate: true}, true, nil
}

// Earn adds points as a new lot. See [Engine.Earn].
func (l *Ledger) Earn(ctx context.Context, r EarnRequest, now time.Time) (Result, error) {
	load := LoadParams{Account: r.Account, Key: r.Key, Budgets: l.budgetsOf(r.Awards)}
	return l.apply(ctx, load, r.Fingerprint(), func(a Account, _ []Budget) (Outcome, error) { return l.Engine.Earn(a, r, now) })
}

// Spend spends available points, soonest-expiring first. See
// [Engine.Spend].
func (l *Ledger) Spend(ctx context.Context, r SpendRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key}, r.Fingerprint(),
		func(a Account, _ []Budget) (Outcome, error) { return l.Engine.Spend(a, r, now) })
}

// Reverse reverses an earn. See [Engine.Reverse].
func (l *Ledger) Reverse(ctx context.Context, r ReverseRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key, Lot: r.Earn}, r.Fingerprint(),
		func(a Account, _ []Budget) (Outcome, error) { return l.Engine.Reverse(a, r, now) })
}

// Adjust corrects an account by hand. See [Engine.Adjust].
func (l *Ledger) Adjust(ctx context.Context, r AdjustRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key}, r.Fingerprint(),
		func(a Account, _ []Budget) (Outcome, error) { return l.Engine.Adjust(a, r, now) })
}

// Expire expires the lots past their expiry. See [Engine.Expire].
func (l *Ledger) Expire(ctx context.Context, r ExpireRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key}, r.Fingerprint(),
		func(a Account, _ []Budget) (Outcome, error) { return l.Engine.Expire(a, r, now) })
}

// Balance returns the account's balance at now, with what expires within
// horizon. An account never written has a zero balance.
func (l *Ledger) Balance(ctx context.Context, id AccountID, now time.Time, horizon time.Duration) (Balance, error) {
	snap, err := l.Store.Load(ctx, LoadParams{Account: id})
	if err != nil {
		return Balance{}, fmt.Errorf("incentive: load %s: %w", id, err)
	}
	return snap.Account.BalanceAt(now, horizon), nil
}

// Operation returns the operation recorded under key in the account, or
// an error wrapping ErrNotFound: how a host asks whether an event was
// already applied.
func (l *Ledger) Operation(ctx context.Context, id AccountID, key string) (Operation, error) {
	snap, err := l.Store.Load(ctx, LoadParams{Account: id, Key: key})
	if err != nil {
		return Operation{}, fmt.Errorf("incentive: load %s: %w", id, err)
	}
	if snap.Operation == nil {
		return Operation{}, fmt.Errorf("incentive: %s key %q: %w", id, key, ErrNotFound)
	}
	return *snap.Operation, nil
}

// Statement streams the account's entries in the order they were written,
// a page at a time. It stops after yielding an error.
func (l *Ledger) Statement(ctx context.Context, id AccountID) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		cursor := ""
		for {
			page, err := l.Store.Entries(ctx, EntriesParams{Account: id, After: cursor})
			if err != nil {
				yield(Entry{}, fmt.Errorf("incentive: statement of %s: %w", id, err))
				return
			}
			for _, e := range page.Entries {
				if !yield(e, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			cursor = page.Next
		}
	}
}

// EventResult is what [Ledger.EarnEvent] did: the rules' decision, and
// one Result per kind of points it earned.
type EventResult struct {
	Decision Decision `json:"decision"`
	Results  []Result `json:"results,omitempty"`
}

// EarnEvent evaluates the earning rules for an event and earns what they
// award, in each kind's account of the event's member in the community.
// The event's ID is the idempotency key: a redelivered event is a
// duplicate (in every kind it earned), and a different event under the same
// ID fails with ErrIdempotencyConflict. The member's rule usage and the
// campaign budgets are read from the store, so caps hold even under
// concurrent events: when another writer changes an account in between,
// the rules are evaluated again on fresh state.
//
// A kind in which the event earned nothing (every award capped, say)
// records nothing, so a redelivery of the event may earn in that kind if
// the rules allow it by then; it still earns there at most once.
func (l *Ledger) EarnEvent(ctx context.Context, community string, ev qun.Event, m Member, now time.Time) (EventResult, error) {
	if err := ev.Validate(); err != nil {
		return EventResult{}, qun.Within("event", err)
	}
	if ev.ID == "" {
		return EventResult{}, qun.Invalid("event.id", "an event that earns points needs an ID, its idempotency key")
	}
	var kinds, budgets []string
	for _, i := range l.Engine.byName[ev.Name] {
		c := &l.Engine.rules[i]
		if !slices.Contains(kinds, c.r.Kind) {
			kinds = append(kinds, c.r.Kind)
		}
		if b := c.r.Caps.Budget.Name; b != "" && !slices.Contains(budgets, b) {
			budgets = append(budgets, b)
		}
	}
	done := make(map[string]Result, len(kinds))
	var res EventResult
	for range l.attempts() {
		snaps := make([]Snapshot, len(kinds))
		m.Usage, m.Budgets = nil, nil
		for i, kind := range kinds {
			id := AccountID{community, ev.Member, kind}
			snap, err := l.Store.Load(ctx, LoadParams{Account: id, Key: ev.ID, Budgets: budgets})
			if err != nil {
				return EventResult{}, fmt.Errorf("incentive: load %s: %w", id, err)
			}
			snaps[i] = snap
			m.Usage = append(m.Usage, snap.Account.Usage...)
			m.Budgets = snap.Budgets
			if _, ok := done[kind]; ok {
				continue
			}
			if r, replayed, err := replay(id, snap.Operation, eventFingerprint(kind, ev)); replayed {
				if err != nil {
					return EventResult{}, err
				}
				done[kind] = r
			}
		}
		slices.SortFunc(m.Usage, func(a, b Usage) int { return strings.Compare(a.Rule, b.Rule) })
		res.Decision = l.Engine.Evaluate(ev, m, now)
		reqs := res.Decision.EarnRequests(community, ev)
		conflict := false
		for i, kind := range kinds {
			if _, ok := done[kind]; ok {
				continue
			}
			j := slices.IndexFunc(reqs, func(r EarnRequest) bool { return r.Account.Kind == kind })
			if j < 0 {
				done[kind] = Result{Account: AccountID{community, ev.Member, kind}, Key: ev.ID, Version: snaps[i].Account.Version}
				continue
			}
			out, err := l.Engine.earn(snaps[i].Account, reqs[j], eventFingerprint(kind, ev), now)
			if err != nil {
				return EventResult{}, err
			}
			id := reqs[j].Account
			err = l.Store.Append(ctx, AppendParams{
				Account: id, ExpectedVersion: snaps[i].Account.Version, Next: out.Account,
				Lots: out.Lots, Operation: out.Operation, Draws: out.Draws,
			})
			if errors.Is(err, ErrConflict) {
				conflict = true
				break
			}
			if err != nil {
				return EventResult{}, fmt.Errorf("incentive: append to %s: %w", id, err)
			}
			done[kind] = Result{Account: id, Key: ev.ID, Entries: out.Operation.Entries, Version: out.Account.Version}
		}
		if !conflict {
			for _, kind := range kinds {
				if r := done[kind]; len(r.Entries) > 0 {
					res.Results = append(res.Results, r)
				}
			}
			return res, nil
		}
	}
	return EventResult{}, fmt.Errorf("incentive: event %q: accounts kept changing; gave up after %d attempts: %w", ev.ID, l.attempts(), ErrConflict)
}

// budgetsOf returns the budgets the rules behind the awards draw from.
func (l *Ledger) budgetsOf(awards []Award) []string {
	var names []string
	for _, a := range awards {
		if i, ok := l.Engine.byID[a.Rule]; ok {
			if b := l.Engine.rules[i].r.Caps.Budget.Name; b != "" && !slices.Contains(names, b) {
				names = append(names, b)
			}
		}
	}
	return names
}
