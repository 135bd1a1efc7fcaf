package funnel

import (
	"errors"
	"iter"
	"math"
	"time"

	"github.com/qunkit/qun"
)

// GrowthRate returns the compound growth rate per period that takes a
// measure (members, DAU, revenue) from start to end in the given number of
// periods: (end/start)^(1/periods) − 1. Operators set targets this way
// ("+55% activity in three months" is a monthly rate of 1.55^(1/3) − 1,
// about 15.7%).
//
// start must be a finite number above 0, end a finite number, 0 or more,
// and periods at least 1; anything else (NaN and infinities included) is
// refused with an error matching [qun.ErrInvalid].
func GrowthRate(start, end float64, periods int) (float64, error) {
	if !(start > 0) || math.IsInf(start, 0) || !(end >= 0) || math.IsInf(end, 0) {
		return 0, qun.Invalid("", "want finite start > 0 and end >= 0, got %v and %v", start, end)
	}
	if periods < 1 {
		return 0, qun.Invalid("periods", "must be at least 1, got %d", periods)
	}
	return math.Pow(end/start, 1/float64(periods)) - 1, nil
}

// Compound returns start grown at rate per period for the given number of
// periods: start·(1+rate)^periods. Negative periods discount (they go back
// in time). It is plain floating-point arithmetic, as math.Pow: a NaN
// argument gives NaN, and growth past the largest float64 gives +Inf.
func Compound(start, rate float64, periods int) float64 {
	return start * math.Pow(1+rate, float64(periods))
}

// Viral is a model of fission (裂变): each member sends Invites invitations
// in their first cycle, a share Conversion of them become members, the
// cycle takes CycleTime, and a share Churn of all members leaves each cycle.
// Its viral coefficient K is Invites × Conversion; K above 1 grows by itself.
//
// The model is David Skok's (forEntrepreneurs.com, "Lessons Learned – Viral
// Marketing", 2009): each cycle's newcomers invite the next cycle's, so with
// no churn the members after n cycles are seed·(K^(n+1) − 1)/(K − 1). Churn
// removes that share of the members at the end of each cycle.
//
// Its JSON form is {"invites":3,"conversion":0.2,"cycle_time":"2d","churn":0.05}.
type Viral struct {
	// Invites is the mean number of invitations a member sends, all in the
	// cycle after they join (newcomers invite once, as in Skok's model):
	// a finite number, 0 or more. 3 means each member invites three
	// friends.
	Invites float64 `json:"invites"`
	// Conversion is the share of invitations that bring a member in, from
	// 0 to 1: 0.2 means one invitation in five converts.
	Conversion float64 `json:"conversion"`
	// CycleTime is the viral cycle time: how long from a member joining to
	// the members they invited joining in turn ("2d"). It must be positive;
	// [Viral.Cycles] and [Viral.KFor] divide a campaign's duration by it,
	// and [Viral.Project], which counts in cycles, does not use it.
	CycleTime qun.Duration `json:"cycle_time"`
	// Churn is the share of the members at the start of a cycle who have
	// left by its end, from 0 up to but not including 1; the cycle's
	// newcomers are not churned until the next cycle. The zero Churn
	// loses no one.
	Churn float64 `json:"churn,omitempty"`
}

// UnmarshalJSON reads a model strictly: unknown fields are refused, and so
// is a model that does not validate.
func (v *Viral) UnmarshalJSON(data []byte) error {
	type plain Viral
	var m plain
	if err := qun.UnmarshalStrict(data, &m); err != nil {
		return err
	}
	if err := Viral(m).Validate(); err != nil {
		return err
	}
	*v = Viral(m)
	return nil
}

// K returns the viral coefficient, Invites × Conversion.
func (v Viral) K() float64 { return v.Invites * v.Conversion }

// Validate reports every problem with v, joined.
func (v Viral) Validate() error {
	var errs []error
	if !(v.Invites >= 0) || math.IsInf(v.Invites, 0) {
		errs = append(errs, qun.Invalid("invites", "must be a number, 0 or more"))
	}
	if !(v.Conversion >= 0 && v.Conversion <= 1) {
		errs = append(errs, qun.Invalid("conversion", "must lie in [0, 1]"))
	}
	if v.CycleTime <= 0 {
		errs = append(errs, qun.Invalid("cycle_time", "must be positive"))
	}
	if !(v.Churn >= 0 && v.Churn < 1) {
		errs = append(errs, qun.Invalid("churn", "must lie in [0, 1)"))
	}
	return errors.Join(errs...)
}

// Cycles returns the number of whole viral cycles that fit in d.
func (v Viral) Cycles(d time.Duration) int {
	if v.CycleTime <= 0 || d <= 0 {
		return 0
	}
	return int(d / time.Duration(v.CycleTime))
}

// MaxCycles is the most viral cycles [Viral.Project] projects and
// [Viral.KFor] plans over: 100,000 cycles of a day are 270 years, and a
// longer horizon is a mistake (a cycle time of a nanosecond, say) that
// would otherwise take unbounded time and memory.
const MaxCycles = 100_000

// Project returns the members after each of the given number of cycles,
// starting from seed members: out[0] is seed, out[n] the members after n
// cycles. Zero or negative cycles give [seed] alone, and cycles beyond
// [MaxCycles] are cut to MaxCycles.
//
// Project does not validate v, and uses neither its CycleTime nor anything
// beyond plain floating-point arithmetic: a NaN in v or seed gives NaN
// members, and growth past the largest float64 gives +Inf.
func (v Viral) Project(seed float64, cycles int) []float64 {
	cycles = min(max(cycles, 0), MaxCycles)
	out := make([]float64, cycles+1)
	k := v.K()
	members, newcomers := seed, seed
	out[0] = seed
	for c := 1; c <= cycles; c++ {
		newcomers *= k
		members = members*(1-v.Churn) + newcomers
		out[c] = members
	}
	return out
}

