package funnel_test

import (
	"math/rand/v2"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/funnel/funneltest"
)

var bench struct {
	once sync.Once
	rows []funneltest.Row
	tab  *funnel.Table
}

func benchTable(b *testing.B) ([]funneltest.Row, *funnel.Table) {
	bench.once.Do(func() {
		bench.rows = funneltest.Bench.Rows()
		tab, err := funnel.Build(funneltest.Bench.EventsOf(bench.rows))
		if err != nil {
			b.Fatal(err)
		}
		bench.tab = tab
	})
	return bench.rows, bench.tab
}

// BenchmarkFunnel runs the benchmark: a 5-step ordered funnel with
// a 7-day window over 10,000,000 events of 1,000,000 members in 30 days,
// grouping by member included. The table is built once, outside the timer.
func BenchmarkFunnel(b *testing.B) {
	_, tab := benchTable(b)
	q, err := funneltest.BenchFunnel().Compile()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	var res funnel.Result
	for b.Loop() {
		res = q.Run(tab, funnel.Range{})
	}
	reportCPU(b, cpu, tab.Len())
	checkCounts(b, "funnel", counts(res.Steps), funneltest.BenchCounts)
}

// counts returns the members at each step.
func counts(steps []funnel.StepResult) []int64 {
	n := make([]int64, len(steps))
	for i, st := range steps {
		n[i] = st.Members
	}
	return n
}

// checkCounts fails the benchmark when it measured a wrong answer.
func checkCounts(b *testing.B, what string, got, want []int64) {
	b.Helper()
	if !slices.Equal(got, want) {
		b.Fatalf("%s: step counts %v, want %v", what, got, want)
	}
}

// cpuTime returns the process's user and system CPU time. On a loaded,
// shared machine it says more about the code than the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports wall and CPU time per item, and CPU time per
// operation.
func reportCPU(b *testing.B, start time.Duration, items int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(items), "ns/event")
	cpu := float64(cpuTime()-start) / float64(b.N)
	b.ReportMetric(cpu/1e6, "cpu-ms/op")
	b.ReportMetric(cpu/float64(items), "cpu-ns/event")
}

// BenchmarkBuild measures building the same table from the events, in time
// order: interning and appending, never sorting.
func BenchmarkBuild(b *testing.B) {
	rows, _ := benchTable(b)
	ids := funneltest.Bench.IDs()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := funnel.Build(funneltest.Bench.EventsWith(rows, ids)); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, len(rows))
}

func BenchmarkGroupOnly(b *testing.B) {
	_, tab := benchTable(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		funnel.GroupOnly(tab)
	}
	reportCPU(b, cpu, tab.Len())
}

var (
	benchFrom = qun.Date{Year: 2026, Month: time.November, Day: 1}
	benchTo   = qun.Date{Year: 2026, Month: time.November, Day: 30}
)

// BenchmarkRetention follows weekly cohorts of first visits, returning on
// any event, over the benchmark community.
func BenchmarkRetention(b *testing.B) {
	_, tab := benchTable(b)
	r := funnel.Retention{Start: qun.EventFilter{Name: "visit"}, Grain: qun.Week, Periods: 5}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := r.Run(tab, benchFrom, benchTo, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, tab.Len())
}

// BenchmarkActiveDaily counts DAU, WAU and MAU for each day of the month.
func BenchmarkActiveDaily(b *testing.B) {
	_, tab := benchTable(b)
	a := funnel.Activity{Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai")}}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := a.Daily(tab, benchFrom, benchTo); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, tab.Len())
}

// BenchmarkLifecycle classifies members week by week.
func BenchmarkLifecycle(b *testing.B) {
	_, tab := benchTable(b)
	l := funnel.Lifecycle{Grain: qun.Week, Calendar: qun.Calendar{WeekStart: time.Monday}}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := l.Run(tab, benchFrom, benchTo); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, tab.Len())
}

// BenchmarkBuildShuffled builds a table of 1,000,000 events that arrive in
// no order: each page is sorted once, alone.
func BenchmarkBuildShuffled(b *testing.B) {
	s := funneltest.Bench
	s.Members, s.Events = 100_000, 1_000_000
	rows, ids := s.Rows(), s.IDs()
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := funnel.Build(s.EventsWith(rows, ids)); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, len(rows))
}

// BenchmarkFunnelModes runs the benchmark funnel as strict (which reads
// every event of every member) and unordered, and with a first-touch
// breakdown by an event property the generator does not set (every member
// falls under "").
func BenchmarkFunnelModes(b *testing.B) {
	_, tab := benchTable(b)
	for _, mode := range []struct {
		name  string
		edit  func(*funnel.Funnel)
		check func(*testing.B, funnel.Result)
	}{
		// A strict funnel reaches no further than an ordered one, and an
		// unordered one no less far; every member visits, so all three
		// start with every member.
		{"strict", func(f *funnel.Funnel) { f.Order = funnel.Strict }, func(b *testing.B, res funnel.Result) {
			got := counts(res.Steps)
			if got[0] != funneltest.BenchCounts[0] || !pointwise(got, funneltest.BenchCounts) {
				b.Fatalf("strict step counts %v, ordered %v", got, funneltest.BenchCounts)
			}
		}},
		{"unordered", func(f *funnel.Funnel) { f.Order = funnel.Unordered }, func(b *testing.B, res funnel.Result) {
			got := counts(res.Steps)
			if got[0] != funneltest.BenchCounts[0] || !pointwise(funneltest.BenchCounts, got) {
				b.Fatalf("unordered step counts %v, ordered %v", got, funneltest.BenchCounts)
			}
		}},
		// Nobody has the property, so everyone falls under "".
		{"breakdown", func(f *funnel.Funnel) { f.Breakdown = &funnel.Breakdown{Prop: "channel"} }, func(b *testing.B, res funnel.Result) {
			if len(res.Breakdown) != 1 || res.Breakdown[0].Value != "" {
				b.Fatalf("breakdown into %d segments, want one under \"\"", len(res.Breakdown))
			}
			checkCounts(b, "breakdown", counts(res.Breakdown[0].Steps), funneltest.BenchCounts)
		}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			f := funneltest.BenchFunnel()
			mode.edit(&f)
			q, err := f.Compile()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			var res funnel.Result
			for b.Loop() {
				res = q.Run(tab, funnel.Range{})
			}
			reportCPU(b, cpu, tab.Len())
			mode.check(b, res)
		})
	}
}

// pointwise reports whether a[i] <= b[i] for every i.
func pointwise(a, b []int64) bool {
	for i := range a {
		if a[i] > b[i] {
			return false
		}
	}
	return len(a) == len(b)
}
