package referral_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/referral"
)

// invites is a launch of 1,000 seeds and a million invitees, each invited
// by a member who joined before them (uniformly at random, so the tree
// is a random recursive tree, about 14 generations deep), one touch each,
// joining a minute after it; every 50th invitee has a second, earlier touch
// from another member.
type invites struct {
	seeds    []qun.MemberID
	invitees []qun.MemberID
	inviter  []int32 // index into members = seeds ++ invitees
	members  []qun.MemberID
}

func makeInvites(n int) *invites {
	in := &invites{}
	for i := range 1000 {
		in.seeds = append(in.seeds, qun.MemberID("seed-"+strconv.Itoa(i)))
	}
	in.members = append(in.members, in.seeds...)
	r := rand.New(rand.NewPCG(7, 11))
	for i := range n {
		m := qun.MemberID("m-" + strconv.Itoa(i))
		in.invitees = append(in.invitees, m)
		in.inviter = append(in.inviter, int32(r.IntN(len(in.members))))
		in.members = append(in.members, m)
	}
	return in
}

func (in *invites) run(b *testing.B, p referral.Program) *referral.Graph {
	g, err := referral.NewGraph("bench", p)
	if err != nil {
		b.Fatal(err)
	}
	g.Grow(len(in.members), len(in.invitees)+len(in.invitees)/50)
	for _, s := range in.seeds {
		if _, err := g.Join(s, t0); err != nil {
			b.Fatal(err)
		}
	}
	at := t0
	for i, v := range in.invitees {
		at = at.Add(time.Second)
		if i%50 == 0 {
			other := in.members[(int(in.inviter[i])+1)%len(in.seeds)]
			if err := g.Touch(referral.Touch{Inviter: other, Invitee: v, Time: at.Add(-time.Hour)}); err != nil {
				b.Fatal(err)
			}
		}
		if err := g.Touch(referral.Touch{Inviter: in.members[in.inviter[i]], Invitee: v, Code: "poster", Time: at}); err != nil {
			b.Fatal(err)
		}
		if _, err := g.Join(v, at.Add(time.Minute)); err != nil {
			b.Fatal(err)
		}
	}
	return g
}

// BenchmarkAttribution attributes a million invites: touch and join, with
// the window, model, self-invite, cycle and signal checks, on a fresh
// graph each time. "attribution" has no milestone at joining;
// "with-welcome" also grants a welcome reward to each invitee as they
// join.
func BenchmarkAttribution(b *testing.B) {
	const n = 1_000_000
	in := makeInvites(n)
	plain := program()
	plain.Milestones = plain.Milestones[1:] // nothing is reached by joining
	plain.Rewards = plain.Rewards[1:]
	for _, c := range []struct {
		name string
		p    referral.Program
	}{{"attribution", plain}, {"with-welcome", program()}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				in.run(b, c.p)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/invite")
		})
	}
}

// BenchmarkMetrics computes the generations' viral coefficients and the
// tree's shape over a million-member graph.
func BenchmarkMetrics(b *testing.B) {
	const n = 1_000_000
	in := makeInvites(n)
	p := program()
	p.Milestones = p.Milestones[1:]
	p.Rewards = p.Rewards[1:]
	g := in.run(b, p)
	b.ReportAllocs()
	for b.Loop() {
		g.Generations()
		g.Tree()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in.members)), "ns/member")
}

// TestAttributionDoesNotAllocatePerInvite pins that attributing an
// invite allocates nothing once the graph has room: touches and joins
// of members whose IDs the graph interns for the first time.
func TestAttributionDoesNotAllocatePerInvite(t *testing.T) {
	p := program()
	p.Milestones = p.Milestones[1:]
	p.Rewards = p.Rewards[1:]
	g := newGraph(t, p)
	const n = 1000
	g.Grow(n+2, n+2)
	if _, err := g.Join("seed", t0); err != nil {
		t.Fatal(err)
	}
	ids := make([]qun.MemberID, n+1)
	for i := range ids {
		ids[i] = qun.MemberID("m-" + strconv.Itoa(i))
	}
	i := 0
	allocs := testing.AllocsPerRun(n, func() {
		v := ids[i]
		i++
		if err := g.Touch(referral.Touch{Inviter: "seed", Invitee: v, Time: t0}); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Join(v, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per invite, want 0", allocs)
	}
}
