package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

// Engine is a compiled catalog for one community: it decides
// redemptions. It is pure: a decision depends only on the request, the
// state the host passes and the time, and changes nothing; the host
// applies it. An Engine is safe for concurrent use.
// The zero Engine, not made with [Compile], has no items: it refuses
// every request with [ErrUnknownItem].
type Engine struct {
	community string
	c         Catalog
	items     map[string]int
	rank      map[string]int // tier → its place in Tiers
}

// Compile returns the engine of a catalog for the community. The catalog
// must be valid.
func Compile(community string, c Catalog) (*Engine, error) {
	if err := qun.ValidateName(community); err != nil {
		return nil, fmt.Errorf("catalog: compile: %w", qun.Within("community", err))
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("catalog: compile: %w", err)
	}
	e := &Engine{community: community, c: c, items: make(map[string]int, len(c.Items)), rank: make(map[string]int, len(c.Tiers))}
	for i, it := range c.Items {
		e.items[it.ID] = i
	}
	for i, t := range c.Tiers {
		e.rank[t] = i
	}
	return e, nil
}

// Catalog returns the engine's catalog.
func (e *Engine) Catalog() Catalog { return e.c }

// Item returns the item with the ID, or false.
func (e *Engine) Item(id string) (Item, bool) {
	i, ok := e.items[id]
	if !ok {
		return Item{}, false
	}
	return e.c.Items[i], true
}

// Request asks to redeem an item.
type Request struct {
	// Key is the idempotency key: the host's order ID for the redemption.
	Key string `json:"key"`
	// Member is who redeems.
	Member qun.MemberID `json:"member"`
	// Item is the item's ID, and Quantity the units, 1 to MaxQuantity;
	// zero means 1.
	Item     string `json:"item"`
	Quantity int64  `json:"quantity,omitzero"`
}

// State is what the host knows, at the time of the request, that the
// decision depends on. The host reads it in the transaction that will
// apply the decision.
type State struct {
	// Stock is the item's live stock (ignored for an unlimited item).
	Stock int64 `json:"stock"`
	// Tier is the member's tier, and Segments the segments the host
	// resolved the member into.
	Tier     string   `json:"tier,omitempty"`
	Segments []string `json:"segments,omitempty"`
	// Available is the member's points available now, as the incentive
	// ledger's Balance.Available says.
	Available decimal.Decimal `json:"available"`
	// History is the member's earlier redemptions: at least those of the
	// item since [Engine.HistorySince], and any under the request's key.
	// Cancelled ones do not count toward limits.
	History []Redemption `json:"history,omitempty"`
}

// Redemption is a decided redemption: what the member takes and pays,
// the ledger spend and the stock change, which the host applies together,
// in one transaction, and keeps as the member's history.
type Redemption struct {
	// Key, Member, Item and Quantity are the request's (with its default
	// quantity filled in), and Time when it was decided.
	Key      string       `json:"key"`
	Member   qun.MemberID `json:"member"`
	Item     string       `json:"item"`
	Quantity int64        `json:"quantity"`
	Time     time.Time    `json:"time"`
	// Points and Cash are what the redemption costs in all.
	Points decimal.Decimal `json:"points"`
	Cash   decimal.Decimal `json:"cash"`
	// Spend is the ledger's spend request, nil for a free item.
	Spend *incentive.SpendRequest `json:"spend,omitempty"`
	// Stock is the stock change, nil for an unlimited item.
	Stock *StockChange `json:"stock,omitempty"`
	// Cancelled is set by the host when it cancels the redemption
	// ([Engine.Cancel]); a cancelled redemption does not count toward
	// limits.
	Cancelled bool `json:"cancelled,omitempty"`
	// Duplicate reports a replayed key: this is the redemption decided
	// under it before, and nothing is to be applied again.
	Duplicate bool `json:"duplicate,omitempty"`
}

// StockChange is a change to an item's live stock. A SQL host applies it
// as a conditional update, so that two concurrent redemptions cannot both
// take the last unit:
//
//	UPDATE items SET stock = $after WHERE id = $item AND stock = $before
//
// and rolls the transaction back (and decides again on fresh state) when
// no row changes.
type StockChange struct {
	Item   string `json:"item"`   // the item's ID
	Before int64  `json:"before"` // the live stock the decision was made on
	After  int64  `json:"after"`  // the live stock to write
}

// HistorySince returns the earliest time from which the member's
// redemptions of the item matter to its limits at now: the start of the
// longest limited period, the zero time for a lifetime limit (all of
// them), or now for an item without limits.
func (e *Engine) HistorySince(item string, now time.Time) time.Time {
	it, ok := e.Item(item)
	if !ok {
		return now
	}
	since := now
	for _, l := range it.Limits {
		if l.Per == 0 {
			return time.Time{}
		}
		if s := e.c.Calendar.Start(l.Per, now); s.Before(since) {
			since = s
		}
	}
	return since
}

