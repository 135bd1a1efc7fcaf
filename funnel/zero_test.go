package funnel_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/internal/sweep"
)

// The zero-value sweep: every exported entry point of the package, called
// with a nil or zero receiver (a *Table that NewTable did not make, a
// Query that Compile did not make), nil iterators, nil slices, NaN and
// infinite numbers, zero, negative and enormous sizes, and the first and
// last days a qun.Date can hold. None may panic or hang; each returns what
// its doc comment promises: a nil table reads as an empty one, a nil or
// zero query counts nothing, and bad data is refused with an error
// matching qun.ErrInvalid.

// wantInvalid reports an error unless err refuses the input as invalid.
func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("%s: error %v, want one matching qun.ErrInvalid", what, err)
	}
}

// same reports a difference between two values that must be equal.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

var (
	sweepStart = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	firstDay   = qun.Date{Year: 1, Month: time.January, Day: 1}
	lastDay    = qun.Date{Year: 9999, Month: time.December, Day: 31}
	novFirst   = qun.Date{Year: 2026, Month: time.November, Day: 1}
	novLast    = qun.Date{Year: 2026, Month: time.November, Day: 30}
)

// sweepTable is a small table with a profile, for the cases that need
// one that is not empty.
func sweepTable(t *testing.T) *funnel.Table {
	t.Helper()
	var evs []qun.Event
	for i, name := range []string{"join", "join", "post", "post", "purchase", "purchase"} {
		evs = append(evs, qun.Event{Member: qun.MemberID(fmt.Sprint("m", i%2)), Name: name,
			Time: sweepStart.Add(time.Duration(i) * 26 * time.Hour), Props: map[string]string{"channel": "ad"}})
	}
	tab, err := funnel.Build(slices.Values(evs))
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.AddProfiles(slices.Values([]funnel.Profile{{Member: "m0", Joined: sweepStart.Add(-time.Hour)}, {Member: "m9", Joined: sweepStart}})); err != nil {
		t.Fatal(err)
	}
	return tab
}

