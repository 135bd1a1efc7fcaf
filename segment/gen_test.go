package segment

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// This file holds what the tests share: a schema, generators of rules
// (any valid rule, and well-typed rules for the test schema), generators
// of members, and a reference interpreter that evaluates a Rule tree
// directly, by the documented semantics, on plain Go values. The compiled
// evaluator is checked against it.

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

var testSchema = Schema{
	Attributes: []Attribute{
		{"city", TypeString},
		{"lifecycle", TypeString},
		{"age", TypeNumber},
		{"engagement", TypeNumber},
		{"spend", TypeDecimal},
		{"vip", TypeBool},
		{"joined", TypeTime},
		{"last_seen", TypeTime},
		{"languages", TypeStrings},
	},
	Tags: []string{"wine/italian/barolo", "wine/french", "course/beginner", "course/intermediate", "vip"},
}

// ---- members ----

// member is a member as plain Go values, for the reference interpreter
// and for building records.
type member struct {
	id     qun.MemberID
	attrs  map[string]any
	tags   []Tag
	events []qun.Event
}

func (m member) record(t interface{ Fatalf(string, ...any) }, set *Set) *Record {
	r := set.NewRecord(m.id)
	for _, name := range sortedAttrNames(m.attrs) {
		if err := r.Set(name, m.attrs[name]); err != nil {
			t.Fatalf("set %s: %v", name, err)
		}
	}
	for _, tag := range m.tags {
		if err := r.AddTag(tag); err != nil {
			t.Fatalf("add tag %v: %v", tag, err)
		}
	}
	for _, e := range m.events {
		if err := r.AddEvent(e); err != nil {
			t.Fatalf("add event %v: %v", e, err)
		}
	}
	return r
}

func sortedAttrNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

var (
	cities    = []string{"Shanghai", "Hangzhou", "Beijing", "shanghai", "上海", ""}
	stages    = []string{"new", "active", "silent", "churned"}
	languages = []string{"zh", "en", "it", "fr"}
	regions   = []string{"italy", "france", "piedmont"}
	topics    = []string{"wine/italian", "wine/french", "food"}
	decimals  = []string{"0", "0.01", "99.50", "99.5", "100", "-3.25", "12345678901234567890123.45", "1000000000000000000"}
	numbers   = []string{"0", "17.5", "18", "30", "-1", "100.25"}
	eventName = []string{"attend_tasting", "read_article", "purchase"}
)

// drawTime draws an instant around testNow, often on whole days so that
// window boundaries are hit exactly.
func drawTime(t *rapid.T, label string) time.Time {
	days := rapid.IntRange(-200, 5).Draw(t, label+"_days")
	switch rapid.IntRange(0, 2).Draw(t, label+"_grain") {
	case 0:
		return testNow.AddDate(0, 0, days)
	case 1:
		return testNow.AddDate(0, 0, days).Add(time.Duration(rapid.IntRange(-86400, 86400).Draw(t, label+"_s")) * time.Second)
	}
	return testNow.AddDate(0, 0, days).Add(time.Duration(rapid.IntRange(-3, 3).Draw(t, label+"_ns")))
}

