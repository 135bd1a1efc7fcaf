package funneltest_test

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/funnel/funneltest"
)

// The generator with zero, negative, enormous and inconsistent sizes, and
// rows that do not fit its IDs and names: nothing panics, hangs or
// allocates a count per second of a long history; a Synthetic that does
// not validate generates nothing, and a bad row yields an event that
// Append refuses at its position.
func TestZeroSweepSynthetic(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		s     funneltest.Synthetic
		field string
	}{
		{"zero", funneltest.Synthetic{}, "Days"},
		{"no start", funneltest.Synthetic{Members: 1, Events: 1, Days: 1}, "Start"},
		{"negative members", funneltest.Synthetic{Members: -1, Events: 1, Days: 1, Start: start}, "Members"},
		{"too many members", funneltest.Synthetic{Members: math.MaxInt, Events: math.MaxInt, Days: 1, Start: start}, "Members"},
		{"negative events", funneltest.Synthetic{Events: -1, Days: 1, Start: start}, "Events"},
		{"fewer events than members", funneltest.Synthetic{Members: 2, Events: 1, Days: 1, Start: start}, "Events"},
		{"events without members", funneltest.Synthetic{Events: 3, Days: 1, Start: start}, "Events"},
		{"too many events", funneltest.Synthetic{Members: 1, Events: math.MaxInt, Days: 1, Start: start}, "Events"},
		{"no days", funneltest.Synthetic{Members: 1, Events: 1, Start: start}, "Days"},
		{"negative days", funneltest.Synthetic{Members: 1, Events: 1, Days: math.MinInt, Start: start}, "Days"},
		{"too many days", funneltest.Synthetic{Members: 1, Events: 1, Days: funneltest.MaxDays + 1, Start: start}, "Days"},
		{"past year 9999", funneltest.Synthetic{Members: 1, Events: 1, Days: 2, Start: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}, "Start"},
		{"before year 1", funneltest.Synthetic{Members: 1, Events: 1, Days: 2, Start: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)}, "Start"},
	} {
		err := tt.s.Validate()
		var ve *qun.ValidationError
		if !errors.Is(err, qun.ErrInvalid) || !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("%s: Validate() = %v, want a refusal of %s first", tt.name, err, tt.field)
		}
		if rows, ids := tt.s.Rows(), tt.s.IDs(); rows != nil || ids != nil {
			t.Errorf("%s: %d rows and %d IDs", tt.name, len(rows), len(ids))
		}
		n := 0
		for range tt.s.All() {
			n++
		}
		if n != 0 {
			t.Errorf("%s: %d events", tt.name, n)
		}
	}

	// The smallest and the longest valid communities.
	empty := funneltest.Synthetic{Days: 1, Start: start}
	if err := empty.Validate(); err != nil || len(empty.Rows()) != 0 || len(empty.IDs()) != 0 {
		t.Errorf("an empty community: %v, %d rows", err, len(empty.Rows()))
	}
	long := funneltest.Synthetic{Members: 3, Events: 30, Days: funneltest.MaxDays, Start: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), Seed: 1}
	rows := long.Rows()
	if err := long.Validate(); err != nil || len(rows) != 30 ||
		!slices.IsSortedFunc(rows, func(a, b funneltest.Row) int { return int(a.Second) - int(b.Second) }) {
		t.Errorf("a long history: %v, %d rows", err, len(rows))
	}
	tab, err := funnel.Build(long.All())
	if err != nil || tab.Len() != 30 || tab.Members() != 3 {
		t.Errorf("a long history builds %v, %v", tab, err)
	}

	// Rows that do not fit: one event each, refused at its position.
	s := funneltest.Synthetic{Members: 1, Events: 1, Days: 1, Start: start}
	bad := []funneltest.Row{{Member: 0, Name: 0}, {Member: 0, Name: 0}, {Member: 7, Name: 1}, {Member: 0, Name: 200}}
	var got []qun.Event
	for e := range s.EventsOf(bad) {
		got = append(got, e)
	}
	want := []qun.Event{{Member: "m0", Name: "visit", Time: start}, {Member: "m0", Name: "visit", Time: start}, {Name: "join", Time: start}, {Member: "m0", Time: start}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events of bad rows (-want +got):\n%s", diff)
	}
	_, err = funnel.Build(s.EventsOf(bad))
	var ve *qun.ValidationError
	if !errors.As(err, &ve) || ve.Field != "events[2].member" {
		t.Errorf("Build of bad rows: %v", err)
	}
	for range s.EventsWith(nil, nil) {
		t.Error("an event of no rows")
	}
	for range s.EventsWith(bad, nil) {
		break // stopping early is fine
	}
}
