package qun

import (
	"errors"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// EventFilter selects events: those with a name, whose properties meet every
// condition. It is how rules across qun say which events count: the steps
// of a funnel, the events that earn points or advance a quest, the behaviour
// a segment aggregates. A host that defines "an Italian tasting" once can
// use the same filter everywhere.
//
// Its JSON form is
//
//	{"name":"attend_tasting","where":[{"prop":"region","op":"exact","values":["italy","piedmont"]}]}
type EventFilter struct {
	// Name is the event name to match, exactly.
	Name string `json:"name"`
	// Where lists conditions on the event's properties; all must hold.
	Where []Condition `json:"where,omitempty"`
}

// UnmarshalJSON reads an event filter strictly, as [UnmarshalStrict] reads:
// a misspelt "where" is refused rather than quietly matching every event of
// the name. Call [EventFilter.Validate] on the result.
func (f *EventFilter) UnmarshalJSON(data []byte) error {
	type plain EventFilter
	return UnmarshalStrict(data, (*plain)(f))
}

// Validate reports every problem with f, joined: the name must be a name
// (see [MaxNameLen]) and each condition valid.
func (f EventFilter) Validate() error {
	var errs []error
	if reason := nameProblem(f.Name); reason != "" {
		errs = append(errs, Invalid("name", reason))
	}
	for i, c := range f.Where {
		errs = append(errs, Within("where["+strconv.Itoa(i)+"]", c.Validate()))
	}
	return errors.Join(errs...)
}

// Match reports whether e has f's name and its properties meet every
// condition. It does not allocate.
func (f EventFilter) Match(e Event) bool {
	if e.Name != f.Name {
		return false
	}
	for _, c := range f.Where {
		v, ok := e.Props[c.Prop]
		if !c.Holds(v, ok) {
			return false
		}
	}
	return true
}

// Condition is a test of one event property, with the operators and
// semantics of PostHog's property filters (posthog.com/docs/data/property-filters),
// less regular expressions. A missing property meets only the negative
// operators (is_not, not_icontains, is_not_set), as in PostHog, where "email
// does not contain posthog.com" matches an event without an email.
type Condition struct {
	// Prop is the property's key.
	Prop string `json:"prop"`
	// Op is the test.
	Op Op `json:"op"`
	// Values are the operands: one or more for exact and is_not, one for
	// the others, none for is_set and is_not_set. The numeric operators
	// take a decimal number in plain notation, such as "100" or "-2.5".
	Values []string `json:"values,omitempty"`
}

// Op is the operator of a [Condition].
type Op uint8

// The operators. Their JSON names are PostHog's.
const (
	// OpExact holds when the property equals one of the values: "exact".
	OpExact Op = iota + 1
	// OpIsNot holds when the property is missing or equals none of the
	// values: "is_not".
	OpIsNot
	// OpIContains holds when the property contains the value, ignoring
	// case: "icontains".
	OpIContains
	// OpNotIContains holds when the property is missing or does not
	// contain the value, ignoring case: "not_icontains".
	OpNotIContains
	// OpGT, OpGTE, OpLT and OpLTE compare the property as a decimal number
	// with the value: "gt", "gte", "lt", "lte". A property that is missing
	// or not a number in plain notation meets none of them.
	OpGT
	OpGTE
	OpLT
	OpLTE
	// OpIsSet holds when the property is present, even if empty: "is_set".
	OpIsSet
	// OpIsNotSet holds when the property is missing: "is_not_set".
	OpIsNotSet
)

var opNames = [...]string{
	OpExact: "exact", OpIsNot: "is_not", OpIContains: "icontains", OpNotIContains: "not_icontains",
	OpGT: "gt", OpGTE: "gte", OpLT: "lt", OpLTE: "lte", OpIsSet: "is_set", OpIsNotSet: "is_not_set",
}

// ParseOp reads an operator's name, such as "exact" or "gte".
func ParseOp(s string) (Op, error) {
	for op := OpExact; op <= OpIsNotSet; op++ {
		if opNames[op] == s {
			return op, nil
		}
	}
	return 0, fmt.Errorf("qun: parse operator %q: %w", s, Invalid("", "%q is not an operator: want exact, is_not, icontains, not_icontains, gt, gte, lt, lte, is_set or is_not_set", s))
}

// IsValid reports whether op is one of the operators.
func (op Op) IsValid() bool { return op >= OpExact && op <= OpIsNotSet }

// String returns the operator's name.
func (op Op) String() string {
	if !op.IsValid() {
		return fmt.Sprintf("Op(%d)", uint8(op))
	}
	return opNames[op]
}

// MarshalText writes the operator's name; it refuses an invalid operator.
func (op Op) MarshalText() ([]byte, error) {
	if !op.IsValid() {
		return nil, fmt.Errorf("qun: marshal operator %d: %w", uint8(op), Invalid("", "not an operator"))
	}
	return []byte(opNames[op]), nil
}

// UnmarshalText reads an operator's name as [ParseOp] does.
func (op *Op) UnmarshalText(text []byte) error {
	v, err := ParseOp(string(text))
	if err != nil {
		return err
	}
	*op = v
	return nil
}

// UnmarshalJSON reads a condition strictly, as [UnmarshalStrict] reads.
// Call [Condition.Validate] on the result.
func (c *Condition) UnmarshalJSON(data []byte) error {
	type plain Condition
	return UnmarshalStrict(data, (*plain)(c))
}

// Validate reports every problem with c, joined: the key must be a name,
// the operator known, and the values as many as it takes, numeric where it
// compares numbers, and valid UTF-8.
func (c Condition) Validate() error {
	var errs []error
	if reason := nameProblem(c.Prop); reason != "" {
		errs = append(errs, Invalid("prop", reason))
	}
	n := len(c.Values)
	switch c.Op {
	case OpExact, OpIsNot:
		if n == 0 {
			errs = append(errs, Invalid("values", "%s needs at least one value", c.Op))
		}
	case OpIContains, OpNotIContains, OpGT, OpGTE, OpLT, OpLTE:
		if n != 1 {
			errs = append(errs, Invalid("values", "%s needs exactly one value, not %d", c.Op, n))
		}
	case OpIsSet, OpIsNotSet:
		if n != 0 {
			errs = append(errs, Invalid("values", "%s takes no values", c.Op))
		}
	default:
		errs = append(errs, Invalid("op", "not an operator"))
	}
	for i, v := range c.Values {
		field := "values[" + strconv.Itoa(i) + "]"
		if reason := textProblem(v, true); reason != "" {
			errs = append(errs, Invalid(field, reason))
		} else if c.Op >= OpGT && c.Op <= OpLTE && !isPlainDecimal(v) {
			errs = append(errs, Invalid(field, "%s compares numbers: want a decimal such as 100 or -2.5", c.Op))
		}
	}
	return errors.Join(errs...)
}

// Holds reports whether a property with the given value (present says
// whether the event has it at all) meets c. Packages that keep properties
// in their own form (a funnel's interned columns) test them with it. It
// does not allocate. A condition with an unknown operator or the wrong
// number of values holds for nothing.
func (c Condition) Holds(value string, present bool) bool {
	if !c.arityOK() {
		return false
	}
	switch c.Op {
	case OpExact:
		return present && c.anyEqual(value)
	case OpIsNot:
		return !present || !c.anyEqual(value)
	case OpIContains:
		return present && ContainsFold(value, c.Values[0])
	case OpNotIContains:
		return !present || !ContainsFold(value, c.Values[0])
	case OpGT, OpGTE, OpLT, OpLTE:
		if !present {
			return false
		}
		cmp, ok := compareDecimal(value, c.Values[0])
		if !ok {
			return false
		}
		switch c.Op {
		case OpGT:
			return cmp > 0
		case OpGTE:
			return cmp >= 0
		case OpLT:
			return cmp < 0
		}
		return cmp <= 0
	case OpIsSet:
		return present
	case OpIsNotSet:
		return !present
	}
	return false
}

// arityOK reports whether c has as many values as its operator takes.
func (c Condition) arityOK() bool {
	switch c.Op {
	case OpExact, OpIsNot:
		return len(c.Values) > 0
	case OpIContains, OpNotIContains, OpGT, OpGTE, OpLT, OpLTE:
		return len(c.Values) == 1
	case OpIsSet, OpIsNotSet:
		return len(c.Values) == 0
	}
	return false
}

func (c Condition) anyEqual(value string) bool {
	for _, v := range c.Values {
		if v == value {
			return true
		}
	}
	return false
}

// ContainsFold reports whether sub occurs in s under Unicode simple case
// folding, as strings.EqualFold compares: the test behind PostHog's
// icontains, which [OpIContains] and the leaves' "contains" share. It does
// not allocate.
func ContainsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return false
}

