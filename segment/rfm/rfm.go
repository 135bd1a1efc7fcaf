// Package rfm scores customers by recency, frequency and monetary value
// (RFM) and names the standard RFM segments, from Champions to Lost.
//
// # Scores
//
// Each of R, F and M is a score from 1 to 5 by quintile within the
// population scored together: 5 for the most recent, most frequent and
// biggest-spending fifth, 1 for the least. Recency is counted in whole
// units (a day by default) since the customer's last purchase, frequency
// is the number of purchases, and monetary the total spend, an exact
// decimal.Decimal.
//
// Quintiles are taken by rank, and ties share a score: a customer's score
// is 1 + ⌊5·b/n⌋, where n is the number of customers and b how many of
// them are strictly worse on that measure (bought longer ago, less often,
// or spent less). This is the "min" rank method: customers with equal
// values always get equal scores, and with distinct values the five
// scores hold a fifth of the customers each, give or take one. It differs
// from NTILE-style binning, such as pandas' qcut over rank(method="first")
// found in many RFM notebooks, which splits a tie between two scores by
// the order of the rows; and it agrees with value-based quantile breaks
// (the R package rfm, rsquaredacademy/rfm, R/utils.R) in giving ties one
// score. When many customers tie (most bought once), the scores above the
// tie are skipped: if 60% bought once, they all have F = 1 and the next
// customers F = 4. With fewer than five customers not every score occurs.
//
// # Segments
//
// The eleven named segments are those of Putler's RFM table (Champions,
// Loyal Customers, Potential Loyalist, New (Recent) Customers, Promising,
// Customers Needing Attention, About To Sleep, At Risk, Can't Lose Them,
// Hibernating, Lost; putler.com/rfm-analysis). Putler gives them as
// overlapping ranges of scores; practitioners resolve the overlaps into a
// mapping of all 125 RFM codes, and this package uses the mapping as it is
// widely circulated (one public copy: the README of
// github.com/hangnt1623/Python_E-commerce_RFM-Analysis-for-Customer-Segmentation).
// Every code maps to exactly one segment; the table, by code R·F·M:
//
//	Champions           555 554 544 545 454 455 445
//	Loyal               543 444 435 355 354 345 344 335
//	Potential Loyalist  553 551 552 541 542 533 532 531 452 451 442 441 431 453 433 432
//	                    423 353 352 351 342 341 333 323
//	New                 512 511 422 421 412 411 311
//	Promising           525 524 523 522 521 515 514 513 425 424 413 414 415 315 314 313
//	Need Attention      535 534 443 434 343 334 325 324
//	About To Sleep      331 321 312 221 213 231 241 251
//	At Risk             255 254 245 244 253 252 243 242 235 234 225 224 153 152 145 143
//	                    142 135 134 133 125 124
//	Can't Lose Them     155 154 144 214 215 115 114 113
//	Hibernating         332 322 233 232 223 222 132 123 122 212 211
//	Lost                111 112 121 131 141 151
package rfm

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Customer is what RFM reads of one customer: when they last bought, how
// many times, and how much in all. [FromEvents] builds customers from
// purchase events; a host with its own order tables fills them in
// directly.
type Customer struct {
	// ID is the customer's member ID: a valid one, unique among the
	// customers scored together.
	ID qun.MemberID `json:"id"`
	// Last is the instant of the latest purchase; required (not zero).
	Last time.Time `json:"last"`
	// Frequency is the number of purchases, counted in purchases: 1 or
	// more.
	Frequency int64 `json:"frequency"`
	// Monetary is the total spend, exact, in one currency unit for all
	// the customers scored together (only their order counts), with an
	// exponent within ±64 (qun.MaxValueDigits). The zero value is 0.
	Monetary decimal.Decimal `json:"monetary"`
}