func drawMember(t *rapid.T, id qun.MemberID) member {
	m := member{id: id, attrs: map[string]any{}}
	maybe := func(name string) bool { return rapid.IntRange(0, 9).Draw(t, "has_"+name) < 7 }
	if maybe("city") {
		m.attrs["city"] = rapid.SampledFrom(cities).Draw(t, "city")
	}
	if maybe("lifecycle") {
		m.attrs["lifecycle"] = rapid.SampledFrom(stages).Draw(t, "lifecycle")
	}
	if maybe("age") {
		f, _ := strconv.ParseFloat(rapid.SampledFrom(numbers).Draw(t, "age"), 64)
		m.attrs["age"] = f
	}
	if maybe("engagement") {
		m.attrs["engagement"] = float64(rapid.IntRange(-5, 100).Draw(t, "engagement")) / 4
	}
	if maybe("spend") {
		m.attrs["spend"] = decimal.RequireFromString(rapid.SampledFrom(decimals).Draw(t, "spend"))
	}
	if maybe("vip") {
		m.attrs["vip"] = rapid.Bool().Draw(t, "vip")
	}
	if maybe("joined") {
		m.attrs["joined"] = drawTime(t, "joined")
	}
	if maybe("last_seen") {
		m.attrs["last_seen"] = drawTime(t, "last_seen")
	}
	if maybe("languages") {
		m.attrs["languages"] = rapid.SliceOfN(rapid.SampledFrom(languages), 0, 3).Draw(t, "languages")
	}
	tagNames := []string{"wine", "wine/italian", "wine/italian/barolo", "wine/italian/barolo/2019", "wine/french", "course/beginner", "vip", "beer", "wineries"}
	for i := range rapid.IntRange(0, 4).Draw(t, "ntags") {
		tag := Tag{
			Name:   rapid.SampledFrom(tagNames).Draw(t, fmt.Sprintf("tag%d", i)),
			Weight: rapid.SampledFrom([]float64{0, 1, 2.5, 4}).Draw(t, fmt.Sprintf("weight%d", i)),
			Source: rapid.SampledFrom([]Source{SourceRule, SourceBehaviour, SourceManual}).Draw(t, fmt.Sprintf("source%d", i)),
		}
		if rapid.Bool().Draw(t, fmt.Sprintf("expires%d", i)) {
			tag.Expires = testNow.Add(time.Duration(rapid.IntRange(-48, 48).Draw(t, fmt.Sprintf("exp%d", i))) * time.Hour)
		}
		m.tags = append(m.tags, tag)
	}
	for i := range rapid.IntRange(0, 8).Draw(t, "nevents") {
		e := qun.Event{
			Member: id,
			Name:   rapid.SampledFrom(eventName).Draw(t, fmt.Sprintf("event%d", i)),
			Time:   drawTime(t, fmt.Sprintf("event%d", i)),
			Props:  map[string]string{},
		}
		if rapid.Bool().Draw(t, fmt.Sprintf("region%d", i)) {
			e.Props["region"] = rapid.SampledFrom(regions).Draw(t, fmt.Sprintf("regionv%d", i))
		}
		if rapid.Bool().Draw(t, fmt.Sprintf("topic%d", i)) {
			e.Props["topic"] = rapid.SampledFrom(topics).Draw(t, fmt.Sprintf("topicv%d", i))
		}
		if rapid.Bool().Draw(t, fmt.Sprintf("valued%d", i)) {
			e.Value = decimal.NewNullDecimal(decimal.RequireFromString(rapid.SampledFrom(decimals).Draw(t, fmt.Sprintf("value%d", i))))
		}
		m.events = append(m.events, e)
	}
	return m
}

// ---- rules of any shape ----

// genName draws a valid name in qun's sense.
func genName() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom([]string{"vip", "italian_wine_fans", "意大利酒友", "a b", "$browser", "and", "x\"y"}),
		rapid.StringMatching(`[a-zA-Z_\p{Han}][a-zA-Z0-9_ .\-\p{Han}]{0,12}`),
	)
}

func genIdent() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom([]string{"city", "age", "城市", "_x", "count_2"}),
		rapid.StringMatching(`[a-zA-Z_\p{Han}][a-zA-Z0-9_\p{Han}]{0,10}`).Filter(func(s string) bool { return attrNameProblem(s) == "" }),
	)
}

func genTagName() *rapid.Generator[string] {
	level := rapid.StringMatching(`[a-z\p{Han}][a-z0-9 \-\p{Han}]{0,6}`)
	return rapid.Custom(func(t *rapid.T) string {
		return strings.Join(rapid.SliceOfN(level, 1, 3).Draw(t, "levels"), "/")
	})
}

func genText() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom([]string{"", "Shanghai", "上海", "a\"b\\c", "tab\there", "line\nbreak", "\u2028", "🍷"}),
		rapid.String(),
	)
}

func genNumberText() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom([]string{"0", "-0", "3", "-2.5", "0.10", "99.50", "12345678901234567890.123"}),
		rapid.Custom(func(t *rapid.T) string {
			n := rapid.Int64().Draw(t, "int")
			if rapid.Bool().Draw(t, "frac") {
				return strconv.FormatInt(n, 10) + "." + rapid.StringMatching(`[0-9]{1,4}`).Draw(t, "digits")
			}
			return strconv.FormatInt(n, 10)
		}),
	)
}

func genValue() *rapid.Generator[Value] {
	return rapid.OneOf(
		rapid.Map(genText(), StringValue),
		rapid.Map(genNumberText(), NumberValue),
		rapid.Map(rapid.Bool(), BoolValue),
	)
}