// hasPrefixFold reports whether s begins with prefix under simple folding.
func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		if c1, c2 := s[0], prefix[0]; c1|c2 < utf8.RuneSelf {
			// Both ASCII: fold letters by hand. (Non-ASCII runes that fold
			// to ASCII, such as the Kelvin sign, are never ASCII bytes.)
			if c1 != c2 && lowerASCII(c1) != lowerASCII(c2) {
				return false
			}
			s, prefix = s[1:], prefix[1:]
			continue
		}
		r1, n1 := utf8.DecodeRuneInString(s)
		r2, n2 := utf8.DecodeRuneInString(prefix)
		if r1 != r2 && !equalFoldRune(r1, r2) {
			return false
		}
		s, prefix = s[n1:], prefix[n2:]
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFoldRune reports whether r1 and r2 are equal under simple folding.
func equalFoldRune(r1, r2 rune) bool {
	for r := unicode.SimpleFold(r1); r != r1; r = unicode.SimpleFold(r) {
		if r == r2 {
			return true
		}
	}
	return false
}

// isPlainDecimal reports whether s is a decimal number in plain notation:
// an optional sign, digits, and an optional fraction ("12", "-0.5", ".5").
func isPlainDecimal(s string) bool {
	_, _, _, ok := splitDecimal(s)
	return ok
}

