package catalog_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/catalog"
	"github.com/shopspring/decimal"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	calSH    = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	t0       = time.Date(2026, 12, 1, 10, 0, 0, 0, shanghai.Location())
	decOpts  = cmp.Comparer(decimal.Decimal.Equal)
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

const catalogJSON = `{
  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
  "kind": "points", "scale": 0,
  "tiers": ["silver", "gold", "platinum"],
  "items": [
    {"id": "tasting-course", "name": "Wine tasting course", "points": "2000", "cash": "99.00", "stock": 20,
     "limits": [{"per": "year", "quantity": 1}], "min_tier": "gold", "segment": "wine-lovers",
     "from": "2026-12-01T10:00:00+08:00", "until": "2027-01-01T00:00:00+08:00"},
    {"id": "coupon-10", "points": "500", "unlimited": true, "limits": [{"per": "day", "quantity": 2}, {"quantity": 10}]},
    {"id": "gift", "points": "0", "stock": 3}
  ]
}`

func engine(t testing.TB) *catalog.Engine {
	t.Helper()
	c, err := catalog.ParseCatalog([]byte(catalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	e, err := catalog.Compile("wine-club", c)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestCatalogJSONRoundTrip(t *testing.T) {
	c, err := catalog.ParseCatalog([]byte(catalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Items[0].Cash.Equal(dec("99")) || c.Items[1].Limits[0].Per != qun.Day || !c.Items[0].From.Equal(t0) {
		t.Errorf("fields read wrong: %+v", c)
	}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := catalog.ParseCatalog(data)
	if err != nil {
		t.Fatalf("reading back %s: %v", data, err)
	}
	if diff := cmp.Diff(c, back, decOpts, cmp.Comparer(qun.Zone.Equal)); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
}

func TestCatalogErrors(t *testing.T) {
	base := `"calendar":{"zone":"UTC","week_start":"monday"},"kind":"points"`
	cases := []struct{ name, json, field string }{
		{"unknown field", `{` + base + `,"items":[],"currency":"CNY"}`, "currency"},
		{"misspelt item field", `{` + base + `,"items":[{"id":"a","points":"1","stok":1}]}`, "items[0].stok"},
		{"no kind", `{"calendar":{"zone":"UTC","week_start":"monday"},"items":[]}`, "kind"},
		{"bad scale", `{` + base + `,"scale":7,"items":[]}`, "scale"},
		{"duplicate tier", `{` + base + `,"tiers":["a","a"],"items":[]}`, "tiers[1]"},
		{"duplicate item", `{` + base + `,"items":[{"id":"a","points":"1"},{"id":"a","points":"1"}]}`, "items[1].id"},
		{"negative price", `{` + base + `,"items":[{"id":"a","points":"-1"}]}`, "items[0].points"},
		{"price finer than the scale", `{` + base + `,"items":[{"id":"a","points":"1.5"}]}`, "items[0].points"},
		{"cash in thousandths", `{` + base + `,"items":[{"id":"a","points":"1","cash":"9.999"}]}`, "items[0].cash"},
		{"negative cash", `{` + base + `,"items":[{"id":"a","points":"1","cash":"-1"}]}`, "items[0].cash"},
		{"stock and unlimited", `{` + base + `,"items":[{"id":"a","points":"1","stock":5,"unlimited":true}]}`, "items[0].stock"},
		{"zero limit", `{` + base + `,"items":[{"id":"a","points":"1","limits":[{"per":"week","quantity":0}]}]}`, "items[0].limits[0].quantity"},
		{"two limits of a period", `{` + base + `,"items":[{"id":"a","points":"1","limits":[{"quantity":1},{"quantity":2}]}]}`, "items[0].limits[1].per"},
		{"unknown tier", `{` + base + `,"tiers":["gold"],"items":[{"id":"a","points":"1","min_tier":"diamond"}]}`, "items[0].min_tier"},
		{"window backwards", `{` + base + `,"items":[{"id":"a","points":"1","from":"2026-02-01T00:00:00Z","until":"2026-01-01T00:00:00Z"}]}`, "items[0].until"},
		{"bad time", `{` + base + `,"items":[{"id":"a","points":"1","from":"tomorrow"}]}`, "items[0].from"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := catalog.ParseCatalog([]byte(c.json))
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("err = %v, want one matching qun.ErrInvalid", err)
			}
			if !hasField(err, c.field) {
				t.Errorf("err = %v, want one naming %q", err, c.field)
			}
		})
	}
}

func hasField(err error, field string) bool {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if hasField(e, field) {
				return true
			}
		}
		return false
	}
	var ve *qun.ValidationError
	if errors.As(err, &ve) && ve.Field == field {
		return true
	}
	if u := errors.Unwrap(err); u != nil {
		return hasField(u, field)
	}
	return false
}

func goldLover(available string) catalog.State {
	return catalog.State{Stock: 20, Tier: "gold", Segments: []string{"wine-lovers"}, Available: dec(available)}
}

func TestRedeemPointsAndCash(t *testing.T) {
	e := engine(t)
	red, err := e.Redeem(catalog.Request{Key: "order-1", Member: "lin", Item: "tasting-course"}, goldLover("2500"), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.Redemption{
		Key: "order-1", Member: "lin", Item: "tasting-course", Quantity: 1, Time: t0.Add(time.Hour),
		Points: dec("2000"), Cash: dec("99"),
		Spend: &incentive.SpendRequest{
			Account: incentive.AccountID{Community: "wine-club", Member: "lin", Kind: "points"},
			Key:     "catalog/redeem/order-1", Points: dec("2000"), Reason: "redeem 1 × Wine tasting course",
		},
		Stock: &catalog.StockChange{Item: "tasting-course", Before: 20, After: 19},
	}
	if diff := cmp.Diff(want, red, decOpts); diff != "" {
		t.Errorf("redemption (-want +got):\n%s", diff)
	}
	if s := red.String(); s != "lin redeems 1 × tasting-course for 2000 points + 99.00 cash, stock 20 → 19" {
		t.Errorf("String() = %q", s)
	}
	// The same order again is a duplicate, whatever the state says now.
	s := goldLover("0")
	s.Stock = 0
	s.History = []catalog.Redemption{red}
	dup, err := e.Redeem(catalog.Request{Key: "order-1", Member: "lin", Item: "tasting-course"}, s, t0.Add(2*time.Hour))
	if err != nil || !dup.Duplicate {
		t.Fatalf("replay: %+v, %v", dup, err)
	}
	if _, err := e.Redeem(catalog.Request{Key: "order-1", Member: "lin", Item: "coupon-10"}, s, t0); !errors.Is(err, incentive.ErrIdempotencyConflict) {
		t.Errorf("the key for another item: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	e := engine(t)
	course := catalog.Request{Key: "k", Member: "lin", Item: "tasting-course"}
	earlier := catalog.Redemption{Key: "old", Member: "lin", Item: "tasting-course", Quantity: 1, Time: t0.Add(24 * time.Hour)}
	cases := []struct {
		name   string
		req    catalog.Request
		state  func(catalog.State) catalog.State
		at     time.Time
		err    error
		reason string
	}{
		{"before the window", course, nil, t0.Add(-time.Minute), catalog.ErrUnavailable, "on offer from 2026-12-01T10:00:00+08:00"},
		{"after the window", course, nil, time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai.Location()), catalog.ErrUnavailable, "no longer on offer"},
		{"tier below", course, func(s catalog.State) catalog.State { s.Tier = "silver"; return s }, t0, catalog.ErrNotEligible, "for gold members and above, not silver"},
		{"no tier", course, func(s catalog.State) catalog.State { s.Tier = ""; return s }, t0, catalog.ErrNotEligible, "not no tier"},
		{"a tier above is fine but not the segment", course, func(s catalog.State) catalog.State { s.Tier = "platinum"; s.Segments = nil; return s }, t0, catalog.ErrNotEligible, `segment "wine-lovers"`},
		{"once a year", course, func(s catalog.State) catalog.State { s.History = []catalog.Redemption{earlier}; return s }, t0.Add(48 * time.Hour), catalog.ErrOverLimit, "at most 1 a year per member, and lin has 1"},
		{"out of stock", course, func(s catalog.State) catalog.State { s.Stock = 0; return s }, t0, catalog.ErrOutOfStock, "0 left, 1 asked for"},
		{"insufficient points", course, func(s catalog.State) catalog.State { s.Available = dec("1999"); return s }, t0, catalog.ErrInsufficientPoints, "costs 2000 points, 1999 available"},
		{"two a day", catalog.Request{Key: "k", Member: "lin", Item: "coupon-10", Quantity: 3}, nil, t0, catalog.ErrOverLimit, "at most 2 a day"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := goldLover("5000")
			if c.state != nil {
				s = c.state(s)
			}
			_, err := e.Redeem(c.req, s, c.at)
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			var r *catalog.Refusal
			if !errors.As(err, &r) || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("reason %q, want it to say %q", err, c.reason)
			}
			if errors.Is(err, qun.ErrInvalid) {
				t.Errorf("a refusal matches qun.ErrInvalid: %v", err)
			}
		})
	}
	// The ledger and the catalog share the sentinel.
	if catalog.ErrInsufficientPoints != incentive.ErrInsufficientPoints {
		t.Error("ErrInsufficientPoints is not the ledger's")
	}
}

func TestLimitsCountPeriodsAndCancellations(t *testing.T) {
	e := engine(t)
	coupon := func(key string, at time.Time) catalog.Redemption {
		return catalog.Redemption{Key: key, Member: "lin", Item: "coupon-10", Quantity: 1, Time: at}
	}
	// On Dec 1 in Shanghai lin has one coupon and one cancelled; the one at
	// 23:59 on Nov 30 is another local day, and wei's is another member's.
	// So one more fits the daily two, at 23:30 (15:30 UTC), and a third
	// does not.
	late := time.Date(2026, 12, 1, 23, 30, 0, 0, shanghai.Location())
	cancelled := coupon("c", t0)
	cancelled.Cancelled = true
	s := catalog.State{Available: dec("10000"), History: []catalog.Redemption{
		coupon("a", t0), cancelled, coupon("b", time.Date(2026, 11, 30, 23, 59, 0, 0, shanghai.Location())), coupon("other-member", t0),
	}}
	s.History[3].Member = "wei"
	if _, err := e.Redeem(catalog.Request{Key: "d", Member: "lin", Item: "coupon-10"}, s, late); err != nil {
		t.Fatalf("the second coupon of Dec 1: %v", err)
	}
	s.History = append(s.History, coupon("d", late))
	if _, err := e.Redeem(catalog.Request{Key: "e", Member: "lin", Item: "coupon-10"}, s, late); !errors.Is(err, catalog.ErrOverLimit) {
		t.Fatalf("the third coupon of Dec 1: %v", err)
	}
	// The lifetime limit of ten.
	var many []catalog.Redemption
	for i := range 10 {
		many = append(many, coupon(string(rune('a'+i)), t0.AddDate(0, 0, -i-1)))
	}
	if _, err := e.Redeem(catalog.Request{Key: "z", Member: "lin", Item: "coupon-10"}, catalog.State{Available: dec("10000"), History: many}, t0); !errors.Is(err, catalog.ErrOverLimit) {
		t.Fatalf("an eleventh coupon: %v", err)
	}
	if since := e.HistorySince("coupon-10", t0); !since.IsZero() {
		t.Errorf("HistorySince with a lifetime limit: %v", since)
	}
	if since := e.HistorySince("tasting-course", t0); !since.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai.Location())) {
		t.Errorf("HistorySince with a yearly limit: %v", since)
	}
	if since := e.HistorySince("gift", t0); !since.Equal(t0) {
		t.Errorf("HistorySince without limits: %v", since)
	}
}

