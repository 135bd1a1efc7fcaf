package board

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// The errors a caller branches on.
var (
	// ErrOverflow refuses an update that would take a score, or a team's
	// sum, beyond what an int64 of units holds (about 9.2e18 units: 9.2e9
	// at scale 9). Nothing was changed. It matches [qun.ErrInvalid].
	ErrOverflow = fmt.Errorf("board: score out of range: %w", qun.ErrInvalid)

	// ErrScale refuses a decimal score with more decimal places than the
	// board's scale. It matches [qun.ErrInvalid].
	ErrScale = fmt.Errorf("board: score finer than the board's scale: %w", qun.ErrInvalid)

	// ErrClosed refuses an update for a period older than every period
	// the board keeps ([Config.Keep]): a late event for a week whose
	// standings were already dropped. Nothing was changed.
	ErrClosed = errors.New("board: period no longer kept")
)

// Board is a leaderboard over periods: for each period it keeps, the
// standings of members and of teams, updated incrementally, each update in
// O(log n). Scores are what the host supplies (points earned, books read,
// minutes practised), added to or set for the period that holds the time
// of the update, in the board's calendar.
//
// A Board lives in memory, about 60 bytes per member for each period it
// keeps: the host keeps scores in its own storage and feeds a Board on
// start-up and with each change. It is not safe for concurrent use; a
// host that updates from several goroutines holds a lock, or gives each
// shard of its members a Board of its own.
//
// The zero Board, not made with [New], refuses every update with an error
// matching [qun.ErrInvalid], and reads as an empty board.
type Board struct {
	cfg      Config
	indexer  qun.Indexer
	periodic bool // whether cfg.Period is set, so indexer is used
	keep     int
	periods  []*period // oldest first
	last     *period   // the period of the last update
	members  names
	teams    names
	teamOf   []int32 // each member's team, or none
	roster   []int32 // each team's number of members
}

// Ref is a member's handle on a board, from [Board.Ref]: hosts that update
// a board at a high rate keep handles and call [Board.AddRef], which makes
// no map lookup. A handle is valid for the board that gave it, for as
// long as the board lives.
type Ref int32

type period struct {
	index   int64
	members *Standings
	teams   *Standings
}

// New returns an empty Board for c, which must be valid.
func New(c Config) (*Board, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("board: new board: %w", err)
	}
	b := &Board{
		cfg: c, keep: c.Keep,
		members: names{index: map[string]int32{}},
		teams:   names{index: map[string]int32{}},
	}
	if b.keep == 0 {
		b.keep = 2
	}
	if c.Period != 0 {
		b.indexer = c.Calendar.Indexer(c.Period)
		b.periodic = true
	} else {
		b.keep = 1
	}
	return b, nil
}

// Config returns the board's configuration.
func (b *Board) Config() Config { return b.cfg }

// Ref returns the member's handle, adding the member to the board's
// directory if they are new (they join a period's standings at their
// first update there). A zero Board, not made with [New], refuses every
// member with an error matching [qun.ErrInvalid], and so refuses every
// update and Join.
func (b *Board) Ref(m qun.MemberID) (Ref, error) {
	if b.members.index == nil {
		return 0, fmt.Errorf("board: %w", qun.Invalid("", "the Board was not made with New"))
	}
	if i, ok := b.members.index[string(m)]; ok {
		return Ref(i), nil
	}
	if err := m.Validate(); err != nil {
		return 0, fmt.Errorf("board: %w", qun.Within("member", err))
	}
	i := b.members.intern(string(m))
	b.teamOf = append(b.teamOf, none)
	return Ref(i), nil
}

// Member returns the ID of the member with the handle r.
func (b *Board) Member(r Ref) (qun.MemberID, bool) {
	if r < 0 || int(r) >= len(b.members.ids) {
		return "", false
	}
	return qun.MemberID(b.members.ids[r]), true
}

// Add adds delta units (multiples of 10^-scale; negative to subtract) to
// the member's score in the period that holds at, which is when the
// member reached the new score. The member joins the period's standings
// at their first update, even one of zero.
func (b *Board) Add(m qun.MemberID, delta int64, at time.Time) error {
	r, err := b.Ref(m)
	if err != nil {
		return err
	}
	return b.AddRef(r, delta, at)
}

// AddRef is Add for the member with the handle r.
func (b *Board) AddRef(r Ref, delta int64, at time.Time) error {
	p, err := b.periodFor(r, at)
	if err != nil {
		return err
	}
	cur, _ := p.members.units(int32(r))
	nv, ok := add64(cur, delta)
	if !ok {
		return fmt.Errorf("board: add %d to %d: %w", delta, cur, ErrOverflow)
	}
	return b.apply(p, int32(r), cur, nv, at)
}

