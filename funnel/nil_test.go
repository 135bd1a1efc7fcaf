package funnel_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/funnel/funneltest"
)

// A nil table reads as an empty one in every measure; writing to one, or
// compiling nothing, is refused or counts nothing, and nothing panics.
func TestNilInputs(t *testing.T) {
	var nilTable *funnel.Table
	empty := funnel.NewTable()
	from, to := qun.Date{Year: 2026, Month: time.November, Day: 1}, qun.Date{Year: 2026, Month: time.November, Day: 30}
	q, err := funneltest.BenchFunnel().Compile()
	if err != nil {
		t.Fatal(err)
	}
	same := func(name string, got, want any) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s on a nil table differs from an empty one (-empty +nil):\n%s", name, diff)
		}
	}
	same("Query.Run", q.Run(nilTable, funnel.Range{}), q.Run(empty, funnel.Range{}))
	if p, ok := q.Explain(nilTable, "m0", funnel.Range{}); ok || p.Reached != 0 {
		t.Errorf("Explain on a nil table = %+v, %v; want nothing", p, ok)
	}

	act := funnel.Activity{}
	gotDays, err1 := act.Daily(nilTable, from, to)
	wantDays, err2 := act.Daily(empty, from, to)
	same("Activity.Daily", []any{gotDays, err1}, []any{wantDays, err2})
	gotPer, err1 := act.ActiveDaysPer(nilTable, qun.Week, from, to)
	wantPer, err2 := act.ActiveDaysPer(empty, qun.Week, from, to)
	same("Activity.ActiveDaysPer", []any{gotPer, err1}, []any{wantPer, err2})
	life := funnel.Lifecycle{Grain: qun.Week}
	gotLife, err1 := life.Run(nilTable, from, to)
	wantLife, err2 := life.Run(empty, from, to)
	same("Lifecycle.Run", []any{gotLife, err1}, []any{wantLife, err2})
	ret := funnel.Retention{Start: qun.EventFilter{Name: "visit"}, Grain: qun.Week}
	gotRet, err1 := ret.Run(nilTable, from, to, time.Time{})
	wantRet, err2 := ret.Run(empty, from, to, time.Time{})
	same("Retention.Run", []any{gotRet, err1}, []any{wantRet, err2})
	if len(wantDays) != 30 || len(wantLife) == 0 || len(wantRet.Cohorts) == 0 {
		t.Errorf("the empty table's series are empty: %d days, %d periods, %d cohorts", len(wantDays), len(wantLife), len(wantRet.Cohorts))
	}

	if nilTable.Len() != 0 || nilTable.Members() != 0 {
		t.Errorf("a nil table has %d events of %d members", nilTable.Len(), nilTable.Members())
	}
	if first, last := nilTable.Span(); !first.IsZero() || !last.IsZero() {
		t.Errorf("a nil table spans %v to %v", first, last)
	}
	for range nilTable.Runs() {
		t.Error("a nil table yields a run")
	}
	events := slices.Values([]qun.Event{{Member: "m", Name: "visit", Time: time.Unix(1, 0)}})
	if err := nilTable.Append(events); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Append to a nil table: %v, want ErrInvalid", err)
	}
	if err := nilTable.AddProfiles(slices.Values([]funnel.Profile{{Member: "m"}})); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("AddProfiles to a nil table: %v, want ErrInvalid", err)
	}

	// Nil sequences are empty ones.
	tab, err := funnel.Build(nil)
	if err != nil || tab.Len() != 0 {
		t.Errorf("Build(nil) = %d events, %v", tab.Len(), err)
	}
	if err := tab.Append(nil); err != nil || tab.Len() != 0 {
		t.Errorf("Append(nil) = %v with %d events", err, tab.Len())
	}
	if err := tab.AddProfiles(nil); err != nil || tab.Members() != 0 {
		t.Errorf("AddProfiles(nil) = %v with %d members", err, tab.Members())
	}
	if tree := funnel.Generations(nil); !cmp.Equal(tree, funnel.Generations(slices.Values([]funnel.Invite(nil)))) {
		t.Errorf("Generations(nil) = %+v", tree)
	}

	// A Query no Compile made counts nothing.
	var nilQuery *funnel.Query
	if res := nilQuery.Run(empty, funnel.Range{}); res.Steps != nil || res.Breakdown != nil {
		t.Errorf("a nil query's result: %+v", res)
	}
	if f := nilQuery.Funnel(); f.Steps != nil {
		t.Errorf("a nil query's funnel: %+v", f)
	}
	if _, ok := nilQuery.Explain(empty, "m", funnel.Range{}); ok {
		t.Error("a nil query explains a member")
	}
}

// A Synthetic that cannot be generated is refused by Validate and
// generates nothing; rows that name no member or event are skipped.
func TestSyntheticRefuses(t *testing.T) {
	for _, s := range []funneltest.Synthetic{
		{},
		{Members: 5, Events: 10},           // no days
		{Members: 5, Events: -10, Days: 1}, // negative events
		{Members: 5, Events: 2, Days: 1},   // fewer events than members
		{Members: -1, Events: 10, Days: 1}, // negative members
		{Members: 5, Events: 10, Days: funneltest.MaxDays + 1}, // seconds beyond a uint32
	} {
		if err := s.Validate(); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%+v: Validate = %v, want ErrInvalid", s, err)
		}
		if rows := s.Rows(); rows != nil {
			t.Errorf("%+v: %d rows", s, len(rows))
		}
	}
	s := funneltest.Synthetic{Members: 2, Events: 4, Days: 1, Seed: 1}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Rows()); n != 4 {
		t.Errorf("%d rows, want 4", n)
	}
	rows := []funneltest.Row{{Member: 0, Name: 0}, {Member: 2, Name: 0}, {Member: 1, Name: 200}, {Member: 1, Name: 1}}
	var got []qun.MemberID
	for e := range s.EventsWith(rows, s.IDs()) {
		got = append(got, e.Member)
	}
	if want := []qun.MemberID{"m0", "m1"}; !slices.Equal(got, want) {
		t.Errorf("events of %v, want %v", got, want)
	}
}
