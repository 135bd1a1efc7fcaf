package incentive

import (
	"errors"
	"fmt"

	"github.com/qunkit/qun"
)

// The errors a caller branches on. Every error the package returns that
// refuses a request as bad data also matches [qun.ErrInvalid]; the others
// say what the caller can do about them.
var (
	// ErrInsufficientPoints refuses a spend or a deduction larger than the
	// points available now. Nothing was written. It is not retried: the
	// member has to earn more first.
	ErrInsufficientPoints = errors.New("incentive: insufficient points")

	// ErrConflict reports that an account changed between the read and the
	// write: another writer appended first, or the operation's key was
	// recorded meanwhile. The append that failed wrote nothing, and
	// retrying from a fresh load is safe: the [Ledger] does it for a
	// bounded number of attempts, then returns an error that wraps
	// ErrConflict. ([Ledger.EarnEvent] writes one account per kind of
	// points; when it gives up, the kinds it already earned in stay
	// earned, and its result says which. Retrying the event is safe.)
	ErrConflict = errors.New("incentive: conflict")

	// ErrStaleDecision refuses an earn whose awards no longer hold against
	// the account as it is now: since the earning rules decided them, the
	// rule's usage changed so that a cap, a cooldown or a first-time bonus
	// no longer allows them (another event of the member was earned
	// meanwhile). Nothing was written. Retrying the same request cannot
	// succeed: evaluate the event again on fresh state and earn the new
	// decision, as [Ledger.EarnEvent] does.
	ErrStaleDecision = errors.New("incentive: the awards no longer hold; evaluate the event again")

	// ErrBudgetExhausted refuses an earn whose campaign budget draw would
	// pass the budget's limit: the budget had room when the rules decided,
	// and other members drew it since. Nothing was written. It also
	// matches [ErrStaleDecision]: evaluating the event again awards what
	// the budget has left (perhaps nothing), as [Ledger.EarnEvent] does.
	// A [Store] returns it (wrapped) from Append.
	ErrBudgetExhausted = fmt.Errorf("incentive: campaign budget exhausted: %w", ErrStaleDecision)

	// ErrIdempotencyConflict refuses a request whose idempotency key was
	// already used, on the same account, by a different request. Nothing was
	// written. It is a bug in the caller (two operations share a key), so it
	// also matches [qun.ErrInvalid] and must not be retried.
	ErrIdempotencyConflict = fmt.Errorf("incentive: idempotency key reused by a different request: %w", qun.ErrInvalid)

	// ErrNotFound reports an account, an operation or a lot that a store
	// does not hold.
	ErrNotFound = errors.New("incentive: not found")

	// ErrNotSpendable refuses a spend from a points kind that is not
	// spendable, such as growth value (成长值), which only drives tiers. It
	// also matches [qun.ErrInvalid].
	ErrNotSpendable = fmt.Errorf("incentive: points kind is not spendable: %w", qun.ErrInvalid)

	// ErrUnknownKind refuses a request for a points kind the program does
	// not define. It also matches [qun.ErrInvalid].
	ErrUnknownKind = fmt.Errorf("incentive: unknown points kind: %w", qun.ErrInvalid)
)