// Set sets the member's score in the period that holds at to units,
// reached at at: for metrics the host computes whole, such as a streak's
// length. Setting the score a member already has changes nothing, so they
// keep their place among equal scores.
func (b *Board) Set(m qun.MemberID, units int64, at time.Time) error {
	r, err := b.Ref(m)
	if err != nil {
		return err
	}
	return b.SetRef(r, units, at)
}

// SetRef is Set for the member with the handle r.
func (b *Board) SetRef(r Ref, units int64, at time.Time) error {
	p, err := b.periodFor(r, at)
	if err != nil {
		return err
	}
	cur, _ := p.members.units(int32(r))
	return b.apply(p, int32(r), cur, units, at)
}

// AddScore is Add with a decimal, which must be exact at the board's
// scale ([ErrScale] otherwise).
func (b *Board) AddScore(m qun.MemberID, delta decimal.Decimal, at time.Time) error {
	u, ok := unitsOf(delta, b.cfg.Scale)
	if !ok {
		return b.scaleError(delta)
	}
	return b.Add(m, u, at)
}

// SetScore is Set with a decimal, which must be exact at the board's
// scale ([ErrScale] otherwise).
func (b *Board) SetScore(m qun.MemberID, score decimal.Decimal, at time.Time) error {
	u, ok := unitsOf(score, b.cfg.Scale)
	if !ok {
		return b.scaleError(score)
	}
	return b.Set(m, u, at)
}

func (b *Board) scaleError(d decimal.Decimal) error {
	if finer(d, b.cfg.Scale) {
		return fmt.Errorf("board: score %s at scale %d: %w", short(d), b.cfg.Scale, ErrScale)
	}
	return fmt.Errorf("board: score %s: %w", short(d), ErrOverflow)
}

// periodFor checks the handle and the time, and returns the period that
// holds at.
func (b *Board) periodFor(r Ref, at time.Time) (*period, error) {
	if r < 0 || int(r) >= len(b.members.ids) {
		return nil, qun.Invalid("ref", "not a handle this board gave")
	}
	if at.IsZero() {
		return nil, qun.Invalid("at", "must not be zero")
	}
	return b.periodOf(at)
}

// apply moves the member i from cur to nv units in p, with their team.
func (b *Board) apply(p *period, i int32, cur, nv int64, at time.Time) error {
	t := nanos(at)
	if len(b.roster) == 0 { // no teams: skip a lookup
		p.members.put(i, nv, 1, t)
		return nil
	}
	if team := b.teamOf[i]; team != none && nv != cur {
		delta, ok := sub64(nv, cur)
		sum, _ := p.teams.units(team)
		if ok {
			sum, ok = add64(sum, delta)
		}
		if !ok {
			return fmt.Errorf("board: team %q: %w", b.teams.ids[team], ErrOverflow)
		}
		p.teams.put(team, sum, b.den(team), t)
	}
	p.members.put(i, nv, 1, t)
	return nil
}

// den returns what a team's sum is divided by.
func (b *Board) den(team int32) int32 {
	if b.cfg.Teams == Average {
		return max(b.roster[team], 1)
	}
	return 1
}

// periodOf returns the period that holds at, creating it if it is new.
func (b *Board) periodOf(at time.Time) (*period, error) {
	var idx int64
	if b.periodic {
		idx = b.indexer.Index(at)
	}
	if b.last != nil && b.last.index == idx {
		return b.last, nil
	}
	i, found := slices.BinarySearchFunc(b.periods, idx, func(p *period, idx int64) int {
		switch {
		case p.index < idx:
			return -1
		case p.index > idx:
			return 1
		}
		return 0
	})
	if found {
		b.last = b.periods[i]
		return b.last, nil
	}
	if len(b.periods) == b.keep && i == 0 {
		return nil, fmt.Errorf("board: %s: %w", b.periodAt(idx), ErrClosed)
	}
	p := &period{index: idx}
	p.members = newStandings(b.periodAt(idx), b.cfg.Ranking, b.cfg.Scale, &b.members)
	p.teams = newStandings(p.members.period, b.cfg.Ranking, b.cfg.Scale, &b.teams)
	t := nanos(at)
	for team, n := range b.roster {
		if n > 0 {
			p.teams.put(int32(team), 0, b.den(int32(team)), t)
		}
	}
	b.periods = slices.Insert(b.periods, i, p)
	if len(b.periods) > b.keep {
		b.periods = slices.Delete(b.periods, 0, len(b.periods)-b.keep)
	}
	b.last = p
	return p, nil
}

