package referral

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/qunkit/qun"
)

// Touch is one invitation reaching a prospective member: a click on a
// shared link, a scan of a poster's QR code (海报裂变), a code typed at sign
// up. Touches are the candidates attribution chooses from when the invitee
// joins.
type Touch struct {
	// Inviter is the member whose invitation it was.
	Inviter qun.MemberID `json:"inviter"`
	// Invitee is who it reached.
	Invitee qun.MemberID `json:"invitee"`
	// Code and Channel, if any, say which invite code and which channel
	// (a poster, a group chat, a moment) carried it.
	Code    string `json:"code,omitempty"`
	Channel string `json:"channel,omitempty"`
	// Time is when it reached the invitee.
	Time time.Time `json:"time"`
	// Signals are the fraud signals the host found between inviter and
	// invitee: SameDevice, SamePaymentAccount, or any name of its own. A
	// touch with a signal refuses attribution if the model picks it.
	Signals []string `json:"signals,omitempty"`
}

// Validate reports every problem with t: member IDs, code, channel and
// signals must be names (code and channel may be empty), and the time set.
func (t Touch) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("inviter", t.Inviter.Validate()))
	errs = append(errs, qun.Within("invitee", t.Invitee.Validate()))
	if t.Code != "" {
		errs = append(errs, qun.Within("code", qun.ValidateName(t.Code)))
	}
	if t.Channel != "" {
		errs = append(errs, qun.Within("channel", qun.ValidateName(t.Channel)))
	}
	if reason := timeProblem(t.Time); reason != "" {
		errs = append(errs, qun.Invalid("time", "%s", reason))
	}
	for i, s := range t.Signals {
		errs = append(errs, qun.Within(fmt.Sprintf("signals[%d]", i), qun.ValidateName(s)))
	}
	return errors.Join(errs...)
}

// valid reports whether t is valid, as Validate does, without allocating.
func (t *Touch) valid() bool {
	ok := isName(string(t.Inviter)) && isName(string(t.Invitee)) &&
		(t.Code == "" || isName(t.Code)) && (t.Channel == "" || isName(t.Channel)) &&
		timeProblem(t.Time) == ""
	for _, s := range t.Signals {
		ok = ok && isName(s)
	}
	return ok
}

// isName reports whether s is a name, as [qun.ValidateName] decides.
func isName(s string) bool { return qun.ValidateName(s) == nil }

