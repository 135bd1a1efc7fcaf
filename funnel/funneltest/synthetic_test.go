package funneltest_test

import (
	"flag"
	"slices"
	"testing"
	"time"

	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/funnel/funneltest"
)

func TestRowsAreInTimeOrderAndDeterministic(t *testing.T) {
	s := funneltest.Bench
	s.Members, s.Events = 1000, 10_000
	a, b := s.Rows(), s.Rows()
	if len(a) != s.Events || !slices.Equal(a, b) {
		t.Fatalf("%d rows; deterministic: %v", len(a), slices.Equal(a, b))
	}
	if !slices.IsSortedFunc(a, func(x, y funneltest.Row) int { return int(x.Second) - int(y.Second) }) {
		t.Fatal("rows are not in time order")
	}
}

// full checks the answer on the whole benchmark community, 10,000,000
// events (about 20 s and 2 GB); by default a hundredth of it is checked.
var full = flag.Bool("full", false, "check BenchCounts on the full 10,000,000-event community")

func TestBenchCounts(t *testing.T) {
	s := funneltest.Bench
	want := funneltest.BenchCounts
	if !*full {
		s.Members, s.Events = 10_000, 100_000
		want = []int64{10_000, 5_957, 3_423, 1_964, 1_009}
	}
	tab, err := funnel.Build(s.All())
	if err != nil {
		t.Fatal(err)
	}
	q, err := funneltest.BenchFunnel().Compile()
	if err != nil {
		t.Fatal(err)
	}
	res := q.Run(tab, funnel.Range{})
	var got []int64
	for _, st := range res.Steps {
		got = append(got, st.Members)
	}
	t.Logf("step counts: %v", got)
	if !slices.Equal(got, want) {
		t.Errorf("step counts %v, want %v", got, want)
	}
}

// A history as long as a Synthetic may be keeps every member's steps after
// their arrival and within the history: no delay wraps around the seconds'
// uint32 near its end.
func TestLongestHistory(t *testing.T) {
	s := funneltest.Bench
	s.Members, s.Events, s.Days = 200_000, 1_000_000, funneltest.MaxDays
	arrived := map[uint32]uint32{}
	span := uint32(s.Days * 86400)
	for _, r := range s.Rows() {
		if r.Second >= span {
			t.Fatalf("row %+v is past the history's %d seconds", r, span)
		}
		if r.Name == 0 {
			if _, ok := arrived[r.Member]; !ok {
				arrived[r.Member] = r.Second
			}
			continue
		}
		if first, ok := arrived[r.Member]; !ok || r.Second < first {
			t.Fatalf("row %+v comes before member %d arrives", r, r.Member)
		}
	}
	if len(arrived) != s.Members {
		t.Errorf("%d members arrived, want %d", len(arrived), s.Members)
	}
	// The last day of year 9999 is a history of one day.
	day := funneltest.Synthetic{Members: 1, Events: 1, Days: 1, Start: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}
	if err := day.Validate(); err != nil {
		t.Errorf("the last day of 9999: %v", err)
	}
	day.Start = day.Start.Add(time.Second)
	if err := day.Validate(); err == nil {
		t.Error("a day that runs into year 10000 is accepted")
	}
}
