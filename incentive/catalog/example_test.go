package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/catalog"
)

// A wine club's catalog offers its tasting course to gold members for
// 2,000 points plus ¥99, once a year. Lin, a gold member with 2,600
// points, redeems it: the decision carries the ledger spend and the stock
// change, which the host applies together; a second try is over the
// limit, and a silver member is not eligible.
func Example() {
	c, err := catalog.ParseCatalog([]byte(`{
	  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	  "kind": "points",
	  "tiers": ["silver", "gold", "platinum"],
	  "items": [{
	    "id": "tasting-course", "name": "Wine tasting course (品酒课)",
	    "points": "2000", "cash": "99.00", "stock": 20,
	    "limits": [{"per": "year", "quantity": 1}],
	    "min_tier": "gold",
	    "from": "2026-12-01T10:00:00+08:00", "until": "2027-01-01T00:00:00+08:00"
	  }]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	shop, err := catalog.Compile("wine-club", c)
	if err != nil {
		fmt.Println(err)
		return
	}
	points, err := incentive.Compile(incentive.Program{Calendar: c.Calendar, Kinds: []incentive.Kind{{Name: "points", Spendable: true}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger, err := incentive.NewLedger(incentive.NewMemoryStore(), points)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	lin := incentive.AccountID{Community: "wine-club", Member: "lin", Kind: "points"}
	now := time.Date(2026, 12, 3, 20, 0, 0, 0, c.Calendar.Location())
	if _, err := ledger.Earn(ctx, incentive.EarnRequest{Account: lin, Key: "orders-2026", Points: decimalOf(2600), Reason: "purchases"}, now.AddDate(0, -1, 0)); err != nil {
		fmt.Println(err)
		return
	}

	// The host reads the state in its transaction: live stock, the
	// member's tier, available points and earlier redemptions.
	stock := int64(20)
	var history []catalog.Redemption
	balance, _ := ledger.Balance(ctx, lin, now, 0)
	state := catalog.State{Stock: stock, Tier: "gold", Available: balance.Available, History: history}
	red, err := shop.Redeem(catalog.Request{Key: "order-1001", Member: "lin", Item: "tasting-course"}, state, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(red)
	// ... and applies both parts of the decision together.
	if _, err := ledger.Spend(ctx, *red.Spend, now); err != nil {
		fmt.Println(err)
		return
	}
	stock = red.Stock.After
	history = append(history, red)
	balance, _ = ledger.Balance(ctx, lin, now, 0)
	fmt.Printf("lin pays ¥%s at checkout and has %s points left; %d courses left\n", red.Cash.StringFixed(2), balance.Available, stock)

	again := catalog.State{Stock: stock, Tier: "gold", Available: balance.Available, History: history}
	_, err = shop.Redeem(catalog.Request{Key: "order-1002", Member: "lin", Item: "tasting-course"}, again, now.Add(time.Hour))
	fmt.Println(err, errors.Is(err, catalog.ErrOverLimit))
	_, err = shop.Redeem(catalog.Request{Key: "order-1003", Member: "wei", Item: "tasting-course"}, catalog.State{Stock: stock, Tier: "silver", Available: decimalOf(5000)}, now)
	fmt.Println(err, errors.Is(err, catalog.ErrNotEligible))
	// Output:
	// lin redeems 1 × tasting-course for 2000 points + 99.00 cash, stock 20 → 19
	// lin pays ¥99.00 at checkout and has 600 points left; 19 courses left
	// catalog: redeem tasting-course: at most 1 a year per member, and lin has 1 true
	// catalog: redeem tasting-course: for gold members and above, not silver true
}
