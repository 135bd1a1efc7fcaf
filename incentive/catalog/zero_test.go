package catalog_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/catalog"
	"github.com/qunkit/qun/internal/sweep"
	"github.com/shopspring/decimal"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

func TestZeroSweepCatalog(t *testing.T) {
	coupon := catalog.Request{Key: "r1", Member: "lin", Item: "coupon-10"}
	rich := catalog.State{Available: decimal.New(1, 9), Stock: 5}
	sweep.Run(t, []sweep.Case{
		{Name: "Compile/zero and extreme catalogs", Run: func(t *testing.T) {
			_, err := catalog.Compile("", catalog.Catalog{})
			sweep.WantInvalid(t, err)
			_, err = catalog.Compile("wine-club", catalog.Catalog{Kind: "points", Scale: math.MaxInt32, Items: []catalog.Item{{ID: "x", Stock: math.MinInt64, Limits: []catalog.Limit{{Quantity: math.MinInt64}}}}})
			sweep.WantInvalid(t, err)
			_, err = catalog.ParseCatalog(nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Engine", Run: func(t *testing.T) {
			var e catalog.Engine
			_, err := e.Redeem(coupon, rich, sweep.Now)
			if !errors.Is(err, catalog.ErrUnknownItem) {
				t.Errorf("Redeem = %v", err)
			}
			_, err = e.Cancel(catalog.Redemption{Item: "coupon-10", Quantity: 1}, "c1", 0)
			sweep.WantInvalid(t, err)
			if _, ok := e.Item("coupon-10"); ok {
				t.Error("an item")
			}
			if got := e.HistorySince("coupon-10", sweep.Now); !got.Equal(sweep.Now) {
				t.Errorf("HistorySince = %v", got)
			}
			if len(e.Catalog().Items) != 0 {
				t.Error("a catalog")
			}
		}},
		{Name: "Redeem/invalid requests, zero and far times", Run: func(t *testing.T) {
			e := engine(t)
			for _, r := range []catalog.Request{{}, {Key: "r", Member: "lin"}, {Key: "r", Member: "lin", Item: "nowhere"}, {Key: "r", Member: "lin", Item: "coupon-10", Quantity: math.MaxInt64}, {Key: "r", Member: "lin", Item: "coupon-10", Quantity: math.MinInt64}} {
				_, err := e.Redeem(r, rich, sweep.Now)
				sweep.WantInvalid(t, err)
			}
			_, err := e.Redeem(coupon, rich, time.Time{})
			sweep.WantInvalid(t, err)
			for _, now := range []time.Time{sweep.YearOne, sweep.Year9999} {
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
		{Name: "Redeem/damaged state", Run: func(t *testing.T) {
			e := engine(t)
			for _, s := range []catalog.State{
				{Stock: math.MinInt64, Available: decimal.New(-1, 100)},
				{Stock: math.MaxInt64, Available: decimal.New(1, 100), Tier: "nowhere", Segments: []string{""}},
			} {
				if _, err := e.Redeem(coupon, s, sweep.Now); err != nil && !errors.As(err, new(*catalog.Refusal)) {
					t.Errorf("Redeem(%+v) = %v", s, err)
				}
			}
			// History the host stored with quantities no redemption can
			// have: they must not wrap the limit's count around.
			for _, q := range []int64{math.MaxInt64, math.MinInt64, -1} {
				s := rich
				s.History = []catalog.Redemption{
					{Key: "h1", Member: "lin", Item: "coupon-10", Quantity: q, Time: sweep.Now},
					{Key: "h2", Member: "lin", Item: "coupon-10", Quantity: q, Time: sweep.Now},
				}
				if _, err := e.Redeem(coupon, s, sweep.Now); err == nil {
					t.Errorf("a redemption over a history of quantity %d was allowed", q)
				} else {
					sweep.WantInvalid(t, err)
				}
			}
			s := rich
			s.History = []catalog.Redemption{{Key: "r1", Member: "wei", Item: "gift", Quantity: math.MaxInt64}}
			_, err := e.Redeem(coupon, s, sweep.Now)
			if !errors.Is(err, incentive.ErrIdempotencyConflict) {
				t.Errorf("a replayed key for another member = %v", err)
			}
		}},
		{Name: "Cancel/unknown, cancelled and extreme", Run: func(t *testing.T) {
			e := engine(t)
			_, err := e.Cancel(catalog.Redemption{Item: "gift", Quantity: 1}, "", 0)
			sweep.WantInvalid(t, err)
			_, err = e.Cancel(catalog.Redemption{Item: "nowhere", Quantity: 1}, "c1", 0)
			sweep.WantInvalid(t, err)
			_, err = e.Cancel(catalog.Redemption{Item: "gift", Quantity: 1, Cancelled: true}, "c1", 0)
			sweep.WantInvalid(t, err)
			for _, q := range []int64{math.MaxInt64, math.MinInt64, 0} {
				_, err := e.Cancel(catalog.Redemption{Key: "r", Item: "gift", Quantity: q}, "c1", 5)
				sweep.WantInvalid(t, err)
			}
			_, err = e.Cancel(catalog.Redemption{Key: "r", Item: "gift", Quantity: 1}, "c1", math.MaxInt64)
			sweep.WantInvalid(t, err)
			c, err := e.Cancel(catalog.Redemption{Key: "r", Item: "gift", Quantity: 2}, "c1", math.MinInt64)
			if err != nil || c.Stock == nil || c.Stock.After < c.Stock.Before {
				t.Errorf("Cancel at a stock of -2^63 = %+v, %v", c, err)
			}
		}},
		{Name: "text/zero values", Run: func(t *testing.T) {
			if (catalog.Redemption{}).String() == "" || (&catalog.Refusal{}).Error() == "" {
				t.Error("an empty description")
			}
			if (&catalog.Refusal{}).Unwrap() != nil {
				t.Error("the zero Refusal wraps a sentinel")
			}
		}},
	})
}

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
	sweep.JSON(t, decoders, validators)
}