// Redeem decides a redemption at now. The checks run in this order, and
// the first that fails refuses the request with a [*Refusal] wrapping its
// sentinel: the item is on offer (ErrUnavailable), the member is eligible
// by tier and segment (ErrNotEligible), the member's limits allow the
// quantity (ErrOverLimit), the stock holds it (ErrOutOfStock), and the
// member has the points (ErrInsufficientPoints). A key found in the
// state's history returns that redemption flagged Duplicate, whatever the
// state is now; the same key for another request fails with
// [incentive.ErrIdempotencyConflict].
//
// An invalid request is refused with an error matching [qun.ErrInvalid],
// as is a record of the history that a limit counts whose quantity no
// redemption can have (outside 1 to [MaxQuantity]): only a damaged store
// holds one, and counting it could wrap the member's total around. A zero
// Engine, not made with [Compile], has no items: it refuses every request
// with [ErrUnknownItem].
func (e *Engine) Redeem(r Request, s State, now time.Time) (Redemption, error) {
	if err := e.validate(&r, now); err != nil {
		return Redemption{}, err
	}
	for _, h := range s.History {
		if h.Key != r.Key {
			continue
		}
		if h.Member != r.Member || h.Item != r.Item || h.Quantity != r.Quantity {
			return Redemption{}, fmt.Errorf("catalog: redeem %s: key %q was used for %d × %s by %s: %w", r.Item, r.Key, h.Quantity, h.Item, h.Member, incentive.ErrIdempotencyConflict)
		}
		h.Duplicate = true
		return h, nil
	}
	it := &e.c.Items[e.items[r.Item]]
	if !it.From.IsZero() && now.Before(it.From) {
		return Redemption{}, refuse(it.ID, ErrUnavailable, "on offer from %s", it.From.Format(time.RFC3339))
	}
	if !it.Until.IsZero() && !now.Before(it.Until) {
		return Redemption{}, refuse(it.ID, ErrUnavailable, "no longer on offer since %s", it.Until.Format(time.RFC3339))
	}
	if it.MinTier != "" {
		rank, ok := e.rank[s.Tier]
		if !ok || rank < e.rank[it.MinTier] {
			tier := s.Tier
			if tier == "" {
				tier = "no tier"
			}
			return Redemption{}, refuse(it.ID, ErrNotEligible, "for %s members and above, not %s", it.MinTier, tier)
		}
	}
	if it.Segment != "" && !slices.Contains(s.Segments, it.Segment) {
		return Redemption{}, refuse(it.ID, ErrNotEligible, "for members of the segment %q", it.Segment)
	}
	for _, l := range it.Limits {
		var period int64
		if l.Per != 0 {
			period = e.c.Calendar.Index(l.Per, now)
		}
		taken := int64(0)
		for j, h := range s.History {
			if h.Item != it.ID || h.Member != r.Member || h.Cancelled {
				continue
			}
			if h.Quantity < 1 || h.Quantity > MaxQuantity {
				return Redemption{}, fmt.Errorf("catalog: redeem %s: %w", it.ID,
					qun.Invalid("history["+strconv.Itoa(j)+"].quantity", "%d is not a quantity a redemption can have, 1 to %d", h.Quantity, MaxQuantity))
			}
			if l.Per == 0 || e.c.Calendar.Index(l.Per, h.Time) == period {
				taken += h.Quantity
			}
		}
		if taken+r.Quantity > l.Quantity {
			what := "in all"
			if l.Per != 0 {
				what = "a " + l.Per.String()
			}
			return Redemption{}, refuse(it.ID, ErrOverLimit, "at most %d %s per member, and %s has %d", l.Quantity, what, r.Member, taken)
		}
	}
	if !it.Unlimited && s.Stock < r.Quantity {
		return Redemption{}, refuse(it.ID, ErrOutOfStock, "%d left, %d asked for", max(s.Stock, 0), r.Quantity)
	}
	q := decimal.NewFromInt(r.Quantity)
	red := Redemption{
		Key: r.Key, Member: r.Member, Item: it.ID, Quantity: r.Quantity, Time: now,
		Points: it.Points.Mul(q), Cash: it.Cash.Mul(q),
	}
	if s.Available.LessThan(red.Points) {
		return Redemption{}, refuse(it.ID, ErrInsufficientPoints, "costs %s points, %s available", red.Points, s.Available)
	}
	if red.Points.Sign() > 0 {
		red.Spend = &incentive.SpendRequest{
			Account: incentive.AccountID{Community: e.community, Member: r.Member, Kind: e.c.Kind},
			Key:     ledgerKey("redeem", r.Key), Points: red.Points,
			Reason: "redeem " + strconv.FormatInt(r.Quantity, 10) + " × " + it.label(),
		}
	}
	if !it.Unlimited {
		red.Stock = &StockChange{Item: it.ID, Before: s.Stock, After: s.Stock - r.Quantity}
	}
	return red, nil
}

