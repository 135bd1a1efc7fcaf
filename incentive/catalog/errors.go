package catalog

import (
	"errors"
	"fmt"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// The refusals a caller branches on. A refused redemption decided nothing:
// no points are spent and no stock is taken. Each comes wrapped in a
// [*Refusal] that says why in words an operator or a member can read.
var (
	// ErrOutOfStock: fewer units are left than the request asks for.
	ErrOutOfStock = errors.New("catalog: out of stock")
	// ErrOverLimit: the request would take the member past one of the
	// item's limits.
	ErrOverLimit = errors.New("catalog: over the limit")
	// ErrNotEligible: the member's tier is below the item's minimum, or
	// the member is not in the item's segment.
	ErrNotEligible = errors.New("catalog: not eligible")
	// ErrUnavailable: the item is not on offer at this time (before From,
	// or from Until on).
	ErrUnavailable = errors.New("catalog: not on offer")
	// ErrInsufficientPoints: the member has fewer points available than
	// the redemption costs. It is the incentive ledger's own sentinel, so
	// one errors.Is covers a refusal here and a refusal by the ledger when
	// the spend is applied.
	ErrInsufficientPoints = incentive.ErrInsufficientPoints
	// ErrUnknownItem refuses a request for an item the catalog does not
	// have. It is bad data, so it also matches [qun.ErrInvalid].
	ErrUnknownItem = fmt.Errorf("catalog: unknown item: %w", qun.ErrInvalid)
)

// Refusal is a refused redemption: which item, why in words, and the
// sentinel to branch on, which errors.Is reaches through Unwrap.
type Refusal struct {
	Item   string // the item asked for
	Reason string // why it was refused, as a phrase
	Err    error  // the sentinel: ErrOutOfStock, ErrOverLimit, ...
}

// Error reads "catalog: redeem <item>: <reason>".
func (r *Refusal) Error() string { return "catalog: redeem " + r.Item + ": " + r.Reason }

// Unwrap returns the sentinel.
func (r *Refusal) Unwrap() error { return r.Err }

func refuse(item string, sentinel error, format string, args ...any) error {
	return &Refusal{Item: item, Reason: fmt.Sprintf(format, args...), Err: sentinel}
}
