package ladder

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

// The errors a caller branches on; both match [qun.ErrInvalid].
var (
	// ErrUnknownLevel refuses a state or a lock naming a level the ladder
	// does not have.
	ErrUnknownLevel = fmt.Errorf("ladder: unknown level: %w", qun.ErrInvalid)
	// ErrMissingMetric refuses metrics that lack one the requirements
	// read: a missing metric is a bug upstream, and reading it as zero
	// would quietly take members down.
	ErrMissingMetric = fmt.Errorf("ladder: missing metric: %w", qun.ErrInvalid)
)

// Engine is a compiled [Ladder]. It is immutable, so one Engine serves any
// number of goroutines.
// The zero Engine, not made with [Compile], has no levels: Evaluate and
// Review refuse with an error matching [qun.ErrInvalid], and Distance
// with [ErrUnknownLevel].
type Engine struct {
	ladder  Ladder
	levels  []clevel
	byName  map[string]int
	metrics []string // the metrics requirements read, sorted
}

type clevel struct {
	lv   *Level
	reqs []creq
	need int
}

type creq struct {
	metric   string
	of       string
	atMost   bool
	limit    decimal.Decimal // Min or Max
	cap      decimal.Decimal // zero for none
	lowWater decimal.Decimal // the factor for keeping, 1 for none
	keep     decimal.Decimal // limit × lowWater, when the threshold is fixed
}

var one = decimal.NewFromInt(1)

// Compile validates l and compiles it into an Engine.
func Compile(l Ladder) (*Engine, error) {
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("ladder: compile: %w", err)
	}
	e := &Engine{byName: make(map[string]int, len(l.Levels))}
	e.ladder = l
	e.ladder.Metrics = slices.Clone(l.Metrics)
	e.ladder.Levels = slices.Clone(l.Levels)
	used := map[string]bool{}
	for i := range e.ladder.Levels {
		lv := &e.ladder.Levels[i]
		e.byName[lv.Name] = i
		c := clevel{lv: lv, need: lv.Need}
		if c.need == 0 {
			c.need = len(lv.Requirements)
		}
		for _, r := range lv.Requirements {
			cr := creq{metric: r.Metric, of: r.Of, cap: r.Cap, lowWater: one}
			if r.Max != nil {
				cr.atMost, cr.limit = true, *r.Max
			} else {
				cr.limit = *r.Min
				switch {
				case !r.LowWater.IsZero():
					cr.lowWater = r.LowWater
				case !lv.LowWater.IsZero():
					cr.lowWater = lv.LowWater
				}
			}
			cr.keep = cr.limit
			if !cr.lowWater.Equal(one) {
				cr.keep = cr.limit.Mul(cr.lowWater)
			}
			used[r.Metric] = true
			if r.Of != "" {
				used[r.Of] = true
			}
			c.reqs = append(c.reqs, cr)
		}
		e.levels = append(e.levels, c)
	}
	for m := range used {
		e.metrics = append(e.metrics, m)
	}
	slices.Sort(e.metrics)
	return e, nil
}

// Ladder returns a copy of the ladder e was compiled from.
func (e *Engine) Ladder() Ladder {
	l := e.ladder
	l.Metrics = slices.Clone(l.Metrics)
	l.Levels = slices.Clone(l.Levels)
	return l
}

// Levels returns the names of the levels, lowest first.
func (e *Engine) Levels() []string {
	out := make([]string, len(e.levels))
	for i, c := range e.levels {
		out[i] = c.lv.Name
	}
	return out
}

// Needs returns the names of the metrics the requirements read, sorted:
// what [Metrics] must hold.
func (e *Engine) Needs() []string { return slices.Clone(e.metrics) }

// Tier returns the member's level name in s, for incentive's earning
// rules ([incentive.Member.Tier]): the first level's for a new member,
// and none for a new member of a zero Engine, which has no levels.
func (e *Engine) Tier(s State) string {
	if s.Level == "" && len(e.levels) > 0 {
		return e.levels[0].lv.Name
	}
	return s.Level
}

