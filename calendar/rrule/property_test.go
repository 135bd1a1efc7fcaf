package rrule

import (
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// genRule draws a valid rule of the given frequency.
func genRule(t *rapid.T, freq Freq) Rule {
	r := Rule{Freq: freq, Interval: rapid.IntRange(0, 3).Draw(t, "interval")}
	some := func(label string, lo, hi int, max int) []int {
		if !rapid.Bool().Draw(t, label+"?") {
			return nil
		}
		return rapid.SliceOfNDistinct(rapid.IntRange(lo, hi), 1, max, rapid.ID[int]).Draw(t, label)
	}
	signed := func(label string, hi int, max int) []int {
		list := some(label, 1, hi, max)
		for i := range list {
			if rapid.Bool().Draw(t, label+"-neg") {
				list[i] = -list[i]
			}
		}
		return list
	}
	// Hours near the DST changes are the interesting ones.
	r.ByHour = some("by_hour", 0, 23, 3)
	if rapid.Bool().Draw(t, "dst-hours") {
		r.ByHour = rapid.SliceOfNDistinct(rapid.SampledFrom([]int{0, 1, 2, 3, 23}), 1, 3, rapid.ID[int]).Draw(t, "by_hour_dst")
	}
	if rapid.Bool().Draw(t, "by_minute?") {
		r.ByMinute = rapid.SliceOfNDistinct(rapid.SampledFrom([]int{0, 15, 30, 45, 59}), 1, 3, rapid.ID[int]).Draw(t, "by_minute")
	}
	if rapid.IntRange(0, 5).Draw(t, "by_second?") == 0 {
		r.BySecond = some("by_second", 0, 59, 2)
	}
	for _, m := range some("by_month", 1, 12, 4) {
		r.ByMonth = append(r.ByMonth, time.Month(m))
	}
	if freq != Weekly {
		r.ByMonthDay = signed("by_month_day", 31, 3)
	}
	if freq == Yearly || freq.subDaily() {
		r.ByYearDay = signed("by_year_day", 366, 3)
	}
	if freq == Yearly && rapid.IntRange(0, 3).Draw(t, "by_week_no?") == 0 {
		r.ByWeekNo = signed("by_week_no", 53, 2)
	}
	if rapid.Bool().Draw(t, "by_day?") {
		ordinals := (freq == Monthly || freq == Yearly) && len(r.ByWeekNo) == 0
		maxN := 5
		if freq == Yearly && len(r.ByMonth) == 0 {
			maxN = 53
		}
		for range rapid.IntRange(1, 3).Draw(t, "by_day_len") {
			w := Weekday{Day: Day(rapid.IntRange(1, 7).Draw(t, "day"))}
			if ordinals && rapid.Bool().Draw(t, "ordinal?") {
				w.N = rapid.IntRange(1, maxN).Draw(t, "n")
				if rapid.Bool().Draw(t, "n-neg") {
					w.N = -w.N
				}
			}
			r.ByDay = append(r.ByDay, w)
		}
	}
	if r.hasBy() && rapid.IntRange(0, 3).Draw(t, "by_set_pos?") == 0 {
		r.BySetPos = signed("by_set_pos", 5, 2)
	}
	r.WeekStart = Day(rapid.IntRange(0, 7).Draw(t, "wkst"))
	return r
}

// genStart draws a zone and a start near one of its DST changes.
func genStart(t *rapid.T) (qun.Zone, DateTime) {
	zone := qun.MustLoadZone(rapid.SampledFrom(dstZones).Draw(t, "zone"))
	loc := zone.Location()
	probe := time.Date(rapid.IntRange(1995, 2035).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")), 1, 0, 0, 0, 0, loc)
	_, end := probe.ZoneBounds()
	if end.IsZero() {
		end = probe
	}
	near := end.Add(time.Duration(rapid.IntRange(-40, 5).Draw(t, "days")) * 24 * time.Hour).In(loc)
	start := DateTime{qun.DateOf(near), rapid.IntRange(0, 23).Draw(t, "hour"), rapid.SampledFrom([]int{0, 15, 30, 45}).Draw(t, "minute"), 0}
	return zone, start
}

// oracle expands r naively, from the RFC's words rather than the engine's
// masks: it walks every day from the start, asks of each whether its period
// is one the interval keeps and whether it passes each part, resolves wall
// readings with qun.Date.At, and sorts. It covers DAILY to YEARLY rules.
func oracle(rec Recurrence, lastDay qun.Date) []int64 {
	r := rec.Rule
	loc := rec.Zone.Location()
	start := rec.Start
	interval := max(1, r.Interval)
	wkst := r.WeekStart.Weekday()
	byDay, byMonthDay, byMonth := r.ByDay, r.ByMonthDay, r.ByMonth
	sw := Weekday{Day: DayOf(start.Date.Weekday())}
	switch r.Freq {
	case Weekly:
		if len(byDay) == 0 {
			byDay = []Weekday{sw}
		}
	case Monthly:
		if len(byDay) == 0 && len(byMonthDay) == 0 {
			byMonthDay = []int{start.Date.Day}
		}
	case Yearly:
		if len(byDay) == 0 && len(byMonthDay) == 0 && len(r.ByYearDay) == 0 {
			switch {
			case len(r.ByWeekNo) > 0:
				byDay = []Weekday{sw}
			case len(byMonth) == 0:
				byMonth, byMonthDay = []time.Month{start.Date.Month}, []int{start.Date.Day}
			default:
				byMonthDay = []int{start.Date.Day}
			}
		}
	}
	weekStartOf := func(d qun.Date) qun.Date {
		return d.AddDays(-int((int(d.Weekday()) - int(wkst) + 7) % 7))
	}
	week1 := func(y int) qun.Date { return weekStartOf(qun.Date{Year: y, Month: time.January, Day: 4}) }
	passes := func(d qun.Date) bool {
		if len(byMonth) > 0 && !slices.Contains(byMonth, d.Month) {
			return false
		}
		yearLen := qun.Date{Year: d.Year + 1, Month: 1, Day: 1}.DaysSince(qun.Date{Year: d.Year, Month: 1, Day: 1})
		doy := d.DaysSince(qun.Date{Year: d.Year, Month: 1, Day: 1}) + 1
		dim := qun.Period{Grain: qun.Month, First: qun.Date{Year: d.Year, Month: d.Month, Day: 1}}.Days()
		if len(r.ByWeekNo) > 0 {
			ws := weekStartOf(d)
			wy := ws.AddDays(3).Year
			n := ws.DaysSince(week1(wy))/7 + 1
			weeks := week1(wy+1).DaysSince(week1(wy)) / 7
			if !slices.Contains(r.ByWeekNo, n) && !slices.Contains(r.ByWeekNo, n-weeks-1) {
				return false
			}
		}
		if len(r.ByYearDay) > 0 && !slices.Contains(r.ByYearDay, doy) && !slices.Contains(r.ByYearDay, doy-yearLen-1) {
			return false
		}
		if len(byMonthDay) > 0 && !slices.Contains(byMonthDay, d.Day) && !slices.Contains(byMonthDay, d.Day-dim-1) {
			return false
		}
		if len(byDay) > 0 {
			pos, length := d.Day, dim
			if r.Freq == Yearly && len(byMonth) == 0 {
				pos, length = doy, yearLen
			}
			ok := false
			for _, w := range byDay {
				if w.Day.Weekday() != d.Weekday() {
					continue
				}
				if w.N == 0 || w.N == (pos-1)/7+1 || w.N == -((length-pos)/7+1) {
					ok = true
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	periodOf := func(d qun.Date) int {
		switch r.Freq {
		case Daily:
			return d.DaysSince(start.Date)
		case Weekly:
			return weekStartOf(d).DaysSince(weekStartOf(start.Date)) / 7
		case Monthly:
			return (d.Year-start.Date.Year)*12 + int(d.Month-start.Date.Month)
		}
		return d.Year - start.Date.Year
	}
	or := func(list []int, def int) []int {
		if len(list) == 0 {
			return []int{def}
		}
		return list
	}
	var times [][3]int
	for _, h := range or(r.ByHour, start.Hour) {
		for _, m := range or(r.ByMinute, start.Minute) {
			for _, s := range or(r.BySecond, start.Second) {
				times = append(times, [3]int{h, m, s})
			}
		}
	}
	sort.Slice(times, func(i, j int) bool {
		return times[i][0]*3600+times[i][1]*60+times[i][2] < times[j][0]*3600+times[j][1]*60+times[j][2]
	})
	// Walls per period, in order.
	periods := map[int][]int64{}
	var order []int
	for d := weekStartOf(qun.Date{Year: start.Date.Year, Month: 1, Day: 1}); !d.After(lastDay); d = d.AddDays(1) {
		p := periodOf(d)
		if p < 0 || p%interval != 0 || !passes(d) {
			continue
		}
		if _, ok := periods[p]; !ok {
			order = append(order, p)
		}
		for _, tm := range times {
			w := DateTime{d, 0, 0, 0}.wall() + int64(tm[0]*3600+tm[1]*60+tm[2])
			if len(periods[p]) == 0 || periods[p][len(periods[p])-1] != w {
				periods[p] = append(periods[p], w)
			}
		}
	}
	out := []int64{start.In(loc).Unix()}
	for _, p := range order {
		walls := periods[p]
		if len(r.BySetPos) > 0 {
			var picked []int64
			for _, sp := range r.BySetPos {
				i := sp - 1
				if sp < 0 {
					i = len(walls) + sp
				}
				if i >= 0 && i < len(walls) {
					picked = append(picked, walls[i])
				}
			}
			walls = picked
		}
		for _, w := range walls {
			if w < start.wall() {
				continue
			}
			day := floorDiv(w, 86400)
			sod := int(w - day*86400)
			out = append(out, dateOfDay(day).At(sod/3600, sod/60%60, sod%60, 0, loc).Unix())
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestExpansionMatchesOracle: for generated rules in generated zones,
// starting near DST changes, the schedule yields exactly the oracle's
// instants: every occurrence satisfies the rule, none is missing, none is
// doubled, in increasing order, inside [from, to). With COUNT it is the
// first COUNT of them.
func TestExpansionMatchesOracle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		freq := rapid.SampledFrom([]Freq{Daily, Weekly, Monthly, Yearly}).Draw(t, "freq")
		rule := genRule(t, freq)
		zone, start := genStart(t)
		if rapid.IntRange(0, 3).Draw(t, "count?") == 0 {
			rule.Count = rapid.IntRange(1, 30).Draw(t, "count")
		}
		rec := Recurrence{Start: start, Zone: zone, Rule: rule}
		s, err := rec.Compile()
		if err != nil {
			t.Fatalf("compile %s: %v", rec, err)
		}
		loc := zone.Location()
		years := 2
		if freq == Yearly {
			years = 9
		}
		lastDay := start.Date.AddDays(366 * years)
		want := oracle(rec, lastDay.AddDays(400))
		if rule.Count > 0 && len(want) > rule.Count {
			want = want[:rule.Count]
		}
		from := start.In(loc).Add(time.Duration(rapid.IntRange(-48, 24*200).Draw(t, "from-hours")) * time.Hour)
		to := DateTime{lastDay, 0, 0, 0}.In(loc)
		var got, exp []int64
		for occ := range s.Between(from, to) {
			if occ.Location() != loc {
				t.Fatalf("occurrence %v not in %v", occ, loc)
			}
			got = append(got, occ.Unix())
		}
		for _, w := range want {
			if w >= from.Unix() && w < to.Unix() {
				exp = append(exp, w)
			}
		}
		if diff := cmp.Diff(exp, got); diff != "" {
			t.Fatalf("%s\nfrom %v to %v (-oracle +schedule):\n%s", rec, from, to, diff)
		}
	})
}

// TestSubDailyElapsed: SECONDLY, MINUTELY and HOURLY rules without limits
// step exactly INTERVAL units of elapsed time, across every DST change.
func TestSubDailyElapsed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		freq := rapid.SampledFrom([]Freq{Minutely, Hourly}).Draw(t, "freq")
		interval := rapid.IntRange(1, 7).Draw(t, "interval")
		zone, start := genStart(t)
		s, err := Recurrence{Start: start, Zone: zone, Rule: Rule{Freq: freq, Interval: interval}}.Compile()
		if err != nil {
			t.Fatal(err)
		}
		step := time.Duration(interval) * time.Minute
		if freq == Hourly {
			step = time.Duration(interval) * time.Hour
		}
		from := start.In(zone.Location())
		prev := from
		n := 0
		for occ := range s.Between(from, from.Add(2000*step)) {
			if n > 0 && occ.Sub(prev) != step {
				t.Fatalf("%v then %v: want a step of %v", prev, occ, step)
			}
			prev = occ
			n++
		}
		if n != 2000 {
			t.Fatalf("%d occurrences, want 2000", n)
		}
	})
}

// TestSubDailyLimits: generated sub-daily rules yield increasing instants
// whose wall readings pass every limit.
func TestSubDailyLimits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		freq := rapid.SampledFrom([]Freq{Secondly, Minutely, Hourly}).Draw(t, "freq")
		rule := genRule(t, freq)
		zone, start := genStart(t)
		rec := Recurrence{Start: start, Zone: zone, Rule: rule}
		s, err := rec.Compile()
		if err != nil {
			t.Fatalf("compile %s: %v", rec, err)
		}
		loc := zone.Location()
		from := start.In(loc).Add(time.Second)
		var prev time.Time
		n := 0
		// Two years bound the cost of rules that match rarely or never.
		for occ := range s.Between(from, from.AddDate(2, 0, 0)) {
			if !occ.After(prev) || occ.Before(from) {
				t.Fatalf("%v after %v", occ, prev)
			}
			prev = occ
			d := qun.DateOf(occ)
			if len(rule.ByMonth) > 0 && !slices.Contains(rule.ByMonth, d.Month) ||
				len(rule.ByHour) > 0 && !slices.Contains(rule.ByHour, occ.Hour()) ||
				freq != Hourly && len(rule.ByMinute) > 0 && !slices.Contains(rule.ByMinute, occ.Minute()) {
				t.Fatalf("%s: %v breaks a limit", rec, occ)
			}
			if n++; n == 50 {
				break
			}
		}
	})
}

