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
// Make one with [NewLedger], which checks its parts; a Ledger without a
// Store or an Engine refuses every operation with an error matching
// [qun.ErrInvalid] rather than panic. A Ledger is safe for concurrent use
// if its Store is; its fields must not change once it is in use.
type Ledger struct {
	// Store holds the accounts and their entries; required.
	Store Store
	// Engine evaluates the program's earning rules, and gives the kinds'
	// scales and expiry; required.
	Engine *Engine
	// Attempts bounds the loads and appends one operation makes when
	// other writers keep changing the account; 0 means 8.
	Attempts int
}

// NewLedger returns a Ledger that keeps its accounts in store and applies
// the operations and earning rules of engine. It fails, with an error
// matching [qun.ErrInvalid], if either is nil.
func NewLedger(store Store, engine *Engine) (*Ledger, error) {
	l := &Ledger{Store: store, Engine: engine}
	if err := l.ready(); err != nil {
		return nil, err
	}
	return l, nil
}

// ready reports whether l has what it needs to work.
func (l *Ledger) ready() error {
	switch {
	case l == nil:
		return fmt.Errorf("incentive: %w", qun.Invalid("ledger", "is nil; use NewLedger"))
	case l.Store == nil || isNilStore(l.Store):
		return fmt.Errorf("incentive: %w", qun.Invalid("ledger.store", "a Ledger needs a Store; use NewLedger"))
	case l.Engine == nil:
		return fmt.Errorf("incentive: %w", qun.Invalid("ledger.engine", "a Ledger needs an Engine; use NewLedger"))
	}
	return nil
}

// isNilStore reports whether s is a nil *MemoryStore held in the
// interface, the one typed nil the package can recognise.
func isNilStore(s Store) bool {
	m, ok := s.(*MemoryStore)
	return ok && m == nil
}

// Result is what an operation did.
type Result struct {
	// Account is the account the operation applied to.
	Account AccountID `json:"account"`
	// Key is the operation's idempotency key.
	Key string `json:"key"`
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

// apply runs one operation with retries: a version conflict loads and
// applies it again; an exhausted campaign budget does not (the same
// request would draw the same points), nor does any other error.
func (l *Ledger) apply(ctx context.Context, load LoadParams, fp string, op func(Account) (Outcome, error)) (Result, error) {
	if err := l.ready(); err != nil {
		return Result{}, err
	}
	id := load.Account
	for range l.attempts() {
		snap, err := l.Store.Load(ctx, load)
		if err != nil {
			return Result{}, fmt.Errorf("incentive: load %s: %w", id, err)
		}
		if res, done, err := replay(id, snap.Operation, fp); done {
			return res, err
		}
		out, err := op(snap.Account)
		if err != nil {
			return Result{}, err
		}
		if len(out.Operation.Entries) == 0 {
			return Result{Account: id, Key: load.Key, Version: snap.Account.Version}, nil
		}
		err = l.Store.Append(ctx, appendParams(id, snap.Account.Version, out))
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

// appendParams returns what Append writes for an outcome computed from
// the account at version. Next carries no lots: they are in Lots.
func appendParams(id AccountID, version int64, out Outcome) AppendParams {
	next := out.Account
	next.Lots = nil
	return AppendParams{Account: id, ExpectedVersion: version, Next: next,
		Lots: out.Lots, Operation: out.Operation, Draws: out.Draws}
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

// Earn adds points as a new lot. See [Engine.Earn]. An earn with awards
// (from [Decision.EarnRequests]) fails with [ErrStaleDecision] if they no
// longer hold against the account's rule usage, and with
// [ErrBudgetExhausted] if a campaign budget ran out since the rules
// decided: evaluate the event again, or use [Ledger.EarnEvent], which does.
func (l *Ledger) Earn(ctx context.Context, r EarnRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key}, r.Fingerprint(),
		func(a Account) (Outcome, error) { return l.Engine.Earn(a, r, now) })
}

// Spend spends available points, soonest-expiring first. See
// [Engine.Spend].
func (l *Ledger) Spend(ctx context.Context, r SpendRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key}, r.Fingerprint(),
		func(a Account) (Outcome, error) { return l.Engine.Spend(a, r, now) })
}

