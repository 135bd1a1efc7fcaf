package lifecycle

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Rung is a step of the value ladder (三端策略): the front-end product that
// earns little but filters precise members in (引流品), the mid-end product
// that earns (利润品), and the back-end, high-margin product that finds the
// die-hard fans (爆利品). The zero Rung is "bought nothing".
type Rung uint8

// The rungs, from the bottom.
const (
	// FrontEnd (引流品): the lead product, priced to bring members in.
	FrontEnd Rung = iota + 1
	// Profit (利润品): the product that earns.
	Profit
	// Premium (爆利品): the high-margin product only true fans buy.
	Premium
)

var rungNames = [...]string{FrontEnd: "front_end", Profit: "profit", Premium: "premium"}

// IsValid reports whether r is one of the three rungs.
func (r Rung) IsValid() bool { return r >= FrontEnd && r <= Premium }

// String returns the rung's name, or "none" for the zero Rung.
func (r Rung) String() string {
	if r == 0 {
		return "none"
	}
	if !r.IsValid() {
		return fmt.Sprintf("Rung(%d)", uint8(r))
	}
	return rungNames[r]
}

// MarshalText writes the rung's name; it refuses an invalid rung.
func (r Rung) MarshalText() ([]byte, error) {
	if !r.IsValid() {
		return nil, fmt.Errorf("lifecycle: marshal rung %d: %w", uint8(r), qun.Invalid("", "not a rung"))
	}
	return []byte(rungNames[r]), nil
}

// UnmarshalText reads "front_end", "profit" or "premium".
func (r *Rung) UnmarshalText(text []byte) error {
	for v := FrontEnd; v <= Premium; v++ {
		if rungNames[v] == string(text) {
			*r = v
			return nil
		}
	}
	return fmt.Errorf("lifecycle: parse rung %q: %w", text, qun.Invalid("", "want front_end, profit or premium"))
}

// Ladder is a value ladder as data: which products sit on which rung, and
// what makes a true fan (铁杆粉丝). Its JSON form is
//
//	{"front_end":["tasting-9.9"],"profit":["wine-club"],"premium":["cellar-trip"],
//	 "true_fan":{"min_rung":"premium","min_purchases":2,"min_spend":"0"}}
type Ladder struct {
	// FrontEnd lists the host's product IDs (SKUs) on the front-end
	// rung; a product sits on one rung at most.
	FrontEnd []string `json:"front_end"`
	// Profit lists the products on the profit rung.
	Profit []string `json:"profit"`
	// Premium lists the products on the premium rung.
	Premium []string `json:"premium"`
	// TrueFan says who counts as a true fan.
	TrueFan TrueFan `json:"true_fan"`
}

// TrueFan is the bar for a true fan (铁杆粉丝): Kevin Kelly's "1,000 true
// fans" (https://kk.org/thetechnium/1000-true-fans/) are those who buy
// whatever you make; on a value ladder, members who climbed to the top rung
// and keep buying.
type TrueFan struct {
	// MinRung is the rung a true fan has reached.
	MinRung Rung `json:"min_rung"`
	// MinPurchases is how many purchases, on any rung, a true fan has made.
	MinPurchases int64 `json:"min_purchases"`
	// MinSpend is how much a true fan has spent in all; zero for no bar.
	MinSpend decimal.Decimal `json:"min_spend"`
}

// DefaultTrueFan is the default bar: reached the premium rung, with at
// least two purchases in all (a repeat buyer, not a one-off), and no bar
// on spend, which depends on the host's prices.
func DefaultTrueFan() TrueFan { return TrueFan{MinRung: Premium, MinPurchases: 2} }