// FromEvents aggregates purchase events into customers, in increasing
// order of ID: the events that pass the filter and happened at or before
// until count, each purchase once, its value (none counts as zero) added
// to the customer's spend. Members without such an event are not
// customers. A nil events is an empty stream.
func FromEvents(events iter.Seq[qun.Event], purchase qun.EventFilter, until time.Time) []Customer {
	byID := map[qun.MemberID]*Customer{}
	if events == nil {
		events = func(func(qun.Event) bool) {}
	}
	for e := range events {
		if e.Time.After(until) || !purchase.Match(e) {
			continue
		}
		c, ok := byID[e.Member]
		if !ok {
			c = &Customer{ID: e.Member, Last: e.Time}
			byID[e.Member] = c
		}
		c.Frequency++
		if e.Time.After(c.Last) {
			c.Last = e.Time
		}
		if e.Value.Valid {
			c.Monetary = c.Monetary.Add(e.Value.Decimal)
		}
	}
	out := make([]Customer, 0, len(byID))
	for _, c := range byID {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Customer) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out
}

// Model is how customers are scored. The zero Model counts recency in
// days. Its JSON form is {"recency_unit":"1d"}.
type Model struct {
	// RecencyUnit is the unit recency is counted in, as a duration such as
	// "1d" or "12h": customers whose last purchases lie the same whole
	// number of units before now tie. The default, zero, means a day (24
	// hours); it must not be negative.
	RecencyUnit qun.Duration `json:"recency_unit,omitzero"`
}

// Validate reports whether the recency unit is zero or positive; the
// error is a *qun.ValidationError at "recency_unit", matching
// qun.ErrInvalid.
func (m Model) Validate() error {
	if m.RecencyUnit < 0 {
		return qun.Invalid("recency_unit", "must not be negative")
	}
	return nil
}

// UnmarshalJSON reads a model strictly, as qun.UnmarshalStrict reads:
// recency_unit is its only field, matched exactly and given once;
// anything else is refused, and the model is validated. JSON null leaves
// m as it is, as encoding/json does. On error m is left unchanged.
func (m *Model) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	type plain Model
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := Model(v).Validate(); err != nil {
		return err
	}
	*m = Model(v)
	return nil
}

// Score is a customer's RFM scores and segment.
type Score struct {
	// ID is the customer's member ID.
	ID qun.MemberID `json:"id"`
	// Recency is how many whole units of [Model.RecencyUnit] before now
	// the last purchase was; a purchase after now counts as now (0).
	Recency int64 `json:"recency"`
	// R is the recency score, 1 to 5: 5 for the most recent fifth.
	R int `json:"r"`
	// F is the frequency score, 1 to 5: 5 for the most frequent fifth.
	F int `json:"f"`
	// M is the monetary score, 1 to 5: 5 for the biggest-spending fifth.
	M int `json:"m"`
	// Segment is the named segment of the scores (see [Classify]).
	Segment Segment `json:"segment"`
}

// Code returns the scores as the three-digit RFM code, such as "545".
func (s Score) Code() string { return strconv.Itoa(s.R*100 + s.F*10 + s.M) }

