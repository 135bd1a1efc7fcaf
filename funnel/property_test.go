package funnel

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// genFunnel draws a funnel over the names a, b and c, with conditions on a
// property p, any order, window and options.
func genFunnel(t *rapid.T) Funnel {
	n := rapid.IntRange(1, 4).Draw(t, "steps")
	f := Funnel{
		Order:  rapid.SampledFrom([]Order{Ordered, Strict, Unordered}).Draw(t, "order"),
		Window: Within(qun.Duration(time.Duration(rapid.IntRange(1, 12).Draw(t, "window")) * time.Minute)),
	}
	for i := range n {
		s := Step{EventFilter: qun.EventFilter{Name: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "name")}}
		if rapid.Bool().Draw(t, "cond") {
			s.Where = []qun.Condition{{Prop: "p", Op: qun.OpExact, Values: []string{rapid.SampledFrom([]string{"1", "2"}).Draw(t, "value")}}}
		}
		if i == 0 && rapid.Bool().Draw(t, "first") {
			s.Occurrence = rapid.SampledFrom([]Occurrence{FirstEver, FirstMatching}).Draw(t, "occurrence")
		}
		f.Steps = append(f.Steps, s)
	}
	if f.Order != Unordered {
		f.StrictIncrease = rapid.Bool().Draw(t, "strict_increase")
		f.StrictOrder = rapid.Bool().Draw(t, "strict_order")
		f.StrictDedup = rapid.Bool().Draw(t, "strict_dedup")
		if n > 1 && rapid.Bool().Draw(t, "within") {
			f.Steps[n-1].Within = Within(qun.Duration(time.Duration(rapid.IntRange(0, 6).Draw(t, "step window")) * time.Minute))
			if f.Steps[n-1].Within.IsZero() {
				f.Steps[n-1].Within = Within(1)
			}
		}
	}
	if rapid.Bool().Draw(t, "breakdown") {
		f.Breakdown = &Breakdown{Prop: "p", Attribution: rapid.SampledFrom([]Attribution{FirstTouch, LastTouch}).Draw(t, "attribution")}
	}
	return f
}

func genPropEvents(t *rapid.T) []qun.Event {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) qun.Event {
		ev := qun.Event{
			Member: qun.MemberID(fmt.Sprint("m", rapid.IntRange(0, 3).Draw(t, "member"))),
			Name:   rapid.SampledFrom([]string{"a", "b", "c", "x"}).Draw(t, "name"),
			Time:   at(rapid.IntRange(0, 20).Draw(t, "min")),
		}
		if v := rapid.SampledFrom([]string{"", "1", "2"}).Draw(t, "p"); v != "" {
			ev.Props = map[string]string{"p": v}
		}
		return ev
	}), 0, 24).Draw(t, "events")
}

func isMonotone(c []int64) bool {
	for i := 1; i < len(c); i++ {
		if c[i] > c[i-1] {
			return false
		}
	}
	return true
}

func leq(a, b []int64) bool {
	for i := range a {
		if a[i] > b[i] {
			return false
		}
	}
	return true
}

func TestPropertyStepCountsNeverIncrease(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFunnel(t)
		res := run(t, f, mustTable(t, genPropEvents(t)))
		if c := counts(res); !isMonotone(c) {
			t.Fatalf("counts %v increase", c)
		}
		for _, s := range res.Breakdown {
			var c []int64
			for _, st := range s.Steps {
				c = append(c, st.Members)
			}
			if !isMonotone(c) {
				t.Fatalf("breakdown %q counts %v increase", s.Value, c)
			}
		}
	})
}

func TestPropertyStrictOrderedUnordered(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFunnel(t)
		f.StrictIncrease, f.StrictOrder, f.StrictDedup = false, false, false
		for i := range f.Steps {
			f.Steps[i].Within = Window{}
		}
		tab := mustTable(t, genPropEvents(t))
		f.Order = Strict
		strict := counts(run(t, f, tab))
		f.Order = Ordered
		ordered := counts(run(t, f, tab))
		f.Order = Unordered
		unordered := counts(run(t, f, tab))
		if !leq(strict, ordered) || !leq(ordered, unordered) {
			t.Fatalf("strict %v, ordered %v, unordered %v", strict, ordered, unordered)
		}
	})
}