// Multipliers returns one points multiplier per level with a
// Benefits.Multiplier, named after the level and limited to its tier, for
// a host to add to its earning rules (incentive.Rule.Multipliers): the
// ladder's benefits become the points program's, with the same names.
func (e *Engine) Multipliers() []incentive.Multiplier {
	var out []incentive.Multiplier
	for _, c := range e.levels {
		if m := c.lv.Benefits.Multiplier; !m.IsZero() {
			out = append(out, incentive.Multiplier{Name: c.lv.Name, Factor: m, Tiers: []string{c.lv.Name}})
		}
	}
	return out
}

// Privileges returns the privileges of members at the level: those of
// every level up to it, lowest first, without repeats. It returns nil for
// a level the ladder does not have, and for every level of a zero Engine.
func (e *Engine) Privileges(level string) []string {
	i, ok := e.byName[level]
	if level == "" && len(e.levels) > 0 {
		i, ok = 0, true
	}
	if !ok {
		return nil
	}
	var out []string
	for _, c := range e.levels[:i+1] {
		for _, p := range c.lv.Benefits.Privileges {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Evaluate decides the member's level now, between reviews: it raises the
// level as soon as the requirements of a higher one hold, and never lowers
// it (levels go down only at a [Engine.Review]). A pinned lock holds the
// level either way. Call it whenever the metrics change. A zero Engine,
// not made with [Compile], refuses with an error matching [qun.ErrInvalid],
// as Review does.
func (e *Engine) Evaluate(s State, m Metrics, now time.Time) (Decision, error) {
	return e.decide(s, m, now, false)
}

// Review is Evaluate at a review, the schedule on which a host lets levels
// go down (a nightly or quarterly job, 定期复核): a member short of their
// level's requirements leaves it unless a protection holds, in order: a
// lock, a lifetime level, the minimum stay, the validity period, and the
// low-water marks. A member who leaves lands on the highest lower level
// whose low-water marks they still keep (but never more than MaxDrop
// levels down, nor below a lifetime level or a floor lock).
func (e *Engine) Review(s State, m Metrics, now time.Time) (Decision, error) {
	return e.decide(s, m, now, true)
}

// Distance returns how far the metrics are from the requirements of the
// level; [ErrUnknownLevel] for a level the ladder does not have (a zero
// Engine has none).
func (e *Engine) Distance(level string, m Metrics) (Distance, error) {
	i, ok := e.byName[level]
	if !ok {
		return Distance{}, fmt.Errorf("ladder: level %q: %w", level, ErrUnknownLevel)
	}
	if err := e.checkMetrics(m); err != nil {
		return Distance{}, err
	}
	return e.distance(i, m), nil
}

func (e *Engine) checkMetrics(m Metrics) error {
	for _, name := range e.metrics {
		v, ok := m[name]
		if !ok {
			return fmt.Errorf("ladder: metric %q: %w", name, ErrMissingMetric)
		}
		// Decimals compare by scaling to a common exponent: one of
		// 10^-1000000000 would take the comparison forever. No count or
		// score comes near the bound.
		if exp := v.Exponent(); exp > maxExp || exp < -maxExp {
			return fmt.Errorf("ladder: metric %q: %w", name, qun.Invalid("metrics."+name, "exponent %d is beyond ±%d", exp, maxExp))
		}
	}
	return nil
}

// maxExp bounds the exponents of metrics.
const maxExp = 1000

func (e *Engine) index(level string) (int, error) {
	if level == "" {
		return 0, nil
	}
	i, ok := e.byName[level]
	if !ok {
		return 0, fmt.Errorf("ladder: level %q: %w", level, ErrUnknownLevel)
	}
	return i, nil
}

func (e *Engine) decide(s State, m Metrics, now time.Time, review bool) (Decision, error) {
	if len(e.levels) == 0 {
		return Decision{}, qun.Invalid("", "the Engine was not made with Compile: it has no levels")
	}
	if now.IsZero() {
		return Decision{}, qun.Invalid("now", "must not be zero")
	}
	cur, err := e.index(s.Level)
	if err != nil {
		return Decision{}, err
	}
	if err := e.checkMetrics(m); err != nil {
		return Decision{}, err
	}
	d := Decision{From: e.levels[cur].lv.Name}
	ns := s
	if ns.Since.IsZero() {
		ns.Since = now
	}
	lockAt, floor := -1, 0
	if l := ns.Lock; l != nil {
		li, err := e.index(l.Level)
		if err != nil {
			return Decision{}, fmt.Errorf("ladder: lock: %w", err)
		}
		switch {
		case !l.Until.IsZero() && !now.Before(l.Until):
			d.Reasons = append(d.Reasons, Reason{Code: Unlocked, Level: l.Level, Until: l.Until})
			ns.Lock = nil
		case l.Floor:
			floor = li
		default:
			lockAt = li
		}
	}

	to := cur
	switch earned := e.earned(m); {
	case lockAt >= 0:
		to = lockAt
		d.Reasons = append(d.Reasons, Reason{Code: Locked, Level: e.levels[to].lv.Name, Until: ns.Lock.Until})
	case earned > cur:
		to = earned
		for i := cur + 1; i <= earned; i++ {
			d.Reasons = append(d.Reasons, Reason{Code: Qualified, Level: e.levels[i].lv.Name, Checks: e.checks(i, m, false, true)})
		}
	case earned == cur:
		if review {
			e.renew(&d, &ns, cur, now)
		}
	default:
		to = e.below(&d, &ns, cur, m, now, review)
	}
	if to < floor {
		to = floor
		d.Reasons = append(d.Reasons, Reason{Code: Locked, Level: e.levels[to].lv.Name, Until: ns.Lock.Until})
	}

	d.To = e.levels[to].lv.Name
	switch {
	case to > cur:
		d.Change = Up
	case to < cur:
		d.Change = Down
	}
	ns.Level = d.To
	if to != cur {
		ns.Since = now
		ns.ValidUntil = time.Time{}
		if v := e.levels[to].lv.Validity; v > 0 {
			ns.ValidUntil = now.Add(time.Duration(v))
		}
	} else if e.levels[to].lv.Validity == 0 {
		ns.ValidUntil = time.Time{}
	}
	d.State = ns
	if to+1 < len(e.levels) {
		dist := e.distance(to+1, m)
		d.Next = &dist
	}
	return d, nil
}

// below decides for a member short of their level cur: it returns the
// level they end at, and records why.
func (e *Engine) below(d *Decision, ns *State, cur int, m Metrics, now time.Time, review bool) int {
	lv := e.levels[cur].lv
	short := e.checks(cur, m, false, false)
	if !review {
		d.Reasons = append(d.Reasons, Reason{Code: ReviewPending, Level: lv.Name, Checks: short})
		return cur
	}
	if lv.Lifetime {
		d.Reasons = append(d.Reasons, Reason{Code: Lifetime, Level: lv.Name})
		return cur
	}
	if stay := ns.Since.Add(time.Duration(lv.MinStay)); lv.MinStay > 0 && now.Before(stay) {
		d.Reasons = append(d.Reasons, Reason{Code: MinStay, Level: lv.Name, Until: stay, Checks: short})
		return cur
	}
	if lv.Validity > 0 {
		if ns.ValidUntil.IsZero() {
			ns.ValidUntil = ns.Since.Add(time.Duration(lv.Validity))
		}
		if now.Before(ns.ValidUntil) {
			d.Reasons = append(d.Reasons, Reason{Code: Valid, Level: lv.Name, Until: ns.ValidUntil, Checks: short})
			return cur
		}
	}
	if e.keeps(cur, m) {
		d.Reasons = append(d.Reasons, Reason{Code: Kept, Level: lv.Name, Checks: short})
		e.renew(d, ns, cur, now)
		return cur
	}
	d.Reasons = append(d.Reasons, Reason{Code: Lost, Level: lv.Name, Checks: e.checks(cur, m, true, false)})
	to := 0
	for i := 1; i < cur && e.keeps(i, m); i++ {
		to = i
	}
	for i := to + 1; i < cur; i++ {
		if e.levels[i].lv.Lifetime {
			to = i
		}
	}
	if e.ladder.MaxDrop > 0 && cur-to > e.ladder.MaxDrop {
		to = cur - e.ladder.MaxDrop
		d.Reasons = append(d.Reasons, Reason{Code: MaxDrop, Level: e.levels[to].lv.Name})
	}
	return to
}

// renew extends an expired validity of the level cur, which the member
// keeps, by whole validity periods from its end until it is after now.
func (e *Engine) renew(d *Decision, ns *State, cur int, now time.Time) {
	v := time.Duration(e.levels[cur].lv.Validity)
	if v <= 0 {
		return
	}
	if ns.ValidUntil.IsZero() {
		ns.ValidUntil = ns.Since.Add(v)
	}
	if now.Before(ns.ValidUntil) {
		return
	}
	// A gap longer than a Duration holds (292 years) is crossed in the
	// most whole periods a Duration holds at a time.
	for !now.Before(ns.ValidUntil) {
		n := min(now.Sub(ns.ValidUntil)/v+1, math.MaxInt64/v)
		ns.ValidUntil = ns.ValidUntil.Add(n * v)
	}
	d.Reasons = append(d.Reasons, Reason{Code: Renewed, Level: e.levels[cur].lv.Name, Until: ns.ValidUntil})
}

// earned returns the highest level whose requirements, and those of every
// level below it, hold: a member climbs the ladder rung by rung.
func (e *Engine) earned(m Metrics) int {
	top := 0
	for i := 1; i < len(e.levels) && e.qualifies(i, m, false); i++ {
		top = i
	}
	return top
}

// keeps reports whether the member keeps level i at a review: enough of
// its requirements hold at their low-water marks.
func (e *Engine) keeps(i int, m Metrics) bool { return e.qualifies(i, m, true) }

func (e *Engine) qualifies(i int, m Metrics, keep bool) bool {
	c := &e.levels[i]
	met := 0
	for j := range c.reqs {
		if c.reqs[j].met(m, keep) {
			met++
		}
	}
	return met >= c.need
}

// checks measures the requirements of level i: all of them, or only those
// met (wantMet) or not.
func (e *Engine) checks(i int, m Metrics, keep, wantMet bool) []Check {
	var out []Check
	for j := range e.levels[i].reqs {
		if c := e.levels[i].reqs[j].check(m, keep); c.Met == wantMet {
			out = append(out, c)
		}
	}
	return out
}

func (e *Engine) distance(i int, m Metrics) Distance {
	c := &e.levels[i]
	dist := Distance{Level: c.lv.Name, Need: c.need}
	for j := range c.reqs {
		ch := c.reqs[j].check(m, false)
		if ch.Met {
			dist.Met++
		}
		dist.Checks = append(dist.Checks, ch)
	}
	return dist
}

// threshold returns what the requirement asks of m: in full, or at its
// low-water mark (keep).
func (r *creq) threshold(m Metrics, keep bool) decimal.Decimal {
	if r.of == "" {
		if keep && !r.atMost {
			return r.keep
		}
		return r.limit
	}
	t := r.limit.Mul(m[r.of]).Round(0)
	if !r.cap.IsZero() && t.GreaterThan(r.cap) {
		t = r.cap
	}
	if keep && !r.atMost && !r.lowWater.Equal(one) {
		t = t.Mul(r.lowWater)
	}
	return t
}

// met reports whether m meets the requirement.
func (r *creq) met(m Metrics, keep bool) bool {
	c := m[r.metric].Cmp(r.threshold(m, keep))
	if r.atMost {
		return c <= 0
	}
	return c >= 0
}

// check measures the requirement against m, with the gap.
func (r *creq) check(m Metrics, keep bool) Check {
	v := m[r.metric]
	t := r.threshold(m, keep)
	c := Check{Metric: r.metric, Value: v, AtMost: r.atMost, Threshold: t, Gap: decimal.Zero}
	if r.atMost {
		c.Met = v.LessThanOrEqual(t)
		if !c.Met {
			c.Gap = v.Sub(t)
		}
	} else {
		c.Met = v.GreaterThanOrEqual(t)
		if !c.Met {
			c.Gap = t.Sub(v)
		}
	}
	return c
}