func sweepQuery(t *testing.T) *funnel.Query {
	t.Helper()
	q, err := funnel.Funnel{Steps: []funnel.Step{{EventFilter: qun.EventFilter{Name: "join"}}, {EventFilter: qun.EventFilter{Name: "post"}}},
		Breakdown: &funnel.Breakdown{Prop: "channel"}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// measures runs every measure of the package over tab, so that a nil and a
// zero table can be compared with an empty one made by NewTable.
func measures(t *testing.T, tab *funnel.Table) []any {
	t.Helper()
	q := sweepQuery(t)
	path, ok := q.Explain(tab, "m0", funnel.Range{})
	var runs []qun.MemberID
	for r := range tab.Runs() {
		runs = append(runs, r.Member())
	}
	first, last := tab.Span()
	out := []any{tab.Len(), tab.Members(), first, last, runs, q.Run(tab, funnel.Range{}), path, ok}
	ret := funnel.Retention{Start: qun.EventFilter{Name: "join"}, Grain: qun.Week}
	for _, r := range []funnel.Retention{ret, {FromJoined: true, Grain: qun.Day, OnOrAfter: true}} {
		res, err := r.Run(tab, novFirst, novLast, time.Time{})
		out = append(out, res, err)
	}
	act := funnel.Activity{}
	daily, err := act.Daily(tab, novFirst, novLast)
	out = append(out, daily, err)
	per, err := act.ActiveDaysPer(tab, qun.Week, novFirst, novLast)
	out = append(out, per, err)
	life, err := funnel.Lifecycle{Grain: qun.Week}.Run(tab, novFirst, novLast)
	return append(out, life, err)
}

func TestZeroSweepTable(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "nil and zero Table read as empty", Run: func(t *testing.T) {
			empty := measures(t, funnel.NewTable())
			same(t, "nil *Table", empty, measures(t, nil))
			same(t, "zero Table", empty, measures(t, &funnel.Table{}))
		}},
		{Name: "nil Table refuses writes", Run: func(t *testing.T) {
			var tab *funnel.Table
			wantInvalid(t, "Append", tab.Append(slices.Values([]qun.Event{{Member: "a", Name: "join", Time: sweepStart}})))
			wantInvalid(t, "Append(nil)", tab.Append(nil))
			wantInvalid(t, "AddProfiles", tab.AddProfiles(slices.Values([]funnel.Profile{{Member: "a"}})))
			wantInvalid(t, "AddProfiles(nil)", tab.AddProfiles(nil))
		}},
		{Name: "nil iterators add nothing", Run: func(t *testing.T) {
			tab, err := funnel.Build(nil)
			if err != nil || tab == nil || tab.Len() != 0 || tab.Members() != 0 {
				t.Errorf("Build(nil) = %v, %v", tab, err)
			}
			tab = sweepTable(t)
			before := measures(t, tab)
			if err := tab.Append(nil); err != nil {
				t.Errorf("Append(nil) = %v", err)
			}
			if err := tab.AddProfiles(nil); err != nil {
				t.Errorf("AddProfiles(nil) = %v", err)
			}
			if err := tab.Append(slices.Values([]qun.Event(nil))); err != nil {
				t.Errorf("Append(no events) = %v", err)
			}
			same(t, "after nil appends", before, measures(t, tab))
		}},
		{Name: "events and profiles out of range", Run: func(t *testing.T) {
			tab := sweepTable(t)
			before := measures(t, tab)
			for _, at := range []time.Time{{}, time.Date(0, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(1<<62, 0), time.Unix(-1<<62, 0)} {
				err := tab.Append(slices.Values([]qun.Event{{Member: "m0", Name: "post", Time: sweepStart}, {Member: "x", Name: "post", Time: at}}))
				wantInvalid(t, fmt.Sprint("Append at ", at), err)
				if !at.IsZero() {
					wantInvalid(t, fmt.Sprint("AddProfiles joined ", at), tab.AddProfiles(slices.Values([]funnel.Profile{{Member: "x", Joined: at}})))
				}
			}
			wantInvalid(t, "Append of an empty member", tab.Append(slices.Values([]qun.Event{{Name: "post", Time: sweepStart}})))
			wantInvalid(t, "Append of an empty name", tab.Append(slices.Values([]qun.Event{{Member: "m0", Time: sweepStart}})))
			same(t, "after refused appends", before, measures(t, tab))
			wantInvalid(t, "AddProfiles of an empty member", tab.AddProfiles(slices.Values([]funnel.Profile{{}})))
		}},
		{Name: "zero Run", Run: func(t *testing.T) {
			var r funnel.Run
			if r.Len() != 0 || r.Member() != "" {
				t.Errorf("zero Run: %d events of %q", r.Len(), r.Member())
			}
		}},
		{Name: "Runs stops when told", Run: func(t *testing.T) {
			n := 0
			for range sweepTable(t).Runs() {
				n++
				break
			}
			if n != 1 {
				t.Errorf("%d runs", n)
			}
		}},
	})
}

