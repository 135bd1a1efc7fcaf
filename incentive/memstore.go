package incentive

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// MemoryStore is a [Store] held in memory: the reference implementation,
// for tests, examples and small hosts. It is safe for concurrent use, and
// passes incentive/ledgertest. The zero MemoryStore is ready to use.
type MemoryStore struct {
	mu       sync.Mutex
	accounts map[AccountID]*memAccount
	budgets  map[[2]string]decimal.Decimal // community, name → used
}

type memAccount struct {
	state   Account        // without lots
	open    []Lot          // the open lots, in consumeOrder
	closed  map[string]Lot // the closed lots, by ID
	ops     map[string]Operation
	entries []Entry
}

// put stores a lot by ID. A lot's ID, earn and expiry times never change,
// so its place in the open list is found by binary search.
func (acc *memAccount) put(l Lot) {
	i, found := slices.BinarySearchFunc(acc.open, &l, func(x Lot, y *Lot) int { return consumeOrder(&x, y) })
	switch {
	case found && l.Open:
		acc.open[i] = l
	case found:
		acc.open = slices.Delete(acc.open, i, i+1)
		acc.closed[l.ID] = l
	case l.Open:
		acc.open = slices.Insert(acc.open, i, l)
		delete(acc.closed, l.ID)
	default:
		acc.closed[l.ID] = l
	}
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Load implements [Store].
func (s *MemoryStore) Load(ctx context.Context, p LoadParams) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{Account: Account{ID: p.Account}}
	if acc, ok := s.accounts[p.Account]; ok {
		snap.Account = acc.state
		snap.Account.Usage = slices.Clone(acc.state.Usage)
		snap.Account.Lots = slices.Clone(acc.open)
		if l, ok := acc.closed[p.Lot]; ok && p.Lot != "" {
			snap.Account.Lots = append(snap.Account.Lots, l)
		}
		if op, ok := acc.ops[p.Key]; ok && p.Key != "" {
			op.Entries = cloneEntries(op.Entries)
			snap.Operation = &op
		}
	}
	for _, name := range p.Budgets {
		snap.Budgets = append(snap.Budgets, Budget{Name: name, Used: s.budgets[[2]string{p.Account.Community, name}]})
	}
	return snap, nil
}

// Append implements [Store].
func (s *MemoryStore) Append(ctx context.Context, p AppendParams) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.Next.Version != p.ExpectedVersion+1 {
		return fmt.Errorf("incentive: append to %s: %w", p.Account, qun.Invalid("next.version", "must be expected_version + 1"))
	}
	if p.Operation.Key == "" {
		return fmt.Errorf("incentive: append to %s: %w", p.Account, qun.Invalid("operation.key", "must not be empty"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	acc := s.accounts[p.Account]
	version := int64(0)
	if acc != nil {
		version = acc.state.Version
	}
	if version != p.ExpectedVersion {
		return fmt.Errorf("incentive: append to %s: version is %d, not %d: %w", p.Account, version, p.ExpectedVersion, ErrConflict)
	}
	if acc != nil {
		if _, dup := acc.ops[p.Operation.Key]; dup {
			return fmt.Errorf("incentive: append to %s: key %q already recorded: %w", p.Account, p.Operation.Key, ErrConflict)
		}
	}
	for _, d := range p.Draws {
		used := s.budgets[[2]string{p.Account.Community, d.Name}]
		if used.Add(d.Points).GreaterThan(d.Limit) {
			return fmt.Errorf("incentive: append to %s: budget %q would pass its limit: %w", p.Account, d.Name, ErrBudgetExhausted)
		}
	}
	// Everything is checked: write it all.
	if acc == nil {
		acc = &memAccount{closed: map[string]Lot{}, ops: map[string]Operation{}}
		if s.accounts == nil {
			s.accounts = map[AccountID]*memAccount{}
		}
		s.accounts[p.Account] = acc
	}
	acc.state = p.Next
	acc.state.ID = p.Account
	acc.state.Lots = nil
	acc.state.Usage = slices.Clone(p.Next.Usage)
	for _, l := range p.Lots {
		acc.put(l)
	}
	op := p.Operation
	op.Entries = cloneEntries(op.Entries)
	acc.ops[op.Key] = op
	acc.entries = append(acc.entries, cloneEntries(op.Entries)...)
	for _, d := range p.Draws {
		if s.budgets == nil {
			s.budgets = map[[2]string]decimal.Decimal{}
		}
		k := [2]string{p.Account.Community, d.Name}
		s.budgets[k] = s.budgets[k].Add(d.Points)
	}
	return nil
}

// Entries implements [Store]. Its cursors are the Seq of the last entry
// returned.
func (s *MemoryStore) Entries(ctx context.Context, p EntriesParams) (EntryPage, error) {
	if err := ctx.Err(); err != nil {
		return EntryPage{}, err
	}
	after := int64(0)
	if p.After != "" {
		n, err := strconv.ParseInt(p.After, 10, 64)
		if err != nil || n < 0 {
			return EntryPage{}, fmt.Errorf("incentive: entries of %s: %w", p.Account, qun.Invalid("after", "not a cursor"))
		}
		after = n
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	s.mu.Lock()
	defer s.mu.Unlock()
	acc := s.accounts[p.Account]
	if acc == nil {
		return EntryPage{}, nil
	}
	from, _ := slices.BinarySearchFunc(acc.entries, after+1, func(e Entry, seq int64) int { return cmp.Compare(e.Seq, seq) })
	to := min(from+limit, len(acc.entries))
	page := EntryPage{Entries: cloneEntries(acc.entries[from:to])}
	if to < len(acc.entries) {
		page.Next = strconv.FormatInt(acc.entries[to-1].Seq, 10)
	}
	return page, nil
}

// cloneEntries copies entries and the slices they hold, so that what a
// caller holds never aliases what the store keeps.
func cloneEntries(es []Entry) []Entry {
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
