package incentive_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// A reading club gives 10 points for each daily check-in (打卡), at most
// once a day, with a 20-point bonus for the first one, and double points on
// its anniversary. Members spend points on rewards (积分兑换).
func Example() {
	program, err := incentive.ParseProgram([]byte(`{
	  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	  "kinds": [{"name": "points", "spendable": true, "expiry": {"end": "year"}}],
	  "rules": [{
	    "id": "check-in", "kind": "points", "event": {"name": "check_in"},
	    "points": "10", "first_time_bonus": "20", "caps": {"day": "20"},
	    "multipliers": [{"name": "anniversary", "factor": "2",
	                     "window": {"from": "2026-11-24", "until": "2026-11-24"}}]
	  }]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, err := incentive.Compile(program)
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger := &incentive.Ledger{Store: incentive.NewMemoryStore(), Engine: engine}
	ctx := context.Background()
	shanghai := program.Calendar.Location()

	for i, at := range []time.Time{
		time.Date(2026, 11, 22, 6, 20, 0, 0, shanghai),
		time.Date(2026, 11, 22, 21, 0, 0, 0, shanghai), // the same day: over the daily cap
		time.Date(2026, 11, 23, 6, 20, 0, 0, shanghai),
		time.Date(2026, 11, 24, 6, 20, 0, 0, shanghai), // the anniversary
	} {
		ev := qun.Event{ID: fmt.Sprint("check-in-", i), Member: "lin", Name: "check_in", Time: at}
		res, err := ledger.EarnEvent(ctx, "reading-club", ev, incentive.Member{}, at)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, a := range res.Decision.Awards {
			fmt.Println(at.Format("Jan 2 15:04"), a.Explain())
		}
	}

	lin := incentive.AccountID{Community: "reading-club", Member: "lin", Kind: "points"}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, shanghai)
	if _, err := ledger.Spend(ctx, incentive.SpendRequest{Account: lin, Key: "redeem-bookmark", Points: dec("25"), Reason: "bookmark"}, now); err != nil {
		fmt.Println(err)
		return
	}
	b, err := ledger.Balance(ctx, lin, now, 60*24*time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("available %s, expiring by %s: %s\n", b.Available, b.NextExpiry.Format("2006-01-02"), b.Expiring)
	// Output:
	// Nov 22 06:20 check-in: 10 + 20 first-time bonus = 30, cut to 20 by the daily cap
	// Nov 22 21:00 check-in: 10 = 10, cut to 0 by the daily cap
	// Nov 23 06:20 check-in: 10 = 10
	// Nov 24 06:20 check-in: 10 × 2 (anniversary) = 20
	// available 25, expiring by 2027-01-01: 25
}

// A purchase earns points; the member spends some, then returns the
// purchase. The refund claws back what is left of the purchase's points and,
// under the debt policy, records the rest as debt, which the next purchase
// repays before its points can be spent.
func ExampleLedger_Reverse() {
	engine, err := incentive.Compile(incentive.Program{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Kinds:    []incentive.Kind{{Name: "points", Spendable: true, Reversal: incentive.Debt}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger := &incentive.Ledger{Store: incentive.NewMemoryStore(), Engine: engine}
	ctx := context.Background()
	wei := incentive.AccountID{Community: "wine-club", Member: "wei", Kind: "points"}
	day := func(d int) time.Time { return time.Date(2026, 12, d, 12, 0, 0, 0, time.UTC) }

	steps := []func() (incentive.Result, error){
		func() (incentive.Result, error) {
			return ledger.Earn(ctx, incentive.EarnRequest{Account: wei, Key: "order-7", Points: dec("300"), Reason: "order 7"}, day(1))
		},
		func() (incentive.Result, error) {
			return ledger.Spend(ctx, incentive.SpendRequest{Account: wei, Key: "redeem-1", Points: dec("200"), Reason: "tasting ticket"}, day(2))
		},
		func() (incentive.Result, error) {
			return ledger.Reverse(ctx, incentive.ReverseRequest{Account: wei, Key: "refund-7", Earn: "order-7", Reason: "order 7 returned"}, day(3))
		},
		func() (incentive.Result, error) {
			return ledger.Earn(ctx, incentive.EarnRequest{Account: wei, Key: "order-8", Points: dec("250"), Reason: "order 8"}, day(4))
		},
	}
	for _, step := range steps {
		res, err := step()
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, e := range res.Entries {
			if e.Reason == "" {
				e.Reason = "(debt repaid)"
			}
			fmt.Printf("%-7s %5s  debt %4s  balance %4s  %s\n", e.Type, e.Points, e.Debt, e.Balance, e.Reason)
		}
	}
	b, _ := ledger.Balance(ctx, wei, day(5), 0)
	fmt.Println("available:", b.Available, "lifetime:", b.Lifetime)
	// Output:
	// earn      300  debt    0  balance  300  order 7
	// spend    -200  debt    0  balance  100  tasting ticket
	// reverse  -300  debt  200  balance -200  order 7 returned
	// earn      250  debt    0  balance   50  order 8
	// repay       0  debt -200  balance   50  (debt repaid)
	// available: 50 lifetime: 250
}

// Points expire at the end of the year they were earned in (积分年底清零).
// Expiry takes only what is left of each lot: points already spent are
// never expired again.
func ExampleLedger_Expire() {
	engine, err := incentive.Compile(incentive.Program{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Kinds:    []incentive.Kind{{Name: "points", Spendable: true, Expiry: incentive.Expiry{End: qun.Year}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger := &incentive.Ledger{Store: incentive.NewMemoryStore(), Engine: engine}
	ctx := context.Background()
	mei := incentive.AccountID{Community: "fan-club", Member: "mei", Kind: "points"}
	shanghai := engine.Calendar().Location()

	ledger.Earn(ctx, incentive.EarnRequest{Account: mei, Key: "summer", Points: dec("500")}, time.Date(2026, 7, 1, 10, 0, 0, 0, shanghai))
	ledger.Spend(ctx, incentive.SpendRequest{Account: mei, Key: "gift", Points: dec("320")}, time.Date(2026, 9, 1, 10, 0, 0, 0, shanghai))

	// Points are gone the instant the year ends, even before a job runs.
	b, _ := ledger.Balance(ctx, mei, time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai), 0)
	fmt.Println("available at new year:", b.Available)

	// The year-end job writes the expiry into the statement.
	res, _ := ledger.Expire(ctx, incentive.ExpireRequest{Account: mei, Key: "year-end-2026"}, time.Date(2027, 1, 1, 2, 0, 0, 0, shanghai))
	fmt.Println("expired by the job:", res.Points())
	ledger.Earn(ctx, incentive.EarnRequest{Account: mei, Key: "new-year", Points: dec("80")}, time.Date(2027, 1, 1, 10, 0, 0, 0, shanghai))

	for e, err := range ledger.Statement(ctx, mei) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-6s %5s  balance %s\n", e.Type, e.Points, e.Balance)
	}
	// Output:
	// available at new year: 0
	// expired by the job: -180
	// earn     500  balance 500
	// spend   -320  balance 180
	// expire  -180  balance 0
	// earn      80  balance 80
}
