package segment

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/qunkit/qun"
)

// Rule is a segment's condition, as a tree. It has two forms that carry
// the same tree: this struct, whose JSON form hosts store and admin UIs
// edit, and a compact text syntax for people (see [Parse] and
// [Rule.String]):
//
//	has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]
//
// reads as the JSON
//
//	{"and":[
//	  {"tags":{"any":["wine/italian"],"min_weight":3}},
//	  {"agg":{"func":"count","event":{"name":"attend_tasting"},"window":"90d"},"op":">=","values":[1]},
//	  {"attr":"city","op":"in","values":["Shanghai","Hangzhou"]}]}
//
// A rule is exactly one of: a combination (And, Or, Not, AtLeast with Of),
// a reference to another segment (Segment), a tag test (Tags), or a test
// of one operand (Attr or Agg, with Op, Values and Duration). The fields
// of the other kinds stay empty (their zero values, which is also their
// JSON default: left out). [Rule.Validate] checks the shape; types are
// checked when the rule is compiled against a [Schema]. The zero Rule is
// empty and refused.
type Rule struct {
	// And holds when all of its rules hold; it has two or more.
	And []Rule `json:"and,omitempty"`
	// Or holds when any of its rules holds; it has two or more.
	Or []Rule `json:"or,omitempty"`
	// Not holds when its rule does not.
	Not *Rule `json:"not,omitempty"`
	// AtLeast, with Of, holds when at least AtLeast of the rules in Of
	// hold: the threshold (门槛) "at least three shared attributes". It is
	// a count of rules, from 1 to len(Of).
	AtLeast int `json:"at_least,omitempty"`
	// Of is the list AtLeast counts in: one rule or more.
	Of []Rule `json:"of,omitempty"`
	// Segment holds for the members of the named segment, which must be
	// compiled in the same set.
	Segment string `json:"segment,omitempty"`
	// Tags tests the member's tags.
	Tags *TagTest `json:"tags,omitempty"`

	// Attr names the attribute a test reads, as the schema declares it.
	Attr string `json:"attr,omitempty"`
	// Agg is the aggregate of the member's events a test reads, instead
	// of an attribute.
	Agg *Aggregate `json:"agg,omitempty"`
	// Op is the test; a test must have one (the zero Op is invalid).
	Op Op `json:"op,omitempty"`
	// Values are its operands: one for the comparisons, contains and
	// prefix; one or more for in; two for between (low, high); none for
	// exists, within and before.
	Values []Value `json:"values,omitempty"`
	// Duration is how far back within and before reach, a positive
	// duration written as qun.Duration writes it ("30d", "12h"; a day is
	// 24 hours): "within 30d" holds for an instant in the last 30 days.
	// Only within and before take one; it is zero (left out) otherwise.
	Duration qun.Duration `json:"duration,omitzero"`
}

// MaxDepth is how deeply a rule may nest: a rule whose combinations go
// deeper is refused. Operators' rules are a few levels deep; the limit
// keeps a hostile input from exhausting the stack.
const MaxDepth = 64

// TagTest tests a member's tags. It holds when the member holds, at the
// time of evaluation, any (or all) of the named tags with at least the
// minimum weight; a tag is held directly or through a tag below it (see
// [Covers]), and an expired tag is not held. Exactly one of Any and All
// is set.
type TagTest struct {
	// Any lists tags of which the member must hold at least one.
	Any []string `json:"any,omitempty"`
	// All lists tags the member must all hold.
	All []string `json:"all,omitempty"`
	// MinWeight is the least weight a tag must have to count, in the
	// units of [Tag.Weight] (an interest's strength for a behaviour
	// tag); finite, not below zero. The default, zero, counts every tag
	// held.
	MinWeight float64 `json:"min_weight,omitzero"`
}

// Aggregate is a number or an instant computed from a member's events:
// how many there were, what their values add up to, when the first or
// the last was. Only events at or before the time of evaluation count;
// with a window, only those within it: count("attend_tasting", 90d) counts
// tastings in the 90 days up to now, both ends included.
type Aggregate struct {
	// Func is what to compute: "count", "sum", "first" or "last".
	// Required; the zero AggFunc is invalid.
	Func AggFunc `json:"func"`
	// Event selects the events: a name (required), and optionally
	// conditions on their properties with PostHog's operators (see
	// qun.Condition).
	Event qun.EventFilter `json:"event"`
	// Window, when not zero, reaches back from the time of evaluation by
	// this duration, written as qun.Duration writes it ("90d", "12h"; a
	// day is 24 hours): only events from now−Window to now count. The
	// default, zero, counts the member's whole history up to now. It
	// must not be negative.
	Window qun.Duration `json:"window,omitzero"`
}

// AggFunc is what an [Aggregate] computes.
type AggFunc uint8

// The aggregate functions.
const (
	// Count is the number of events, 0 when there are none ("count").
	Count AggFunc = iota + 1
	// Sum adds up the events' values exactly, 0 when there are none; an
	// event without a value adds nothing ("sum").
	Sum
	// First is the instant of the earliest event; missing when there is
	// none ("first").
	First
	// Last is the instant of the latest event; missing when there is none
	// ("last").
	Last
)

