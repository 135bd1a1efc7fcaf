package referral_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/referral"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The property tests run a graph through random sequences of touches,
// joins, sends, events, replays and refunds, next to a plain model of
// attribution, and check after every step that:
//
//   - attribution is what the model says (the model picks the first or last
//     touch in the window and judges it as the documentation says);
//   - the invite tree never has a cycle;
//   - no grant reaches deeper than the program's depth, and each reaches
//     exactly the ancestor of its level;
//   - what an inviter is granted never exceeds a cap in any period;
//   - a replayed event or refund changes nothing and returns the same
//     decision, flagged Duplicate;
//   - a refund reverses exactly the grants that paid points.

var pool = []qun.MemberID{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}

// genProgram draws a valid program: either model, a window of hours to
// days, depth 1 or 2, the three milestones of program(), rewards at every
// level the depth allows, and caps by count and points.
func genProgram(t *rapid.T) referral.Program {
	p := program()
	p.Attribution.Model = referral.Model(rapid.IntRange(0, 1).Draw(t, "model"))
	p.Attribution.Window = qun.Duration(hours(rapid.IntRange(1, 24*10).Draw(t, "window hours")))
	p.Depth = rapid.IntRange(0, referral.MaxDepth).Draw(t, "depth")
	depth := p.Depth
	if depth == 0 {
		depth = referral.DefaultDepth
	}
	amount := rapid.Custom(func(t *rapid.T) decimal.Decimal {
		if rapid.IntRange(0, 4).Draw(t, "zero") == 0 {
			return decimal.Zero
		}
		return decimal.NewFromInt(int64(rapid.IntRange(1, 150).Draw(t, "amount")))
	})
	for i := range p.Rewards {
		r := &p.Rewards[i]
		r.Invitee = amount.Draw(t, "invitee")
		r.Inviters = nil
		for range rapid.IntRange(depth/2, depth).Draw(t, "levels") {
			r.Inviters = append(r.Inviters, amount.Draw(t, "inviter"))
		}
		if r.Invitee.IsZero() {
			r.Invitee = decimal.NewFromInt(1)
		}
	}
	p.Caps = nil
	if rapid.Bool().Draw(t, "day cap") {
		p.Caps = append(p.Caps, referral.Cap{Kind: "points", Per: qun.Day, Points: amount.Draw(t, "day points").Add(decimal.NewFromInt(1))})
	}
	if rapid.Bool().Draw(t, "week cap") {
		p.Caps = append(p.Caps, referral.Cap{Kind: "points", Per: qun.Week, Rewards: int64(rapid.IntRange(1, 2).Draw(t, "week rewards"))})
	}
	if rapid.Bool().Draw(t, "lifetime cap") {
		p.Caps = append(p.Caps, referral.Cap{Kind: "points", Points: decimal.NewFromInt(int64(rapid.IntRange(1, 500).Draw(t, "lifetime points"))), Rewards: int64(rapid.IntRange(0, 3).Draw(t, "lifetime rewards"))})
	}
	return p
}

// model is a plain model of attribution.
type model struct {
	p       referral.Program
	touches map[qun.MemberID][]referral.Touch // in the order recorded
	joined  map[qun.MemberID]bool
	parent  map[qun.MemberID]qun.MemberID
	reason  map[qun.MemberID]referral.Reason
}

func (m *model) join(v qun.MemberID, now time.Time) (qun.MemberID, referral.Reason) {
	if m.joined[v] {
		return m.parent[v], m.reason[v]
	}
	m.joined[v] = true
	var cands []referral.Touch
	for _, t := range m.touches[v] {
		if !t.Time.After(now) && now.Sub(t.Time) <= time.Duration(m.p.Attribution.Window) {
			cands = append(cands, t)
		}
	}
	m.touches[v] = nil
	if len(cands) == 0 {
		m.reason[v] = referral.Organic
		return "", referral.Organic
	}
	// A stable sort by time keeps the recording order among ties.
	slices.SortStableFunc(cands, func(a, b referral.Touch) int { return a.Time.Compare(b.Time) })
	var pick referral.Touch
	if m.p.Attribution.Model == referral.FirstTouch {
		pick = cands[0]
	} else {
		pick = cands[len(cands)-1]
	}
	switch {
	case pick.Inviter == v:
		m.reason[v] = referral.SelfInvite
	case m.ancestor(v, pick.Inviter):
		m.reason[v] = referral.Cycle
	case len(pick.Signals) > 0:
		m.reason[v] = referral.Signal
	default:
		m.parent[v] = pick.Inviter
	}
	return m.parent[v], m.reason[v]
}

