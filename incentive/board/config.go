package board

import (
	"errors"
	"fmt"

	"github.com/qunkit/qun"
)

// Config is a leaderboard (排行榜) as data: what it ranks by, over which
// periods, in which time zone, how ties are ranked, and how teams score.
// Hosts keep it with their other rules and build a [Board] from it with
// [New].
//
// Its JSON form is
//
//	{"id":"weekly-reading","period":"week",
//	 "calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
//	 "scale":0,"ranking":"competition","teams":"sum","keep":2}
//
// where everything but id may be left out: an all-time board of whole
// numbers, ranked 1, 2, 2, 4, with team scores summed, keeping two
// periods.
type Config struct {
	// ID names the board: "weekly-reading".
	ID string `json:"id"`
	// Period is the length of the board's periods: day, week, month,
	// quarter or year, each starting afresh; left out (the zero Grain),
	// the board is all-time, one period that never ends.
	Period qun.Grain `json:"period,omitzero"`
	// Calendar is where periods are counted: a week board in Shanghai
	// starts on Monday at midnight Shanghai time. It is ignored for an
	// all-time board.
	Calendar qun.Calendar `json:"calendar,omitzero"`
	// Scale is the number of decimal places scores carry, 0 to 9: 0 for
	// points, 2 for money. Scores are held as int64 multiples of
	// 10^-Scale, so they compare exactly and fast.
	Scale int32 `json:"scale,omitzero"`
	// Ranking is how entries with equal scores are ranked.
	Ranking Ranking `json:"ranking,omitzero"`
	// Teams is how a team's score is made from its members' scores, for
	// team boards (团队PK).
	Teams Aggregate `json:"teams,omitzero"`
	// Keep is how many of the latest periods a Board keeps, 1 to 1000;
	// zero keeps 2, the current period and the one before, so that last
	// week's final standings can be read (and prizes decided) after the
	// week turns.
	Keep int `json:"keep,omitzero"`
}

// MaxScale bounds Config.Scale.
const MaxScale = 9

// UnmarshalJSON reads a config strictly, as [qun.UnmarshalStrict] reads.
func (c *Config) UnmarshalJSON(data []byte) error {
	type plain Config
	return qun.UnmarshalStrict(data, (*plain)(c))
}

// Validate reports every problem with c, joined, each naming its field.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("id", qun.ValidateName(c.ID)))
	if c.Period != 0 && !c.Period.IsValid() {
		errs = append(errs, qun.Invalid("period", "not a grain"))
	}
	errs = append(errs, qun.Within("calendar", c.Calendar.Validate()))
	if c.Scale < 0 || c.Scale > MaxScale {
		errs = append(errs, qun.Invalid("scale", "must be 0 to %d", MaxScale))
	}
	if !c.Ranking.IsValid() {
		errs = append(errs, qun.Invalid("ranking", "not a ranking"))
	}
	if !c.Teams.IsValid() {
		errs = append(errs, qun.Invalid("teams", "not an aggregate"))
	}
	if c.Keep < 0 || c.Keep > 1000 {
		errs = append(errs, qun.Invalid("keep", "must be 1 to 1000, or 0 for 2"))
	}
	return errors.Join(errs...)
}

// ParseConfig reads a config from its JSON form, strictly, and validates
// it.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := c.UnmarshalJSON(data); err != nil {
		return Config{}, fmt.Errorf("board: parse config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("board: parse config: %w", err)
	}
	return c, nil
}

// Ranking is how a board ranks entries with equal scores. Whatever the
// ranking, entries are listed in one order: higher score first, then the
// earlier achiever (the one who reached the score first), then the ID in
// byte order; the ranking only says which number each entry shows.
//
// For scores 100, 90, 90, 80:
//
//	Competition  1, 2, 2, 4  standard competition ranking ("1224"), as in
//	                         sports and most leaderboards
//	Dense        1, 2, 2, 3  dense ranking ("1223")
//	Row          1, 2, 3, 4  the row number: the earlier achiever ranks
//	                         higher ("1234")
type Ranking uint8

// The rankings. The zero value is Competition.
const (
	Competition Ranking = iota
	Dense
	Row
)

var rankingNames = [...]string{Competition: "competition", Dense: "dense", Row: "row"}

// IsValid reports whether r is one of the rankings.
func (r Ranking) IsValid() bool { return r <= Row }

// String returns the ranking's name: "competition", "dense" or "row".
func (r Ranking) String() string {
	if !r.IsValid() {
		return fmt.Sprintf("Ranking(%d)", uint8(r))
	}
	return rankingNames[r]
}

// MarshalText writes the ranking's name; it refuses an invalid ranking.
func (r Ranking) MarshalText() ([]byte, error) {
	if !r.IsValid() {
		return nil, fmt.Errorf("board: marshal ranking %d: %w", uint8(r), qun.Invalid("", "not a ranking"))
	}
	return []byte(rankingNames[r]), nil
}

// UnmarshalText reads a ranking's name.
func (r *Ranking) UnmarshalText(text []byte) error {
	for v := Competition; v <= Row; v++ {
		if rankingNames[v] == string(text) {
			*r = v
			return nil
		}
	}
	return fmt.Errorf("board: parse ranking %q: %w", text, qun.Invalid("", "want competition, dense or row"))
}

// Aggregate is how a team's score is made from its members' scores.
type Aggregate uint8

// The aggregates. The zero value is Sum.
const (
	// Sum adds the members' scores: the team that does the most wins.
	// JSON "sum".
	Sum Aggregate = iota
	// Average divides the sum by the number of members on the team (its
	// roster, whether they scored or not), so teams of different sizes
	// compete fairly. Averages are compared exactly, as fractions.
	// JSON "average".
	Average
)

var aggregateNames = [...]string{Sum: "sum", Average: "average"}

// IsValid reports whether a is one of the aggregates.
func (a Aggregate) IsValid() bool { return a <= Average }

// String returns the aggregate's name: "sum" or "average".
func (a Aggregate) String() string {
	if !a.IsValid() {
		return fmt.Sprintf("Aggregate(%d)", uint8(a))
	}
	return aggregateNames[a]
}

// MarshalText writes the aggregate's name; it refuses an invalid one.
func (a Aggregate) MarshalText() ([]byte, error) {
	if !a.IsValid() {
		return nil, fmt.Errorf("board: marshal aggregate %d: %w", uint8(a), qun.Invalid("", "not an aggregate"))
	}
	return []byte(aggregateNames[a]), nil
}

// UnmarshalText reads an aggregate's name.
func (a *Aggregate) UnmarshalText(text []byte) error {
	for v := Sum; v <= Average; v++ {
		if aggregateNames[v] == string(text) {
			*a = v
			return nil
		}
	}
	return fmt.Errorf("board: parse aggregate %q: %w", text, qun.Invalid("", "want sum or average"))
}
