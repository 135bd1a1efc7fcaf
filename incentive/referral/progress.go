package referral

import (
	"fmt"
	"math/bits"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

// Grant is what one reward pays one member for one milestone: points for
// the invitee (level 0), the inviter (level 1) or the inviter's inviter
// (level 2). A host earns it in the incentive ledger with [Grant.Earn].
type Grant struct {
	// Reward and Milestone are the reward paid and the milestone reached.
	Reward    string `json:"reward"`
	Milestone string `json:"milestone"`
	// Invitee is the member who reached the milestone.
	Invitee qun.MemberID `json:"invitee"`
	// Level is 0 for the invitee, 1 for their inviter, 2 for the inviter's
	// inviter.
	Level int `json:"level"`
	// Account is who earns, in which kind of points.
	Account incentive.AccountID `json:"account"`
	// Wanted is what the reward pays at this level; Points is what is
	// granted: Wanted, or less when Cap cut it.
	Wanted decimal.Decimal `json:"wanted"`
	Points decimal.Decimal `json:"points"`
	Cap    *Cap            `json:"cap,omitempty"`
	// Key is the idempotency key of the earn, unique to the reward, the
	// invitee, the event and the level.
	Key string `json:"key"`
}

// Earn returns the ledger's earn request for g, or false when g grants no
// points (a cap took all of it).
func (g Grant) Earn() (incentive.EarnRequest, bool) {
	if g.Points.Sign() <= 0 {
		return incentive.EarnRequest{}, false
	}
	reason := fmt.Sprintf("referral %s: %s reached %s", g.Reward, g.Invitee, g.Milestone)
	if g.Level > 0 {
		reason += fmt.Sprintf(" (level %d)", g.Level)
	}
	return incentive.EarnRequest{Account: g.Account, Key: g.Key, Points: g.Points, Reason: reason}, true
}

// Grants are the grants of one decision.
type Grants []Grant

// EarnRequests returns the earn requests of the grants that pay points,
// in order: what the host sends to its ledger, in the same transaction as
// the decision if it can.
func (gs Grants) EarnRequests() []incentive.EarnRequest {
	var reqs []incentive.EarnRequest
	for _, g := range gs {
		if r, ok := g.Earn(); ok {
			reqs = append(reqs, r)
		}
	}
	return reqs
}

// Progress is what one event of a member did: the milestones it reached,
// those it would have reached but did not count (and why), whether it
// marked the member as churned, and the grants it earned.
type Progress struct {
	// Member and Event are the event's member and ID.
	Member qun.MemberID `json:"member"`
	Event  string       `json:"event"`
	// Reached are the milestones the event reached, in the program's
	// order.
	Reached []string `json:"reached,omitempty"`
	// Missed are the milestones it matched without reaching them.
	Missed []Miss `json:"missed,omitempty"`
	// Churned reports an event that marked the member as churned.
	Churned bool `json:"churned,omitempty"`
	// Grants are what the milestones reached pay.
	Grants Grants `json:"grants,omitempty"`
	// Duplicate reports a replayed event: this is what it did the first
	// time, and nothing changed now.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Miss is a milestone an event matched but did not reach, and why:
// Churned, Late or Signal. A milestone refused for a signal counts as
// reached, with nothing paid, so that a second try cannot earn it.
type Miss struct {
	Milestone string `json:"milestone"` // the milestone's name
	Reason    Reason `json:"reason"`    // why it was not reached
}

// record keeps what an event (or a join) reached, for replays and refunds.
type record struct {
	member   int32
	mask     uint64 // milestones reached, refused ones included
	progress Progress
	refund   string // the key of the refund that reversed it, if any
}

// usageKey names one member's usage of one cap.
type usageKey struct {
	member int32
	cap    int32
}

// tally is a member's usage of a cap in the cap's latest period.
type tally struct {
	period  int64
	points  decimal.Decimal
	rewards int64
}

// reachAtJoin reaches the milestones reached by joining.
func (g *Graph) reachAtJoin(i int32, now time.Time) {
	pr := Progress{Member: g.names[i]}
	var mask uint64
	for _, k := range g.atJoin {
		mask |= 1 << k
		pr.Reached = append(pr.Reached, g.p.Milestones[k].Name)
		pr.Grants = g.grant(pr.Grants, i, k, "@join", now)
	}
	g.reach(i, mask, true)
	g.records = append(g.records, record{member: i, mask: mask, progress: pr})
	g.nodes[i].joinRec = int32(len(g.records) - 1)
}

// reach marks milestones as reached by member i, counting the activation
// for the inviter unless a fraud signal refused it.
func (g *Graph) reach(i int32, mask uint64, counted bool) {
	n := &g.nodes[i]
	n.reached |= mask
	if counted && g.activate >= 0 && mask&(1<<g.activate) != 0 && n.parent >= 0 {
		g.nodes[n.parent].activated++
	}
}

// Observe feeds an event of a member to the graph, at now: it reaches the
// member's milestones that the event completes, and decides what they pay.
// The event's ID is its idempotency key: an event that reached a milestone
// is remembered, and a replay returns what it did, flagged Duplicate. An
// event that reached nothing records nothing.
//
// signals are fraud signals the host found in the event (SamePaymentAccount
// on a first purchase paid from the inviter's account, say): a milestone
// the event reaches then pays no one, and stays reached.
//
// Events of members who have not joined, and events before the member
// joined, reach nothing. An event matching the program's Churn filter
// marks the member as churned from its time on; events after it reach
// nothing (Missed, Churned). Milestones are judged by the event's time;
// caps count by now, the time of the grant, so a late event cannot reopen
// a period that is over.
func (g *Graph) Observe(ev qun.Event, signals []string, now time.Time) (Progress, error) {
	if err := g.made(); err != nil {
		return Progress{}, fmt.Errorf("referral: observe: %w", err)
	}
	if err := ev.Validate(); err != nil {
		return Progress{}, fmt.Errorf("referral: observe: %w", qun.Within("event", err))
	}
	if ev.ID == "" {
		return Progress{}, fmt.Errorf("referral: observe: %w", qun.Invalid("event.id", "an event needs an ID, its idempotency key"))
	}
	for k, s := range signals {
		if err := qun.ValidateName(s); err != nil {
			return Progress{}, fmt.Errorf("referral: observe: %w", qun.Within(fmt.Sprintf("signals[%d]", k), err))
		}
	}
	if reason := timeProblem(now); reason != "" {
		return Progress{}, fmt.Errorf("referral: observe: %w", qun.Invalid("now", "%s", reason))
	}
	if reason := timeProblem(ev.Time); reason != "" {
		return Progress{}, fmt.Errorf("referral: observe: %w", qun.Invalid("event.time", "%s", reason))
	}
	if r, ok := g.events[ev.ID]; ok {
		pr := g.records[r].progress
		pr.Grants = slices.Clone(pr.Grants)
		pr.Duplicate = true
		return pr, nil
	}
	pr := Progress{Member: ev.Member, Event: ev.ID}
	i, ok := g.ids[ev.Member]
	at := ev.Time.UnixNano()
	if !ok || g.nodes[i].flags&joinedFlag == 0 || at < g.nodes[i].joined {
		return pr, nil
	}
	n := &g.nodes[i]
	if g.p.Churn != nil && g.p.Churn.Match(ev) {
		if n.flags&churnedFlag == 0 || at < g.churned[i] {
			n.flags |= churnedFlag
			g.churned[i] = at
		}
		pr.Churned = true
		return pr, nil
	}
	churned := n.flags&churnedFlag != 0 && at >= g.churned[i]
	elapsed := time.Duration(at - n.joined)
	var mask uint64
	for k := range g.p.Milestones {
		m := &g.p.Milestones[k]
		if n.reached&(1<<k) != 0 || m.atJoin() {
			continue
		}
		if m.Event != nil && !m.Event.Match(ev) || elapsed < time.Duration(m.After) {
			continue
		}
		switch {
		case churned:
			pr.Missed = append(pr.Missed, Miss{m.Name, Churned})
		case m.Within > 0 && elapsed > time.Duration(m.Within):
			pr.Missed = append(pr.Missed, Miss{m.Name, Late})
		case len(signals) > 0:
			pr.Missed = append(pr.Missed, Miss{m.Name, Signal})
			mask |= 1 << k
		default:
			pr.Reached = append(pr.Reached, m.Name)
			mask |= 1 << k
			pr.Grants = g.grant(pr.Grants, i, k, ev.ID, now)
		}
	}
	if mask != 0 {
		g.reach(i, mask, len(signals) == 0)
		g.records = append(g.records, record{member: i, mask: mask, progress: pr})
		g.events[ev.ID] = int32(len(g.records) - 1)
		pr.Grants = slices.Clone(pr.Grants)
	}
	return pr, nil
}

// grant appends to gs what milestone k pays when member i reaches it with
// the event (or "@join"), at now. Only an attributed member's milestones
// pay; inviters are paid up the tree, at most the program's depth, and
// each inviter's grant is cut by the caps.
func (g *Graph) grant(gs Grants, i int32, k int, event string, now time.Time) Grants {
	n := &g.nodes[i]
	if n.parent < 0 {
		return gs
	}
	for _, ri := range g.rewardsOf[k] {
		r := &g.p.Rewards[ri]
		invitee := g.names[i]
		base := Grant{Reward: r.ID, Milestone: r.Milestone, Invitee: invitee}
		if r.Invitee.Sign() > 0 {
			gr := base
			gr.Account = incentive.AccountID{Community: g.community, Member: invitee, Kind: r.Kind}
			gr.Wanted, gr.Points = r.Invitee, r.Invitee
			gr.Key = ledgerKey(r.ID, string(invitee), event, "0")
			gs = append(gs, gr)
		}
		u := n.parent
		for level := 1; level <= len(r.Inviters) && level <= g.depth && u >= 0; level++ {
			if want := r.Inviters[level-1]; want.Sign() > 0 {
				gr := base
				gr.Level = level
				gr.Account = incentive.AccountID{Community: g.community, Member: g.names[u], Kind: r.Kind}
				gr.Wanted = want
				gr.Points, gr.Cap = g.capped(u, r.Kind, want, now)
				gr.Key = ledgerKey(r.ID, string(invitee), event, levelNames[level])
				gs = append(gs, gr)
			}
			u = g.nodes[u].parent
		}
	}
	return gs
}

var levelNames = [...]string{"0", "1", "2"}

// capped cuts what inviter u is granted of a kind by the caps of the kind,
// and records the grant in their usage. It returns the points granted and
// the cap that cut them, if any. A clock that goes back into an earlier
// period is counted in the latest period seen, so no period's cap can be
// passed by going back to it.
func (g *Graph) capped(u int32, kind string, want decimal.Decimal, now time.Time) (decimal.Decimal, *Cap) {
	points := want
	var cut *Cap
	for ci := range g.p.Caps {
		c := &g.p.Caps[ci]
		if c.Kind != kind {
			continue
		}
		t := g.tally(u, ci, now)
		if c.Rewards > 0 && t.rewards >= c.Rewards {
			points, cut = decimal.Zero, c
		}
		if c.Points.Sign() > 0 {
			if left := c.Points.Sub(t.points); points.GreaterThan(left) {
				points, cut = decimal.Max(left, decimal.Zero), c
			}
		}
	}
	if points.Sign() > 0 {
		for ci := range g.p.Caps {
			if c := &g.p.Caps[ci]; c.Kind == kind {
				t := g.tally(u, ci, now)
				t.points = t.points.Add(points)
				t.rewards++
				g.usage[usageKey{u, int32(ci)}] = t
			}
		}
	}
	if cut != nil {
		c := *cut
		cut = &c
	}
	return points, cut
}

// tally returns member u's usage of cap ci in the period of now.
func (g *Graph) tally(u int32, ci int, now time.Time) tally {
	var period int64
	if per := g.p.Caps[ci].Per; per != 0 {
		period = g.cal.Index(per, now)
	}
	t, ok := g.usage[usageKey{u, int32(ci)}]
	switch {
	case !ok:
		return tally{period: period, points: decimal.Zero}
	case period > t.period:
		return tally{period: period, points: decimal.Zero}
	}
	return t
}

// Reversal is what a refund undid: the milestones the refunded event had
// reached, reopened, and the ledger reversals of what they paid.
type Reversal struct {
	// Event is the refunded event, and Key the refund's idempotency key.
	Event string `json:"event"`
	Key   string `json:"key"`
	// Reopened are the milestones the event had reached, which the member
	// can now reach again with another event.
	Reopened []string `json:"reopened,omitempty"`
	// Requests reverse each earn the event's grants made.
	Requests []incentive.ReverseRequest `json:"requests,omitempty"`
	// Duplicate reports a replayed refund key.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Refund undoes what an event did when the purchase behind it is refunded
// (退款): each grant the event made is reversed in the ledger (the reversal
// key is derived from the refund's key and the earn's), and the milestones
// it reached are reopened, so that a later qualifying event reaches them
// again. Cap usage is not given back, as the ledger's reversals do not give
// back caps; a refund is not a way to earn twice within a cap.
//
// key is the refund's idempotency key: a replay returns the same Reversal
// flagged Duplicate. Refunding an event that reached nothing, or one
// already refunded under another key, reverses nothing.
func (g *Graph) Refund(event, key string, now time.Time) (Reversal, error) {
	if err := g.made(); err != nil {
		return Reversal{}, fmt.Errorf("referral: refund: %w", err)
	}
	if err := qun.ValidateName(event); err != nil {
		return Reversal{}, fmt.Errorf("referral: refund: %w", qun.Within("event", err))
	}
	if err := qun.ValidateName(key); err != nil {
		return Reversal{}, fmt.Errorf("referral: refund: %w", qun.Within("key", err))
	}
	if reason := timeProblem(now); reason != "" {
		return Reversal{}, fmt.Errorf("referral: refund: %w", qun.Invalid("now", "%s", reason))
	}
	if r, ok := g.refunds[key]; ok {
		if g.records[r].progress.Event != event {
			return Reversal{}, fmt.Errorf("referral: refund key %q was used for event %q: %w", key, g.records[r].progress.Event, incentive.ErrIdempotencyConflict)
		}
		rev := g.reversal(r, key)
		rev.Duplicate = true
		return rev, nil
	}
	r, ok := g.events[event]
	if !ok || g.records[r].refund != "" {
		return Reversal{Event: event, Key: key}, nil
	}
	rec := &g.records[r]
	rec.refund = key
	g.refunds[key] = r
	n := &g.nodes[rec.member]
	n.reached &^= rec.mask
	if g.activate >= 0 && rec.mask&(1<<g.activate) != 0 && n.parent >= 0 && !slices.ContainsFunc(rec.progress.Missed, func(m Miss) bool { return m.Reason == Signal }) {
		g.nodes[n.parent].activated--
	}
	return g.reversal(r, key), nil
}

// reversal builds the reversal of record r under the refund key.
func (g *Graph) reversal(r int32, key string) Reversal {
	rec := &g.records[r]
	rev := Reversal{Event: rec.progress.Event, Key: key}
	for m := rec.mask; m != 0; m &= m - 1 {
		rev.Reopened = append(rev.Reopened, g.p.Milestones[bits.TrailingZeros64(m)].Name)
	}
	for _, gr := range rec.progress.Grants {
		if gr.Points.Sign() <= 0 {
			continue
		}
		rev.Requests = append(rev.Requests, incentive.ReverseRequest{
			Account: gr.Account, Key: reversalKey(key, gr.Key), Earn: gr.Key,
			Reason: fmt.Sprintf("refund %s of %s", key, rec.progress.Event),
		})
	}
	return rev
}
