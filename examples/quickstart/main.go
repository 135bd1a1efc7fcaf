// Quickstart is qun's main example: a few members of a wine club's community
// do things over a weekend, and the program prints their events and the
// local days they fell on.
//
// Run it from the repository root:
//
//	go run ./examples/quickstart
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	// The community counts days and weeks in Shanghai time, weeks from Monday.
	zone, err := qun.LoadZone("Asia/Shanghai")
	if err != nil {
		return err
	}
	community := qun.Calendar{Zone: zone, WeekStart: time.Monday}
	at := func(day, hour, minute int) time.Time {
		return time.Date(2026, time.November, day, hour, minute, 0, 0, zone.Location())
	}
	yuan := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }

	events := []qun.Event{
		{Member: "lin", Name: "join", Time: at(20, 21, 5), Props: map[string]string{"channel": "poster_qr"}},
		{Member: "lin", Name: "read_article", Time: at(21, 7, 40), Props: map[string]string{"topic": "wine/italian"}},
		{Member: "lin", Name: "check_in", Time: at(21, 6, 20)},
		{Member: "zhou", Name: "check_in", Time: at(21, 23, 59)},
		{Member: "zhou", Name: "check_in", Time: at(22, 0, 1)},
		{Member: "lin", Name: "attend_tasting", Time: at(22, 19, 30), Props: map[string]string{"region": "italy"}},
		{ID: "order-881", Member: "lin", Name: "purchase", Time: at(22, 20, 15), Value: yuan("299.00"),
			Props: map[string]string{"sku": "barolo-2019"}},
	}

	fmt.Fprintln(w, "Events, validated and in their JSON form:")
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return err
		}
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, " ", string(data))
	}

	fmt.Fprintln(w, "\nThe community's local day and week of each check-in:")
	for _, e := range events {
		if e.Name != "check_in" {
			continue
		}
		fmt.Fprintf(w, "  %-5s %s  day %s  week %s\n", e.Member, e.Time.Format("15:04"),
			community.Period(qun.Day, e.Time), community.Period(qun.Week, e.Time))
	}

	// A member's interest in a topic decays with a half-life of a week.
	interest := qun.Decay{HalfLife: qun.Days(7)}
	var italian qun.Decayed
	for _, e := range events {
		if e.Member == "lin" && (e.Props["topic"] == "wine/italian" || e.Props["region"] == "italy") {
			italian = interest.Add(italian, 1, e.Time)
		}
	}
	fmt.Fprintf(w, "\nlin's interest in Italian wine: %.2f now, %.2f in a month\n",
		interest.ValueAt(italian, at(22, 21, 0)), interest.ValueAt(italian, at(22, 21, 0).AddDate(0, 1, 0)))
	return nil
}