func TestPropertyWiderWindowNeverLowers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFunnel(t)
		// ClickHouse's strict_order and strict_deduplication stop at the
		// first offending event, which a wider window can bring earlier.
		f.StrictOrder, f.StrictDedup = false, false
		tab := mustTable(t, genPropEvents(t))
		narrow := counts(run(t, f, tab))
		f.Window.Duration += qun.Duration(time.Duration(rapid.IntRange(1, 10).Draw(t, "wider")) * time.Minute)
		if last := &f.Steps[len(f.Steps)-1].Within; !last.IsZero() && rapid.Bool().Draw(t, "widen step") {
			last.Duration += qun.Duration(time.Minute)
		}
		wide := counts(run(t, f, tab))
		if !leq(narrow, wide) {
			t.Fatalf("narrow %v, wide %v", narrow, wide)
		}
	})
}

func TestPropertyShuffleChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFunnel(t)
		evs := genPropEvents(t)
		want := run(t, f, mustTable(t, evs))
		perm := rapid.Permutation(evs).Draw(t, "shuffled")
		got := run(t, f, mustTable(t, perm))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("shuffled input (-original +shuffled):\n%s", diff)
		}
	})
}

func TestPropertyExclusionNeverRaises(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFunnel(t)
		if len(f.Steps) < 2 {
			f.Steps = append(f.Steps, Step{EventFilter: qun.EventFilter{Name: "b"}})
		}
		tab := mustTable(t, genPropEvents(t))
		before := counts(run(t, f, tab))
		n := len(f.Steps)
		from := rapid.IntRange(0, n-2).Draw(t, "from")
		x := Exclusion{Event: qun.EventFilter{Name: rapid.SampledFrom([]string{"a", "b", "c", "x"}).Draw(t, "excluded")}, From: from, To: rapid.IntRange(from+1, n-1).Draw(t, "to")}
		if f.Order == Unordered {
			x.From, x.To = 0, n-1
		}
		f.Exclusions = []Exclusion{x}
		res := run(t, f, tab)
		if after := counts(res); !leq(after, before) {
			t.Fatalf("without %v, with exclusion %+v %v", before, x, after)
		}
	})
}

// The fast path for plain ordered funnels must agree with the general one,
// which an exclusion that never happens forces.
func TestPropertyFastPathAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 4).Draw(t, "steps")
		f := Funnel{Steps: steps(rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b", "c"}), n, n).Draw(t, "names")...),
			Window: Within(qun.Duration(time.Duration(rapid.IntRange(1, 12).Draw(t, "window")) * time.Minute))}
		tab := mustTable(t, genPropEvents(t))
		fast := run(t, f, tab)
		if n > 1 {
			f.Exclusions = []Exclusion{{Event: qun.EventFilter{Name: "never"}, From: 0, To: 1}}
		} else {
			f.Steps[0].Where = []qun.Condition{{Prop: "never", Op: qun.OpIsNotSet}}
		}
		slow := run(t, f, tab)
		if diff := cmp.Diff(fast, slow); diff != "" {
			t.Fatalf("fast path (-fast +general):\n%s", diff)
		}
	})
}

func TestTableAppendInAnyOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := genPropEvents(t)
		whole := mustTable(t, evs)
		split := rapid.IntRange(0, len(evs)).Draw(t, "split")
		parts := NewTable()
		if err := parts.Append(slices.Values(evs[:split])); err != nil {
			t.Fatal(err)
		}
		if err := parts.Append(slices.Values(evs[split:])); err != nil {
			t.Fatal(err)
		}
		f := Funnel{Steps: steps("a", "b", "c")}
		if diff := cmp.Diff(run(t, f, whole), run(t, f, parts)); diff != "" {
			t.Fatalf("appended in two parts (-whole +parts):\n%s", diff)
		}
		if whole.Len() != parts.Len() || whole.Members() != parts.Members() {
			t.Fatalf("len %d/%d members %d/%d", whole.Len(), parts.Len(), whole.Members(), parts.Members())
		}
	})
}