func TestZeroSweepFunnel(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "nil and zero Query count nothing", Run: func(t *testing.T) {
			tab := sweepTable(t)
			for name, q := range map[string]*funnel.Query{"nil": nil, "zero": new(funnel.Query)} {
				for _, tb := range []*funnel.Table{nil, {}, funnel.NewTable(), tab} {
					same(t, name+" Query: Run", funnel.Result{}, q.Run(tb, funnel.Range{}))
				}
				if p, ok := q.Explain(tab, "m0", funnel.Range{}); ok || !cmp.Equal(p, funnel.Path{}) {
					t.Errorf("%s Query: Explain = %+v, %v", name, p, ok)
				}
				same(t, name+" Query: Funnel", funnel.Funnel{}, q.Funnel())
			}
		}},
		{Name: "Explain of no one", Run: func(t *testing.T) {
			q := sweepQuery(t)
			for _, m := range []qun.MemberID{"", "nobody", "m9"} {
				p, ok := q.Explain(sweepTable(t), m, funnel.Range{})
				if m == "m9" { // a member known from a profile alone
					if !ok || p.Reached != 0 || p.Member != m {
						t.Errorf("Explain(%q) = %+v, %v", m, p, ok)
					}
					continue
				}
				if ok || !cmp.Equal(p, funnel.Path{}) {
					t.Errorf("Explain(%q) = %+v, %v", m, p, ok)
				}
			}
		}},
		{Name: "ranges empty, inverted and far", Run: func(t *testing.T) {
			q, tab := sweepQuery(t), sweepTable(t)
			all := q.Run(tab, funnel.Range{})
			if all.Steps[0].Members != 2 {
				t.Fatalf("the sweep table's funnel counts %v", all.Steps)
			}
			none := q.Run(funnel.NewTable(), funnel.Range{})
			none.Breakdown = nil
			far, farPast := time.Unix(1<<62, 999_999_999), time.Unix(-1<<62, 0)
			for _, r := range []funnel.Range{
				{From: sweepStart.Add(time.Hour), To: sweepStart},
				{From: sweepStart, To: sweepStart},
				{From: far},
				{To: farPast},
				{From: far, To: farPast},
				{To: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)},
			} {
				same(t, fmt.Sprintf("Run over %v", r), none, q.Run(tab, r))
			}
			for _, r := range []funnel.Range{{From: farPast}, {To: far}, {From: farPast, To: far}, {From: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)}} {
				same(t, fmt.Sprintf("Run over %v", r), all, q.Run(tab, r))
			}
		}},
		{Name: "definitions zero, invalid and extreme", Run: func(t *testing.T) {
			tab := sweepTable(t)
			join := funnel.Step{EventFilter: qun.EventFilter{Name: "join"}}
			for _, f := range []funnel.Funnel{
				{},
				{Steps: []funnel.Step{}},
				{Steps: []funnel.Step{{}}},
				{Steps: make([]funnel.Step, funnel.MaxSteps+1)},
				{Steps: []funnel.Step{join}, Order: 200},
				{Steps: []funnel.Step{join}, Window: funnel.Window{Duration: -1}},
				{Steps: []funnel.Step{join}, Window: funnel.Months(-1)},
				{Steps: []funnel.Step{join}, Window: funnel.Months(math.MaxInt)},
				{Steps: []funnel.Step{join}, Window: funnel.Window{Months: 1, Duration: 1}},
				{Steps: []funnel.Step{join, {EventFilter: join.EventFilter, Occurrence: 200}}},
				{Steps: []funnel.Step{join}, Exclusions: []funnel.Exclusion{{From: math.MinInt, To: math.MaxInt}}},
				{Steps: []funnel.Step{join}, Exclusions: make([]funnel.Exclusion, funnel.MaxExclusions+1)},
				{Steps: []funnel.Step{join}, Breakdown: &funnel.Breakdown{}},
				{Steps: []funnel.Step{join}, Breakdown: &funnel.Breakdown{Prop: "x", Attribution: 200}},
				{Steps: []funnel.Step{join}, Bins: -1},
				{Steps: []funnel.Step{join}, Bins: math.MaxInt},
			} {
				wantInvalid(t, fmt.Sprintf("Validate(%+v)", f), f.Validate())
				q, err := f.Compile()
				wantInvalid(t, fmt.Sprintf("Compile(%+v)", f), err)
				if q != nil {
					t.Errorf("Compile(%+v) gave a query", f)
				}
			}
			// The widest windows saturate at the end of time.
			for _, w := range []funnel.Window{{Duration: math.MaxInt64}, funnel.Months(12 * 10000)} {
				for _, o := range []funnel.Order{funnel.Ordered, funnel.Strict, funnel.Unordered} {
					f := funnel.Funnel{Steps: []funnel.Step{join, {EventFilter: qun.EventFilter{Name: "post"}, Within: w}}, Order: o, Window: w, Bins: funnel.MaxBins}
					if o == funnel.Unordered {
						f.Steps[1].Within = funnel.Window{}
					}
					q, err := f.Compile()
					if err != nil {
						t.Fatal(err)
					}
					if got := q.Run(tab, funnel.Range{}).Steps[1].Members; got != 2 {
						t.Errorf("%v funnel within %v: %d members at step 2, want 2", o, w, got)
					}
				}
			}
		}},
		{Name: "a bot with 200,000 events in one window", Run: func(t *testing.T) {
			// Every order is near linear in a member's events: the
			// unordered search once offered every event of a window to
			// each window, a member's events squared (hours here).
			const n = 200_000
			tab, err := funnel.Build(func(yield func(qun.Event) bool) {
				for i := range n {
					name := "visit"
					if i%50_000 == 49_999 {
						name = "buy"
					}
					if !yield(qun.Event{Member: "bot", Name: name, Time: sweepStart.Add(time.Duration(i) * time.Second)}) {
						return
					}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			visit, buy := qun.EventFilter{Name: "visit"}, qun.EventFilter{Name: "buy"}
			for _, o := range []funnel.Order{funnel.Ordered, funnel.Strict, funnel.Unordered} {
				q, err := funnel.Funnel{Order: o, Steps: []funnel.Step{{EventFilter: buy}, {EventFilter: buy}, {EventFilter: visit}, {EventFilter: buy}},
					Exclusions: []funnel.Exclusion{{Event: qun.EventFilter{Name: "refund"}, To: 3}}}.Compile()
				if err != nil {
					t.Fatal(err)
				}
				if got := q.Run(tab, funnel.Range{}).Steps[0].Members; got != 1 {
					t.Errorf("%v: %d members", o, got)
				}
			}
		}},
		{Name: "enums out of range", Run: func(t *testing.T) {
			for _, v := range []interface {
				String() string
				MarshalText() ([]byte, error)
			}{funnel.Order(200), funnel.Occurrence(200), funnel.Attribution(200), funnel.Window{Months: -1}, funnel.Window{Duration: -1}} {
				if v.String() == "" {
					t.Errorf("%#v has no name", v)
				}
				_, err := v.MarshalText()
				wantInvalid(t, fmt.Sprintf("%#v.MarshalText", v), err)
			}
			var o funnel.Order
			wantInvalid(t, "Order.UnmarshalText", o.UnmarshalText(nil))
			var oc funnel.Occurrence
			wantInvalid(t, "Occurrence.UnmarshalText", oc.UnmarshalText(nil))
			var a funnel.Attribution
			wantInvalid(t, "Attribution.UnmarshalText", a.UnmarshalText(nil))
			var w funnel.Window
			for _, s := range []string{"", "mo", "-1mo", "99999999999999999999mo", "1000000mo", "-1s", "1e400h", "NaN"} {
				_, err := funnel.ParseWindow(s)
				wantInvalid(t, fmt.Sprintf("ParseWindow(%q)", s), err)
				wantInvalid(t, fmt.Sprintf("Window.UnmarshalText(%q)", s), w.UnmarshalText([]byte(s)))
			}
			var f funnel.Funnel
			wantInvalid(t, "Funnel.UnmarshalJSON(null)", f.UnmarshalJSON([]byte("null")))
			wantInvalid(t, "Funnel.UnmarshalJSON(nil)", f.UnmarshalJSON(nil))
			var s funnel.Step
			wantInvalid(t, "Step.UnmarshalJSON(nil)", s.UnmarshalJSON(nil))
			if _, err := (funnel.Step{}).MarshalJSON(); err != nil {
				t.Errorf("the zero Step does not marshal: %v", err)
			}
		}},
	})
}

