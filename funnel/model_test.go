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

// The rapid tests in this file compare the funnel engine with brute-force
// models that enumerate every chain of events, on small random inputs with
// many equal times.

var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// at returns the time m minutes after t0.
func at(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

type mEvent struct {
	member int
	name   string
	min    int
}

func genEvents(t *rapid.T, names []string) []mEvent {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) mEvent {
		return mEvent{
			member: rapid.IntRange(0, 2).Draw(t, "member"),
			name:   rapid.SampledFrom(names).Draw(t, "name"),
			min:    rapid.IntRange(0, 15).Draw(t, "min"),
		}
	}), 0, 14).Draw(t, "events")
}

func toEvents(evs []mEvent) []qun.Event {
	out := make([]qun.Event, len(evs))
	for i, e := range evs {
		out[i] = qun.Event{Member: qun.MemberID(fmt.Sprint("m", e.member)), Name: e.name, Time: at(e.min)}
	}
	return out
}

func genSteps(t *rapid.T) []Step {
	names := rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b", "c"}), 1, 4).Draw(t, "steps")
	steps := make([]Step, len(names))
	for i, n := range names {
		steps[i] = Step{EventFilter: qun.EventFilter{Name: n}}
	}
	return steps
}

func mustTable(tb rapid.TB, evs []qun.Event) *Table {
	tb.Helper()
	tab, err := Build(slices.Values(evs))
	if err != nil {
		tb.Fatal(err)
	}
	return tab
}

func counts(res Result) []int64 {
	out := make([]int64, len(res.Steps))
	for i, s := range res.Steps {
		out[i] = s.Members
	}
	return out
}

func run(tb rapid.TB, f Funnel, tab *Table) Result {
	tb.Helper()
	q, err := f.Compile()
	if err != nil {
		tb.Fatal(err)
	}
	return q.Run(tab, Range{})
}

// modelLevel returns the furthest step count a member's events reach under
// the plain definitions: ordered (times non-decreasing, distinct events),
// strict (no event strictly between consecutive steps) or unordered (a
// matching of distinct events to steps within one window).
func modelLevel(order Order, steps []Step, window int, evs []mEvent) int {
	best := 0
	if order == Unordered {
		for _, a := range evs {
			var inWin []mEvent
			for _, e := range evs {
				if e.min >= a.min && e.min <= a.min+window {
					inWin = append(inWin, e)
				}
			}
			used := make([]bool, len(inWin))
			var try func(done uint, count int)
			try = func(done uint, count int) {
				best = max(best, count)
				for s := range steps {
					if done&(1<<s) != 0 {
						continue
					}
					for i, e := range inWin {
						if !used[i] && e.name == steps[s].Name {
							used[i] = true
							try(done|1<<s, count+1)
							used[i] = false
						}
					}
				}
			}
			anchorOK := false
			for _, s := range steps {
				anchorOK = anchorOK || s.Name == a.name
			}
			if anchorOK {
				try(0, 0)
			}
		}
		return best
	}
	used := make([]bool, len(evs))
	var chain []mEvent
	var extend func(k int)
	extend = func(k int) {
		best = max(best, k)
		if k == len(steps) {
			return
		}
		for i, e := range evs {
			if used[i] || e.name != steps[k].Name {
				continue
			}
			if k > 0 {
				prev := chain[k-1]
				if e.min < prev.min || e.min > chain[0].min+window {
					continue
				}
				if order == Strict {
					between := false
					for _, o := range evs {
						between = between || o.min > prev.min && o.min < e.min
					}
					if between {
						continue
					}
				}
			}
			used[i] = true
			chain = append(chain, e)
			extend(k + 1)
			chain = chain[:k]
			used[i] = false
		}
	}
	extend(0)
	return best
}

func modelCounts(order Order, steps []Step, window int, evs []mEvent) []int64 {
	byMember := map[int][]mEvent{}
	for _, e := range evs {
		byMember[e.member] = append(byMember[e.member], e)
	}
	out := make([]int64, len(steps))
	for _, mine := range byMember {
		for k := range modelLevel(order, steps, window, mine) {
			out[k]++
		}
	}
	return out
}

func TestFunnelMatchesModel(t *testing.T) {
	for _, order := range []Order{Ordered, Strict, Unordered} {
		t.Run(order.String(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				steps := genSteps(t)
				evs := genEvents(t, []string{"a", "b", "c", "x"})
				window := rapid.IntRange(0, 10).Draw(t, "window")
				f := Funnel{Steps: steps, Order: order, Window: Within(qun.Duration(time.Duration(window) * time.Minute))}
				if window == 0 {
					f.Window = Within(qun.Duration(time.Microsecond)) // zero means the default
				}
				got := counts(run(t, f, mustTable(t, toEvents(evs))))
				want := modelCounts(order, steps, window, evs)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("step counts (-model +engine):\n%s", diff)
				}
			})
		})
	}
}
