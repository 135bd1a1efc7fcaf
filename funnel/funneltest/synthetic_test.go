package funneltest_test

import (
	"flag"
	"slices"
	"testing"

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