var aggNames = [...]string{Count: "count", Sum: "sum", First: "first", Last: "last"}

// IsValid reports whether f is one of the functions.
func (f AggFunc) IsValid() bool { return f >= Count && f <= Last }

// String returns the function's name.
func (f AggFunc) String() string {
	if !f.IsValid() {
		return fmt.Sprintf("AggFunc(%d)", uint8(f))
	}
	return aggNames[f]
}

// MarshalText writes the function's name; it refuses an invalid one.
func (f AggFunc) MarshalText() ([]byte, error) {
	if !f.IsValid() {
		return nil, fmt.Errorf("segment: marshal aggregate function %d: %w", uint8(f), qun.Invalid("", "not a function"))
	}
	return []byte(aggNames[f]), nil
}

// UnmarshalText reads a function's name: count, sum, first or last.
func (f *AggFunc) UnmarshalText(text []byte) error {
	for v := Count; v <= Last; v++ {
		if aggNames[v] == string(text) {
			*f = v
			return nil
		}
	}
	return fmt.Errorf("segment: parse aggregate function %q: %w", text, qun.Invalid("", "want count, sum, first or last"))
}

// Op is the test a rule applies to its operand. A test of a missing value
// (an attribute the member does not have; first or last of no events)
// does not hold, except != which holds: x != v means exactly not (x = v).
type Op uint8

// The tests. Their names in JSON and in the text syntax are the same.
const (
	// Eq: equal ("=").
	Eq Op = iota + 1
	// Ne: not equal, or missing ("!=").
	Ne
	// Lt: less than ("<"), of numbers, decimals and instants.
	Lt
	// Le: less than or equal ("<=").
	Le
	// Gt: greater than (">").
	Gt
	// Ge: greater than or equal (">=").
	Ge
	// In: equal to one of the values ("in").
	In
	// Between: from the first value to the second, both included
	// ("between").
	Between
	// Contains: a string holds the value, ignoring case, as PostHog's
	// icontains; a string list has the value as an element ("contains").
	Contains
	// Prefix: a string begins with the value, case and all ("prefix").
	Prefix
	// Exists: the member has a value ("exists").
	Exists
	// Within: an instant lies in the Duration up to the time of
	// evaluation, both ends included ("within").
	Within
	// Before: an instant lies more than Duration before the time of
	// evaluation ("before").
	Before
)

var opNames = [...]string{
	Eq: "=", Ne: "!=", Lt: "<", Le: "<=", Gt: ">", Ge: ">=", In: "in", Between: "between",
	Contains: "contains", Prefix: "prefix", Exists: "exists", Within: "within", Before: "before",
}

// IsValid reports whether op is one of the tests.
func (op Op) IsValid() bool { return op >= Eq && op <= Before }

// String returns the test's name, such as ">=" or "within".
func (op Op) String() string {
	if !op.IsValid() {
		return fmt.Sprintf("Op(%d)", uint8(op))
	}
	return opNames[op]
}

// MarshalText writes the test's name; it refuses an invalid one.
func (op Op) MarshalText() ([]byte, error) {
	if !op.IsValid() {
		return nil, fmt.Errorf("segment: marshal op %d: %w", uint8(op), qun.Invalid("", "not a test"))
	}
	return []byte(opNames[op]), nil
}

// UnmarshalText reads a test's name.
func (op *Op) UnmarshalText(text []byte) error {
	for v := Eq; v <= Before; v++ {
		if opNames[v] == string(text) {
			*op = v
			return nil
		}
	}
	return fmt.Errorf("segment: parse op %q: %w", text, qun.Invalid("", "want = != < <= > >= in between contains prefix exists within or before"))
}

// kind is what a rule is, told by which of its fields are set.
type kind uint8

const (
	kindNone kind = iota
	kindAnd
	kindOr
	kindNot
	kindAtLeast
	kindSegment
	kindTags
	kindTest
	kindMany // more than one kind's fields are set
)

func (r *Rule) kind() kind {
	k := kindNone
	set := func(v kind) {
		if k == kindNone {
			k = v
		} else {
			k = kindMany
		}
	}
	if r.And != nil {
		set(kindAnd)
	}
	if r.Or != nil {
		set(kindOr)
	}
	if r.Not != nil {
		set(kindNot)
	}
	if r.AtLeast != 0 || r.Of != nil {
		set(kindAtLeast)
	}
	if r.Segment != "" {
		set(kindSegment)
	}
	if r.Tags != nil {
		set(kindTags)
	}
	if r.Attr != "" || r.Agg != nil || r.Op != 0 || r.Values != nil || r.Duration != 0 {
		set(kindTest)
	}
	return k
}

// Validate reports every problem with the shape of r, joined, each naming
// the field by its path in the JSON form ("and[1].values[0]"): that each
// node is exactly one kind of rule, that combinations have enough
// operands, that names are valid, that each test has the values it takes,
// and that r nests at most [MaxDepth] levels deep. Whether the attributes,
// tags and segments exist and the types agree is checked by [Compile].
func (r Rule) Validate() error { return r.validate(0) }