func (b *Board) periodAt(idx int64) qun.Period {
	if !b.periodic {
		return qun.Period{}
	}
	return b.cfg.Calendar.PeriodAt(b.cfg.Period, idx)
}

// Remove takes the member off the board: out of every period it keeps,
// and off their team.
func (b *Board) Remove(m qun.MemberID, at time.Time) {
	i, ok := b.members.index[string(m)]
	if !ok {
		return
	}
	b.Leave(m, at)
	for _, p := range b.periods {
		p.members.remove(i)
	}
}

// Join puts the member on a team (团队) for team boards, moving them from
// any team they were on. A team's score is made from its current members'
// scores, so the member's score in every period the board keeps moves
// with them; at is when the teams reached their new scores.
func (b *Board) Join(m qun.MemberID, team string, at time.Time) error {
	r, err := b.Ref(m)
	if err != nil {
		return fmt.Errorf("board: join: %w", err)
	}
	if err := qun.ValidateName(team); err != nil {
		return fmt.Errorf("board: join: %w", qun.Within("team", err))
	}
	if at.IsZero() {
		return qun.Invalid("at", "must not be zero")
	}
	i := int32(r)
	tj, known := b.teams.index[team]
	if known && b.teamOf[i] == tj {
		return nil
	}
	// Check every sum first, so that a refusal changes nothing.
	if known {
		for _, p := range b.periods {
			s, _ := p.members.units(i)
			sum, _ := p.teams.units(tj)
			if _, ok := add64(sum, s); !ok {
				return fmt.Errorf("board: join %q to %q: %w", m, team, ErrOverflow)
			}
		}
	}
	b.Leave(m, at)
	if !known {
		tj = b.teams.intern(team)
		b.roster = append(b.roster, 0)
	}
	b.teamOf[i] = tj
	b.roster[tj]++
	t := nanos(at)
	for _, p := range b.periods {
		s, _ := p.members.units(i)
		sum, _ := p.teams.units(tj)
		p.teams.put(tj, sum+s, b.den(tj), t)
	}
	return nil
}

// Leave takes the member off their team, with their scores.
func (b *Board) Leave(m qun.MemberID, at time.Time) {
	i, ok := b.members.index[string(m)]
	if !ok || b.teamOf[i] == none {
		return
	}
	team := b.teamOf[i]
	b.teamOf[i] = none
	b.roster[team]--
	t := nanos(at)
	for _, p := range b.periods {
		s, _ := p.members.units(i)
		sum, _ := p.teams.units(team)
		p.teams.put(team, sum-s, b.den(team), t)
	}
}

// Team returns the member's team, and false if they are on none.
func (b *Board) Team(m qun.MemberID) (string, bool) {
	i, ok := b.members.index[string(m)]
	if !ok || b.teamOf[i] == none {
		return "", false
	}
	return b.teams.ids[b.teamOf[i]], true
}

// Periods returns the periods the board keeps, oldest first; an all-time
// board has one, the zero Period, once it has been updated.
func (b *Board) Periods() []qun.Period {
	out := make([]qun.Period, len(b.periods))
	for i, p := range b.periods {
		out[i] = p.members.period
	}
	return out
}

// Standings returns the members' standings for the period p (the zero
// Period for an all-time board), or nil if the board does not keep it.
func (b *Board) Standings(p qun.Period) *Standings {
	if x := b.find(p); x != nil {
		return x.members
	}
	return nil
}

// Teams returns the teams' standings for the period p, or nil if the
// board does not keep it.
func (b *Board) Teams(p qun.Period) *Standings {
	if x := b.find(p); x != nil {
		return x.teams
	}
	return nil
}

// At returns the members' standings for the period that holds t, or nil
// if the board does not keep it.
func (b *Board) At(t time.Time) *Standings { return b.Standings(b.PeriodOf(t)) }

// TeamsAt returns the teams' standings for the period that holds t, or
// nil if the board does not keep it.
func (b *Board) TeamsAt(t time.Time) *Standings { return b.Teams(b.PeriodOf(t)) }

// PeriodOf returns the board's period that holds t: the zero Period for
// an all-time board.
func (b *Board) PeriodOf(t time.Time) qun.Period {
	if b.cfg.Period == 0 {
		return qun.Period{}
	}
	return b.cfg.Calendar.Period(b.cfg.Period, t)
}

func (b *Board) find(p qun.Period) *period {
	for _, x := range b.periods {
		if x.members.period == p {
			return x
		}
	}
	return nil
}

// add64 returns a + b, and false on overflow.
func add64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// sub64 returns a − b, and false on overflow.
func sub64(a, b int64) (int64, bool) {
	d := a - b
	return d, (d < a) == (b > 0)
}
