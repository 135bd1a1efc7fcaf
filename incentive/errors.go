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
	// write (another writer appended first, or a campaign budget was drawn
	// concurrently). Nothing was written, and retrying with fresh state is
	// safe: the [Ledger] does it for a bounded number of attempts, then
	// returns an error that wraps ErrConflict.
	ErrConflict = errors.New("incentive: conflict")

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
