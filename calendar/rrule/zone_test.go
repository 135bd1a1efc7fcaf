package rrule

import (
	"testing"
	"time"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// dstZones are zones with DST changes of every kind: at 02:00, at midnight
// (Santiago, Havana), by half an hour (Lord Howe), south of the equator,
// and a whole day skipped (Apia, 2011-12-30).
var dstZones = []string{
	"America/New_York", "Europe/Berlin", "Australia/Sydney", "America/Santiago",
	"America/Havana", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Tehran",
	"Pacific/Apia", "Europe/London", "Asia/Shanghai", "UTC",
}

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	return qun.MustLoadZone(name).Location()
}

// TestResolverMatchesDateAt proves the resolver's fast path equal to
// qun.Date.At: wall readings drawn around the zones' real transitions, in
// an order that exercises both the cached span and the reloads, resolve to
// the same instants, and floor is never after the instant of any reading at
// or after it.
func TestResolverMatchesDateAt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.SampledFrom(dstZones).Draw(t, "zone")
		loc := qun.MustLoadZone(name).Location()
		year := rapid.IntRange(1970, 2040).Draw(t, "year")
		// Start at a transition of that year, if any, and wander.
		probe := time.Date(year, time.Month(rapid.IntRange(1, 12).Draw(t, "month")), 1, 0, 0, 0, 0, loc)
		_, end := probe.ZoneBounds()
		if end.IsZero() {
			end = probe
		}
		r := newResolver(loc)
		base := DateTimeOf(end.In(loc)).wall()
		for _, delta := range rapid.SliceOfN(rapid.Int64Range(-3*86400, 3*86400), 1, 40).Draw(t, "deltas") {
			w := base + delta
			if rapid.Bool().Draw(t, "snap") {
				w -= floorMod(w, 900) // quarter hours hit the transitions exactly
			}
			day := floorDiv(w, 86400)
			sod := int(w - day*86400)
			want := dateOfDay(day).At(sod/3600, sod/60%60, sod%60, 0, loc).Unix()
			if got := r.resolve(w); got != want {
				t.Fatalf("resolve(%v) = %v, Date.At gives %v", DateTimeOf(time.Unix(w, 0).UTC()), time.Unix(got, 0).In(loc), time.Unix(want, 0).In(loc))
			}
			f := r.floor(w)
			if f > want {
				t.Fatalf("floor(%v) = %v is after its instant %v", DateTimeOf(time.Unix(w, 0).UTC()), f, want)
			}
			// No reading at or after w resolves before the floor.
			for _, later := range []int64{0, 900, 1800, 3600, 5400, 7200, 86400} {
				lw := w + later
				ld := floorDiv(lw, 86400)
				ls := int(lw - ld*86400)
				if at := dateOfDay(ld).At(ls/3600, ls/60%60, ls%60, 0, loc).Unix(); at < f {
					t.Fatalf("floor(%v) = %v, but %v later resolves to %v", w, f, later, at)
				}
			}
		}
	})
}

// TestResolverKnownTransitions pins the two DST cases in New York.
func TestResolverKnownTransitions(t *testing.T) {
	loc := loadZone(t, "America/New_York")
	r := newResolver(loc)
	cases := []struct {
		wall DateTime
		want string
	}{
		{DateTime{qun.Date{Year: 2026, Month: time.March, Day: 8}, 1, 30, 0}, "2026-03-08T01:30:00-05:00"},
		{DateTime{qun.Date{Year: 2026, Month: time.March, Day: 8}, 2, 30, 0}, "2026-03-08T03:30:00-04:00"},
		{DateTime{qun.Date{Year: 2026, Month: time.March, Day: 8}, 3, 30, 0}, "2026-03-08T03:30:00-04:00"},
		{DateTime{qun.Date{Year: 2026, Month: time.November, Day: 1}, 1, 30, 0}, "2026-11-01T01:30:00-04:00"},
		{DateTime{qun.Date{Year: 2026, Month: time.November, Day: 1}, 2, 30, 0}, "2026-11-01T02:30:00-05:00"},
	}
	for _, c := range cases {
		got := time.Unix(r.resolve(c.wall.wall()), 0).In(loc).Format(time.RFC3339)
		if got != c.want {
			t.Errorf("resolve(%v) = %s, want %s", c.wall, got, c.want)
		}
	}
	// The floor of 02:30 on spring-forward day is the instant of the
	// change, 03:00 EDT.
	w := DateTime{qun.Date{Year: 2026, Month: time.March, Day: 8}, 2, 30, 0}.wall()
	if got := time.Unix(r.floor(w), 0).In(loc).Format(time.RFC3339); got != "2026-03-08T03:00:00-04:00" {
		t.Errorf("floor(02:30) = %s, want 03:00 EDT", got)
	}
}

// Go reports zone bounds that miss the instant on the last UTC day of leap
// years served by a zone's POSIX TZ rule (golang/go#81583); the resolver
// must still agree with Date.At there.
func TestResolverAcrossBadZoneBounds(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/Warsaw", "Australia/Lord_Howe", "America/Santiago"} {
		loc := qun.MustLoadZone(name).Location()
		for _, year := range []int{2040, 2044, 2048} {
			r := newResolver(loc)
			base := DateTimeOf(time.Date(year, 12, 29, 0, 0, 0, 0, time.UTC)).wall()
			for w := base; w < base+6*86400; w += 900 {
				day := floorDiv(w, 86400)
				sod := int(w - day*86400)
				want := dateOfDay(day).At(sod/3600, sod/60%60, sod%60, 0, loc).Unix()
				if got := r.resolve(w); got != want {
					t.Fatalf("%s: resolve(%v) = %v, Date.At gives %v", name, DateTimeOf(time.Unix(w, 0).UTC()), time.Unix(got, 0).In(loc), time.Unix(want, 0).In(loc))
				}
				if f := r.floor(w); f != want {
					t.Fatalf("%s: floor(%v) = %v, want %v (no gap here)", name, DateTimeOf(time.Unix(w, 0).UTC()), time.Unix(f, 0).In(loc), time.Unix(want, 0).In(loc))
				}
			}
		}
	}
}