// compareDecimal compares two numbers in plain decimal notation exactly,
// without allocating; ok is false if either is not one.
func compareDecimal(a, b string) (cmp int, ok bool) {
	negA, intA, fracA, okA := splitDecimal(a)
	negB, intB, fracB, okB := splitDecimal(b)
	if !okA || !okB {
		return 0, false
	}
	zeroA, zeroB := intA == "" && fracA == "", intB == "" && fracB == ""
	switch {
	case zeroA && zeroB:
		return 0, true
	case negA && !zeroA && (!negB || zeroB):
		return -1, true
	case negB && !zeroB && (!negA || zeroA):
		return 1, true
	}
	// Same sign: compare magnitudes, and flip for negatives.
	m := compareMagnitude(intA, fracA, intB, fracB)
	if negA && !zeroA {
		m = -m
	}
	return m, true
}

// splitDecimal splits a plain decimal into its sign, its integer digits
// without leading zeros and its fraction digits without trailing zeros.
func splitDecimal(s string) (neg bool, intPart, frac string, ok bool) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart = s[:i]
	if i < len(s) {
		if s[i] != '.' {
			return false, "", "", false
		}
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j != len(s) {
			return false, "", "", false
		}
		frac = s[i+1:]
	}
	if intPart == "" && frac == "" {
		return false, "", "", false
	}
	for len(intPart) > 0 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	return neg, intPart, frac, true
}

// compareMagnitude compares two non-negative numbers given as normalized
// integer and fraction digits.
func compareMagnitude(intA, fracA, intB, fracB string) int {
	if len(intA) != len(intB) {
		if len(intA) < len(intB) {
			return -1
		}
		return 1
	}
	if intA != intB {
		if intA < intB {
			return -1
		}
		return 1
	}
	// Fractions compare digit by digit, a shorter one padded with zeros.
	for i := 0; i < len(fracA) || i < len(fracB); i++ {
		da, db := byte('0'), byte('0')
		if i < len(fracA) {
			da = fracA[i]
		}
		if i < len(fracB) {
			db = fracB[i]
		}
		if da != db {
			if da < db {
				return -1
			}
			return 1
		}
	}
	return 0
}