// Attribution is the decision made when a member joins: the inviter they
// are attributed to, or why they have none, and what the milestones reached
// by joining pay. A member is attributed once, when they first join, and
// never moves to another inviter.
type Attribution struct {
	// Member is who joined, and Joined when.
	Member qun.MemberID `json:"member"`
	Joined time.Time    `json:"joined"`
	// Inviter is who the member is attributed to, or empty.
	Inviter qun.MemberID `json:"inviter,omitempty"`
	// Code, Channel and Touched describe the invitation the model picked,
	// whether it was attributed or refused.
	Code    string    `json:"code,omitempty"`
	Channel string    `json:"channel,omitempty"`
	Touched time.Time `json:"touched,omitzero"`
	// Reason says why the member has no inviter: Organic, SelfInvite,
	// Cycle or Signal; NoReason when attributed.
	Reason Reason `json:"reason,omitzero"`
	// Refused is the inviter of the invitation the model picked, when a
	// guard refused it; Signals are the signals that did.
	Refused qun.MemberID `json:"refused,omitempty"`
	Signals []string     `json:"signals,omitempty"`
	// Grants are what the milestones reached by joining pay.
	Grants Grants `json:"grants,omitempty"`
	// Duplicate reports that the member had joined before: this is the
	// decision made then, and nothing changed now.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Graph is a community's invite graph (邀请关系) under one program: who
// invited whom, what each invitee reached, what each inviter earned, and
// the metrics of the whole. It is the program's state machine: every method
// that changes it returns the decision as a value (an [Attribution], a
// [Progress], a [Reversal]) for the host to persist and apply, and the same
// calls in the same order, with the same times, rebuild the same graph,
// which is how a host restores one after a restart.
//
// The graph is kept compact for millions of members: member IDs are
// interned once, members and touches live in flat slices without pointers
// for the collector to chase, and attribution allocates nothing per invite
// beyond the growth of those slices. Times are kept to the nanosecond, so
// the graph takes times from 1900 to 2199 (refusing others as invalid),
// and decisions give them in the time zone of the program's calendar.
//
// A Graph is not safe for concurrent use; a host serializes the calls for
// one community.
//
// The zero Graph, not made with [NewGraph], refuses every record (Send,
// Touch, Join, Observe and Refund) with an error matching [qun.ErrInvalid],
// and reads as a graph of no one.
type Graph struct {
	community string
	p         Program
	cal       qun.Calendar
	window    time.Duration
	depth     int
	atJoin    []int   // milestones reached by joining
	rewardsOf [][]int // milestone → rewards it pays
	activate  int     // the activation milestone, or -1

	loc     *time.Location
	ids     map[qun.MemberID]int32
	names   []qun.MemberID // parallel to nodes
	nodes   []node
	churned map[int32]int64 // when churned members churned
	touches []touch
	records []record
	events  map[string]int32 // event ID → record that reached milestones
	refunds map[string]int32 // refund key → record refunded
	usage   map[usageKey]tally
}

// node is one member, or one prospect a touch reached. It holds no
// pointers, so the collector skips the nodes.
type node struct {
	parent  int32 // the inviter, or -1
	touches int32 // newest touch reaching the member before joining, or -1
	chosen  int32 // the touch attribution picked, or -1
	joinRec int32 // the record of milestones reached by joining, or -1
	reason  Reason
	flags   uint8
	reached uint64 // milestones reached
	joined  int64  // unix nanoseconds
	// As an inviter:
	sent, touched, accepted, activated, refused int64
}

const (
	joinedFlag  uint8 = 1 << iota // the member joined
	inviterFlag                   // the member invited someone
	churnedFlag                   // the member churned
)

// touch is a recorded Touch, in the invitee's list.
type touch struct {
	inviter int32
	next    int32
	at      int64 // unix nanoseconds
	code    string
	channel string
	signals []string
}

// NewGraph returns an empty graph for the community under the program,
// which must be valid.
func NewGraph(community string, p Program) (*Graph, error) {
	if err := qun.ValidateName(community); err != nil {
		return nil, fmt.Errorf("referral: new graph: %w", qun.Within("community", err))
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("referral: new graph: %w", err)
	}
	g := &Graph{
		community: community,
		p:         p,
		cal:       p.Calendar,
		window:    time.Duration(p.Attribution.Window),
		depth:     p.depth(),
		rewardsOf: make([][]int, len(p.Milestones)),
		activate:  -1,
		loc:       p.Calendar.Location(),
		ids:       make(map[qun.MemberID]int32),
		churned:   make(map[int32]int64),
		events:    make(map[string]int32),
		refunds:   make(map[string]int32),
		usage:     make(map[usageKey]tally),
	}
	for i := range p.Milestones {
		m := &p.Milestones[i]
		if m.atJoin() {
			g.atJoin = append(g.atJoin, i)
		}
		if m.Name == p.Activation {
			g.activate = i
		}
		for j := range p.Rewards {
			if p.Rewards[j].Milestone == m.Name {
				g.rewardsOf[i] = append(g.rewardsOf[i], j)
			}
		}
	}
	return g, nil
}

// Grow makes room for at least members more members and touches more
// touches, so that a bulk load does not grow the graph piecemeal. It
// ignores a count that would take the graph past the 2^31−1 members or
// touches it can number, as it does one of zero or less.
func (g *Graph) Grow(members, touches int) {
	if members > 0 && members <= math.MaxInt32-len(g.nodes) {
		g.nodes = slices.Grow(g.nodes, members)
		g.names = slices.Grow(g.names, members)
		if len(g.ids) == 0 {
			g.ids = make(map[qun.MemberID]int32, members)
		}
	}
	if touches > 0 && touches <= math.MaxInt32-len(g.touches) {
		g.touches = slices.Grow(g.touches, touches)
	}
}

// Program returns the graph's program.
func (g *Graph) Program() Program { return g.p }

// Community returns the graph's community.
func (g *Graph) Community() string { return g.community }

// intern returns the index of the member, adding it if it is new.
func (g *Graph) intern(m qun.MemberID) int32 {
	if i, ok := g.ids[m]; ok {
		return i
	}
	i := int32(len(g.nodes))
	g.ids[m] = i
	g.names = append(g.names, m)
	g.nodes = append(g.nodes, node{parent: -1, touches: -1, chosen: -1, joinRec: -1})
	return i
}

// above reports whether a is u or one of u's inviters. Only a member who
// already has invitees can be above anyone, and that is rare at joining
// (it takes someone who invited before joining themself), so the walk up
// the tree is taken only then.
func (g *Graph) above(a, u int32) bool {
	if g.nodes[a].accepted == 0 {
		return a == u
	}
	for ; u >= 0; u = g.nodes[u].parent {
		if u == a {
			return true
		}
	}
	return false
}

// Send records n invitations sent by the inviter (shares, messages,
// posters handed out), for the metrics: they are the "invites sent" of
// the viral coefficient. Hosts that do not record sends still get K; see
// [Viral]. An inviter's count of sends stops at maxSends (2^32−1), so
// that the sums the metrics take over every member never overflow.
func (g *Graph) Send(inviter qun.MemberID, n int64) error {
	if err := g.made(); err != nil {
		return fmt.Errorf("referral: send: %w", err)
	}
	if err := inviter.Validate(); err != nil {
		return fmt.Errorf("referral: send: %w", qun.Within("inviter", err))
	}
	if n < 0 {
		return fmt.Errorf("referral: send: %w", qun.Invalid("n", "must not be negative"))
	}
	i := g.intern(inviter)
	g.nodes[i].flags |= inviterFlag
	g.nodes[i].sent += min(n, maxSends-g.nodes[i].sent)
	return nil
}

// maxSends bounds an inviter's count of sends: summed over the 2^31
// members a graph can number, the counts stay within an int64.
const maxSends = 1<<32 - 1

// made refuses a zero Graph, which has no community.
func (g *Graph) made() error {
	if g.community == "" {
		return qun.Invalid("", "the Graph was not made with NewGraph")
	}
	return nil
}

// Touch records an invitation reaching a prospective member. A touch
// reaching someone who has already joined changes nobody's attribution
// (a member is attributed once) but still counts for the inviter's
// metrics.
func (g *Graph) Touch(t Touch) error {
	if err := g.made(); err != nil {
		return fmt.Errorf("referral: touch: %w", err)
	}
	if !t.valid() {
		return fmt.Errorf("referral: touch: %w", t.Validate())
	}
	u := g.intern(t.Inviter)
	v := g.intern(t.Invitee)
	g.nodes[u].flags |= inviterFlag
	g.nodes[u].touched++
	if g.nodes[v].flags&joinedFlag != 0 {
		return nil
	}
	var signals []string
	if len(t.Signals) > 0 {
		signals = slices.Clone(t.Signals)
	}
	g.touches = append(g.touches, touch{
		inviter: u, next: g.nodes[v].touches, at: t.Time.UnixNano(),
		code: t.Code, channel: t.Channel, signals: signals,
	})
	g.nodes[v].touches = int32(len(g.touches) - 1)
	return nil
}

// Join records that the member joined at now, and decides their
// attribution: among the touches that reached them within the window
// before now (touches after now do not count), the model picks one, and
// the guards judge it. A self-invite, an invitation that would close a
// cycle, and one with a fraud signal are refused with their reason, and
// the member joins with no inviter; a refusal is final, so that nobody can
// try again with another invitation. No touch in the window makes the
// member organic. Milestones reached by joining are reached now, and pay
// only if the member was attributed.
//
// A member who had joined before (including one who churned and came
// back) keeps their first attribution: Join returns it, flagged Duplicate,
// and changes nothing.
func (g *Graph) Join(member qun.MemberID, now time.Time) (Attribution, error) {
	if err := g.made(); err != nil {
		return Attribution{}, fmt.Errorf("referral: join: %w", err)
	}
	if !isName(string(member)) {
		return Attribution{}, fmt.Errorf("referral: join: %w", qun.Within("member", member.Validate()))
	}
	if reason := timeProblem(now); reason != "" {
		return Attribution{}, fmt.Errorf("referral: join: %w", qun.Invalid("now", "%s", reason))
	}
	i := g.intern(member)
	if g.nodes[i].flags&joinedFlag != 0 {
		a := g.attribution(i)
		a.Duplicate = true
		return a, nil
	}
	n := &g.nodes[i]
	n.flags |= joinedFlag
	n.joined = now.UnixNano()
	best := g.pick(n.touches, n.joined)
	n.touches = -1
	n.chosen = best
	if best < 0 {
		n.reason = Organic
	} else {
		t := &g.touches[best]
		u := t.inviter
		switch {
		case u == i:
			n.reason = SelfInvite
		case g.above(i, u):
			n.reason = Cycle
		case len(t.signals) > 0:
			n.reason = Signal
		default:
			n.parent = u
			g.nodes[u].accepted++
		}
		if n.reason != NoReason {
			g.nodes[u].refused++
		}
	}
	if len(g.atJoin) > 0 {
		g.reachAtJoin(i, now)
	}
	return g.attribution(i), nil
}

// pick returns the touch the model credits among those in the list
// starting at head (newest recorded first) that reached the invitee within
// the window before now, or -1. Ties in time go to the touch recorded
// last under LastTouch, first under FirstTouch.
func (g *Graph) pick(head int32, now int64) int32 {
	best := int32(-1)
	from := now - int64(g.window) // no overflow: times are within 1900 to 2199
	for k := head; k >= 0; k = g.touches[k].next {
		at := g.touches[k].at
		if at > now || at < from {
			continue
		}
		switch {
		case best < 0:
			best = k
		case g.p.Attribution.Model == LastTouch && at > g.touches[best].at:
			best = k
		case g.p.Attribution.Model == FirstTouch && at <= g.touches[best].at:
			best = k
		}
	}
	return best
}

// The range of times a graph takes.
var (
	minTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// timeProblem returns why the graph cannot take t, or "".
func timeProblem(t time.Time) string {
	switch {
	case t.IsZero():
		return "must be set"
	case t.Before(minTime) || !t.Before(maxTime):
		return "must be in the years 1900 to 2199"
	}
	return ""
}

// time returns the instant of unix nanoseconds in the program's zone.
func (g *Graph) time(ns int64) time.Time { return time.Unix(0, ns).In(g.loc) }

// attribution rebuilds the attribution decided for member i.
func (g *Graph) attribution(i int32) Attribution {
	n := &g.nodes[i]
	a := Attribution{Member: g.names[i], Joined: g.time(n.joined), Reason: n.reason}
	if n.chosen >= 0 {
		t := &g.touches[n.chosen]
		a.Code, a.Channel, a.Touched = t.code, t.channel, g.time(t.at)
		if n.parent >= 0 {
			a.Inviter = g.names[n.parent]
		} else {
			a.Refused = g.names[t.inviter]
			if n.reason == Signal {
				a.Signals = slices.Clone(t.signals)
			}
		}
	}
	if n.joinRec >= 0 {
		a.Grants = slices.Clone(g.records[n.joinRec].progress.Grants)
	}
	return a
}

// Attribution returns the attribution decided when the member joined, or
// false if they have not joined.
func (g *Graph) Attribution(member qun.MemberID) (Attribution, bool) {
	i, ok := g.ids[member]
	if !ok || g.nodes[i].flags&joinedFlag == 0 {
		return Attribution{}, false
	}
	return g.attribution(i), true
}

// InviterOf returns the member's inviter, or false if they have none.
func (g *Graph) InviterOf(member qun.MemberID) (qun.MemberID, bool) {
	i, ok := g.ids[member]
	if !ok || g.nodes[i].parent < 0 {
		return "", false
	}
	return g.names[g.nodes[i].parent], true
}
