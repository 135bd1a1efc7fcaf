package incentive

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// The requests the ledger's operations take. They are plain values, so
// other parts of a host (a quest's reward, a catalog's redemption) can
// decide one and hand it to the ledger as it is.

// EarnRequest adds points to an account as a new lot: points for a
// check-in, a purchase, a completed quest.
type EarnRequest struct {
	// Account is the account to earn into.
	Account AccountID `json:"account"`
	// Key is the idempotency key: for points earned from an event, its
	// ID. It also names the lot, so a refund reverses the earn by this key.
	Key string `json:"key"`
	// Points is positive, at the kind's scale.
	Points decimal.Decimal `json:"points"`
	// Reason says why, for the statement.
	Reason string `json:"reason,omitempty"`
	// Awards, if any, are the earning rules' explanation of Points, which
	// they must add up to. The earn checks them against the account's rule
	// usage as it is when it is applied (caps, cooldowns, first-time
	// bonuses: [ErrStaleDecision] if they no longer hold), then adds them
	// to it, and draws their campaign budgets ([ErrBudgetExhausted] if one
	// ran out).
	Awards []Award `json:"awards,omitempty"`
	// EventFingerprint, if set, is the fingerprint of the event the earn
	// was decided for ([EventFingerprint]), and then the request's own
	// fingerprint: a redelivered event is a duplicate of its earn even if
	// the rules now decide otherwise (a cap the first delivery filled).
	// [Decision.EarnRequests] sets it.
	EventFingerprint string `json:"event_fingerprint,omitempty"`
}

// SpendRequest spends available points: an exchange (积分兑换), a
// redemption in the rewards catalog.
type SpendRequest struct {
	// Account is the account to spend from.
	Account AccountID `json:"account"`
	// Key is the idempotency key: a redemption's order ID, say.
	Key string `json:"key"`
	// Points is positive, at the kind's scale.
	Points decimal.Decimal `json:"points"`
	// Reason says what the points bought, for the statement.
	Reason string `json:"reason,omitempty"`
}

// ReverseRequest reverses an earn, all of it or a part: a refund of the
// purchase that earned it. What the earn's lot still holds is clawed back;
// what was already spent from it is handled by the kind's [Reversal]
// policy.
type ReverseRequest struct {
	// Account is the account the earn was made to.
	Account AccountID `json:"account"`
	// Key is the reversal's own idempotency key: the refund's ID.
	Key string `json:"key"`
	// Earn is the key of the earn (or grant) to reverse.
	Earn string `json:"earn"`
	// Points is how much of the earn to reverse, at the kind's scale; zero
	// reverses all that is left to reverse of it.
	Points decimal.Decimal `json:"points"`
	// Reason says why, for the statement.
	Reason string `json:"reason,omitempty"`
}

// AdjustRequest corrects an account by hand, with a reason an operator
// gives: positive Points grant a new lot, negative ones deduct from
// available points as a spend does (from any kind, spendable or not).
type AdjustRequest struct {
	// Account is the account to correct.
	Account AccountID `json:"account"`
	// Key is the idempotency key of the correction.
	Key string `json:"key"`
	// Points is not zero, at the kind's scale.
	Points decimal.Decimal `json:"points"`
	// Reason is required.
	Reason string `json:"reason"`
}

// ExpireRequest expires every lot of the account that is past its expiry:
// the nightly or year-end job (积分年底清零).
type ExpireRequest struct {
	// Account is the account to expire points of.
	Account AccountID `json:"account"`
	// Key is the idempotency key of the run: "year-end-2026". A run that
	// finds nothing due writes nothing and records no key.
	Key string `json:"key"`
}

// fingerprint returns the hex SHA-256 of the parts, each prefixed by its
// length so that no two lists of parts collide.
func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write([]byte{':'})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Fingerprint returns the fingerprint of the request, as recorded in its
// [Operation]: its EventFingerprint if it has one, or else a digest of its
// account, points, reason and awards (each award's rule, kind, points and
// bonus, which decide the usage and budget draws the earn records).
func (r EarnRequest) Fingerprint() string {
	if r.EventFingerprint != "" {
		return r.EventFingerprint
	}
	parts := []string{"earn", r.Account.String(), r.Points.String(), r.Reason}
	for _, a := range r.Awards {
		parts = append(parts, "award", a.Rule, a.Kind, a.Points.String(), a.Bonus.String())
	}
	return fingerprint(parts...)
}

// Fingerprint returns the fingerprint of the request.
func (r SpendRequest) Fingerprint() string {
	return fingerprint("spend", r.Account.String(), r.Points.String(), r.Reason)
}

// Fingerprint returns the fingerprint of the request.
func (r ReverseRequest) Fingerprint() string {
	return fingerprint("reverse", r.Account.String(), r.Earn, r.Points.String(), r.Reason)
}

// Fingerprint returns the fingerprint of the request.
func (r AdjustRequest) Fingerprint() string {
	return fingerprint("adjust", r.Account.String(), r.Points.String(), r.Reason)
}

// Fingerprint returns the fingerprint of the request.
func (r ExpireRequest) Fingerprint() string { return fingerprint("expire", r.Account.String()) }

// EventFingerprint identifies an event's earn in the account of one kind
// of points: a digest of everything the host sent (ID, member, name, time,
// value, properties) and the kind, so that a redelivery matches and a
// different event under the same ID does not. [Ledger.EarnEvent] and
// [Decision.EarnRequests] record earns from events under it, so a host may
// mix the two.
func EventFingerprint(kind string, ev qun.Event) string {
	parts := []string{"event", kind, ev.ID, string(ev.Member), ev.Name, ev.Time.UTC().Format(time.RFC3339Nano)}
	if ev.Value.Valid {
		parts = append(parts, ev.Value.Decimal.String())
	} else {
		parts = append(parts, "-")
	}
	for _, k := range sortedKeys(ev.Props) {
		parts = append(parts, k, ev.Props[k])
	}
	return fingerprint(parts...)
}