// Validate reports every problem with l: product IDs must be names (see
// [qun.MaxNameLen]), each on one rung only; the true-fan bar needs a valid
// rung, at least one purchase, and a spend that is not negative.
func (l Ladder) Validate() error {
	var errs []error
	seen := map[string]string{}
	for _, rung := range []struct {
		field string
		ids   []string
	}{{"front_end", l.FrontEnd}, {"profit", l.Profit}, {"premium", l.Premium}} {
		for i, id := range rung.ids {
			field := rung.field + "[" + strconv.Itoa(i) + "]"
			if err := qun.ValidateName(id); err != nil {
				errs = append(errs, qun.Within(field, err))
				continue
			}
			if first, dup := seen[id]; dup {
				errs = append(errs, qun.Invalid(field, "%q is already listed at %s", id, first))
				continue
			}
			seen[id] = field
		}
	}
	if !l.TrueFan.MinRung.IsValid() {
		errs = append(errs, qun.Invalid("true_fan.min_rung", "want front_end, profit or premium"))
	}
	if l.TrueFan.MinPurchases < 1 {
		errs = append(errs, qun.Invalid("true_fan.min_purchases", "must be at least 1"))
	}
	if l.TrueFan.MinSpend.IsNegative() {
		errs = append(errs, qun.Invalid("true_fan.min_spend", "must not be negative"))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads l strictly: unknown fields are refused, and the
// errors match [qun.ErrInvalid]. It does not validate.
func (l *Ladder) UnmarshalJSON(data []byte) error {
	type plain Ladder
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	*l = Ladder(v)
	return nil
}

// RungOf returns the rung of a product, and whether the ladder lists it.
func (l Ladder) RungOf(product string) (Rung, bool) {
	for r, ids := range [...][]string{FrontEnd: l.FrontEnd, Profit: l.Profit, Premium: l.Premium} {
		for _, id := range ids {
			if id == product {
				return Rung(r), true
			}
		}
	}
	return 0, false
}

// LadderFacts are what the ladder reads about one member: purchases on
// each rung and the total spent.
type LadderFacts struct {
	// FrontEnd, Profit and Premium count the member's purchases of
	// products on each rung.
	FrontEnd, Profit, Premium int64
	// Spend is what the member has spent in all, in the host's currency.
	Spend decimal.Decimal
}

// Top returns the highest rung f bought on; zero if none.
func (f LadderFacts) Top() Rung {
	switch {
	case f.Premium > 0:
		return Premium
	case f.Profit > 0:
		return Profit
	case f.FrontEnd > 0:
		return FrontEnd
	}
	return 0
}

// IsTrueFan reports whether f meets the true-fan bar. It counts the
// purchases on every rung, a negative count as none, so that no count is
// too large to add up.
func (t TrueFan) IsTrueFan(f LadderFacts) bool {
	return f.Top() >= t.MinRung && t.MinRung.IsValid() &&
		purchases(f) >= t.MinPurchases &&
		f.Spend.Cmp(t.MinSpend) >= 0
}

// purchases adds up f's purchases on every rung, negative counts as none,
// stopping at the largest int64 rather than overflowing.
func purchases(f LadderFacts) int64 {
	var n int64
	for _, k := range [...]int64{f.FrontEnd, f.Profit, f.Premium} {
		if k > 0 {
			n += min(k, math.MaxInt64-n)
		}
	}
	return n
}

// LadderCounts counts members on the ladder. At[r] counts those whose top
// rung is r (At[0]: bought nothing); Reached[r] those at r or above, so
// Reached never increases up the ladder; TrueFans those who meet the bar.
type LadderCounts struct {
	// At counts members by top rung, indexed by Rung.
	At [Premium + 1]int64 `json:"at"`
	// Reached counts members at each rung or above, indexed by Rung.
	Reached [Premium + 1]int64 `json:"reached"`
	// TrueFans counts the members who meet the true-fan bar.
	TrueFans int64 `json:"true_fans"`
}

// Count tallies members on the ladder. A nil members holds none.
func (t TrueFan) Count(members iter.Seq[LadderFacts]) LadderCounts {
	var c LadderCounts
	if members != nil {
		for f := range members {
			c.At[f.Top()]++
			if t.IsTrueFan(f) {
				c.TrueFans++
			}
		}
	}
	var sum int64
	for r := Premium; ; r-- {
		sum += c.At[r]
		c.Reached[r] = sum
		if r == 0 {
			break
		}
	}
	return c
}