// validate checks the request and fills in its default quantity.
func (e *Engine) validate(r *Request, now time.Time) error {
	if err := qun.ValidateName(r.Key); err != nil {
		return fmt.Errorf("catalog: redeem: %w", qun.Within("key", err))
	}
	if err := r.Member.Validate(); err != nil {
		return fmt.Errorf("catalog: redeem: %w", qun.Within("member", err))
	}
	if r.Quantity == 0 {
		r.Quantity = 1
	}
	if r.Quantity < 1 || r.Quantity > MaxQuantity {
		return fmt.Errorf("catalog: redeem: %w", qun.Invalid("quantity", "must be 1 to %d", MaxQuantity))
	}
	if now.IsZero() {
		return fmt.Errorf("catalog: redeem: %w", qun.Invalid("now", "must not be zero"))
	}
	if _, ok := e.items[r.Item]; !ok {
		return fmt.Errorf("catalog: redeem %q: %w", r.Item, ErrUnknownItem)
	}
	return nil
}

// label names an item for statements.
func (it *Item) label() string {
	if it.Name != "" {
		return it.Name
	}
	return it.ID
}

// Cancellation undoes a redemption: the points go back as a ledger
// adjustment and the units back to stock, applied together; the host then
// marks the redemption Cancelled in its history.
type Cancellation struct {
	// Refund grants the points back (nil for a free item). The ledger's
	// reversals undo earns, not spends, so the points come back as a new
	// lot under the ledger's current expiry rules.
	Refund *incentive.AdjustRequest `json:"refund,omitempty"`
	// Stock returns the units (nil for an unlimited item), from the live
	// stock the host passes.
	Stock *StockChange `json:"stock,omitempty"`
}

// Cancel decides the cancellation of a redemption (a returned item, an
// order that failed to ship), given the item's live stock. key is the
// cancellation's idempotency key in the ledger. A redemption already
// marked Cancelled is refused as invalid, and so are one whose quantity no
// redemption can have (outside 1 to [MaxQuantity]) and a stock that the
// returned units would carry past the largest int64.
func (e *Engine) Cancel(red Redemption, key string, stock int64) (Cancellation, error) {
	if err := qun.ValidateName(key); err != nil {
		return Cancellation{}, fmt.Errorf("catalog: cancel: %w", qun.Within("key", err))
	}
	if red.Cancelled {
		return Cancellation{}, fmt.Errorf("catalog: cancel %q: %w", red.Key, qun.Invalid("cancelled", "the redemption is cancelled already"))
	}
	i, ok := e.items[red.Item]
	if !ok {
		return Cancellation{}, fmt.Errorf("catalog: cancel %q: %w", red.Item, ErrUnknownItem)
	}
	it := &e.c.Items[i]
	if red.Quantity < 1 || red.Quantity > MaxQuantity {
		return Cancellation{}, fmt.Errorf("catalog: cancel %q: %w", red.Key, qun.Invalid("quantity", "%d is not a quantity a redemption can have, 1 to %d", red.Quantity, MaxQuantity))
	}
	if !it.Unlimited && stock > math.MaxInt64-red.Quantity {
		return Cancellation{}, fmt.Errorf("catalog: cancel %q: %w", red.Key, qun.Invalid("stock", "%d and the %d units returned are more than an int64 holds", stock, red.Quantity))
	}
	var c Cancellation
	if red.Spend != nil {
		c.Refund = &incentive.AdjustRequest{
			Account: red.Spend.Account, Key: ledgerKey("cancel", key), Points: red.Spend.Points,
			Reason: "cancelled redemption " + red.Key + " of " + it.label(),
		}
	}
	if !it.Unlimited {
		c.Stock = &StockChange{Item: it.ID, Before: stock, After: stock + red.Quantity}
	}
	return c, nil
}

// ledgerKey returns "catalog/<what>/<key>", or, when that would be longer
// than a name may be, "catalog/<what>/" and the hex SHA-256 of the key.
// The prefix keeps a redemption's spend apart from other operations the
// host keys by the same order ID (the points the order itself earned).
func ledgerKey(what, key string) string {
	k := "catalog/" + what + "/" + key
	if len(k) <= qun.MaxNameLen {
		return k
	}
	sum := sha256.Sum256([]byte(key))
	return "catalog/" + what + "/" + hex.EncodeToString(sum[:])
}

// String says in a line what a redemption takes and costs.
func (r Redemption) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s redeems %d × %s for %s points", r.Member, r.Quantity, r.Item, r.Points)
	if r.Cash.Sign() > 0 {
		fmt.Fprintf(&b, " + %s cash", r.Cash.StringFixed(2))
	}
	if r.Stock != nil {
		fmt.Fprintf(&b, ", stock %d → %d", r.Stock.Before, r.Stock.After)
	}
	return b.String()
}