// Score scores the customers against each other at now and returns their
// scores in the same order. Every customer must have an ID, a last
// purchase, a frequency of 1 or more and a spend whose exponent lies
// within ±64 (qun.MaxValueDigits, as in an event's value, so that exact
// comparison stays cheap), and no ID may repeat; the errors name the
// customer ("customers[3].frequency"). Spends are compared exactly, as
// integers at a common exponent, without allocating per customer unless a
// spend has more than 18 significant digits.
func (m Model) Score(customers []Customer, now time.Time) ([]Score, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	unit := time.Duration(m.RecencyUnit)
	if unit == 0 {
		unit = 24 * time.Hour
	}
	var errs []error
	seen := make(map[qun.MemberID]int, len(customers))
	out := make([]Score, len(customers))
	for i, c := range customers {
		path := func() string { return "customers[" + strconv.Itoa(i) + "]" } // only on error
		if err := c.ID.Validate(); err != nil {
			errs = append(errs, qun.Within(path()+".id", err))
		} else if j, dup := seen[c.ID]; dup {
			errs = append(errs, qun.Invalid(path()+".id", "repeats customers[%d]", j))
		}
		seen[c.ID] = i
		if c.Last.IsZero() {
			errs = append(errs, qun.Invalid(path()+".last", "must not be zero"))
		}
		if c.Frequency < 1 {
			errs = append(errs, qun.Invalid(path()+".frequency", "must be 1 or more"))
		}
		if e := c.Monetary.Exponent(); e < -qun.MaxValueDigits || e > qun.MaxValueDigits {
			errs = append(errs, qun.Invalid(path()+".monetary", "must have an exponent within ±%d, as an event's value", qun.MaxValueDigits))
		}
		out[i].ID = c.ID
		if elapsed := now.Sub(c.Last); elapsed > 0 {
			out[i].Recency = int64(elapsed / unit)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	n := len(customers)
	// R: worse is longer ago, so rank by recency, largest first.
	rankScores(n, func(i, j int) int { return cmp.Compare(out[j].Recency, out[i].Recency) },
		func(i, s int) { out[i].R = s })
	rankScores(n, func(i, j int) int { return cmp.Compare(customers[i].Frequency, customers[j].Frequency) },
		func(i, s int) { out[i].F = s })
	money := monetaryKeys(customers)
	rankScores(n, money, func(i, s int) { out[i].M = s })
	for i := range out {
		out[i].Segment = Classify(out[i].R, out[i].F, out[i].M)
	}
	return out, nil
}

// rankScores sorts the customers worst first by compare and gives each
// 1 + ⌊5·b/n⌋, b being the number strictly worse.
func rankScores(n int, compare func(i, j int) int, set func(i, score int)) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return cmp.Or(compare(i, j), cmp.Compare(i, j)) })
	below := 0
	for k, i := range order {
		if k > 0 && compare(order[k-1], i) != 0 {
			below = k
		}
		set(i, 1+5*below/n)
	}
}

// monetaryKeys returns an exact comparison of the customers' spend: on
// int64 keys at a common exponent when every spend fits, else on the
// decimals themselves.
func monetaryKeys(customers []Customer) func(i, j int) int {
	exp := int32(0)
	for _, c := range customers {
		exp = min(exp, c.Monetary.Exponent())
	}
	keys := make([]int64, len(customers))
	for i, c := range customers {
		k, ok := scaled(c.Monetary, exp)
		if !ok {
			return func(i, j int) int { return customers[i].Monetary.Cmp(customers[j].Monetary) }
		}
		keys[i] = k
	}
	return func(i, j int) int { return cmp.Compare(keys[i], keys[j]) }
}

// scaled returns d as an integer count of 10^exp (exp at most d's
// exponent), if it fits an int64.
func scaled(d decimal.Decimal, exp int32) (int64, bool) {
	var m int64
	if d.NumDigits() <= 18 {
		m = d.CoefficientInt64() // no allocation
	} else if c := d.Coefficient(); c.IsInt64() {
		m = c.Int64()
	} else {
		return 0, false
	}
	if m == 0 {
		return 0, true
	}
	k := int64(d.Exponent()) - int64(exp)
	if k > 18 {
		return 0, false
	}
	for ; k > 0; k-- {
		if m > math.MaxInt64/10 || m < math.MinInt64/10 {
			return 0, false
		}
		m *= 10
	}
	return m, true
}

// Segment is a named RFM segment.
type Segment uint8

// The eleven segments, from the best customers to the lost ones. Their
// JSON names are in lower case with underscores ("cant_lose_them").
const (
	// Champions bought recently, buy often and spend the most.
	Champions Segment = iota + 1
	// Loyal customers buy often and spend well; they answer promotions.
	Loyal
	// PotentialLoyalist customers are recent, have spent well and bought
	// more than once.
	PotentialLoyalist
	// New customers bought most recently, but not often.
	New
	// Promising customers are recent shoppers who have not spent much.
	Promising
	// NeedAttention customers are above average in recency, frequency and
	// spend, but may not have bought very recently.
	NeedAttention
	// AboutToSleep customers are below average and slipping: lose them if
	// they are not reactivated.
	AboutToSleep
	// AtRisk customers spent big and bought often, but long ago.
	AtRisk
	// CantLoseThem made the biggest purchases, and often, but have not
	// come back for a long time.
	CantLoseThem
	// Hibernating customers last bought long ago, seldom and little.
	Hibernating
	// Lost customers have the lowest recency, frequency and spend.
	Lost
)

