package qun_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// An Indexer agrees with Calendar.Index for every instant, in time order or
// not, across DST changes, for every grain and week start.
func TestIndexerProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		zone := qun.MustLoadZone(rapid.SampledFrom(dstZones).Draw(t, "zone"))
		cal := qun.Calendar{Zone: zone, WeekStart: time.Weekday(rapid.IntRange(0, 6).Draw(t, "week start"))}
		g := qun.Grain(rapid.IntRange(int(qun.Day), int(qun.Year)).Draw(t, "grain"))
		year := rapid.IntRange(1900, 2040).Draw(t, "year")
		var instants []int64
		for _, tr := range transitionsIn(zone.Location(), year) {
			for _, d := range []int64{-1, 0, 1} {
				instants = append(instants, tr.Unix()+d)
			}
		}
		base := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		instants = append(instants, rapid.SliceOfN(rapid.Int64Range(base-86400, base+366*86400), 1, 50).Draw(t, "instants")...)
		if rapid.Bool().Draw(t, "in time order") {
			slices.Sort(instants)
		}
		x := cal.Indexer(g)
		for _, sec := range instants {
			tm := time.Unix(sec, 0)
			if got, want := x.IndexUnix(sec), cal.Index(g, tm); got != want {
				t.Fatalf("%v %v in %v: Indexer %d, Calendar %d", g, tm.In(zone.Location()), zone, got, want)
			}
			if got, want := x.Index(tm.Add(999*time.Millisecond)), cal.Index(g, tm.Add(999*time.Millisecond)); got != want {
				t.Fatalf("%v %v in %v (+999ms): Indexer %d, Calendar %d", g, tm, zone, got, want)
			}
		}
	})
}

func TestIndexerDoesNotAllocate(t *testing.T) {
	x := qun.Calendar{Zone: qun.MustLoadZone("America/New_York")}.Indexer(qun.Month)
	sec := utc("2026-03-07T12:00:00Z").Unix()
	allocs := testing.AllocsPerRun(1000, func() {
		x.IndexUnix(sec)
		sec += 3600
	})
	if allocs != 0 {
		t.Errorf("IndexUnix allocates %v times per call", allocs)
	}
}

// Bucket check-ins by the community's local day, fast.
func ExampleCalendar_Indexer() {
	cal := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
	days := cal.Indexer(qun.Day)
	active := map[int64]int{}
	for _, at := range []string{"2026-11-21T15:59:00Z", "2026-11-21T16:01:00Z", "2026-11-22T09:00:00Z"} {
		active[days.Index(utc(at))]++
	}
	for _, day := range slices.Sorted(func(yield func(int64) bool) {
		for d := range active {
			if !yield(d) {
				return
			}
		}
	}) {
		fmt.Println(cal.PeriodAt(qun.Day, day), active[day])
	}
	// Output:
	// 2026-11-21 1
	// 2026-11-22 2
}