// Reverse reverses an earn. See [Engine.Reverse].
func (l *Ledger) Reverse(ctx context.Context, r ReverseRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key, Lot: r.Earn}, r.Fingerprint(),
		func(a Account) (Outcome, error) { return l.Engine.Reverse(a, r, now) })
}

// Adjust corrects an account by hand. See [Engine.Adjust].
func (l *Ledger) Adjust(ctx context.Context, r AdjustRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key}, r.Fingerprint(),
		func(a Account) (Outcome, error) { return l.Engine.Adjust(a, r, now) })
}

// Expire expires the lots past their expiry. See [Engine.Expire].
func (l *Ledger) Expire(ctx context.Context, r ExpireRequest, now time.Time) (Result, error) {
	return l.apply(ctx, LoadParams{Account: r.Account, Key: r.Key}, r.Fingerprint(),
		func(a Account) (Outcome, error) { return l.Engine.Expire(a, r, now) })
}

// Balance returns the account's balance at now, with what expires within
// horizon. An account never written has a zero balance.
func (l *Ledger) Balance(ctx context.Context, id AccountID, now time.Time, horizon time.Duration) (Balance, error) {
	if err := l.ready(); err != nil {
		return Balance{}, err
	}
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
	if err := l.ready(); err != nil {
		return Operation{}, err
	}
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
		if err := l.ready(); err != nil {
			yield(Entry{}, err)
			return
		}
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
// one Result per kind of points the event earned in.
type EventResult struct {
	// Decision is what the event earned, award by award, in evaluation
	// order. For a kind the event earned in, these are the awards recorded
	// with its earn, now or at its first delivery (so a redelivered event
	// explains what it earned then, not what the rules would give now);
	// for a kind it earned nothing in, they are the rules' decision now.
	Decision Decision `json:"decision"`
	// Results are the earns, one per kind the event earned in, in the
	// order the program's rules name the kinds; a redelivered event's are
	// flagged Duplicate.
	Results []Result `json:"results,omitempty"`
}

// EarnEvent evaluates the earning rules for an event and earns what they
// award, in each kind's account of the event's member in the community.
// m is what the host knows of the member; the rules' usage and the
// campaign budgets are read from the store, so that caps hold even under
// concurrent events.
//
// The event's ID is the idempotency key, and [EventFingerprint] its
// fingerprint: a redelivered event is a duplicate (in every kind it
// earned), and a different event under the same ID fails with
// ErrIdempotencyConflict. A kind in which the event earned nothing (every
// award capped, say) records nothing, so a redelivery may earn in that
// kind if the rules allow it by then; it still earns there at most once.
//
// Each kind's earn is an append to one account, atomic on its own, and
// written only if that account is unchanged since the rules were
// evaluated. When another writer changed it, or a campaign budget ran out
// meanwhile, the kinds not yet earned in are evaluated again on fresh
// state, up to Attempts times. Earns in different kinds are not one
// transaction: if EarnEvent fails part way (the store fails, or the
// accounts keep changing), the kinds already earned in stay earned, and
// the result it returns with the error says which. Calling EarnEvent again
// with the same event is safe: the kinds already earned in are duplicates,
// and the others are earned.
func (l *Ledger) EarnEvent(ctx context.Context, community string, ev qun.Event, m Member, now time.Time) (EventResult, error) {
	if err := l.ready(); err != nil {
		return EventResult{}, err
	}
	if err := ev.Validate(); err != nil {
		return EventResult{}, qun.Within("event", err)
	}
	if ev.ID == "" {
		return EventResult{}, qun.Invalid("event.id", "an event that earns points needs an ID, its idempotency key")
	}
	var kinds, budgets []string
	for _, g := range l.Engine.byName[ev.Name] {
		c := &l.Engine.rules[g.rule]
		if !slices.Contains(kinds, c.r.Kind) {
			kinds = append(kinds, c.r.Kind)
		}
		if b := c.r.Caps.Budget.Name; b != "" && !slices.Contains(budgets, b) {
			budgets = append(budgets, b)
		}
	}
	e := eventEarn{l: l, community: community, ev: ev, kinds: kinds,
		done: make(map[string]Result, len(kinds)), recorded: make(map[string][]Award, len(kinds))}
	for range l.attempts() {
		retry, err := e.attempt(ctx, m, budgets, now)
		if err != nil {
			return e.result(), err
		}
		if !retry {
			return e.result(), nil
		}
	}
	return e.result(), fmt.Errorf("incentive: event %q: accounts kept changing; gave up after %d attempts: %w", ev.ID, l.attempts(), ErrConflict)
}

// eventEarn is the state of one EarnEvent across its attempts.
type eventEarn struct {
	l         *Ledger
	community string
	ev        qun.Event
	kinds     []string
	// done holds the kinds settled: earned in (now or before), or with
	// nothing to earn.
	done map[string]Result
	// recorded holds the awards of the earns done, by kind.
	recorded map[string][]Award
	decision Decision // the latest evaluation
}

// attempt loads every kind's account, evaluates the rules and earns in the
// kinds not yet done. It reports whether to try again on fresh state.
func (e *eventEarn) attempt(ctx context.Context, m Member, budgets []string, now time.Time) (bool, error) {
	l := e.l
	snaps := make([]Snapshot, len(e.kinds))
	var state RuleState
	for i, kind := range e.kinds {
		id := AccountID{e.community, e.ev.Member, kind}
		p := LoadParams{Account: id, Key: e.ev.ID}
		if i == 0 {
			p.Budgets = budgets
		}
		snap, err := l.Store.Load(ctx, p)
		if err != nil {
			return false, fmt.Errorf("incentive: load %s: %w", id, err)
		}
		snaps[i] = snap
		state.Usage = append(state.Usage, snap.Account.Usage...)
		if i == 0 {
			state.Budgets = snap.Budgets
		}
		if _, ok := e.done[kind]; ok {
			continue
		}
		r, replayed, err := replay(id, snap.Operation, EventFingerprint(kind, e.ev))
		if err != nil {
			return false, err
		}
		if replayed {
			e.settle(kind, r)
		}
	}
	slices.SortFunc(state.Usage, func(a, b Usage) int { return strings.Compare(a.Rule, b.Rule) })
	e.decision = l.Engine.Evaluate(e.ev, m, state, now)
	reqs := e.decision.EarnRequests(e.community, e.ev)
	for i, kind := range e.kinds {
		if _, ok := e.done[kind]; ok {
			continue
		}
		id := AccountID{e.community, e.ev.Member, kind}
		j := slices.IndexFunc(reqs, func(r EarnRequest) bool { return r.Account.Kind == kind })
		if j < 0 {
			e.done[kind] = Result{Account: id, Key: e.ev.ID, Version: snaps[i].Account.Version}
			continue
		}
		out, err := l.Engine.Earn(snaps[i].Account, reqs[j], now)
		if errors.Is(err, ErrStaleDecision) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		err = l.Store.Append(ctx, appendParams(id, snaps[i].Account.Version, out))
		if errors.Is(err, ErrConflict) || errors.Is(err, ErrStaleDecision) {
			return true, nil // another writer, or an exhausted budget: evaluate again
		}
		if err != nil {
			return false, fmt.Errorf("incentive: append to %s: %w", id, err)
		}
		e.settle(kind, Result{Account: id, Key: e.ev.ID, Entries: out.Operation.Entries, Version: out.Account.Version})
	}
	return false, nil
}

// settle records a kind's earn, and the awards it recorded.
func (e *eventEarn) settle(kind string, r Result) {
	e.done[kind] = r
	for _, en := range r.Entries {
		if en.Type == EntryEarn {
			e.recorded[kind] = append(e.recorded[kind], en.Awards...)
		}
	}
}

// result returns what the event earned so far: the earns, and the
// decision with each earned kind's awards as recorded.
func (e *eventEarn) result() EventResult {
	var res EventResult
	var awards []Award
	for _, a := range e.decision.Awards {
		if _, earned := e.recorded[a.Kind]; !earned {
			awards = append(awards, a)
		}
	}
	for _, kind := range e.kinds {
		awards = append(awards, e.recorded[kind]...)
		if r := e.done[kind]; len(r.Entries) > 0 {
			res.Results = append(res.Results, r)
		}
	}
	order := e.l.Engine.byID
	slices.SortStableFunc(awards, func(a, b Award) int { return order[a.Rule] - order[b.Rule] })
	res.Decision = Decision{Awards: awards}
	return res
}