var segmentNames = [...]string{
	Champions: "champions", Loyal: "loyal", PotentialLoyalist: "potential_loyalist", New: "new",
	Promising: "promising", NeedAttention: "need_attention", AboutToSleep: "about_to_sleep",
	AtRisk: "at_risk", CantLoseThem: "cant_lose_them", Hibernating: "hibernating", Lost: "lost",
}

var segmentLabels = [...]string{
	Champions: "Champions", Loyal: "Loyal", PotentialLoyalist: "Potential Loyalist", New: "New",
	Promising: "Promising", NeedAttention: "Need Attention", AboutToSleep: "About To Sleep",
	AtRisk: "At Risk", CantLoseThem: "Can't Lose Them", Hibernating: "Hibernating", Lost: "Lost",
}

// IsValid reports whether s is one of the eleven segments.
func (s Segment) IsValid() bool { return s >= Champions && s <= Lost }

// String returns the segment's name, such as "cant_lose_them".
func (s Segment) String() string {
	if !s.IsValid() {
		return fmt.Sprintf("Segment(%d)", uint8(s))
	}
	return segmentNames[s]
}

// Label returns the segment's name as operators write it, such as
// "Can't Lose Them".
func (s Segment) Label() string {
	if !s.IsValid() {
		return s.String()
	}
	return segmentLabels[s]
}

// MarshalText writes the segment's name; it refuses an invalid segment.
func (s Segment) MarshalText() ([]byte, error) {
	if !s.IsValid() {
		return nil, fmt.Errorf("rfm: marshal segment %d: %w", uint8(s), qun.Invalid("", "not a segment"))
	}
	return []byte(segmentNames[s]), nil
}

// UnmarshalText reads a segment's name.
func (s *Segment) UnmarshalText(text []byte) error {
	for v := Champions; v <= Lost; v++ {
		if segmentNames[v] == string(text) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("rfm: parse segment %q: %w", text, qun.Invalid("", "not an RFM segment"))
}

// table maps each RFM code to its segment; see the package documentation.
var table = func() (t [6][6][6]Segment) {
	codes := map[Segment]string{
		Champions:         "555 554 544 545 454 455 445",
		Loyal:             "543 444 435 355 354 345 344 335",
		PotentialLoyalist: "553 551 552 541 542 533 532 531 452 451 442 441 431 453 433 432 423 353 352 351 342 341 333 323",
		New:               "512 511 422 421 412 411 311",
		Promising:         "525 524 523 522 521 515 514 513 425 424 413 414 415 315 314 313",
		NeedAttention:     "535 534 443 434 343 334 325 324",
		AboutToSleep:      "331 321 312 221 213 231 241 251",
		AtRisk:            "255 254 245 244 253 252 243 242 235 234 225 224 153 152 145 143 142 135 134 133 125 124",
		CantLoseThem:      "155 154 144 214 215 115 114 113",
		Hibernating:       "332 322 233 232 223 222 132 123 122 212 211",
		Lost:              "111 112 121 131 141 151",
	}
	for seg, list := range codes {
		for _, code := range strings.Fields(list) {
			t[code[0]-'0'][code[1]-'0'][code[2]-'0'] = seg
		}
	}
	return t
}()

// Classify returns the segment of the scores r, f and m, each 1 to 5, by
// the table in the package documentation; 0 when a score is out of range.
func Classify(r, f, m int) Segment {
	if r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5 {
		return 0
	}
	return table[r][f][m]
}

// Codes returns the RFM codes of a segment, in increasing order.
func Codes(s Segment) []string {
	var out []string
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			for m := 1; m <= 5; m++ {
				if table[r][f][m] == s {
					out = append(out, strconv.Itoa(r*100+f*10+m))
				}
			}
		}
	}
	return out
}
