package incentive

import (
	"context"
)

// Store keeps accounts for a [Ledger]: their state, the idempotency
// records of the operations applied to them, their statements, and the
// campaign budgets of each community. Hosts implement it on their own
// database; [MemoryStore] is the reference, and incentive/ledgertest.Run
// checks any implementation against the contract below.
//
// The contract:
//
//   - Every method takes a context first, and returns its error (wrapped
//     or not) without reading or writing anything if it is already done.
//   - Accounts are isolated by their [AccountID]: nothing a method does on
//     one account reads or changes another, and campaign budgets are
//     isolated by community. Idempotency keys are scoped to an account.
//   - Load reads one consistent snapshot: the account's state, its lots,
//     the operation asked for and the budgets as they were after some
//     append and before the next, never a mix of two versions (an account
//     at version N with a lot from N+1 would let an operation spend points
//     twice or lose them). A SQL store reads them in one transaction at
//     REPEATABLE READ (PostgreSQL's snapshot isolation) or higher, or in
//     one statement; separate statements at READ COMMITTED are not enough.
//     Budgets may be read in the same snapshot or just after: Append
//     checks them again.
//   - Append must be persisted atomically: the account's new state, its
//     created and changed lots, the operation record with its entries, and
//     the budget draws are written together or not at all. A SQL store
//     does it in one transaction.
//   - Append is conditional: it writes only if the account's version is
//     still ExpectedVersion (0 for an account never written) and the
//     operation's key is not yet recorded for the account; otherwise it
//     writes nothing and returns an error that wraps [ErrConflict]. Two
//     concurrent appends with the same expected version cannot both
//     succeed. If the version and key are fine but a budget draw would
//     take its budget past its limit, it writes nothing and returns an
//     error that wraps [ErrBudgetExhausted] (which the Ledger does not
//     retry: the same draw would fail again).
//   - A store never computes: it keeps what Append gives it and returns it
//     as it was given, every decimal exactly (a kind may have fractional
//     points: store them as NUMERIC, never as float or integer columns),
//     and every lot with its Open flag as given (a lot with nothing
//     remaining can still be open: a pending lot that repaid debt). The
//     [Engine] decides everything. A store may return nil or empty slices
//     alike.
//   - All methods are safe for concurrent use.
//
// On PostgreSQL, Append is one transaction, every statement of which must
// affect the rows it names or the transaction rolls back:
//
//	UPDATE accounts SET version = $next, seq = ..., debt = ..., totals = ..., usage = ...
//	    WHERE id = $account AND version = $expected       -- INSERT for version 0
//	INSERT INTO operations (account, key, fingerprint, version) ...  -- unique (account, key)
//	INSERT INTO entries (account, seq, ...) ...
//	INSERT INTO lots (account, id, ..., open) ... ON CONFLICT (account, id) DO UPDATE ...
//	UPDATE budgets SET used = used + $points
//	    WHERE community = $c AND name = $n AND used + $points <= $limit  -- upsert when new
//
// and maps its failures so that the Ledger retries exactly what is safe
// to retry:
//
//   - the account UPDATE affecting no row, a unique violation (SQLSTATE
//     23505) on the version-0 INSERT of the account or on the operation's
//     key, a serialization failure (40001) or a deadlock (40P01): wrap
//     ErrConflict (nothing was written; the Ledger loads and tries again);
//   - the budget UPDATE affecting no row: wrap ErrBudgetExhausted;
//   - anything else (a lost connection, a constraint the schema adds):
//     return it as it is. The Ledger does not retry it; whether the
//     transaction committed is the store's to know, and a retry of the
//     same request with the same key is safe either way, since a
//     committed operation comes back as a duplicate.
//
// Load reads, in one REPEATABLE READ transaction, the account row, its
// lots WHERE open OR id = $lot, the operation by key and the budgets by
// name.
type Store interface {
	// Load returns the account's current state and, as asked, the
	// operation recorded under a key, a lot by ID even if it is closed,
	// and the state of campaign budgets. An account never written is
	// returned with Version 0 and no error.
	Load(ctx context.Context, p LoadParams) (Snapshot, error)
	// Append writes an operation's outcome, atomically and only if
	// nothing changed since the load, as the contract above says.
	Append(ctx context.Context, p AppendParams) error
	// Entries returns a page of the account's statement, in the order the
	// entries were written (ascending Seq), starting after the cursor.
	Entries(ctx context.Context, p EntriesParams) (EntryPage, error)
}

// LoadParams says what [Store.Load] returns.
type LoadParams struct {
	// Account is the account to load.
	Account AccountID
	// Key, if not empty, asks for the operation recorded under it.
	Key string
	// Lot, if not empty, asks for the lot with this ID among the
	// account's lots even if it is closed (to reverse it).
	Lot string
	// Budgets names campaign budgets of the account's community to return.
	Budgets []string
}

// Snapshot is what [Store.Load] returns.
type Snapshot struct {
	// Account is the account's state: its open lots (those stored with
	// Open set), and the lot asked for, in any order.
	Account Account
	// Operation is the operation recorded under LoadParams.Key, or nil.
	Operation *Operation
	// Budgets holds one Budget per name asked for, in the same order;
	// a budget never drawn from has Used zero.
	Budgets []Budget
}

// AppendParams is one operation's outcome to write with [Store.Append].
type AppendParams struct {
	// Account is the account written to.
	Account AccountID
	// ExpectedVersion is the version the outcome was computed from; 0 for
	// an account never written.
	ExpectedVersion int64
	// Next is the account's state after the operation; its Version is
	// ExpectedVersion + 1. A store keeps its Version, Seq, Debt, Totals and
	// Usage. It carries no lots (the Ledger leaves Next.Lots nil): the
	// lots to write are in Lots, and the open lots a later Load returns
	// are those stored with Open set.
	Next Account
	// Lots are the lots the operation created or changed, to be stored by
	// ID with every field, replacing what was stored under the same ID.
	// Closed lots are among them and must be kept: a reversal loads one by
	// ID, and its Charged and Clawed amounts stop it being reversed twice.
	Lots []Lot
	// Operation is the idempotency record, with the entries to append to
	// the statement.
	Operation Operation
	// Draws are the budget draws to add.
	Draws []BudgetDraw
}

// EntriesParams asks for a page of a statement.
type EntriesParams struct {
	// Account is the account whose statement is read.
	Account AccountID
	// After is the cursor returned as EntryPage.Next by the previous page,
	// or empty for the first page. Cursors are opaque.
	After string
	// Limit is the most entries to return; 0 means 100. Stores may return
	// fewer than asked even when more remain, never more, and never none
	// while more remain: a page with no entries is the last.
	Limit int
}

// EntryPage is one page of a statement.
type EntryPage struct {
	// Entries are the page's entries, in the order they were written
	// (ascending Seq).
	Entries []Entry
	// Next is the cursor of the next page, or empty if this is the last.
	Next string
}
