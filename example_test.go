package qun_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Events are what a host feeds qun: who did what, when, with an optional
// exact amount and string properties.
func Example() {
	shanghai := qun.MustLoadZone("Asia/Shanghai").Location()
	events := []qun.Event{
		{Member: "u-1", Name: "join", Time: time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai)},
		{Member: "u-1", Name: "check_in", Time: time.Date(2026, 11, 21, 6, 20, 0, 0, shanghai)},
		{
			ID: "order-881", Member: "u-1", Name: "purchase", Time: time.Date(2026, 11, 22, 20, 15, 0, 0, shanghai),
			Value: decimal.NewNullDecimal(decimal.RequireFromString("99.50")),
			Props: map[string]string{"sku": "italian-tasting"},
		},
	}
	for _, e := range events {
		if err := e.Validate(); err != nil {
			fmt.Println(err)
			return
		}
		data, _ := json.Marshal(e)
		fmt.Println(string(data))
	}

	var bad qun.Event
	err := json.Unmarshal([]byte(`{"member":"","name":"join","time":"2026-11-20T09:00:00+08:00"}`), &bad)
	fmt.Println(err, errors.Is(err, qun.ErrInvalid))
	// Output:
	// {"member":"u-1","name":"join","time":"2026-11-20T09:00:00+08:00"}
	// {"member":"u-1","name":"check_in","time":"2026-11-21T06:20:00+08:00"}
	// {"id":"order-881","member":"u-1","name":"purchase","time":"2026-11-22T20:15:00+08:00","value":"99.50","props":{"sku":"italian-tasting"}}
	// invalid member: must not be empty true
}

// A member's day is their local day. The same instant falls on different
// days in Shanghai and New York, and a week begins where the calendar says.
func ExampleCalendar() {
	checkIn := time.Date(2026, 11, 22, 1, 30, 0, 0, time.UTC)
	shanghai := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
	newYork := qun.Calendar{Zone: qun.MustLoadZone("America/New_York"), WeekStart: time.Sunday}

	for _, cal := range []qun.Calendar{shanghai, newYork} {
		day := cal.Period(qun.Day, checkIn)
		week := cal.Period(qun.Week, checkIn)
		fmt.Printf("%-16s day %s (index %d), week %s, from %s\n",
			cal.Zone, day, day.Index(), week, week.Start(cal.Location()).Format(time.RFC3339))
	}
	// Output:
	// Asia/Shanghai    day 2026-11-22 (index 20779), week 2026-11-16/P1W, from 2026-11-16T00:00:00+08:00
	// America/New_York day 2026-11-21 (index 20778), week 2026-11-15/P1W, from 2026-11-15T00:00:00-05:00
}

// Local days across a DST change last 23 or 25 hours, and a wall clock time
// that the change skips is read as RFC 5545 reads it.
func ExampleDate_At() {
	newYork := qun.MustLoadZone("America/New_York").Location()
	springForward := qun.Date{Year: 2026, Month: time.March, Day: 8}

	fmt.Println(springForward.At(2, 30, 0, 0, newYork))
	day := qun.Period{Grain: qun.Day, First: springForward}
	fmt.Println(day.End(newYork).Sub(day.Start(newYork)))
	// Output:
	// 2026-03-08 03:30:00 -0400 EDT
	// 23h0m0s
}

// Interest in a tag, or an engagement score, decays with a half-life: each
// member's state is one number and an instant, updated in O(1) per event.
func ExampleDecay() {
	decay := qun.Decay{HalfLife: qun.Days(7)}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	var interest qun.Decayed
	interest = decay.Add(interest, 4, t0)                         // read an article about Italian wine
	interest = decay.Add(interest, 4, t0.Add(7*24*time.Hour))     // a week later, attended a tasting
	fmt.Println(decay.ValueAt(interest, t0.Add(14*24*time.Hour))) // two weeks after the first
	// Output:
	// 3
}

// Durations read and write as operators type them.
func ExampleParseDuration() {
	d, err := qun.ParseDuration("1w12h")
	fmt.Println(d, time.Duration(d), err)

	_, err = qun.ParseDuration("3 days")
	fmt.Println(err)
	// Output:
	// 7d12h 180h0m0s <nil>
	// qun: parse duration "3 days": line 1, column 2: unknown unit " days" (want ns, us, ms, s, m, h, d or w)
}

// Containers validate their parts and report full field paths.
func ExampleWithin() {
	cals := []qun.Calendar{{WeekStart: time.Monday}, {WeekStart: 9}}
	var errs []error
	for i, c := range cals {
		errs = append(errs, qun.Within(fmt.Sprintf("calendars[%d]", i), c.Validate()))
	}
	err := errors.Join(errs...)
	fmt.Println(err)

	var ve *qun.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field)
	}
	// Output:
	// invalid calendars[1].week_start: must be a day of the week, sunday to saturday
	// calendars[1].week_start
}

// A Validate method reports every problem; ValidationErrors lists them, each
// with its field, for a form to show beside the field.
func ExampleValidationErrors() {
	err := fmt.Errorf("save event: %w", qun.Event{Name: "check_in"}.Validate())
	for _, ve := range qun.ValidationErrors(err) {
		fmt.Printf("%s: %s\n", ve.Field, ve.Reason)
	}
	// Output:
	// member: must not be empty
	// time: must not be zero
}