func genDuration() *rapid.Generator[qun.Duration] {
	return rapid.OneOf(
		rapid.SampledFrom([]qun.Duration{qun.Days(30), qun.Days(90), qun.Duration(12 * time.Hour), qun.Duration(1500 * time.Millisecond), qun.Duration(1)}),
		rapid.Map(rapid.Int64Range(1, 1<<62), func(n int64) qun.Duration { return qun.Duration(n) }),
	)
}

func genCondition() *rapid.Generator[qun.Condition] {
	return rapid.Custom(func(t *rapid.T) qun.Condition {
		c := qun.Condition{Prop: genName().Draw(t, "prop"), Op: qun.Op(rapid.IntRange(1, 10).Draw(t, "op"))}
		switch c.Op {
		case qun.OpExact, qun.OpIsNot:
			c.Values = rapid.SliceOfN(genText(), 1, 3).Draw(t, "values")
		case qun.OpIContains, qun.OpNotIContains:
			c.Values = []string{genText().Draw(t, "value")}
		case qun.OpGT, qun.OpGTE, qun.OpLT, qun.OpLTE:
			c.Values = []string{rapid.OneOf(genNumberText(), rapid.SampledFrom([]string{"+5", ".5", "5."})).Draw(t, "number")}
		}
		return c
	})
}

func genAggregate() *rapid.Generator[*Aggregate] {
	return rapid.Custom(func(t *rapid.T) *Aggregate {
		a := &Aggregate{Func: AggFunc(rapid.IntRange(1, 4).Draw(t, "func")), Event: qun.EventFilter{Name: genName().Draw(t, "event")}}
		a.Event.Where = rapid.SliceOfN(genCondition(), 0, 2).Draw(t, "where")
		if len(a.Event.Where) == 0 {
			a.Event.Where = nil
		}
		if rapid.Bool().Draw(t, "windowed") {
			a.Window = genDuration().Draw(t, "window")
		}
		return a
	})
}

// genRule draws any valid rule, nesting at most depth levels.
func genRule(depth int) *rapid.Generator[Rule] {
	return rapid.Custom(func(t *rapid.T) Rule {
		kinds := 4
		if depth > 0 {
			kinds = 8
		}
		switch rapid.IntRange(0, kinds-1).Draw(t, "kind") {
		case 0:
			return Rule{Segment: genName().Draw(t, "segment")}
		case 1:
			tt := &TagTest{MinWeight: rapid.OneOf(rapid.Just(0.0), rapid.Float64Range(0, 1e9)).Draw(t, "min")}
			names := rapid.SliceOfN(genTagName(), 1, 3).Draw(t, "tags")
			if rapid.Bool().Draw(t, "all") {
				tt.All = names
			} else {
				tt.Any = names
			}
			return Rule{Tags: tt}
		case 2, 3:
			r := Rule{}
			if rapid.Bool().Draw(t, "agg") {
				r.Agg = genAggregate().Draw(t, "aggregate")
			} else {
				r.Attr = genIdent().Draw(t, "attr")
			}
			r.Op = Op(rapid.IntRange(int(Eq), int(Before)).Draw(t, "op"))
			switch r.Op {
			case Eq, Ne, Lt, Le, Gt, Ge:
				r.Values = []Value{genValue().Draw(t, "value")}
			case In:
				r.Values = rapid.SliceOfN(genValue(), 1, 3).Draw(t, "values")
			case Between:
				r.Values = []Value{genValue().Draw(t, "lo"), genValue().Draw(t, "hi")}
			case Contains, Prefix:
				r.Values = []Value{StringValue(genText().Draw(t, "text"))}
			case Within, Before:
				r.Duration = genDuration().Draw(t, "duration")
			}
			return r
		case 4:
			return Rule{And: rapid.SliceOfN(genRule(depth-1), 2, 3).Draw(t, "and")}
		case 5:
			return Rule{Or: rapid.SliceOfN(genRule(depth-1), 2, 3).Draw(t, "or")}
		case 6:
			inner := genRule(depth-1).Draw(t, "not")
			return Rule{Not: &inner}
		}
		of := rapid.SliceOfN(genRule(depth-1), 1, 3).Draw(t, "of")
		return Rule{AtLeast: rapid.IntRange(1, len(of)).Draw(t, "k"), Of: of}
	})
}

