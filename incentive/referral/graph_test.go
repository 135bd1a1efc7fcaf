package referral_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/referral"
)

// step is one call in an attribution scenario.
type step struct {
	touch *referral.Touch
	join  qun.MemberID
	at    time.Duration // after t0, for joins
}

func touchAt(inviter, invitee qun.MemberID, after time.Duration, signals ...string) step {
	return step{touch: &referral.Touch{Inviter: inviter, Invitee: invitee, Code: "code-" + string(inviter), Time: t0.Add(after), Signals: signals}}
}

func joinAt(m qun.MemberID, after time.Duration) step { return step{join: m, at: after} }

func TestJoinAttribution(t *testing.T) {
	type want struct {
		inviter, refused qun.MemberID
		reason           referral.Reason
		touched          time.Duration
	}
	cases := []struct {
		name  string
		model referral.Model
		steps []step
		want  want // of the last join
	}{
		{"organic: no touch", referral.LastTouch,
			[]step{joinAt("bo", 0)},
			want{reason: referral.Organic}},
		{"last touch wins", referral.LastTouch,
			[]step{touchAt("lin", "bo", 0), touchAt("wei", "bo", hours(5)), touchAt("yu", "bo", hours(2)), joinAt("bo", hours(6))},
			want{inviter: "wei", touched: hours(5)}},
		{"first touch wins", referral.FirstTouch,
			[]step{touchAt("wei", "bo", hours(5)), touchAt("lin", "bo", hours(1)), touchAt("yu", "bo", hours(2)), joinAt("bo", hours(6))},
			want{inviter: "lin", touched: hours(1)}},
		{"last touch: a tie goes to the touch recorded last", referral.LastTouch,
			[]step{touchAt("lin", "bo", hours(1)), touchAt("wei", "bo", hours(1)), joinAt("bo", hours(6))},
			want{inviter: "wei", touched: hours(1)}},
		{"first touch: a tie goes to the touch recorded first", referral.FirstTouch,
			[]step{touchAt("lin", "bo", hours(1)), touchAt("wei", "bo", hours(1)), joinAt("bo", hours(6))},
			want{inviter: "lin", touched: hours(1)}},
		{"first touch: touches older than the window do not count", referral.FirstTouch,
			[]step{touchAt("lin", "bo", 0), touchAt("wei", "bo", days(3)), joinAt("bo", days(8))},
			want{inviter: "wei", touched: days(3)}},
		{"a touch exactly a window before the join counts", referral.FirstTouch,
			[]step{touchAt("lin", "bo", 0), joinAt("bo", days(7))},
			want{inviter: "lin", touched: 0}},
		{"every touch out of the window: organic", referral.LastTouch,
			[]step{touchAt("lin", "bo", 0), joinAt("bo", days(7)+time.Second)},
			want{reason: referral.Organic}},
		{"touches after the join do not count", referral.LastTouch,
			[]step{touchAt("lin", "bo", 0), touchAt("wei", "bo", hours(3)), joinAt("bo", hours(2))},
			want{inviter: "lin", touched: 0}},
		{"self-invite refused", referral.LastTouch,
			[]step{touchAt("bo", "bo", 0), joinAt("bo", hours(1))},
			want{refused: "bo", reason: referral.SelfInvite, touched: 0}},
		{"a refused pick is final: no fallback to an earlier touch", referral.LastTouch,
			[]step{touchAt("lin", "bo", 0), touchAt("bo", "bo", hours(1)), joinAt("bo", hours(2))},
			want{refused: "bo", reason: referral.SelfInvite, touched: hours(1)}},
		{"fraud signal refused", referral.LastTouch,
			[]step{touchAt("lin", "bo", 0, referral.SameDevice), joinAt("bo", hours(1))},
			want{refused: "lin", reason: referral.Signal, touched: 0}},
		{"cycle refused: an inviter's inviter joins through the inviter", referral.LastTouch,
			[]step{
				touchAt("lin", "wei", 0), joinAt("wei", hours(1)), // lin (not joined) invites wei
				touchAt("wei", "bo", hours(2)), joinAt("bo", hours(3)), // wei invites bo
				touchAt("bo", "lin", hours(4)), joinAt("lin", hours(5)), // bo invites lin: lin → wei → bo → lin
			},
			want{refused: "bo", reason: referral.Cycle, touched: hours(4)}},
		{"no cycle: an inviter who had not joined joins through someone else", referral.LastTouch,
			[]step{
				touchAt("lin", "wei", 0), joinAt("wei", hours(1)),
				touchAt("yu", "lin", hours(2)), joinAt("lin", hours(3)),
			},
			want{inviter: "yu", touched: hours(2)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := program()
			p.Attribution.Model = c.model
			g := newGraph(t, p)
			var last referral.Attribution
			for _, s := range c.steps {
				if s.touch != nil {
					if err := g.Touch(*s.touch); err != nil {
						t.Fatal(err)
					}
					continue
				}
				last = must[referral.Attribution](t)(g.Join(s.join, t0.Add(s.at)))
			}
			got := want{inviter: last.Inviter, refused: last.Refused, reason: last.Reason}
			if !last.Touched.IsZero() {
				got.touched = last.Touched.Sub(t0)
			}
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("attribution (-want +got):\n%s\n%+v", diff, last)
			}
		})
	}
}

