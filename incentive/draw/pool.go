package draw

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Bounds of a pool.
const (
	// MaxPrizes is the most prizes a pool holds.
	MaxPrizes = 256
	// MaxWeight bounds the sum of a pool's weights (the blank's included),
	// so that every weight and every odds ratio is exact in a float64.
	MaxWeight = 1 << 53
	// maxLimits bounds a pool's entry limits.
	maxLimits = 8
)

// Pool is a prize draw (抽奖) as data: the prizes with their weights and
// stock, the blank (谢谢参与), what happens when a prize runs out, the
// entry limits per member, the guarantee after a run of losing draws
// (保底), when the draw is open, and what an entry costs. Hosts keep it in
// their database, read it with [ParsePool], publish its odds
// ([Pool.Odds]) and its [Commitment] before the draw opens, and run it in
// a [Draw].
//
// Its JSON form is
//
//	{"id":"double-11","calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
//	 "opens":"2026-11-11T00:00:00+08:00","closes":"2026-11-12T00:00:00+08:00",
//	 "prizes":[{"id":"wine","name":"a bottle of Barolo","weight":1,"stock":10},
//	           {"id":"points-100","weight":20,"unlimited":true,"points":{"kind":"points","points":"100"}}],
//	 "blank":79,"stock_out":"lose",
//	 "limits":[{"per":"day","entries":3}],
//	 "pity":{"after":9,"prizes":["wine"]},
//	 "cost":{"kind":"points","points":"10"}}
type Pool struct {
	// ID names the draw; it is part of its commitment and of the
	// randomness, so one seed used for two draws gives unrelated results.
	ID string `json:"id"`
	// Calendar is where the entry limits' periods are counted.
	Calendar qun.Calendar `json:"calendar"`
	// Opens and Closes, if set, bound when entries are taken: from Opens,
	// until before Closes.
	Opens  time.Time `json:"opens,omitzero"`
	Closes time.Time `json:"closes,omitzero"`
	// Prizes are the prizes, in the order their odds are disclosed, with
	// distinct IDs: at least one, at most MaxPrizes.
	Prizes []Prize `json:"prizes"`
	// Blank is the weight of drawing nothing (谢谢参与).
	Blank int64 `json:"blank,omitzero"`
	// StockOut says what a draw does when it lands on a prize that has run
	// out.
	StockOut StockOut `json:"stock_out,omitzero"`
	// Limits bound the entries of each member, per period or over the
	// draw.
	Limits []Limit `json:"limits,omitempty"`
	// Pity, if set, guarantees a prize after a run of draws without one.
	Pity *Pity `json:"pity,omitempty"`
	// Cost, if set, is the points an entry costs (积分抽奖).
	Cost *Points `json:"cost,omitempty"`
}

// Prize is one prize of a pool.
type Prize struct {
	// ID names the prize in results.
	ID string `json:"id"`
	// Name describes it to members.
	Name string `json:"name,omitempty"`
	// Weight is the prize's share of an ordinary draw: its odds are
	// Weight over the sum of the pool's weights. At least 1.
	Weight int64 `json:"weight"`
	// Stock is how many there are to win; Unlimited prizes (points,
	// digital coupons) have no stock. A prize needs one or the other.
	Stock     int64 `json:"stock,omitzero"`
	Unlimited bool  `json:"unlimited,omitempty"`
	// Points, if set, makes the prize points in the incentive ledger, and
	// each win carries the earn request.
	Points *Points `json:"points,omitempty"`
}

// Points is an amount of one kind of points of the incentive ledger.
type Points struct {
	Kind   string          `json:"kind"`   // the kind of points, as the ledger names it
	Points decimal.Decimal `json:"points"` // positive, at the kind's scale
}

// Limit bounds the entries of one member: at most Entries in each period
// of the grain Per in the pool's calendar (counted by the time of the
// entry), or over the whole draw when Per is zero.
type Limit struct {
	Per     qun.Grain `json:"per,omitzero"` // the period; zero for the whole draw
	Entries int64     `json:"entries"`      // at least 1
}