// TestSkipAheadAgrees: reading from a later instant gives the tail of the
// reading from the start.
func TestSkipAheadAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		freq := rapid.SampledFrom([]Freq{Minutely, Hourly, Daily, Weekly, Monthly, Yearly}).Draw(t, "freq")
		rule := genRule(t, freq)
		zone, start := genStart(t)
		s, err := Recurrence{Start: start, Zone: zone, Rule: rule}.Compile()
		if err != nil {
			t.Fatal(err)
		}
		first := start.In(zone.Location())
		maxHours := 3 * 365 * 24
		switch freq {
		case Minutely:
			maxHours = 20 * 24
		case Hourly:
			maxHours = 200 * 24
		}
		horizon := first.Add(time.Duration(rapid.IntRange(1, maxHours).Draw(t, "hours")) * time.Hour)
		from := first.Add(horizon.Sub(first) / time.Duration(rapid.IntRange(1, 4).Draw(t, "split")))
		var all []time.Time
		for occ := range s.Between(first, horizon) {
			if !occ.Before(from) {
				all = append(all, occ)
			}
			if len(all) > 500 {
				break
			}
		}
		var tail []time.Time
		for occ := range s.Between(from, horizon) {
			tail = append(tail, occ)
			if len(tail) > 500 {
				break
			}
		}
		if diff := cmp.Diff(all, tail); diff != "" {
			t.Fatalf("(-from start +skipped ahead):\n%s", diff)
		}
	})
}
