package catalog

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// MaxQuantity is the most units one redemption may take.
const MaxQuantity = 10_000

// maxScale bounds Catalog.Scale, as the incentive ledger bounds a kind's.
const maxScale = 6

// Catalog is a community's rewards catalog (积分商城) as data: the items
// members can redeem with points (积分兑换), what each costs in points and
// cash, how many there are, how many one member may take, who may take
// them and when. Hosts keep it in their database, read it with
// [ParseCatalog] and [Compile] it into an [Engine].
//
// Its JSON form is
//
//	{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
//	 "kind":"points","scale":0,"tiers":["silver","gold","platinum"],
//	 "items":[{"id":"tasting-course","name":"Wine tasting course",
//	           "points":"2000","cash":"99.00","stock":20,
//	           "limits":[{"per":"year","quantity":1}],
//	           "min_tier":"gold","segment":"wine-lovers",
//	           "from":"2026-12-01T10:00:00+08:00","until":"2027-01-01T00:00:00+08:00"}]}
type Catalog struct {
	// Calendar is where the per-member limits' periods are counted.
	Calendar qun.Calendar `json:"calendar"`
	// Kind is the kind of points items are paid with, as the incentive
	// ledger names it.
	Kind string `json:"kind"`
	// Scale is the number of decimal places of that kind (the ledger's
	// Kind.Scale): prices finer than it are refused.
	Scale int32 `json:"scale,omitzero"`
	// Tiers are the member tiers (会员等级) in ascending order, for the
	// items' minimum tiers.
	Tiers []string `json:"tiers,omitempty"`
	// Items are the items, with distinct IDs.
	Items []Item `json:"items"`
}

// Item is one reward of the catalog.
type Item struct {
	// ID names the item in requests and decisions.
	ID string `json:"id"`
	// Name describes it to members and statements.
	Name string `json:"name,omitempty"`
	// Points is the price of one unit in points, at the catalog's scale;
	// zero for a free item.
	Points decimal.Decimal `json:"points"`
	// Cash is the money paid with the points for one unit (积分+现金), at
	// most two decimal places, in the currency the host charges in; zero
	// for none.
	Cash decimal.Decimal `json:"cash,omitzero"`
	// Stock is the number of units the item launches with; the host keeps
	// the live count, which each redemption's [StockChange] updates.
	// Unlimited items (digital coupons, privileges) have no stock.
	Stock     int64 `json:"stock,omitzero"`
	Unlimited bool  `json:"unlimited,omitempty"`
	// Limits bound the units one member may redeem per period, or over
	// all time.
	Limits []Limit `json:"limits,omitempty"`
	// MinTier, if set, is the lowest tier that may redeem the item.
	MinTier string `json:"min_tier,omitempty"`
	// Segment, if set, names the segment a member must be in: the host
	// resolves it (with package segment, say) and passes the member's
	// segments with each request.
	Segment string `json:"segment,omitempty"`
	// From and Until, if set, bound when the item can be redeemed: from
	// From, until before Until.
	From  time.Time `json:"from,omitzero"`
	Until time.Time `json:"until,omitzero"`
}

// Limit bounds the units of an item one member may redeem: at most
// Quantity in each period of the grain Per in the catalog's calendar
// (counted by the time of each redemption), or over all time when Per is
// zero.
type Limit struct {
	Per      qun.Grain `json:"per,omitzero"` // the period; zero for all time
	Quantity int64     `json:"quantity"`     // at least 1
}

// UnmarshalJSON reads a catalog strictly, as [qun.UnmarshalStrict] reads.
// Call [Catalog.Validate] on the result, or use [ParseCatalog].
func (c *Catalog) UnmarshalJSON(data []byte) error {
	type plain Catalog
	return qun.UnmarshalStrict(data, (*plain)(c))
}

// ParseCatalog reads a catalog from its JSON form, strictly, and
// validates it.
func ParseCatalog(data []byte) (Catalog, error) {
	var c Catalog
	if err := c.UnmarshalJSON(data); err != nil {
		return Catalog{}, fmt.Errorf("catalog: parse: %w", err)
	}
	if err := c.Validate(); err != nil {
		return Catalog{}, fmt.Errorf("catalog: parse: %w", err)
	}
	return c, nil
}

