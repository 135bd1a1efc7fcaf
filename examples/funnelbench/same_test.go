package funnelbench

import (
	"testing"

	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/funnel/funneltest"
	"pgregory.net/rapid"
)

const (
	minute = 60
	hour   = 60 * minute
	day    = 24 * hour
)

// Step codes in funneltest.Names.
const (
	visit uint8 = iota
	join
	firstPost
	checkIn
	purchase
	like
	share
)

// TestScenarios pins the cases where a funnel in SQL most easily departs
// from qun's semantics (funnel/doc.go): the window runs from the first
// step and includes its end, events at one instant chain, a later visit
// opens a new attempt, and each member counts at their best attempt. Each
// scenario is one member; want is how many steps they reach.
func TestScenarios(t *testing.T) {
	type ev struct {
		name uint8
		at   uint32
	}
	for _, tc := range []struct {
		name   string
		events []ev
		want   int
	}{
		{"all five in order", []ev{{visit, 0}, {join, hour}, {firstPost, day}, {checkIn, 2 * day}, {purchase, 3 * day}}, 5},
		{"the window includes its end", []ev{{visit, 0}, {join, 7 * day}}, 2},
		{"one second past the window", []ev{{visit, 0}, {join, 7*day + 1}}, 1},
		{"the window runs from the first step, not the previous", []ev{{visit, 0}, {join, day}, {firstPost, 6 * day}, {checkIn, 7 * day}, {purchase, 7*day + 1}}, 4},
		{"events at one instant chain", []ev{{purchase, day}, {checkIn, day}, {firstPost, day}, {join, day}, {visit, day}}, 5},
		{"a step before the visit does not count", []ev{{join, 0}, {visit, hour}, {firstPost, 2 * hour}}, 1},
		{"a later visit opens a new attempt", []ev{{visit, 0}, {visit, 10 * day}, {join, 12 * day}}, 2},
		{"a later visit needs its own later steps", []ev{{visit, 0}, {join, day}, {visit, 5 * day}, {firstPost, 9 * day}}, 2},
		{"the best attempt counts", []ev{{visit, 0}, {join, day}, {firstPost, 2 * day}, {visit, 3 * day}, {join, 4 * day}}, 3},
		{"the latest visit before a step is the one to take", []ev{{visit, 0}, {visit, 6 * day}, {join, 7 * day}, {firstPost, 13 * day}}, 3},
		{"other events do not matter", []ev{{visit, 0}, {like, hour}, {share, hour}, {join, 2 * hour}}, 2},
		{"no visit, no funnel", []ev{{join, 0}, {firstPost, hour}}, 0},
		{"a repeated step does not count twice", []ev{{visit, 0}, {join, hour}, {join, 2 * hour}}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := funneltest.Bench
			s.Members, s.Events = 1, len(tc.events)
			var rows []funneltest.Row
			for _, e := range tc.events {
				rows = append(rows, funneltest.Row{Member: 0, Name: e.name, Second: e.at})
			}
			want := make([]int64, 5)
			for k := range tc.want {
				want[k] = 1
			}
			compare(t, s, rows, want)
		})
	}
}

// TestSameAsQun checks every formulation against qun on random small
// communities whose times fall on a coarse grid, so that ties and events
// exactly at the end of the window are common.
func TestSameAsQun(t *testing.T) {
	d := openDuck(t)
	q := benchQuery(t)
	rapid.Check(t, func(rt *rapid.T) {
		s := funneltest.Bench
		s.Members = rapid.IntRange(1, 6).Draw(rt, "members")
		rows := rapid.SliceOfN(rapid.Custom(func(rt *rapid.T) funneltest.Row {
			return funneltest.Row{
				Member: uint32(rapid.IntRange(0, s.Members-1).Draw(rt, "member")),
				Name:   uint8(rapid.IntRange(0, len(funneltest.Names)-1).Draw(rt, "name")),
				// Days 0 to 20 and, within a day, the start or a second
				// later: a step 7 days after another is often exactly
				// at the end of its window, or one second past it.
				Second: uint32(rapid.IntRange(0, 20).Draw(rt, "day")*day + rapid.IntRange(0, 1).Draw(rt, "second")),
			}
		}), 0, 40).Draw(rt, "events")
		s.Events = max(len(rows), s.Members) // what funneltest.Synthetic.Validate asks; the rows are drawn here
		tab, err := funnel.Build(s.EventsOf(rows))
		if err != nil {
			rt.Fatal(err)
		}
		want := qunCounts(q.Run(tab, funnel.Range{}))
		d.exec(rt, "DELETE FROM events")
		if err := d.load(s, rows, "events"); err != nil {
			rt.Fatal(err)
		}
		for _, f := range formulations {
			got, err := d.counts(f.sql)
			if err != nil {
				rt.Fatalf("%s: %v", f.name, err)
			}
			if !sameCounts(got, want) {
				rt.Fatalf("%s: %v, qun: %v", f.name, got, want)
			}
		}
	})
}

// TestSmallCommunity runs the benchmark's funnel over a hundredth of its
// community, 100,000 events, on both sides, with DuckDB on one thread and
// on all cores, and checks both against the counts funneltest's own test
// pins for that community (funnel/funneltest/synthetic_test.go).
func TestSmallCommunity(t *testing.T) {
	s := funneltest.Bench
	s.Members, s.Events = 10_000, 100_000
	compare(t, s, s.Rows(), []int64{10_000, 5_957, 3_423, 1_964, 1_009})
}

// compare runs the funnel over the rows on both sides and checks each
// answer against want.
func compare(t *testing.T, s funneltest.Synthetic, rows []funneltest.Row, want []int64) {
	t.Helper()
	if got := qunCounts(benchQuery(t).Run(buildQun(t, s, rows), funnel.Range{})); !sameCounts(got, want) {
		t.Errorf("qun: %v, want %v", got, want)
	}
	d := openDuck(t)
	if err := d.load(s, rows, "events"); err != nil {
		t.Fatal(err)
	}
	for _, threads := range []int{1, 0} {
		n := d.threads(t, threads)
		for _, f := range formulations {
			got, err := d.counts(f.sql)
			if err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			if !sameCounts(got, want) {
				t.Errorf("%s, threads=%d: %v, want %v", f.name, n, got, want)
			}
		}
	}
}
