package funnelbench

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/funnel/funneltest"
)

// community is the benchmark's community, 10,000,000 events over
// 1,000,000 members and 30 days, held by both sides: qun's table and
// DuckDB's events table are each built once, outside every timer, and the
// funnel's answer on each is checked against funneltest.BenchCounts
// before anything is timed.
var community struct {
	once sync.Once
	rows []funneltest.Row
	tab  *funnel.Table
	duck *duck
}

func setup(b *testing.B) {
	community.once.Do(func() {
		s := funneltest.Bench
		community.rows = s.Rows()
		community.tab = buildQun(b, s, community.rows)
		if got := qunCounts(benchQuery(b).Run(community.tab, funnel.Range{})); !sameCounts(got, funneltest.BenchCounts) {
			b.Fatalf("qun: %v, want %v", got, funneltest.BenchCounts)
		}
		// The database outlives this benchmark: every benchmark of the
		// run shares it, and the process's exit frees it.
		d := openDuck(&keep{b})
		if err := d.load(s, community.rows, "events"); err != nil {
			b.Fatal(err)
		}
		d.threads(b, 1)
		if got, err := d.counts(joinmaxSQL); err != nil || !sameCounts(got, funneltest.BenchCounts) {
			b.Fatalf("DuckDB: %v (%v), want %v", got, err, funneltest.BenchCounts)
		}
		community.duck = d
	})
	if community.duck == nil {
		b.Fatal("the benchmark community could not be set up")
	}
}

// keep is a testing.B whose Cleanup does nothing, for what the whole run
// shares.
type keep struct{ *testing.B }

func (keep) Cleanup(func()) {}

// BenchmarkFunnel is the side-by-side: the 5-step ordered funnel
// with a 7-day window over 10,000,000 events, run by qun (funnel.Query.Run,
// grouping events by member included) and by DuckDB (the joinmax.sql query,
// one thread, then its default of one per core). Each DuckDB run's answer
// is checked; a wrong answer fails the benchmark.
func BenchmarkFunnel(b *testing.B) {
	setup(b)
	b.Run("qun", func(b *testing.B) {
		q := benchQuery(b)
		b.ReportAllocs()
		cpu := cpuTime()
		var res funnel.Result
		for b.Loop() {
			res = q.Run(community.tab, funnel.Range{})
		}
		report(b, cpu)
		if got := qunCounts(res); !sameCounts(got, funneltest.BenchCounts) {
			b.Fatalf("qun: %v, want %v", got, funneltest.BenchCounts)
		}
	})
	for _, threads := range []int{1, 0} {
		n := community.duck.threads(b, threads)
		b.Run(fmt.Sprintf("duckdb/threads=%d", n), func(b *testing.B) {
			community.duck.threads(b, threads)
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				runDuck(b, joinmaxSQL)
			}
			report(b, cpu)
		})
	}
}

// BenchmarkRatio measures the ratio itself: each iteration runs qun's
// query and DuckDB's (one thread) once each, back to back, so both meet
// the same load on a shared machine, and reports the time of each and
// DuckDB's time over qun's, in wall time and in CPU time.
func BenchmarkRatio(b *testing.B) {
	setup(b)
	q := benchQuery(b)
	community.duck.threads(b, 1)
	var qunWall, qunCPU, duckWall, duckCPU time.Duration
	for b.Loop() {
		w, c := time.Now(), cpuTime()
		q.Run(community.tab, funnel.Range{})
		w2, c2 := time.Now(), cpuTime()
		runDuck(b, joinmaxSQL)
		qunWall += w2.Sub(w)
		qunCPU += c2 - c
		duckWall += time.Since(w2)
		duckCPU += cpuTime() - c2
	}
	n := float64(b.N)
	b.ReportMetric(float64(qunWall)/1e6/n, "qun-ms")
	b.ReportMetric(float64(duckWall)/1e6/n, "duckdb-ms")
	b.ReportMetric(float64(duckWall)/float64(qunWall), "wall-ratio")
	b.ReportMetric(float64(duckCPU)/float64(qunCPU), "cpu-ratio")
}

// BenchmarkSQL times each formulation of the funnel in DuckDB, on one
// thread, to show which one the side-by-side should time.
func BenchmarkSQL(b *testing.B) {
	setup(b)
	for _, f := range formulations {
		b.Run(f.name, func(b *testing.B) {
			community.duck.threads(b, 1)
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				runDuck(b, f.sql)
			}
			report(b, cpu)
		})
	}
}

// BenchmarkBuild measures what both sides do before a query, and the
// side-by-side leaves out: qun builds its table from the events (interning
// member IDs and names, appending in time order); DuckDB receives the same
// rows through its appender into a new table (member as an integer, name
// as an ENUM, time as a TIMESTAMP).
func BenchmarkBuild(b *testing.B) {
	setup(b)
	s := funneltest.Bench
	b.Run("qun", func(b *testing.B) {
		ids := s.IDs()
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			if _, err := funnel.Build(s.EventsWith(community.rows, ids)); err != nil {
				b.Fatal(err)
			}
		}
		report(b, cpu)
	})
	b.Run("duckdb", func(b *testing.B) {
		d := community.duck
		d.threads(b, 1)
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			d.exec(b, "CREATE TABLE loaded AS SELECT * FROM events LIMIT 0")
			if err := d.load(s, community.rows, "loaded"); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			d.exec(b, "DROP TABLE loaded")
			b.StartTimer()
		}
		report(b, cpu)
	})
}

// runDuck runs a formulation over the community and fails the benchmark
// unless its answer is funneltest.BenchCounts.
func runDuck(b *testing.B, query string) {
	got, err := community.duck.counts(query)
	if err != nil {
		b.Fatal(err)
	}
	if !sameCounts(got, funneltest.BenchCounts) {
		b.Fatalf("DuckDB: %v, want %v", got, funneltest.BenchCounts)
	}
}

// cpuTime returns the process's user and system CPU time: qun's and
// DuckDB's threads alike. On a loaded, shared machine it says more about
// the code than the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report adds time per event and CPU time per operation and per event,
// as package funnel's benchmarks report them.
func report(b *testing.B, cpuStart time.Duration) {
	events := float64(len(community.rows))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/events, "ns/event")
	cpu := float64(cpuTime()-cpuStart) / float64(b.N)
	b.ReportMetric(cpu/1e6, "cpu-ms/op")
	b.ReportMetric(cpu/events, "cpu-ns/event")
}
