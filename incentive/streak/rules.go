package streak

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// Rules are a streak's rules as data: its name, the freeze and make-up
// tokens a member may hold and use, and the milestones that pay rewards.
// Hosts keep them with their other rules and [Compile] them once.
//
// Its JSON form is
//
//	{"id":"check-in",
//	 "freezes":{"max_held":2},
//	 "make_ups":{"max_held":3,"days_back":7,"limit":2,"per":"month"},
//	 "milestones":[{"day":3,"reward":{"kind":"points","points":"30"}},
//	               {"day":7,"reward":{"badge":"week-streak"}},
//	               {"day":21,"reward":{"kind":"points","points":"300"},"repeat":true}]}
type Rules struct {
	// ID names the streak ("check-in", "reading") in payout keys, so
	// that a member's streaks of different kinds pay apart.
	ID string `json:"id"`
	// Freezes are tokens that keep a streak alive over a missed day.
	Freezes Freezes `json:"freezes,omitzero"`
	// MakeUps are make-up cards (补签卡), which check a member in on a day
	// they missed.
	MakeUps MakeUps `json:"make_ups,omitzero"`
	// Milestones pay a reward when the current streak reaches a length.
	Milestones []Milestone `json:"milestones,omitempty"`
}

// Freezes are streak freezes, as Duolingo has them: a member who misses a
// day while holding one keeps their streak, which neither grows nor
// breaks that day, and the freeze is spent. Freezes are spent on missed
// days automatically, one a day, oldest day first; a member who misses
// more days than they hold freezes spends them all and loses the streak.
type Freezes struct {
	// MaxHeld is how many a member can hold at once (Duolingo: 2), 0 to
	// 62; zero turns freezes off.
	MaxHeld int `json:"max_held"`
}

// MakeUps are make-up cards (补签卡): a member who missed a day spends one
// to check in on it after the fact, within limits. A made-up day counts
// as a day checked in: it can join the streaks on either side of it.
type MakeUps struct {
	// MaxHeld is how many cards a member can hold at once, 0 to 1000;
	// zero turns make-ups off.
	MaxHeld int `json:"max_held"`
	// DaysBack is how far back a missed day can be made up, 1 (yesterday
	// only) to 62.
	DaysBack int `json:"days_back,omitzero"`
	// Limit, if not zero, is how many make-ups a member may use in each
	// period of grain Per of their own calendar: 2 a month.
	Limit int       `json:"limit,omitzero"`
	Per   qun.Grain `json:"per,omitzero"`
}

// Milestone pays a reward when a member's current streak reaches Day days
// (day 3, day 7, day 21).
type Milestone struct {
	// Day is the streak length that reaches the milestone, 1 to 100000.
	Day int `json:"day"`
	// Reward is what reaching it pays.
	Reward incentive.Reward `json:"reward"`
	// Repeat pays it again for each new streak that reaches it; otherwise
	// a member is paid once, ever. A streak joined to an earlier one by a
	// make-up is one streak: it does not pay twice.
	Repeat bool `json:"repeat,omitempty"`
}

// maxWindow bounds how far back the rules look: freezes held and days
// made up.
const maxWindow = 62

// UnmarshalJSON reads rules strictly, as [qun.UnmarshalStrict] reads.
func (r *Rules) UnmarshalJSON(data []byte) error {
	type plain Rules
	return qun.UnmarshalStrict(data, (*plain)(r))
}

// ParseRules reads rules from their JSON form, strictly, and validates
// them.
func ParseRules(data []byte) (Rules, error) {
	var r Rules
	if err := r.UnmarshalJSON(data); err != nil {
		return Rules{}, fmt.Errorf("streak: parse rules: %w", err)
	}
	if err := r.Validate(); err != nil {
		return Rules{}, fmt.Errorf("streak: parse rules: %w", err)
	}
	return r, nil
}

// Validate reports every problem with r, joined, each naming its field.
func (r Rules) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("id", qun.ValidateName(r.ID)))
	if r.Freezes.MaxHeld < 0 || r.Freezes.MaxHeld > maxWindow {
		errs = append(errs, qun.Invalid("freezes.max_held", "must be 0 to %d", maxWindow))
	}
	mu := r.MakeUps
	if mu.MaxHeld < 0 || mu.MaxHeld > 1000 {
		errs = append(errs, qun.Invalid("make_ups.max_held", "must be 0 to 1000"))
	}
	switch {
	case mu.MaxHeld > 0 && (mu.DaysBack < 1 || mu.DaysBack > maxWindow):
		errs = append(errs, qun.Invalid("make_ups.days_back", "must be 1 to %d", maxWindow))
	case mu.MaxHeld == 0 && mu.DaysBack != 0:
		errs = append(errs, qun.Invalid("make_ups.days_back", "needs max_held: make-ups are off"))
	}
	if mu.Limit < 0 {
		errs = append(errs, qun.Invalid("make_ups.limit", "must not be negative"))
	}
	if (mu.Limit == 0) != (mu.Per == 0) {
		errs = append(errs, qun.Invalid("make_ups.per", "limit and per go together"))
	} else if mu.Per != 0 && !mu.Per.IsValid() {
		errs = append(errs, qun.Invalid("make_ups.per", "not a grain"))
	}
	days := map[int]bool{}
	for i, m := range r.Milestones {
		field := "milestones[" + strconv.Itoa(i) + "]"
		if m.Day < 1 || m.Day > 100000 {
			errs = append(errs, qun.Invalid(field+".day", "must be 1 to 100000"))
		}
		if days[m.Day] {
			errs = append(errs, qun.Invalid(field+".day", "day %d has another milestone", m.Day))
		}
		days[m.Day] = true
		errs = append(errs, qun.Within(field+".reward", m.Reward.Validate()))
	}
	return errors.Join(errs...)
}

// Engine is compiled [Rules]. It is immutable, so one Engine serves any
// number of goroutines.
// The zero Engine, not made with [Compile], refuses every check-in and
// make-up with an error matching [qun.ErrInvalid].
type Engine struct {
	rules      Rules
	milestones []Milestone // by day
}

// Compile validates r and compiles it into an Engine.
func Compile(r Rules) (*Engine, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("streak: compile: %w", err)
	}
	e := &Engine{rules: r}
	e.rules.Milestones = slices.Clone(r.Milestones)
	e.milestones = slices.Clone(r.Milestones)
	slices.SortFunc(e.milestones, func(a, b Milestone) int { return a.Day - b.Day })
	return e, nil
}

// Rules returns a copy of the rules e was compiled from.
func (e *Engine) Rules() Rules {
	r := e.rules
	r.Milestones = slices.Clone(r.Milestones)
	return r
}
