package incentive

import (
	"errors"
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Kind is a kind of points, with its own accounts and its own rules of
// arithmetic and time. Communities usually run two: spendable points (积分),
// earned and exchanged for rewards, and qualifying points such as growth
// value (成长值), which are never spent and drive tiers. Keeping them apart is
// what keeps a tier from being computed from the wrong balance: spending
// points never lowers a member's level.
//
// Its JSON form is
//
//	{"name":"points","scale":0,"rounding":"down","spendable":true,
//	 "pending":"7d","expiry":{"end":"year"},"reversal":"cap_at_zero"}
type Kind struct {
	// Name names the kind in account keys and rules: "points", "growth".
	Name string `json:"name"`
	// Scale is the number of decimal places amounts of this kind carry,
	// 0 to 6: 0 for whole points, 2 for points worth a cent each. Every
	// amount written to an account is a multiple of 10^-Scale.
	Scale int32 `json:"scale"`
	// Rounding says how computed amounts (a share of a purchase, a
	// multiplier) are brought to Scale. The zero value rounds down, which is
	// what operators mean by "1 point per ¥10, rounded down" (不足部分不计).
	Rounding Rounding `json:"rounding"`
	// Spendable says whether points of this kind can be spent.
	Spendable bool `json:"spendable"`
	// Pending is how long earned points stay locked before they can be
	// spent: a return window after a purchase. Zero makes them available at
	// once. Pending points are not counted in [Balance.Lifetime], as in Open
	// Loyalty, where locked points do not count toward a level.
	Pending qun.Duration `json:"pending,omitzero"`
	// Expiry says when earned points expire. The zero value never expires.
	Expiry Expiry `json:"expiry,omitzero"`
	// Reversal says what a reversal does with points already spent.
	Reversal Reversal `json:"reversal,omitzero"`
}

// maxScale bounds Kind.Scale, so that the rule engine can carry amounts as
// int64 multiples of 10^-Scale with room to spare.
const maxScale = 6

// Validate reports every problem with k, joined: the name must be a name,
// the scale within 0 to 6, the enums known, the pending period not negative
// and the expiry valid; and no lot may expire before its pending period is
// over. For an expiry counted from earning, the pending period must be
// shorter than After, or than Periods periods of End less a day (a month
// counts 28 days, a year 365; the day is a margin for DST changes and
// skipped days). So {"end":"year"} with a pending period is refused, since
// points earned on 31 December would expire before they could be spent;
// {"end":"year","periods":1} or "from":"available" serve.
func (k Kind) Validate() error {
	var errs []error
	if reason := nameProblem(k.Name); reason != "" {
		errs = append(errs, qun.Invalid("name", "%s", reason))
	}
	if k.Scale < 0 || k.Scale > maxScale {
		errs = append(errs, qun.Invalid("scale", "must be 0 to %d", maxScale))
	}
	if !k.Rounding.IsValid() {
		errs = append(errs, qun.Invalid("rounding", "not a rounding"))
	}
	if k.Pending < 0 {
		errs = append(errs, qun.Invalid("pending", "must not be negative"))
	}
	if err := k.Expiry.Validate(); err != nil {
		errs = append(errs, qun.Within("expiry", err))
	} else if k.Pending > 0 && !k.Expiry.Never() && k.Expiry.From == ExpiryFromEarned && time.Duration(k.Pending) >= k.Expiry.shortest() {
		errs = append(errs, qun.Invalid("expiry", "points earned under it could expire before their %s pending period is over: "+
			"expire later, or count from when they become available (\"from\":\"available\")", k.Pending))
	}
	if !k.Reversal.IsValid() {
		errs = append(errs, qun.Invalid("reversal", "not a reversal policy"))
	}
	return errors.Join(errs...)
}

// Round brings d to the kind's scale with its rounding.
func (k Kind) Round(d decimal.Decimal) decimal.Decimal { return k.Rounding.Round(d, k.Scale) }

// exact reports whether d is a multiple of 10^-Scale, so that writing it
// loses nothing.
func (k Kind) exact(d decimal.Decimal) bool {
	return d.Exponent() >= -k.Scale || d.Equal(d.Truncate(k.Scale))
}

// availableAt returns when points earned at t can be spent.
func (k Kind) availableAt(t time.Time) time.Time { return t.Add(time.Duration(k.Pending)) }

// expiresAt returns when points earned at earned, available at available,
// expire in cal; the zero time means never.
func (k Kind) expiresAt(earned, available time.Time, cal qun.Calendar) time.Time {
	if k.Expiry.From == ExpiryFromAvailable {
		return k.Expiry.At(available, cal)
	}
	return k.Expiry.At(earned, cal)
}

// Rounding is how an amount is brought to a scale. The zero value is Down.
type Rounding uint8

// The roundings. Down and Up are toward and away from zero; the half modes
// round to the nearest and break ties away from zero (HalfUp, as schools and
// decimal.Round do) or to even (HalfEven, banker's rounding).
const (
	Down Rounding = iota
	Up
	HalfUp
	HalfEven
)

var roundingNames = [...]string{Down: "down", Up: "up", HalfUp: "half_up", HalfEven: "half_even"}

// IsValid reports whether r is one of the roundings.
func (r Rounding) IsValid() bool { return r <= HalfEven }

// String returns the rounding's name: "down", "up", "half_up", "half_even".
func (r Rounding) String() string {
	if !r.IsValid() {
		return fmt.Sprintf("Rounding(%d)", uint8(r))
	}
	return roundingNames[r]
}

// MarshalText writes the rounding's name; it refuses an invalid rounding.
func (r Rounding) MarshalText() ([]byte, error) {
	if !r.IsValid() {
		return nil, fmt.Errorf("incentive: marshal rounding %d: %w", uint8(r), qun.Invalid("", "not a rounding"))
	}
	return []byte(roundingNames[r]), nil
}

// UnmarshalText reads a rounding's name.
func (r *Rounding) UnmarshalText(text []byte) error {
	for v := Down; v <= HalfEven; v++ {
		if roundingNames[v] == string(text) {
			*r = v
			return nil
		}
	}
	return fmt.Errorf("incentive: parse rounding %q: %w", text, qun.Invalid("", "want down, up, half_up or half_even"))
}

// Round returns d rounded to places decimal places.
func (r Rounding) Round(d decimal.Decimal, places int32) decimal.Decimal {
	switch r {
	case Up:
		return d.RoundUp(places)
	case HalfUp:
		return d.Round(places)
	case HalfEven:
		return d.RoundBank(places)
	}
	return d.RoundDown(places)
}

// divRound returns num/den rounded to places with r, exactly: the quotient
// is truncated by decimal's QuoRem and the remainder decides the last digit,
// so no intermediate rounding can change the result. den must not be zero.
func (r Rounding) divRound(num, den decimal.Decimal, places int32) decimal.Decimal {
	q, rem := num.QuoRem(den, places)
	if rem.IsZero() {
		return q
	}
	away := false
	switch r {
	case Up:
		away = true
	case HalfUp, HalfEven:
		// Compare |rem| with half a unit of the last place of |den|.
		twice := rem.Abs().Add(rem.Abs())
		half := twice.Cmp(den.Abs().Shift(-places))
		away = half > 0 || half == 0 && (r == HalfUp || q.Shift(places).Mod(decimal.NewFromInt(2)).Abs().Equal(decimal.NewFromInt(1)))
	}
	if !away {
		return q
	}
	ulp := decimal.New(1, -places)
	if num.Sign()*den.Sign() < 0 {
		return q.Sub(ulp)
	}
	return q.Add(ulp)
}

// Expiry says when earned points expire: never (the zero value), a fixed
// time after they were earned, or at the end of a calendar period counted
// in the program's calendar.
//
// The clock starts when the points are earned, as operators' rules read
// ("valid for 30 days after they are earned"; 积分年底清零, cleared at the
// end of the year they were earned in) and as the 2017 Open Loyalty
// framework dated its points transfers, from their creation. A kind with a
// pending period may count from when the points become available instead
// (From: [ExpiryFromAvailable]), as later Open Loyalty releases do for
// locked points, so that a return window does not shorten the time a
// member has to spend them. Either way a lot never expires before it can
// be spent: [Kind.Validate] refuses a pending period that could outlast
// the expiry.
//
// Its JSON forms are {} (never), {"after":"720h"}, {"end":"year"} (at the
// end of the year the points were earned in: 积分年底清零),
// {"end":"year","periods":1} (at the end of the following year),
// {"end":"day","periods":30} (at the end of the 30th day after: Open
// Loyalty's "after X days", which expire at the end of a day), and any of
// these with "from":"available".
type Expiry struct {
	// After is the time after which points expire. It excludes End.
	After qun.Duration `json:"after,omitzero"`
	// End makes points expire when a period of this grain ends: the first
	// instant of the next one, in the program's calendar.
	End qun.Grain `json:"end,omitzero"`
	// Periods counts whole periods of grain End after the one the clock
	// starts in; 0 is the end of that same period.
	Periods int `json:"periods,omitzero"`
	// From says when the clock starts: when the points are earned (the
	// zero value) or when they become available.
	From ExpiryFrom `json:"from,omitzero"`
}

// ExpiryFrom is when an [Expiry]'s clock starts. The zero value is
// ExpiryFromEarned.
type ExpiryFrom uint8

// The starts of the expiry clock.
const (
	// ExpiryFromEarned counts from the instant the points were earned:
	// "N days after earning", "the end of the year they were earned in".
	// JSON "earned".
	ExpiryFromEarned ExpiryFrom = iota
	// ExpiryFromAvailable counts from the instant the points become
	// available, after the kind's pending period. JSON "available".
	ExpiryFromAvailable
)

var expiryFromNames = [...]string{ExpiryFromEarned: "earned", ExpiryFromAvailable: "available"}

// IsValid reports whether f is one of the starts.
func (f ExpiryFrom) IsValid() bool { return f <= ExpiryFromAvailable }

// String returns the start's name: "earned" or "available".
func (f ExpiryFrom) String() string {
	if !f.IsValid() {
		return fmt.Sprintf("ExpiryFrom(%d)", uint8(f))
	}
	return expiryFromNames[f]
}

// MarshalText writes the start's name; it refuses an invalid one.
func (f ExpiryFrom) MarshalText() ([]byte, error) {
	if !f.IsValid() {
		return nil, fmt.Errorf("incentive: marshal expiry start %d: %w", uint8(f), qun.Invalid("", "not an expiry start"))
	}
	return []byte(expiryFromNames[f]), nil
}

// UnmarshalText reads a start's name.
func (f *ExpiryFrom) UnmarshalText(text []byte) error {
	for v := ExpiryFromEarned; v <= ExpiryFromAvailable; v++ {
		if expiryFromNames[v] == string(text) {
			*f = v
			return nil
		}
	}
	return fmt.Errorf("incentive: parse expiry start %q: %w", text, qun.Invalid("", "want earned or available"))
}

// Never reports whether points under e never expire.
func (e Expiry) Never() bool { return e.After == 0 && e.End == 0 }

// Validate reports every problem with e, joined.
func (e Expiry) Validate() error {
	var errs []error
	if e.After < 0 {
		errs = append(errs, qun.Invalid("after", "must not be negative"))
	}
	if e.After != 0 && e.End != 0 {
		errs = append(errs, qun.Invalid("end", "excludes after: points expire either after a time or at the end of a period"))
	}
	if e.End != 0 && !e.End.IsValid() {
		errs = append(errs, qun.Invalid("end", "not a grain"))
	}
	if e.Periods < 0 || e.Periods > 10000 {
		errs = append(errs, qun.Invalid("periods", "must be 0 to 10000"))
	}
	if e.Periods != 0 && e.End == 0 {
		errs = append(errs, qun.Invalid("periods", "counts periods of end, which is missing"))
	}
	if !e.From.IsValid() {
		errs = append(errs, qun.Invalid("from", "not an expiry start"))
	} else if e.From != ExpiryFromEarned && e.Never() {
		errs = append(errs, qun.Invalid("from", "starts the clock of an expiry, which is missing"))
	}
	return errors.Join(errs...)
}

// At returns when points expire whose clock starts at t (when they were
// earned, or became available, as e.From says), in cal; the zero time
// means never. It is always after t.
func (e Expiry) At(t time.Time, cal qun.Calendar) time.Time {
	switch {
	case e.After > 0:
		return t.Add(time.Duration(e.After))
	case e.End.IsValid():
		return cal.Period(e.End, t).Add(e.Periods).End(cal.Location())
	}
	return time.Time{}
}

// shortest is a lower bound of the time from any instant to its expiry:
// After, or Periods whole periods of the shortest length grain End has
// (28 days a month, 89 a quarter, 365 a year), less a day for a zone
// that moves its clocks or skips a calendar day (Pacific/Apia skipped 30
// December 2011).
func (e Expiry) shortest() time.Duration {
	if e.After > 0 {
		return time.Duration(e.After)
	}
	day := 24 * time.Hour
	var n time.Duration
	switch e.End {
	case qun.Day:
		n = day
	case qun.Week:
		n = 7 * day
	case qun.Month:
		n = 28 * day
	case qun.Quarter:
		n = 89 * day
	case qun.Year:
		n = 365 * day
	}
	return time.Duration(e.Periods)*n - day
}

// Reversal is what reversing an earn (a refund) does when some of the
// earned points were already spent. In every policy the reversal first claws
// back what remains of the earn's own lot; they differ in the rest.
type Reversal uint8

// The reversal policies. The zero value is CapAtZero.
const (
	// CapAtZero takes the rest from the member's other available points,
	// soonest-expiring first, down to zero, and records what could not be
	// recovered as a shortfall on the entry. The balance never goes below
	// zero. JSON "cap_at_zero".
	CapAtZero Reversal = iota
	// Debt takes the rest from other available points as CapAtZero does,
	// and records whatever is still owed as debt, which future earnings
	// repay before they can be spent. The balance can go below zero, by the
	// debt. JSON "debt".
	Debt
	// LotOnly claws back only what remains of the earn's own lot, as Open
	// Loyalty's cancellation of a points transfer does; what was spent is
	// recorded as a shortfall. JSON "lot_only".
	LotOnly
)

var reversalNames = [...]string{CapAtZero: "cap_at_zero", Debt: "debt", LotOnly: "lot_only"}

// IsValid reports whether r is one of the policies.
func (r Reversal) IsValid() bool { return r <= LotOnly }

// String returns the policy's name.
func (r Reversal) String() string {
	if !r.IsValid() {
		return fmt.Sprintf("Reversal(%d)", uint8(r))
	}
	return reversalNames[r]
}

// MarshalText writes the policy's name; it refuses an invalid policy.
func (r Reversal) MarshalText() ([]byte, error) {
	if !r.IsValid() {
		return nil, fmt.Errorf("incentive: marshal reversal %d: %w", uint8(r), qun.Invalid("", "not a reversal policy"))
	}
	return []byte(reversalNames[r]), nil
}

// UnmarshalText reads a policy's name.
func (r *Reversal) UnmarshalText(text []byte) error {
	for v := CapAtZero; v <= LotOnly; v++ {
		if reversalNames[v] == string(text) {
			*r = v
			return nil
		}
	}
	return fmt.Errorf("incentive: parse reversal %q: %w", text, qun.Invalid("", "want cap_at_zero, debt or lot_only"))
}