func TestZeroSweepMeasures(t *testing.T) {
	join, post := qun.EventFilter{Name: "join"}, qun.EventFilter{Name: "post"}
	sweep.Run(t, []sweep.Case{
		{Name: "zero and invalid definitions", Run: func(t *testing.T) {
			tab := sweepTable(t)
			for _, r := range []funnel.Retention{{}, {Start: join}, {Start: join, Grain: qun.Year}, {Start: join, Grain: 200},
				{Start: join, Grain: qun.Day, Periods: -1}, {Start: join, Grain: qun.Day, Periods: math.MaxInt},
				{FromJoined: true, Recurring: true, Grain: qun.Day}, {Start: join, Return: qun.EventFilter{Where: []qun.Condition{{}}}, Grain: qun.Day},
				{Start: join, Grain: qun.Day, Calendar: qun.Calendar{WeekStart: 9}}} {
				_, err := r.Run(tab, novFirst, novLast, time.Time{})
				wantInvalid(t, fmt.Sprintf("Retention%+v.Run", r), err)
			}
			for _, a := range []funnel.Activity{{Events: []qun.EventFilter{{}}}, {Calendar: qun.Calendar{WeekStart: -1}}} {
				_, err := a.Daily(tab, novFirst, novLast)
				wantInvalid(t, fmt.Sprintf("Activity%+v.Daily", a), err)
				_, err = a.ActiveDaysPer(tab, qun.Week, novFirst, novLast)
				wantInvalid(t, fmt.Sprintf("Activity%+v.ActiveDaysPer", a), err)
			}
			for _, g := range []qun.Grain{0, 200} {
				_, err := funnel.Activity{}.ActiveDaysPer(tab, g, novFirst, novLast)
				wantInvalid(t, fmt.Sprintf("ActiveDaysPer(grain %d)", g), err)
			}
			for _, l := range []funnel.Lifecycle{{}, {Grain: qun.Quarter}, {Grain: qun.Day, Events: []qun.EventFilter{{}}}} {
				_, err := l.Run(tab, novFirst, novLast)
				wantInvalid(t, fmt.Sprintf("Lifecycle%+v.Run", l), err)
			}
		}},
		{Name: "days zero, invalid and inverted", Run: func(t *testing.T) {
			tab := sweepTable(t)
			for _, d := range [][2]qun.Date{{}, {novFirst, {}}, {{}, novLast}, {novLast, novFirst}, {{Year: 2026, Month: 2, Day: 30}, novLast},
				{{Year: 0, Month: 12, Day: 31}, novLast}, {novFirst, {Year: 10000, Month: 1, Day: 1}}} {
				_, err := funnel.Retention{Start: join, Grain: qun.Day}.Run(tab, d[0], d[1], time.Time{})
				wantInvalid(t, fmt.Sprintf("Retention.Run(%v, %v)", d[0], d[1]), err)
				_, err = funnel.Activity{}.Daily(tab, d[0], d[1])
				wantInvalid(t, fmt.Sprintf("Daily(%v, %v)", d[0], d[1]), err)
				_, err = funnel.Activity{}.ActiveDaysPer(tab, qun.Month, d[0], d[1])
				wantInvalid(t, fmt.Sprintf("ActiveDaysPer(%v, %v)", d[0], d[1]), err)
				_, err = funnel.Lifecycle{Grain: qun.Day}.Run(tab, d[0], d[1])
				wantInvalid(t, fmt.Sprintf("Lifecycle.Run(%v, %v)", d[0], d[1]), err)
			}
		}},
		{Name: "the first and last days of the calendar", Run: func(t *testing.T) {
			tab := sweepTable(t)
			late := lastDay.AddDays(-6)
			for _, g := range []qun.Grain{qun.Day, qun.Week, qun.Month} {
				for _, d := range [][2]qun.Date{{firstDay, firstDay.AddDays(6)}, {late, lastDay}} {
					for _, r := range []funnel.Retention{{Start: join, Return: post, Grain: g, Periods: funnel.MaxPeriods}, {FromJoined: true, Grain: g, OnOrAfter: true}} {
						res, err := r.Run(tab, d[0], d[1], time.Unix(1<<62, 0))
						if err != nil || len(res.Cohorts) == 0 {
							t.Errorf("Retention over %v: %d cohorts, %v", d, len(res.Cohorts), err)
						}
						for _, c := range res.Cohorts {
							if c.Size != 0 {
								t.Errorf("Retention over %v: a cohort of %d", d, c.Size)
							}
						}
					}
					if _, err := (funnel.Lifecycle{Grain: g}).Run(tab, d[0], d[1]); err != nil {
						t.Errorf("Lifecycle over %v: %v", d, err)
					}
					if _, err := (funnel.Activity{}).ActiveDaysPer(tab, g, d[0], d[1]); err != nil {
						t.Errorf("ActiveDaysPer over %v: %v", d, err)
					}
				}
			}
			for _, d := range [][2]qun.Date{{firstDay, firstDay.AddDays(6)}, {late, lastDay}} {
				days, err := funnel.Activity{}.Daily(tab, d[0], d[1])
				if err != nil || len(days) != 7 {
					t.Errorf("Daily over %v: %d days, %v", d, len(days), err)
				}
			}
		}},
		{Name: "all of time", Run: func(t *testing.T) {
			// 3,652,059 days: slow, but linear in them.
			per, err := funnel.Activity{}.ActiveDaysPer(sweepTable(t), qun.Year, firstDay, lastDay)
			if err != nil || len(per) != 9999 || per[2025].Members != 2 {
				t.Errorf("ActiveDaysPer by year over all time: %d years, %v", len(per), err)
			}
		}},
		{Name: "now zero, past and far", Run: func(t *testing.T) {
			tab := sweepTable(t)
			r := funnel.Retention{Start: join, Return: post, Grain: qun.Day}
			all, err := r.Run(tab, novFirst, novLast, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			for _, now := range []time.Time{time.Unix(1<<62, 999_999_999), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)} {
				got, err := r.Run(tab, novFirst, novLast, now)
				if err != nil {
					t.Fatal(err)
				}
				same(t, fmt.Sprint("Retention observed until ", now), all, got)
			}
			for _, now := range []time.Time{time.Unix(-1<<62, 0), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)} {
				got, err := r.Run(tab, novFirst, novLast, now)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range got.Cohorts {
					if c.Observed != 0 {
						t.Errorf("Retention observed until %v: cohort %v observed %d periods", now, c.Period, c.Observed)
					}
				}
			}
		}},
	})
}