func (r *Rule) validate(depth int) error {
	if depth >= MaxDepth {
		return qun.Invalid("", "nests more than %d levels deep", MaxDepth)
	}
	var errs []error
	list := func(field string, rules []Rule, least int) {
		if len(rules) < least {
			errs = append(errs, qun.Invalid(field, "needs at least %d rules, not %d", least, len(rules)))
		}
		for i := range rules {
			errs = append(errs, qun.Within(field+"["+strconv.Itoa(i)+"]", rules[i].validate(depth+1)))
		}
	}
	switch r.kind() {
	case kindNone:
		return qun.Invalid("", "empty rule: want and, or, not, at_least, segment, tags, or a test (attr or agg with op)")
	case kindMany:
		return qun.Invalid("", "a rule must be exactly one of and, or, not, at_least, segment, tags, or a test (attr or agg with op)")
	case kindAnd:
		list("and", r.And, 2)
	case kindOr:
		list("or", r.Or, 2)
	case kindNot:
		errs = append(errs, qun.Within("not", r.Not.validate(depth+1)))
	case kindAtLeast:
		if r.AtLeast < 1 || r.AtLeast > len(r.Of) {
			errs = append(errs, qun.Invalid("at_least", "must be from 1 to the number of rules in of (%d), not %d", len(r.Of), r.AtLeast))
		}
		list("of", r.Of, 1)
	case kindSegment:
		if reason := nameProblem(r.Segment); reason != "" {
			errs = append(errs, qun.Invalid("segment", reason))
		}
	case kindTags:
		errs = append(errs, qun.Within("tags", r.Tags.validate()))
	case kindTest:
		errs = append(errs, r.validateTest())
	}
	return errors.Join(errs...)
}

func (t *TagTest) validate() error {
	var errs []error
	names := func(field string, list []string) {
		for i, name := range list {
			errs = append(errs, qun.Within(field+"["+strconv.Itoa(i)+"]", CheckTagName(name)))
		}
	}
	switch {
	case len(t.Any) > 0 && len(t.All) > 0:
		errs = append(errs, qun.Invalid("", "set any or all, not both"))
	case len(t.Any) == 0 && len(t.All) == 0:
		errs = append(errs, qun.Invalid("", "name at least one tag in any or all"))
	}
	names("any", t.Any)
	names("all", t.All)
	if math.IsNaN(t.MinWeight) || math.IsInf(t.MinWeight, 0) || t.MinWeight < 0 {
		errs = append(errs, qun.Invalid("min_weight", "must be a finite number, not below zero"))
	}
	return errors.Join(errs...)
}

func (r *Rule) validateTest() error {
	var errs []error
	switch {
	case r.Attr != "" && r.Agg != nil:
		errs = append(errs, qun.Invalid("", "a test reads attr or agg, not both"))
	case r.Attr == "" && r.Agg == nil:
		errs = append(errs, qun.Invalid("", "a test needs attr or agg to read"))
	case r.Attr != "":
		if reason := attrNameProblem(r.Attr); reason != "" {
			errs = append(errs, qun.Invalid("attr", reason))
		}
	default:
		errs = append(errs, qun.Within("agg", r.Agg.validate()))
	}
	n := len(r.Values)
	want := ""
	switch r.Op {
	case Eq, Ne, Lt, Le, Gt, Ge, Contains, Prefix:
		if n != 1 {
			want = "exactly one value"
		}
	case In:
		if n == 0 {
			want = "at least one value"
		}
	case Between:
		if n != 2 {
			want = "two values, low and high"
		}
	case Exists, Within, Before:
		if n != 0 {
			want = "no values"
		}
	default:
		errs = append(errs, qun.Invalid("op", "must be = != < <= > >= in between contains prefix exists within or before"))
	}
	if want != "" {
		errs = append(errs, qun.Invalid("values", "%s takes %s, not %d", r.Op, want, n))
	}
	for i, v := range r.Values {
		field := "values[" + strconv.Itoa(i) + "]"
		if err := v.Validate(); err != nil {
			errs = append(errs, qun.Within(field, err))
		} else if (r.Op == Contains || r.Op == Prefix) && v.Kind != KindString {
			errs = append(errs, qun.Invalid(field, "%s takes a string", r.Op))
		}
	}
	switch {
	case r.Op == Within || r.Op == Before:
		if r.Duration <= 0 {
			errs = append(errs, qun.Invalid("duration", "%s needs a positive duration, such as 30d", r.Op))
		}
	case r.Duration != 0:
		errs = append(errs, qun.Invalid("duration", "only within and before take a duration"))
	}
	return errors.Join(errs...)
}

func (a *Aggregate) validate() error {
	var errs []error
	if !a.Func.IsValid() {
		errs = append(errs, qun.Invalid("func", "must be count, sum, first or last"))
	}
	errs = append(errs, qun.Within("event", a.Event.Validate()))
	if a.Window < 0 {
		errs = append(errs, qun.Invalid("window", "must not be negative"))
	}
	return errors.Join(errs...)
}