// Pity is the guarantee (保底): a member who has drawn After times in a
// row without winning one of Prizes wins one of them, by their weights
// among those still in stock, on the next draw. Prizes empty means every
// prize of the pool. The run counts across the whole draw, and ends when
// the member wins one of the prizes, by luck or by the guarantee. When
// every one of them has run out the guarantee cannot be kept, and the draw
// is an ordinary one.
type Pity struct {
	After  int64    `json:"after"`            // at least 1
	Prizes []string `json:"prizes,omitempty"` // prize IDs; empty for all
}

// StockOut is what a draw does when it lands on a prize that has run out.
type StockOut uint8

// The policies. The zero StockOut is Lose.
const (
	// Lose ("lose"): the draw wins nothing, and says which prize it landed
	// on. Every prize still in stock keeps exactly its disclosed odds
	// until it runs out; the chance of winning nothing grows instead.
	Lose StockOut = iota
	// Redistribute ("redistribute"): prizes that have run out leave the
	// pool, and the odds of the others grow in proportion; [Draw.Odds]
	// tells the odds in force.
	Redistribute
)

var stockOutNames = [...]string{"lose", "redistribute"}

// String returns the policy's name.
func (s StockOut) String() string {
	if int(s) < len(stockOutNames) {
		return stockOutNames[s]
	}
	return "StockOut(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText writes the policy's name; it refuses an unknown policy.
func (s StockOut) MarshalText() ([]byte, error) {
	if int(s) >= len(stockOutNames) {
		return nil, fmt.Errorf("draw: marshal stock-out policy %d: %w", uint8(s), qun.Invalid("", "not a stock-out policy"))
	}
	return []byte(stockOutNames[s]), nil
}

// UnmarshalText reads a policy's name: "lose" or "redistribute".
func (s *StockOut) UnmarshalText(text []byte) error {
	for i, n := range stockOutNames {
		if n == string(text) {
			*s = StockOut(i)
			return nil
		}
	}
	return fmt.Errorf("draw: parse stock-out policy %q: %w", text, qun.Invalid("", "want lose or redistribute"))
}

// UnmarshalJSON reads a pool strictly, as [qun.UnmarshalStrict] reads.
// Call [Pool.Validate] on the result, or use [ParsePool].
func (p *Pool) UnmarshalJSON(data []byte) error {
	type plain Pool
	return qun.UnmarshalStrict(data, (*plain)(p))
}

// ParsePool reads a pool from its JSON form, strictly, and validates it.
func ParsePool(data []byte) (Pool, error) {
	var p Pool
	if err := p.UnmarshalJSON(data); err != nil {
		return Pool{}, fmt.Errorf("draw: parse pool: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Pool{}, fmt.Errorf("draw: parse pool: %w", err)
	}
	return p, nil
}

// Validate reports every problem with p, joined, each naming its field:
// "prizes[2].weight", "pity.prizes[0]", "limits[1].per".
func (p Pool) Validate() error {
	var errs []error
	if err := qun.ValidateName(p.ID); err != nil {
		errs = append(errs, qun.Within("id", err))
	}
	errs = append(errs, qun.Within("calendar", p.Calendar.Validate()))
	if !p.Opens.IsZero() && !p.Closes.IsZero() && !p.Closes.After(p.Opens) {
		errs = append(errs, qun.Invalid("closes", "must be after opens"))
	}
	switch {
	case len(p.Prizes) == 0:
		errs = append(errs, qun.Invalid("prizes", "a pool needs at least one prize"))
	case len(p.Prizes) > MaxPrizes:
		errs = append(errs, qun.Invalid("prizes", "at most %d", MaxPrizes))
	}
	ids := make(map[string]bool, len(p.Prizes))
	var total uint64
	for i := range p.Prizes {
		field := "prizes[" + strconv.Itoa(i) + "]"
		pr := &p.Prizes[i]
		errs = append(errs, qun.Within(field, pr.Validate()))
		if ids[pr.ID] {
			errs = append(errs, qun.Invalid(field+".id", "%q names another prize too", pr.ID))
		}
		ids[pr.ID] = true
		if pr.Weight > 0 {
			total += uint64(min(pr.Weight, MaxWeight+1))
		}
	}
	if p.Blank < 0 {
		errs = append(errs, qun.Invalid("blank", "must not be negative"))
	} else {
		total += uint64(min(p.Blank, MaxWeight+1))
	}
	if total > MaxWeight {
		errs = append(errs, qun.Invalid("prizes", "the weights add up to more than 2^53"))
	}
	if int(p.StockOut) >= len(stockOutNames) {
		errs = append(errs, qun.Invalid("stock_out", "want lose or redistribute"))
	}
	if len(p.Limits) > maxLimits {
		errs = append(errs, qun.Invalid("limits", "at most %d", maxLimits))
	}
	pers := make(map[qun.Grain]bool, len(p.Limits))
	for i, l := range p.Limits {
		field := "limits[" + strconv.Itoa(i) + "]"
		if l.Per != 0 && !l.Per.IsValid() {
			errs = append(errs, qun.Invalid(field+".per", "not a grain"))
		}
		if l.Entries < 1 {
			errs = append(errs, qun.Invalid(field+".entries", "must be at least 1"))
		}
		if pers[l.Per] {
			errs = append(errs, qun.Invalid(field+".per", "another limit has the same period"))
		}
		pers[l.Per] = true
	}
	if p.Pity != nil {
		if p.Pity.After < 1 {
			errs = append(errs, qun.Invalid("pity.after", "must be at least 1"))
		}
		seen := make(map[string]bool, len(p.Pity.Prizes))
		for i, id := range p.Pity.Prizes {
			field := "pity.prizes[" + strconv.Itoa(i) + "]"
			if !ids[id] {
				errs = append(errs, qun.Invalid(field, "%q is not a prize of the pool", id))
			}
			if seen[id] {
				errs = append(errs, qun.Invalid(field, "%q is listed twice", id))
			}
			seen[id] = true
		}
	}
	if p.Cost != nil {
		errs = append(errs, qun.Within("cost", p.Cost.Validate()))
	}
	return errors.Join(errs...)
}

// Validate reports every problem with the prize.
func (pr Prize) Validate() error {
	var errs []error
	if err := qun.ValidateName(pr.ID); err != nil {
		errs = append(errs, qun.Within("id", err))
	}
	if pr.Weight < 1 {
		errs = append(errs, qun.Invalid("weight", "must be at least 1"))
	}
	switch {
	case pr.Stock < 0:
		errs = append(errs, qun.Invalid("stock", "must not be negative"))
	case pr.Unlimited && pr.Stock != 0:
		errs = append(errs, qun.Invalid("stock", "an unlimited prize has no stock"))
	case !pr.Unlimited && pr.Stock == 0:
		errs = append(errs, qun.Invalid("stock", "a prize needs stock, or to be unlimited"))
	}
	if pr.Points != nil {
		errs = append(errs, qun.Within("points", pr.Points.Validate()))
	}
	return errors.Join(errs...)
}

// Validate reports whether the kind is a name and the amount positive,
// with at most 6 decimal places and 18 digits.
func (pt Points) Validate() error {
	var errs []error
	if err := qun.ValidateName(pt.Kind); err != nil {
		errs = append(errs, qun.Within("kind", err))
	}
	switch d := pt.Points; {
	case d.Sign() <= 0:
		errs = append(errs, qun.Invalid("points", "must be positive"))
	case d.Exponent() < -6 && !d.Equal(d.Truncate(6)):
		errs = append(errs, qun.Invalid("points", "must have at most 6 decimal places"))
	case d.NumDigits() > 18 || d.Exponent() > 18:
		errs = append(errs, qun.Invalid("points", "must have at most 18 digits"))
	}
	return errors.Join(errs...)
}

// inPity returns, for each prize, whether it is one of the pity prizes.
func (p *Pool) inPity() []bool {
	in := make([]bool, len(p.Prizes))
	if p.Pity == nil {
		return in
	}
	if len(p.Pity.Prizes) == 0 {
		for i := range in {
			in[i] = true
		}
		return in
	}
	for i, pr := range p.Prizes {
		for _, id := range p.Pity.Prizes {
			if id == pr.ID {
				in[i] = true
			}
		}
	}
	return in
}