// ancestor reports whether a is u or one of u's inviters.
func (m *model) ancestor(a, u qun.MemberID) bool {
	for steps := 0; steps <= len(pool); steps++ {
		if u == a {
			return true
		}
		p, ok := m.parent[u]
		if !ok {
			return false
		}
		u = p
	}
	panic("cycle in the model")
}

type capUse struct {
	member qun.MemberID
	cap    int
	period int64
}

func TestPropertyGraph(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genProgram(t)
		g, err := referral.NewGraph("c", p)
		if err != nil {
			t.Fatal(err)
		}
		depth := p.Depth
		if depth == 0 {
			depth = referral.DefaultDepth
		}
		m := &model{p: p, touches: map[qun.MemberID][]referral.Touch{}, joined: map[qun.MemberID]bool{},
			parent: map[qun.MemberID]qun.MemberID{}, reason: map[qun.MemberID]referral.Reason{}}
		now := t0
		used := map[capUse]decimal.Decimal{}
		counts := map[capUse]int64{}
		seen := map[string]referral.Progress{} // events that reached something
		var events []string
		refunds := map[string]referral.Reversal{}
		refunded := map[string]bool{}
		member := rapid.SampledFrom(pool)

		checkGrants := func(gs referral.Grants) {
			for _, gr := range gs {
				if gr.Level > depth {
					t.Fatalf("grant beyond the depth %d: %+v", depth, gr)
				}
				// The grant goes to the ancestor of its level.
				who := gr.Invitee
				for range gr.Level {
					who = m.parent[who]
				}
				if who != gr.Account.Member || who == "" {
					t.Fatalf("grant at level %d to %s, want %q", gr.Level, gr.Account.Member, who)
				}
				if gr.Points.GreaterThan(gr.Wanted) || gr.Points.Sign() < 0 {
					t.Fatalf("grant of %s for a reward of %s", gr.Points, gr.Wanted)
				}
				if gr.Level == 0 || gr.Points.IsZero() {
					continue
				}
				for ci, c := range p.Caps {
					var period int64
					if c.Per != 0 {
						period = p.Calendar.Index(c.Per, now)
					}
					k := capUse{gr.Account.Member, ci, period}
					used[k] = used[k].Add(gr.Points)
					counts[k]++
					if c.Points.Sign() > 0 && used[k].GreaterThan(c.Points) {
						t.Fatalf("%s granted %s in period %d, over the cap %+v", k.member, used[k], period, c)
					}
					if c.Rewards > 0 && counts[k] > c.Rewards {
						t.Fatalf("%s granted %d times in period %d, over the cap %+v", k.member, counts[k], period, c)
					}
				}
			}
		}

		t.Repeat(map[string]func(*rapid.T){
			"": func(t *rapid.T) {
				// The tree has no cycle, and the graph agrees with the model.
				for _, v := range pool {
					u, steps := v, 0
					for {
						p, ok := g.InviterOf(u)
						if !ok {
							break
						}
						if steps++; steps > len(pool) {
							t.Fatalf("a cycle through %s", v)
						}
						u = p
					}
					got, _ := g.InviterOf(v)
					if got != m.parent[v] {
						t.Fatalf("inviter of %s: graph %q, model %q", v, got, m.parent[v])
					}
				}
			},
			"tick": func(t *rapid.T) {
				now = now.Add(hours(rapid.IntRange(1, 24*9).Draw(t, "hours")))
			},
			"touch": func(t *rapid.T) {
				tc := referral.Touch{
					Inviter: member.Draw(t, "inviter"), Invitee: member.Draw(t, "invitee"),
					Time: now.Add(-hours(rapid.IntRange(0, 24*12).Draw(t, "age"))),
				}
				if rapid.IntRange(0, 9).Draw(t, "signal") == 0 {
					tc.Signals = []string{referral.SameDevice}
				}
				if err := g.Touch(tc); err != nil {
					t.Fatal(err)
				}
				if !m.joined[tc.Invitee] {
					m.touches[tc.Invitee] = append(m.touches[tc.Invitee], tc)
				}
			},
			"send": func(t *rapid.T) {
				if err := g.Send(member.Draw(t, "sender"), int64(rapid.IntRange(0, 3).Draw(t, "n"))); err != nil {
					t.Fatal(err)
				}
			},
			"invite": func(t *rapid.T) {
				// An invitation from a member who joined to one who did
				// not, which grows the tree deeper than random touches do.
				var in, out []qun.MemberID
				for _, v := range pool {
					if m.joined[v] {
						in = append(in, v)
					} else {
						out = append(out, v)
					}
				}
				if len(in) == 0 || len(out) == 0 {
					t.Skip("no one to invite")
				}
				tc := referral.Touch{Inviter: rapid.SampledFrom(in).Draw(t, "inviter"), Invitee: rapid.SampledFrom(out).Draw(t, "invitee"), Time: now}
				if err := g.Touch(tc); err != nil {
					t.Fatal(err)
				}
				m.touches[tc.Invitee] = append(m.touches[tc.Invitee], tc)
				now = now.Add(time.Minute)
				inviter, reason := m.join(tc.Invitee, now)
				a, err := g.Join(tc.Invitee, now)
				if err != nil {
					t.Fatal(err)
				}
				if a.Inviter != inviter || a.Reason != reason || a.Duplicate {
					t.Fatalf("join of %s: graph %q/%v, model %q/%v", tc.Invitee, a.Inviter, a.Reason, inviter, reason)
				}
				checkGrants(a.Grants)
			},
			"join": func(t *rapid.T) {
				v := member.Draw(t, "joiner")
				dup := m.joined[v]
				inviter, reason := m.join(v, now)
				a, err := g.Join(v, now)
				if err != nil {
					t.Fatal(err)
				}
				if a.Inviter != inviter || a.Reason != reason || a.Duplicate != dup {
					t.Fatalf("join of %s: graph %q/%v/dup %v, model %q/%v/dup %v", v, a.Inviter, a.Reason, a.Duplicate, inviter, reason, dup)
				}
				if !dup {
					checkGrants(a.Grants)
				}
			},
			"event": func(t *rapid.T) {
				name := rapid.SampledFrom([]string{"purchase", "check_in", "left"}).Draw(t, "name")
				id := fmt.Sprintf("e%d", len(events))
				ev := qun.Event{ID: id, Member: member.Draw(t, "member"), Name: name, Time: now.Add(-hours(rapid.IntRange(0, 48).Draw(t, "lag")))}
				var signals []string
				if rapid.IntRange(0, 9).Draw(t, "fraud") == 0 {
					signals = []string{referral.SamePaymentAccount}
				}
				pr, err := g.Observe(ev, signals, now)
				if err != nil {
					t.Fatal(err)
				}
				if pr.Duplicate {
					t.Fatalf("a new event flagged duplicate: %+v", pr)
				}
				checkGrants(pr.Grants)
				events = append(events, id)
				if len(pr.Reached) > 0 || slices.ContainsFunc(pr.Missed, func(m referral.Miss) bool { return m.Reason == referral.Signal }) {
					seen[id] = pr
				}
				if len(signals) > 0 && len(pr.Grants) > 0 {
					t.Fatalf("grants despite a fraud signal: %+v", pr)
				}
			},
			"replay": func(t *rapid.T) {
				if len(seen) == 0 {
					t.Skip("no event to replay")
				}
				ids := make([]string, 0, len(seen))
				for id := range seen {
					ids = append(ids, id)
				}
				slices.Sort(ids)
				id := rapid.SampledFrom(ids).Draw(t, "replayed")
				first := seen[id]
				again, err := g.Observe(qun.Event{ID: id, Member: first.Member, Name: "purchase", Time: now}, nil, now)
				if err != nil {
					t.Fatal(err)
				}
				if !again.Duplicate {
					t.Fatalf("replay of %s not a duplicate", id)
				}
				again.Duplicate = false
				if diff := cmp.Diff(first, again, cmpOpts); diff != "" {
					t.Fatalf("replay of %s (-first +replay):\n%s", id, diff)
				}
			},
			"refund": func(t *rapid.T) {
				if len(events) == 0 {
					t.Skip("no event to refund")
				}
				id := rapid.SampledFrom(events).Draw(t, "refunded")
				key := "r-" + id
				rev, err := g.Refund(id, key, now)
				if err != nil {
					t.Fatal(err)
				}
				if prev, ok := refunds[key]; ok {
					if !rev.Duplicate {
						t.Fatalf("replayed refund %s not a duplicate", key)
					}
					rev.Duplicate = false
					if diff := cmp.Diff(prev, rev, cmpOpts); diff != "" {
						t.Fatalf("replayed refund (-first +replay):\n%s", diff)
					}
					return
				}
				pr, reached := seen[id]
				var want []string
				if reached && !refunded[id] {
					refunds[key] = rev // recorded; a refund that finds nothing records nothing
					for _, gr := range pr.Grants {
						if gr.Points.Sign() > 0 {
							want = append(want, gr.Key)
						}
					}
					refunded[id] = true
				}
				var got []string
				for _, r := range rev.Requests {
					got = append(got, r.Earn)
				}
				if !slices.Equal(want, got) {
					t.Fatalf("refund of %s reverses %v, want %v", id, got, want)
				}
			},
		})
	})
}