// ---- well-typed rules for testSchema ----

// genTyped draws a rule that compiles against testSchema, referring only
// to the segments in refs.
func genTyped(depth int, refs []string) *rapid.Generator[Rule] {
	return rapid.Custom(func(t *rapid.T) Rule {
		kinds := 3
		if len(refs) > 0 {
			kinds = 4
		}
		if depth > 0 {
			kinds += 4
		}
		k := rapid.IntRange(0, kinds-1).Draw(t, "kind")
		if len(refs) == 0 && k >= 3 {
			k++
		}
		switch k {
		case 0:
			return typedAttrTest(t)
		case 1:
			return typedAggTest(t)
		case 2:
			tt := &TagTest{MinWeight: rapid.SampledFrom([]float64{0, 1, 2.5, 4}).Draw(t, "min")}
			names := rapid.SliceOfN(rapid.SampledFrom([]string{"wine", "wine/italian", "wine/italian/barolo", "wine/french", "course", "course/beginner", "vip"}), 1, 3).Draw(t, "tags")
			if rapid.Bool().Draw(t, "all") {
				tt.All = names
			} else {
				tt.Any = names
			}
			return Rule{Tags: tt}
		case 3:
			return Rule{Segment: rapid.SampledFrom(refs).Draw(t, "ref")}
		case 4:
			return Rule{And: rapid.SliceOfN(genTyped(depth-1, refs), 2, 3).Draw(t, "and")}
		case 5:
			return Rule{Or: rapid.SliceOfN(genTyped(depth-1, refs), 2, 3).Draw(t, "or")}
		case 6:
			inner := genTyped(depth-1, refs).Draw(t, "not")
			return Rule{Not: &inner}
		}
		of := rapid.SliceOfN(genTyped(depth-1, refs), 1, 3).Draw(t, "of")
		return Rule{AtLeast: rapid.IntRange(1, len(of)).Draw(t, "k"), Of: of}
	})
}

func timeLit(t *rapid.T, label string) Value {
	return StringValue(drawTime(t, label).Format(time.RFC3339Nano))
}

func typedAttrTest(t *rapid.T) Rule {
	attr := rapid.SampledFrom(testSchema.Attributes).Draw(t, "attribute")
	r := Rule{Attr: attr.Name}
	if rapid.IntRange(0, 9).Draw(t, "exists") == 0 {
		r.Op = Exists
		return r
	}
	order := []Op{Eq, Ne, Lt, Le, Gt, Ge, In, Between}
	numLit := func(label string) Value { return NumberValue(rapid.SampledFrom(numbers).Draw(t, label)) }
	decLit := func(label string) Value { return NumberValue(rapid.SampledFrom(decimals).Draw(t, label)) }
	switch attr.Type {
	case TypeString:
		r.Op = rapid.SampledFrom([]Op{Eq, Ne, In, Contains, Prefix}).Draw(t, "op")
		str := func(label string) Value {
			return StringValue(rapid.SampledFrom([]string{"Shanghai", "Hangzhou", "shang", "SH", "", "active", "new"}).Draw(t, label))
		}
		switch r.Op {
		case In:
			r.Values = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Value { return str("v") }), 1, 3).Draw(t, "values")
		default:
			r.Values = []Value{str("value")}
		}
	case TypeNumber, TypeDecimal:
		lit := numLit
		if attr.Type == TypeDecimal {
			lit = decLit
		}
		r.Op = rapid.SampledFrom(order).Draw(t, "op")
		switch r.Op {
		case In:
			r.Values = []Value{lit("a"), lit("b")}
		case Between:
			a, b := lit("lo"), lit("hi")
			da, db := decimal.RequireFromString(a.Text), decimal.RequireFromString(b.Text)
			if da.Cmp(db) > 0 {
				a, b = b, a
			}
			r.Values = []Value{a, b}
		default:
			r.Values = []Value{lit("value")}
		}
	case TypeBool:
		r.Op = rapid.SampledFrom([]Op{Eq, Ne}).Draw(t, "op")
		r.Values = []Value{BoolValue(rapid.Bool().Draw(t, "value"))}
	case TypeTime:
		r.Op = rapid.SampledFrom([]Op{Eq, Ne, Lt, Le, Gt, Ge, Between, Within, Before}).Draw(t, "op")
		switch r.Op {
		case Within, Before:
			r.Duration = rapid.SampledFrom([]qun.Duration{qun.Days(1), qun.Days(30), qun.Days(90)}).Draw(t, "duration")
		case Between:
			a, b := timeLit(t, "lo"), timeLit(t, "hi")
			ta, _ := time.Parse(time.RFC3339Nano, a.Text)
			tb, _ := time.Parse(time.RFC3339Nano, b.Text)
			if tb.Before(ta) {
				a, b = b, a
			}
			r.Values = []Value{a, b}
		default:
			r.Values = []Value{timeLit(t, "value")}
		}
	case TypeStrings:
		r.Op = Contains
		r.Values = []Value{StringValue(rapid.SampledFrom(languages).Draw(t, "language"))}
	}
	return r
}

