package funnel

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// The indexed search of unordered funnels gives, member by member, the
// level, the step times and the exclusion verdict of the scan that offers
// every event of each window: with steps that share names and conditions
// (so masks overlap and repeat), first-time steps, exclusions, ties and
// members with more events than smallRun as well as fewer.
func TestPropertyUnorderedIndexedAgreesWithScan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "steps")
		// With several properties, steps that test different ones give a
		// member many distinct masks (more than the search keeps in a
		// list); with one, masks repeat.
		props := []string{"p", "q", "r", "s", "u"}[:rapid.IntRange(1, 5).Draw(t, "properties")]
		window := time.Duration(rapid.IntRange(0, 12).Draw(t, "window"))*time.Minute + time.Microsecond
		f := Funnel{Order: Unordered, Window: Within(qun.Duration(window))}
		if rapid.Bool().Draw(t, "months") {
			f.Window = Months(1)
		}
		for range n {
			s := Step{EventFilter: qun.EventFilter{Name: rapid.SampledFrom([]string{"a", "a", "b", "c"}).Draw(t, "name")}}
			if rapid.Bool().Draw(t, "cond") {
				s.Where = []qun.Condition{{Prop: rapid.SampledFrom(props).Draw(t, "property"), Op: qun.OpExact, Values: []string{rapid.SampledFrom([]string{"1", "2"}).Draw(t, "value")}}}
			}
			s.Occurrence = rapid.SampledFrom([]Occurrence{AnyOccurrence, AnyOccurrence, AnyOccurrence, FirstEver, FirstMatching}).Draw(t, "occurrence")
			f.Steps = append(f.Steps, s)
		}
		if n > 1 && rapid.Bool().Draw(t, "exclude") {
			f.Exclusions = []Exclusion{{Event: qun.EventFilter{Name: rapid.SampledFrom([]string{"a", "x"}).Draw(t, "excluded")}, To: n - 1}}
		}
		minutes := rapid.IntRange(0, 40).Draw(t, "span")
		count := rapid.IntRange(0, 120).Draw(t, "count")
		evs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) qun.Event {
			ev := qun.Event{
				Member: qun.MemberID(fmt.Sprint("m", rapid.IntRange(0, 1).Draw(t, "member"))),
				Name:   rapid.SampledFrom([]string{"a", "a", "b", "c", "x"}).Draw(t, "name"),
				Time:   at(rapid.IntRange(0, minutes).Draw(t, "min")),
			}
			for _, p := range props {
				if v := rapid.SampledFrom([]string{"", "1", "2"}).Draw(t, p); v != "" {
					if ev.Props == nil {
						ev.Props = map[string]string{}
					}
					ev.Props[p] = v
				}
			}
			return ev
		}), count, count).Draw(t, "events")
		q, err := f.Compile()
		if err != nil {
			t.Fatal(err)
		}
		tab := mustTable(t, evs)
		e := q.newExec(tab, Range{From: at(rapid.IntRange(0, 5).Draw(t, "from"))})
		var g grouper
		g.each(tab, e.keep, func(r *memberRun) {
			e.load(r)
			if len(e.evs) == 0 {
				return
			}
			e.indexMasks()
			level, times, dropped := e.unorderedIndexed()
			times = slices.Clone(times)
			wantLevel, wantTimes, wantDropped := e.unorderedScan()
			if level != wantLevel || !slices.Equal(times, wantTimes) || dropped != wantDropped {
				t.Fatalf("member %s: indexed level %d times %v dropped %v; scan %d %v %v",
					tab.members[r.member], level, times, dropped, wantLevel, wantTimes, wantDropped)
			}
		})
	})
}