func TestZeroSweepGrowth(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	sweep.Run(t, []sweep.Case{
		{Name: "GrowthRate refuses what is not a number", Run: func(t *testing.T) {
			for _, c := range [][2]float64{{0, 1}, {-1, 1}, {nan, 1}, {inf, 1}, {-inf, 1}, {1, -1}, {1, nan}, {1, inf}} {
				_, err := funnel.GrowthRate(c[0], c[1], 3)
				wantInvalid(t, fmt.Sprintf("GrowthRate(%v, %v)", c[0], c[1]), err)
			}
			for _, n := range []int{0, -1, math.MinInt} {
				_, err := funnel.GrowthRate(1, 2, n)
				wantInvalid(t, fmt.Sprintf("GrowthRate over %d periods", n), err)
			}
			if r, err := funnel.GrowthRate(1, 2, math.MaxInt); err != nil || r < 0 || r > 1e-9 {
				t.Errorf("GrowthRate over MaxInt periods = %v, %v", r, err)
			}
		}},
		{Name: "Compound carries NaN and infinity through", Run: func(t *testing.T) {
			if !math.IsNaN(funnel.Compound(nan, 0.1, 3)) || !math.IsNaN(funnel.Compound(1, nan, 3)) {
				t.Error("NaN in, not NaN out")
			}
			if funnel.Compound(1, 0.1, 0) != 1 || funnel.Compound(1, 1, math.MaxInt) != inf || funnel.Compound(1, 1, math.MinInt) != 0 {
				t.Error("Compound at the extremes")
			}
		}},
		{Name: "the zero Viral", Run: func(t *testing.T) {
			var v funnel.Viral
			wantInvalid(t, "Validate", v.Validate())
			if v.K() != 0 || v.Cycles(time.Hour) != 0 {
				t.Errorf("K %v, %d cycles", v.K(), v.Cycles(time.Hour))
			}
			same(t, "Project", []float64{10, 10, 10}, v.Project(10, 2))
			_, err := v.KFor(10, 100, time.Hour)
			wantInvalid(t, "KFor", err)
			wantInvalid(t, "UnmarshalJSON", v.UnmarshalJSON([]byte(`{}`)))
		}},
		{Name: "Viral with numbers that are not", Run: func(t *testing.T) {
			for _, v := range []funnel.Viral{{Invites: nan, CycleTime: 1}, {Invites: inf, CycleTime: 1}, {Invites: -1, CycleTime: 1},
				{Conversion: nan, CycleTime: 1}, {Conversion: 2, CycleTime: 1}, {CycleTime: -1}, {Churn: nan, CycleTime: 1}, {Churn: 1, CycleTime: 1}} {
				wantInvalid(t, fmt.Sprintf("Viral%+v.Validate", v), v.Validate())
			}
			v := funnel.Viral{Invites: 3, Conversion: 0.5, CycleTime: qun.Duration(24 * time.Hour), Churn: 0.1}
			for _, c := range [][2]float64{{0, 100}, {-1, 100}, {nan, 100}, {inf, 100}, {10, 0}, {10, nan}, {10, inf}, {10, -inf}} {
				_, err := v.KFor(c[0], c[1], 30*24*time.Hour)
				wantInvalid(t, fmt.Sprintf("KFor(%v, %v)", c[0], c[1]), err)
			}
			for _, d := range []time.Duration{0, -1, math.MinInt64} {
				_, err := v.KFor(10, 100, d)
				wantInvalid(t, fmt.Sprintf("KFor within %v", d), err)
			}
			if k, err := v.KFor(10, 5, 0); err != nil || k != 0 {
				t.Errorf("KFor a target already reached = %v, %v", k, err)
			}
		}},
		{Name: "Viral cycles zero, negative and enormous", Run: func(t *testing.T) {
			v := funnel.Viral{Invites: 2, Conversion: 0.5, CycleTime: 1, Churn: 0.01}
			same(t, "Project(-1)", []float64{7}, v.Project(7, -1))
			same(t, "Project(MinInt)", []float64{7}, v.Project(7, math.MinInt))
			if got := v.Project(7, math.MaxInt); len(got) != funnel.MaxCycles+1 {
				t.Errorf("Project(MaxInt) has %d entries, want MaxCycles+1", len(got))
			}
			if n := v.Cycles(math.MaxInt64); n != math.MaxInt64 {
				t.Errorf("Cycles = %d", n)
			}
			_, err := v.KFor(10, 1e6, math.MaxInt64)
			wantInvalid(t, "KFor over 2^63 cycles", err)
			v.CycleTime = qun.Duration(time.Hour)
			if k, err := v.KFor(10, 1e300, 2*time.Hour); err == nil {
				t.Errorf("KFor of an unreachable target = %v", k)
			} else {
				wantInvalid(t, "KFor of an unreachable target", err)
			}
		}},
		{Name: "Generations of nothing", Run: func(t *testing.T) {
			same(t, "Generations(nil)", funnel.Tree{}, funnel.Generations(nil))
			same(t, "Generations(none)", funnel.Tree{}, funnel.Generations(slices.Values([]funnel.Invite(nil))))
			same(t, "Generations(zero invites)", funnel.Tree{Ignored: 2}, funnel.Generations(slices.Values(make([]funnel.Invite, 2))))
			same(t, "Generations(one)", funnel.Tree{Generations: []funnel.Generation{{Members: 1, K: 1}, {Members: 1}}},
				funnel.Generations(slices.Values([]funnel.Invite{{Inviter: "a", Invitee: "b"}})))
		}},
	})
}