func typedAggTest(t *rapid.T) Rule {
	a := &Aggregate{Func: AggFunc(rapid.IntRange(1, 4).Draw(t, "func")), Event: qun.EventFilter{Name: rapid.SampledFrom(eventName).Draw(t, "event")}}
	switch rapid.IntRange(0, 3).Draw(t, "filter") {
	case 1:
		a.Event.Where = []qun.Condition{{Prop: "region", Op: qun.OpExact, Values: []string{rapid.SampledFrom(regions).Draw(t, "region")}}}
	case 2:
		a.Event.Where = []qun.Condition{{Prop: "topic", Op: qun.OpIContains, Values: []string{"ITALIAN"}}, {Prop: "region", Op: qun.OpIsNotSet}}
	case 3:
		a.Event.Where = []qun.Condition{{Prop: "region", Op: qun.OpIsNot, Values: []string{"italy", "france"}}}
	}
	if rapid.Bool().Draw(t, "windowed") {
		a.Window = rapid.SampledFrom([]qun.Duration{qun.Days(1), qun.Days(30), qun.Days(90)}).Draw(t, "window")
	}
	r := Rule{Agg: a}
	switch a.Func {
	case Count:
		r.Op = rapid.SampledFrom([]Op{Eq, Ne, Lt, Le, Gt, Ge, In, Between}).Draw(t, "op")
		n := func(label string) Value { return IntValue(int64(rapid.IntRange(1, 4).Draw(t, label))) }
		switch r.Op {
		case In:
			r.Values = []Value{n("a"), IntValue(0)}
		case Between:
			r.Values = []Value{IntValue(0), n("hi")}
		default:
			r.Values = []Value{n("value")}
		}
	case Sum:
		r.Op = rapid.SampledFrom([]Op{Eq, Ne, Lt, Le, Gt, Ge}).Draw(t, "op")
		r.Values = []Value{NumberValue(rapid.SampledFrom(decimals).Draw(t, "value"))}
	default:
		r.Op = rapid.SampledFrom([]Op{Exists, Lt, Ge, Ne, Within, Before}).Draw(t, "op")
		switch r.Op {
		case Within, Before:
			r.Duration = rapid.SampledFrom([]qun.Duration{qun.Days(1), qun.Days(30)}).Draw(t, "duration")
		case Exists:
		default:
			r.Values = []Value{timeLit(t, "value")}
		}
	}
	return r
}

// ---- the reference interpreter ----