// Validate reports every problem with c, joined, each naming its field:
// "items[2].cash", "items[0].limits[1].per", "tiers[1]".
func (c Catalog) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("calendar", c.Calendar.Validate()))
	if err := qun.ValidateName(c.Kind); err != nil {
		errs = append(errs, qun.Within("kind", err))
	}
	if c.Scale < 0 || c.Scale > maxScale {
		errs = append(errs, qun.Invalid("scale", "must be 0 to %d", maxScale))
	}
	tiers := make(map[string]bool, len(c.Tiers))
	for i, t := range c.Tiers {
		field := "tiers[" + strconv.Itoa(i) + "]"
		if err := qun.ValidateName(t); err != nil {
			errs = append(errs, qun.Within(field, err))
		}
		if tiers[t] {
			errs = append(errs, qun.Invalid(field, "%q is listed twice", t))
		}
		tiers[t] = true
	}
	ids := make(map[string]bool, len(c.Items))
	for i := range c.Items {
		field := "items[" + strconv.Itoa(i) + "]"
		it := &c.Items[i]
		errs = append(errs, qun.Within(field, it.validate(tiers, c.Scale)))
		if ids[it.ID] {
			errs = append(errs, qun.Invalid(field+".id", "%q names another item too", it.ID))
		}
		ids[it.ID] = true
	}
	return errors.Join(errs...)
}

func (it *Item) validate(tiers map[string]bool, scale int32) error {
	var errs []error
	if err := qun.ValidateName(it.ID); err != nil {
		errs = append(errs, qun.Within("id", err))
	}
	switch p := it.Points; {
	case p.Sign() < 0:
		errs = append(errs, qun.Invalid("points", "must not be negative"))
	case !p.Equal(p.Truncate(scale)):
		errs = append(errs, qun.Invalid("points", "must have at most %d decimal places, the catalog's scale", scale))
	case p.NumDigits() > 18 || p.Exponent() > 18:
		errs = append(errs, qun.Invalid("points", "must have at most 18 digits"))
	}
	switch m := it.Cash; {
	case m.Sign() < 0:
		errs = append(errs, qun.Invalid("cash", "must not be negative"))
	case !m.Equal(m.Truncate(2)):
		errs = append(errs, qun.Invalid("cash", "must have at most 2 decimal places"))
	case m.NumDigits() > 18 || m.Exponent() > 18:
		errs = append(errs, qun.Invalid("cash", "must have at most 18 digits"))
	}
	switch {
	case it.Stock < 0:
		errs = append(errs, qun.Invalid("stock", "must not be negative"))
	case it.Unlimited && it.Stock != 0:
		errs = append(errs, qun.Invalid("stock", "an unlimited item has no stock"))
	}
	pers := make(map[qun.Grain]bool, len(it.Limits))
	for i, l := range it.Limits {
		field := "limits[" + strconv.Itoa(i) + "]"
		if l.Per != 0 && !l.Per.IsValid() {
			errs = append(errs, qun.Invalid(field+".per", "not a grain"))
		}
		if l.Quantity < 1 {
			errs = append(errs, qun.Invalid(field+".quantity", "must be at least 1"))
		}
		if pers[l.Per] {
			errs = append(errs, qun.Invalid(field+".per", "another limit has the same period"))
		}
		pers[l.Per] = true
	}
	if it.MinTier != "" && !tiers[it.MinTier] {
		errs = append(errs, qun.Invalid("min_tier", "%q is not one of the catalog's tiers", it.MinTier))
	}
	if it.Segment != "" {
		if err := qun.ValidateName(it.Segment); err != nil {
			errs = append(errs, qun.Within("segment", err))
		}
	}
	if !it.From.IsZero() && !it.Until.IsZero() && !it.Until.After(it.From) {
		errs = append(errs, qun.Invalid("until", "must be after from"))
	}
	return errors.Join(errs...)
}