// membersAfter returns the members after n cycles from seed, as Project
// does, without keeping the cycles before.
func membersAfter(seed, k, churn float64, n int) float64 {
	members, newcomers := seed, seed
	for range n {
		newcomers *= k
		members = members*(1-churn) + newcomers
	}
	return members
}

// KFor returns the viral coefficient needed to grow from seed members to
// target members within d, given v's cycle time and churn (v's invites and
// conversion are not used): the campaign planner's question "how viral must
// this be to reach 10,000 members by Singles' Day". It returns 0 when the
// seed reaches the target without invitations. The answer is found by
// bisection to a relative precision of 1e-12.
//
// Errors match [qun.ErrInvalid]: a CycleTime or Churn that does not
// validate, a seed or target that is not a finite number above 0, a target
// above the seed when not one whole cycle fits in d, more than [MaxCycles]
// cycles in d, and a target out of reach of any K up to 10^9.
func (v Viral) KFor(seed, target float64, d time.Duration) (float64, error) {
	if err := (Viral{Invites: 1, Conversion: 1, CycleTime: v.CycleTime, Churn: v.Churn}).Validate(); err != nil {
		return 0, err
	}
	if !(seed > 0) || math.IsInf(seed, 0) || !(target > 0) || math.IsInf(target, 0) {
		return 0, qun.Invalid("", "want finite seed and target above 0, got %v and %v", seed, target)
	}
	n := v.Cycles(d)
	if n > MaxCycles {
		return 0, qun.Invalid("", "%d viral cycles of %v fit in %v, more than the %d a plan may span", n, time.Duration(v.CycleTime), d, MaxCycles)
	}
	reach := func(k float64) float64 { return membersAfter(seed, k, v.Churn, n) }
	if reach(0) >= target {
		return 0, nil
	}
	if n == 0 {
		return 0, qun.Invalid("", "no viral cycle of %v fits in %v", time.Duration(v.CycleTime), d)
	}
	hi := 1.0
	for reach(hi) < target {
		hi *= 2
		if hi > 1e9 {
			return 0, qun.Invalid("", "the target is out of reach")
		}
	}
	lo := 0.0
	for range 200 {
		mid := (lo + hi) / 2
		if reach(mid) >= target {
			hi = mid
		} else {
			lo = mid
		}
		if hi-lo <= 1e-12*hi {
			break
		}
	}
	return hi, nil
}

// Invite is one edge of an invitation tree: Inviter brought Invitee in.
type Invite struct {
	// Inviter is the member who sent the invitation.
	Inviter qun.MemberID `json:"inviter"`
	// Invitee is the member the invitation brought in. [Generations]
	// credits a member to the first invitation that names them as Invitee
	// and ignores later ones, and ignores an Invite whose Invitee is its
	// Inviter (a self-invitation).
	Invitee qun.MemberID `json:"invitee"`
}

// Generation is one generation of an invitation tree.
type Generation struct {
	// Members is the number of members in the generation: the seeds for
	// generation 0, their invitees for 1, and so on.
	Members int64
	// K is the next generation's size divided by this one's: the viral
	// coefficient actually achieved by this generation (0 for the last).
	K float64
}

// Tree is the measured virality of an invitation tree.
type Tree struct {
	// Generations are the generations, seeds first.
	Generations []Generation
	// Ignored counts the edges left out: self-invitations, and every
	// invitation of a member after the first one that brought them in
	// (a member is credited to one inviter, the first).
	Ignored int64
	// Unreached counts members in invitation cycles, whom no seed reaches
	// (A invited B and B invited A): a sign of bad data or of fraud.
	Unreached int64
}

// Generations measures an invitation tree given as edges, in the order
// they happened: generation 0 is the members who invited others but were
// invited by no one, generation g+1 is the members invited by generation g,
// and each generation's K is what it achieved. A nil invites, like an
// empty one, gives the zero Tree.
func Generations(invites iter.Seq[Invite]) Tree {
	var tree Tree
	if invites == nil {
		return tree
	}
	parent := map[qun.MemberID]qun.MemberID{}
	children := map[qun.MemberID][]qun.MemberID{}
	var order []qun.MemberID // inviters in order of first appearance
	for inv := range invites {
		if inv.Inviter == inv.Invitee {
			tree.Ignored++
			continue
		}
		if _, ok := parent[inv.Invitee]; ok {
			tree.Ignored++
			continue
		}
		parent[inv.Invitee] = inv.Inviter
		if _, ok := children[inv.Inviter]; !ok {
			order = append(order, inv.Inviter)
		}
		children[inv.Inviter] = append(children[inv.Inviter], inv.Invitee)
	}
	var level []qun.MemberID
	for _, m := range order {
		if _, invited := parent[m]; !invited {
			level = append(level, m)
		}
	}
	reached := int64(0)
	for len(level) > 0 {
		tree.Generations = append(tree.Generations, Generation{Members: int64(len(level))})
		reached += int64(len(level))
		var next []qun.MemberID
		for _, m := range level {
			next = append(next, children[m]...)
		}
		level = next
	}
	for i := range tree.Generations {
		if i+1 < len(tree.Generations) {
			tree.Generations[i].K = float64(tree.Generations[i+1].Members) / float64(tree.Generations[i].Members)
		}
	}
	// Everyone is either a seed or invited; those no seed reaches are in cycles.
	all := int64(len(parent))
	for _, m := range order {
		if _, invited := parent[m]; !invited {
			all++
		}
	}
	tree.Unreached = all - reached
	return tree
}