// refEval evaluates r for m at now by the documented semantics, directly
// on the tree; segs holds the set's rules by name.
func refEval(r *Rule, m member, now time.Time, segs map[string]Rule) bool {
	switch {
	case r.And != nil:
		for i := range r.And {
			if !refEval(&r.And[i], m, now, segs) {
				return false
			}
		}
		return true
	case r.Or != nil:
		for i := range r.Or {
			if refEval(&r.Or[i], m, now, segs) {
				return true
			}
		}
		return false
	case r.Not != nil:
		return !refEval(r.Not, m, now, segs)
	case r.Of != nil:
		n := 0
		for i := range r.Of {
			if refEval(&r.Of[i], m, now, segs) {
				n++
			}
		}
		return n >= r.AtLeast
	case r.Segment != "":
		rule := segs[r.Segment]
		return refEval(&rule, m, now, segs)
	case r.Tags != nil:
		names, all := r.Tags.Any, false
		if r.Tags.All != nil {
			names, all = r.Tags.All, true
		}
		for _, name := range names {
			held := false
			for _, tag := range m.tags {
				if Covers(name, tag.Name) && tag.Active(now) && tag.Weight >= r.Tags.MinWeight {
					held = true
				}
			}
			if held != all {
				return held
			}
		}
		return all
	case r.Agg != nil:
		return refAggregate(r, m, now)
	}
	v, ok := m.attrs[r.Attr]
	if r.Op == Exists {
		return ok
	}
	if !ok {
		return r.Op == Ne
	}
	switch v := v.(type) {
	case string:
		switch r.Op {
		case Eq:
			return v == r.Values[0].Text
		case Ne:
			return v != r.Values[0].Text
		case In:
			return slices.ContainsFunc(r.Values, func(x Value) bool { return x.Text == v })
		case Contains:
			return strings.Contains(strings.ToLower(v), strings.ToLower(r.Values[0].Text))
		case Prefix:
			return strings.HasPrefix(v, r.Values[0].Text)
		}
	case float64:
		lits := make([]float64, len(r.Values))
		for i, x := range r.Values {
			lits[i], _ = strconv.ParseFloat(x.Text, 64)
		}
		return refOrder(r.Op, lits, func(x float64) int {
			switch {
			case v < x:
				return -1
			case v > x:
				return 1
			}
			return 0
		})
	case decimal.Decimal:
		lits := make([]decimal.Decimal, len(r.Values))
		for i, x := range r.Values {
			lits[i] = decimal.RequireFromString(x.Text)
		}
		return refOrder(r.Op, lits, func(x decimal.Decimal) int { return v.Cmp(x) })
	case bool:
		want := r.Values[0].Text == "true"
		return (v == want) == (r.Op == Eq)
	case time.Time:
		return refTime(r, v, now)
	case []string:
		return slices.Contains(v, r.Values[0].Text)
	}
	panic(fmt.Sprintf("refEval: %v on %T", r.Op, v))
}

func refOrder[T any](op Op, lits []T, cmp func(T) int) bool {
	switch op {
	case Eq:
		return cmp(lits[0]) == 0
	case Ne:
		return cmp(lits[0]) != 0
	case Lt:
		return cmp(lits[0]) < 0
	case Le:
		return cmp(lits[0]) <= 0
	case Gt:
		return cmp(lits[0]) > 0
	case Ge:
		return cmp(lits[0]) >= 0
	case Between:
		return cmp(lits[0]) >= 0 && cmp(lits[1]) <= 0
	case In:
		return slices.ContainsFunc(lits, func(x T) bool { return cmp(x) == 0 })
	}
	panic("refOrder: " + op.String())
}

func refTime(r *Rule, v, now time.Time) bool {
	switch r.Op {
	case Within:
		return !v.Before(now.Add(-time.Duration(r.Duration))) && !v.After(now)
	case Before:
		return v.Before(now.Add(-time.Duration(r.Duration)))
	}
	lits := make([]time.Time, len(r.Values))
	for i, x := range r.Values {
		lits[i], _ = time.Parse(time.RFC3339Nano, x.Text)
	}
	return refOrder(r.Op, lits, func(x time.Time) int { return v.Compare(x) })
}

func refAggregate(r *Rule, m member, now time.Time) bool {
	a := r.Agg
	var count int64
	sum := decimal.Zero
	var first, last time.Time
	for _, e := range m.events {
		if !a.Event.Match(e) || e.Time.After(now) {
			continue
		}
		if a.Window > 0 && e.Time.Before(now.Add(-time.Duration(a.Window))) {
			continue
		}
		count++
		if e.Value.Valid {
			sum = sum.Add(e.Value.Decimal)
		}
		if first.IsZero() || e.Time.Before(first) {
			first = e.Time
		}
		if last.IsZero() || e.Time.After(last) {
			last = e.Time
		}
	}
	switch a.Func {
	case Count, Sum:
		v := decimal.NewFromInt(count)
		if a.Func == Sum {
			v = sum
		}
		lits := make([]decimal.Decimal, len(r.Values))
		for i, x := range r.Values {
			lits[i] = decimal.RequireFromString(x.Text)
		}
		return refOrder(r.Op, lits, func(x decimal.Decimal) int { return v.Cmp(x) })
	}
	at := first
	if a.Func == Last {
		at = last
	}
	if r.Op == Exists {
		return count > 0
	}
	if count == 0 {
		return r.Op == Ne
	}
	return refTime(r, at, now)
}