func TestJoinIsOnceAndDuplicate(t *testing.T) {
	g := newGraph(t, program())
	must[referral.Attribution](t)(g.Join("lin", t0))
	if err := g.Touch(referral.Touch{Inviter: "lin", Invitee: "bo", Channel: "poster", Time: t0.Add(hours(1))}); err != nil {
		t.Fatal(err)
	}
	first := must[referral.Attribution](t)(g.Join("bo", t0.Add(hours(2))))
	if first.Inviter != "lin" || first.Channel != "poster" || first.Duplicate {
		t.Fatalf("first join: %+v", first)
	}
	if len(first.Grants) != 1 || first.Grants[0].Account.Member != "bo" || !first.Grants[0].Points.Equal(dec("50")) {
		t.Fatalf("the welcome grant: %+v", first.Grants)
	}
	// Another inviter's touch, then a second join (the member left and
	// came back): the first attribution stands.
	if err := g.Touch(referral.Touch{Inviter: "wei", Invitee: "bo", Time: t0.Add(days(20))}); err != nil {
		t.Fatal(err)
	}
	again := must[referral.Attribution](t)(g.Join("bo", t0.Add(days(20)+hours(1))))
	if !again.Duplicate {
		t.Errorf("second join not a duplicate: %+v", again)
	}
	again.Duplicate = false
	if diff := cmp.Diff(first, again, cmpOpts); diff != "" {
		t.Errorf("second join (-first +second):\n%s", diff)
	}
	if s := g.Inviter("wei"); s.Touches != 1 || s.Accepted != 0 {
		t.Errorf("wei's stats: %+v", s)
	}
	if s := g.Inviter("lin"); s.Accepted != 1 {
		t.Errorf("lin's stats: %+v", s)
	}
	if a, ok := g.Attribution("bo"); !ok || a.Inviter != "lin" {
		t.Errorf("Attribution(bo) = %+v, %v", a, ok)
	}
	if m, ok := g.InviterOf("bo"); !ok || m != "lin" {
		t.Errorf("InviterOf(bo) = %q, %v", m, ok)
	}
	if _, ok := g.Attribution("nobody"); ok {
		t.Error("Attribution of an unknown member")
	}
}

func TestRefusedJoinPaysNothing(t *testing.T) {
	g := newGraph(t, program())
	must[referral.Attribution](t)(g.Join("lin", t0))
	if err := g.Touch(referral.Touch{Inviter: "lin", Invitee: "bo", Time: t0, Signals: []string{referral.SameDevice}}); err != nil {
		t.Fatal(err)
	}
	a := must[referral.Attribution](t)(g.Join("bo", t0.Add(hours(1))))
	if a.Reason != referral.Signal || len(a.Grants) != 0 || len(a.Signals) != 1 || a.Signals[0] != referral.SameDevice {
		t.Fatalf("refused join: %+v", a)
	}
	p := must[referral.Progress](t)(g.Observe(qun.Event{ID: "o1", Member: "bo", Name: "purchase", Time: t0.Add(days(1))}, nil, t0.Add(days(1))))
	if len(p.Grants) != 0 || len(p.Reached) != 1 {
		t.Errorf("an unattributed member's purchase: %+v", p)
	}
	if s := g.Inviter("lin"); s.Refused != 1 || s.Accepted != 0 {
		t.Errorf("lin's stats: %+v", s)
	}
}

func TestBadInput(t *testing.T) {
	g := newGraph(t, program())
	for name, err := range map[string]error{
		"touch without time":    g.Touch(referral.Touch{Inviter: "a", Invitee: "b"}),
		"touch bad inviter":     g.Touch(referral.Touch{Inviter: "", Invitee: "b", Time: t0}),
		"touch bad signal":      g.Touch(referral.Touch{Inviter: "a", Invitee: "b", Time: t0, Signals: []string{""}}),
		"send negative":         g.Send("a", -1),
		"join without a member": second(g.Join("", t0)),
		"join at zero time":     second(g.Join("a", time.Time{})),
		"observe without an ID": second(g.Observe(qun.Event{Member: "a", Name: "x", Time: t0}, nil, t0)),
		"observe a bad signal":  second(g.Observe(qun.Event{ID: "e", Member: "a", Name: "x", Time: t0}, []string{"\n"}, t0)),
		"refund without a key":  second(g.Refund("e", "", t0)),
	} {
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v, want an error matching qun.ErrInvalid", name, err)
		}
	}
	if _, err := referral.NewGraph("", program()); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("a graph without a community: %v", err)
	}
	bad := program()
	bad.Depth = 3
	if _, err := referral.NewGraph("c", bad); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("a graph of an invalid program: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }
