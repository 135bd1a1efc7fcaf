package catalog_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/catalog"
	"github.com/shopspring/decimal"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

// sweepLimit is how long one case may run before it counts as a hang.
const sweepLimit = 5 * time.Second

// A sweepCase calls an entry point with one awkward input and checks the
// documented result.
type sweepCase struct {
	name string
	run  func(t *testing.T)
}

// sweep runs each case in a goroutine of its own, and fails it if it
// panics or is still running after sweepLimit.
func sweep(t *testing.T, cases []sweepCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan string, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						done <- fmt.Sprintf("%v\n%s", p, debug.Stack())
						return
					}
					done <- ""
				}()
				c.run(t)
			}()
			select {
			case msg := <-done:
				if msg != "" {
					t.Fatalf("panicked: %s", msg)
				}
			case <-time.After(sweepLimit):
				t.Fatalf("still running after %v: it hangs", sweepLimit)
			}
		})
	}
}

// wantInvalid fails t unless err refuses the input as invalid.
func wantInvalid(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("error %v, want one matching qun.ErrInvalid", err)
	}
}

var (
	yearOne  = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)
	year9999 = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	nowSweep = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
)

func TestZeroSweepCatalog(t *testing.T) {
	coupon := catalog.Request{Key: "r1", Member: "lin", Item: "coupon-10"}
	rich := catalog.State{Available: decimal.New(1, 9), Stock: 5}
	sweep(t, []sweepCase{
		{"Compile/zero and extreme catalogs", func(t *testing.T) {
			_, err := catalog.Compile("", catalog.Catalog{})
			wantInvalid(t, err)
			_, err = catalog.Compile("wine-club", catalog.Catalog{Kind: "points", Scale: math.MaxInt32, Items: []catalog.Item{{ID: "x", Stock: math.MinInt64, Limits: []catalog.Limit{{Quantity: math.MinInt64}}}}})
			wantInvalid(t, err)
			_, err = catalog.ParseCatalog(nil)
			wantInvalid(t, err)
		}},
		{"zero Engine", func(t *testing.T) {
			var e catalog.Engine
			_, err := e.Redeem(coupon, rich, nowSweep)
			if !errors.Is(err, catalog.ErrUnknownItem) {
				t.Errorf("Redeem = %v", err)
			}
			_, err = e.Cancel(catalog.Redemption{Item: "coupon-10", Quantity: 1}, "c1", 0)
			wantInvalid(t, err)
			if _, ok := e.Item("coupon-10"); ok {
				t.Error("an item")
			}
			if got := e.HistorySince("coupon-10", nowSweep); !got.Equal(nowSweep) {
				t.Errorf("HistorySince = %v", got)
			}
			if len(e.Catalog().Items) != 0 {
				t.Error("a catalog")
			}
		}},
		{"Redeem/invalid requests, zero and far times", func(t *testing.T) {
			e := engine(t)
			for _, r := range []catalog.Request{{}, {Key: "r", Member: "lin"}, {Key: "r", Member: "lin", Item: "nowhere"}, {Key: "r", Member: "lin", Item: "coupon-10", Quantity: math.MaxInt64}, {Key: "r", Member: "lin", Item: "coupon-10", Quantity: math.MinInt64}} {
				_, err := e.Redeem(r, rich, nowSweep)
				wantInvalid(t, err)
			}
			_, err := e.Redeem(coupon, rich, time.Time{})
			wantInvalid(t, err)
			for _, now := range []time.Time{yearOne, year9999} {
				for _, item := range []string{"tasting-course", "coupon-10", "gift"} {
					r := coupon
					r.Item = item
					if _, err := e.Redeem(r, rich, now); err != nil && !errors.As(err, new(*catalog.Refusal)) {
						t.Errorf("Redeem(%s) at %v = %v", item, now, err)
					}
					e.HistorySince(item, now)
				}
			}
		}},
		{"Redeem/damaged state", func(t *testing.T) {
			e := engine(t)
			for _, s := range []catalog.State{
				{Stock: math.MinInt64, Available: decimal.New(-1, 100)},
				{Stock: math.MaxInt64, Available: decimal.New(1, 100), Tier: "nowhere", Segments: []string{""}},
			} {
				if _, err := e.Redeem(coupon, s, nowSweep); err != nil && !errors.As(err, new(*catalog.Refusal)) {
					t.Errorf("Redeem(%+v) = %v", s, err)
				}
			}
			// History the host stored with quantities no redemption can
			// have: they must not wrap the limit's count around.
			for _, q := range []int64{math.MaxInt64, math.MinInt64, -1} {
				s := rich
				s.History = []catalog.Redemption{
					{Key: "h1", Member: "lin", Item: "coupon-10", Quantity: q, Time: nowSweep},
					{Key: "h2", Member: "lin", Item: "coupon-10", Quantity: q, Time: nowSweep},
				}
				if _, err := e.Redeem(coupon, s, nowSweep); err == nil {
					t.Errorf("a redemption over a history of quantity %d was allowed", q)
				} else {
					wantInvalid(t, err)
				}
			}
			s := rich
			s.History = []catalog.Redemption{{Key: "r1", Member: "wei", Item: "gift", Quantity: math.MaxInt64}}
			_, err := e.Redeem(coupon, s, nowSweep)
			if !errors.Is(err, incentive.ErrIdempotencyConflict) {
				t.Errorf("a replayed key for another member = %v", err)
			}
		}},
		{"Cancel/unknown, cancelled and extreme", func(t *testing.T) {
			e := engine(t)
			_, err := e.Cancel(catalog.Redemption{Item: "gift", Quantity: 1}, "", 0)
			wantInvalid(t, err)
			_, err = e.Cancel(catalog.Redemption{Item: "nowhere", Quantity: 1}, "c1", 0)
			wantInvalid(t, err)
			_, err = e.Cancel(catalog.Redemption{Item: "gift", Quantity: 1, Cancelled: true}, "c1", 0)
			wantInvalid(t, err)
			for _, q := range []int64{math.MaxInt64, math.MinInt64, 0} {
				_, err := e.Cancel(catalog.Redemption{Key: "r", Item: "gift", Quantity: q}, "c1", 5)
				wantInvalid(t, err)
			}
			_, err = e.Cancel(catalog.Redemption{Key: "r", Item: "gift", Quantity: 1}, "c1", math.MaxInt64)
			wantInvalid(t, err)
			c, err := e.Cancel(catalog.Redemption{Key: "r", Item: "gift", Quantity: 2}, "c1", math.MinInt64)
			if err != nil || c.Stock == nil || c.Stock.After < c.Stock.Before {
				t.Errorf("Cancel at a stock of -2^63 = %+v, %v", c, err)
			}
		}},
		{"text/zero values", func(t *testing.T) {
			if (catalog.Redemption{}).String() == "" || (&catalog.Refusal{}).Error() == "" {
				t.Error("an empty description")
			}
			if (&catalog.Refusal{}).Unwrap() != nil {
				t.Error("the zero Refusal wraps a sentinel")
			}
		}},
	})
}

// garbageJSON is text that no configuration or state reads: empty, the
// wrong kind of value, an unknown field, a number beyond float64, cut
// short, and nested far deeper than any real document.
var garbageJSON = []string{"", "[]", `"x"`, "1e999", `{"nowhere":1}`, "{", strings.Repeat("[", 100000), `{"a":` + strings.Repeat(`{"a":`, 100000)}

// TestZeroSweepJSON reads garbage into every type with a strict JSON form,
// and validates the zero value of every type with a Validate method: no
// panic, and every refusal matches qun.ErrInvalid.
func TestZeroSweepJSON(t *testing.T) {
	decoders := []json.Unmarshaler{
		new(catalog.Catalog),
		new(catalog.Item),
		new(catalog.Limit),
		new(catalog.Request),
	}
	validators := []interface{ Validate() error }{
		catalog.Catalog{},
	}
	sweep(t, []sweepCase{
		{"UnmarshalJSON/garbage", func(t *testing.T) {
			for _, d := range decoders {
				for _, in := range garbageJSON {
					if err := d.UnmarshalJSON([]byte(in)); !errors.Is(err, qun.ErrInvalid) {
						t.Errorf("%T.UnmarshalJSON(%.20q) = %v, want an error matching qun.ErrInvalid", d, in, err)
					}
				}
				for _, in := range []string{"null", "{}"} {
					if err := d.UnmarshalJSON([]byte(in)); err != nil && !errors.Is(err, qun.ErrInvalid) {
						t.Errorf("%T.UnmarshalJSON(%s) = %v", d, in, err)
					}
				}
			}
		}},
		{"Validate/zero values", func(t *testing.T) {
			for _, v := range validators {
				if err := v.Validate(); err != nil && !errors.Is(err, qun.ErrInvalid) {
					t.Errorf("%T{}.Validate() = %v", v, err)
				}
			}
		}},
	})
}