func TestFreeItemsAndCancel(t *testing.T) {
	e := engine(t)
	red, err := e.Redeem(catalog.Request{Key: "g1", Member: "lin", Item: "gift", Quantity: 2}, catalog.State{Stock: 3}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if red.Spend != nil || !red.Points.IsZero() || red.Stock.After != 1 {
		t.Errorf("a free gift: %+v", red)
	}
	c, err := e.Cancel(red, "cancel-g1", 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Refund != nil || c.Stock.After != 3 {
		t.Errorf("cancelling a free gift: %+v", c)
	}
	paid, err := e.Redeem(catalog.Request{Key: "o9", Member: "lin", Item: "coupon-10", Quantity: 2}, catalog.State{Available: dec("1000")}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if paid.Stock != nil || !paid.Points.Equal(dec("1000")) {
		t.Errorf("an unlimited item: %+v", paid)
	}
	c, err = e.Cancel(paid, "cancel-o9", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := &incentive.AdjustRequest{Account: paid.Spend.Account, Key: "catalog/cancel/cancel-o9", Points: dec("1000"), Reason: "cancelled redemption o9 of coupon-10"}
	if diff := cmp.Diff(want, c.Refund, decOpts); diff != "" || c.Stock != nil {
		t.Errorf("cancellation (-want +got):\n%s", diff)
	}
	paid.Cancelled = true
	if _, err := e.Cancel(paid, "again", 0); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("cancelling twice: %v", err)
	}
}

func TestBadRequests(t *testing.T) {
	e := engine(t)
	s := goldLover("10")
	for name, r := range map[string]catalog.Request{
		"no key":        {Member: "m", Item: "gift"},
		"no member":     {Key: "k", Item: "gift"},
		"unknown item":  {Key: "k", Member: "m", Item: "yacht"},
		"zero quantity": {Key: "k", Member: "m", Item: "gift", Quantity: -1},
		"too many":      {Key: "k", Member: "m", Item: "gift", Quantity: catalog.MaxQuantity + 1},
	} {
		if _, err := e.Redeem(r, s, t0); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := e.Redeem(catalog.Request{Key: "k", Member: "m", Item: "gift"}, s, time.Time{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("zero time: %v", err)
	}
	if _, err := e.Redeem(catalog.Request{Key: "k", Member: "m", Item: "yacht"}, s, t0); !errors.Is(err, catalog.ErrUnknownItem) {
		t.Errorf("unknown item: %v", err)
	}
	if _, err := catalog.Compile("", catalog.Catalog{Kind: "p"}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("no community: %v", err)
	}
	if _, err := catalog.Compile("c", catalog.Catalog{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("an invalid catalog: %v", err)
	}
	if _, ok := e.Item("yacht"); ok {
		t.Error("Item of an unknown ID")
	}
	long := strings.Repeat("x", qun.MaxNameLen)
	red, err := e.Redeem(catalog.Request{Key: long, Member: "m", Item: "gift"}, catalog.State{Stock: 1}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := e.Cancel(red, long, 0); c.Stock == nil {
		t.Error("cancel of a long key")
	}
	paid, err := e.Redeem(catalog.Request{Key: long, Member: "m", Item: "coupon-10"}, catalog.State{Available: dec("500")}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := qun.ValidateName(paid.Spend.Key); err != nil {
		t.Errorf("the spend key of a long order key: %v", err)
	}
}

func FuzzParseCatalog(f *testing.F) {
	f.Add([]byte(catalogJSON))
	f.Add([]byte(`{"calendar":{"zone":"UTC","week_start":"monday"},"kind":"p","scale":2,"items":[{"id":"a","points":"1.25","cash":"0.5","unlimited":true}]}`))
	f.Add([]byte(`{"calendar":{"zone":"UTC","week_start":"monday"},"kind":"p","items":[{"id":"a","points":"1e30"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := catalog.ParseCatalog(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error not matching qun.ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("a parsed catalog does not marshal: %v", err)
		}
		if _, err := catalog.ParseCatalog(out); err != nil {
			t.Fatalf("%s does not read back: %v", out, err)
		}
		e, err := catalog.Compile("c", c)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range c.Items {
			_, err := e.Redeem(catalog.Request{Key: "k", Member: "m", Item: it.ID, Quantity: 2}, catalog.State{Stock: 5, Tier: "gold", Available: dec("1000")}, t0)
			var r *catalog.Refusal
			if err != nil && !errors.As(err, &r) {
				t.Fatalf("redeem %s: %v", it.ID, err)
			}
			e.HistorySince(it.ID, t0)
		}
	})
}

func decimalOf(n int64) decimal.Decimal { return decimal.NewFromInt(n) }

func TestPartsReadStrictly(t *testing.T) {
	for name, c := range map[string]struct {
		v    any
		json string
	}{
		"item":    {&catalog.Item{}, `{"id":"a","points":"1","price":"2"}`},
		"limit":   {&catalog.Limit{}, `{"per":"year","qty":1}`},
		"request": {&catalog.Request{}, `{"key":"k","member":"m","item":"a","item":"b"}`},
	} {
		if err := json.Unmarshal([]byte(c.json), c.v); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
}
