package segment

import (
	"fmt"
	"math"
	"strconv"

	"github.com/qunkit/qun"
)

// Parse reads a rule in the text syntax:
//
//	rule     = term { "or" term }
//	term     = factor { "and" factor }
//	factor   = "not" factor | "(" rule ")" | call | operand test
//	call     = "segment" "(" string ")"
//	         | "has_tag" "(" string [ "," number ] ")"
//	         | ( "has_any_tag" | "has_all_tags" ) "(" strings [ "," number ] ")"
//	         | "at_least" "(" integer "," "[" rule { "," rule } "]" ")"
//	         | "exists" "(" operand ")"
//	operand  = attribute | ( "count" | "sum" | "first" | "last" ) "(" string [ "where" cond { "and" cond } ] [ "," duration ] ")"
//	test     = [ "not" ] ( ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) literal | "in" list
//	         | "between" literal "and" literal | "contains" string | "prefix" string
//	         | "within" duration | "before" duration )
//	cond     = prop ( "=" literal | "!=" literal | "in" list | "not" "in" list
//	         | "contains" string | "not" "contains" string | ( ">" | ">=" | "<" | "<=" ) number )
//	         | "exists" "(" prop ")" | "not" "exists" "(" prop ")"
//
// Literals are strings in Go's syntax ("Shanghai", "\u4e0a\u6d77"), plain
// decimal numbers (3, -2.5) and true or false; lists are written [a, b];
// durations as qun.Duration writes them (30d, 12h, 1w). An attribute is an
// identifier; a property in a condition is an identifier or a string.
// "x not in [...]" reads as not (x in [...]). The property conditions are
// PostHog's operators (see qun.Condition): = and in are exact, != and
// not in are is_not, contains is icontains, exists is is_set.
//
// A rule that does not read, or reads but is not valid (see
// [Rule.Validate]), is refused with a [*qun.SyntaxError] that points at
// the fault.
func Parse(text string) (Rule, error) {
	r, err := parse(text)
	if err != nil {
		return Rule{}, fmt.Errorf("segment: parse rule: %w", err)
	}
	return r, nil
}

// MustParse is like [Parse] but panics on an error. It is for rules
// written in a program's source, such as tests and examples.
func MustParse(text string) Rule {
	r, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return r
}

func parse(text string) (Rule, error) {
	toks, err := lex(text)
	if err != nil {
		return Rule{}, err
	}
	p := &parser{input: text, toks: toks}
	r, err := p.rule(0)
	if err != nil {
		return Rule{}, err
	}
	if t := p.peek(); t.kind != tEOF {
		return Rule{}, p.errorf(t, "unexpected %s after a complete rule; join rules with and or or", t.describe())
	}
	// The parser checks each node as it builds it, so this only catches
	// a gap between the two; the error says where the rule begins.
	if err := r.Validate(); err != nil {
		return Rule{}, qun.SyntaxErrorAt(text, 0, "%v", err)
	}
	return r, nil
}

type parser struct {
	input string
	toks  []token
	pos   int
}

func (p *parser) peek() token { return p.toks[p.pos] }

// peekAt returns the token n places ahead, or the end.
func (p *parser) peekAt(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return qun.SyntaxErrorAt(p.input, t.start, format, args...)
}

// isWord reports whether t is the identifier word.
func isWord(t token, word string) bool { return t.kind == tIdent && t.text == word }

func (p *parser) expect(kind tokKind, what string) (token, error) {
	t := p.next()
	if t.kind != kind {
		return t, p.errorf(t, "want %s, not %s", what, t.describe())
	}
	return t, nil
}

func (p *parser) rule(depth int) (Rule, error) {
	if depth >= MaxDepth {
		return Rule{}, p.errorf(p.peek(), "rule nests more than %d levels deep", MaxDepth)
	}
	first, err := p.term(depth)
	if err != nil {
		return Rule{}, err
	}
	if !isWord(p.peek(), "or") {
		return first, nil
	}
	list := []Rule{first}
	for isWord(p.peek(), "or") {
		p.next()
		r, err := p.term(depth)
		if err != nil {
			return Rule{}, err
		}
		list = append(list, r)
	}
	return Rule{Or: list}, nil
}

func (p *parser) term(depth int) (Rule, error) {
	first, err := p.factor(depth)
	if err != nil {
		return Rule{}, err
	}
	if !isWord(p.peek(), "and") {
		return first, nil
	}
	list := []Rule{first}
	for isWord(p.peek(), "and") {
		p.next()
		r, err := p.factor(depth)
		if err != nil {
			return Rule{}, err
		}
		list = append(list, r)
	}
	return Rule{And: list}, nil
}

func (p *parser) factor(depth int) (Rule, error) {
	if depth >= MaxDepth {
		return Rule{}, p.errorf(p.peek(), "rule nests more than %d levels deep", MaxDepth)
	}
	t := p.peek()
	switch {
	case isWord(t, "not"):
		p.next()
		r, err := p.factor(depth + 1)
		if err != nil {
			return Rule{}, err
		}
		return Rule{Not: &r}, nil
	case t.kind == tLParen:
		p.next()
		r, err := p.rule(depth + 1)
		if err != nil {
			return Rule{}, err
		}
		if _, err := p.expect(tRParen, "a closing )"); err != nil {
			return Rule{}, err
		}
		return r, nil
	case t.kind == tIdent && p.peekAt(1).kind == tLParen:
		switch t.text {
		case "segment":
			return p.segmentRef()
		case "has_tag", "has_any_tag", "has_all_tags":
			return p.tagTest()
		case "at_least":
			return p.atLeast(depth)
		case "exists":
			p.next()
			p.next()
			r, err := p.operand()
			if err != nil {
				return Rule{}, err
			}
			if _, err := p.expect(tRParen, "a closing )"); err != nil {
				return Rule{}, err
			}
			r.Op = Exists
			return r, nil
		case "count", "sum", "first", "last":
		default:
			return Rule{}, p.errorf(t, "unknown function %s: want segment, has_tag, has_any_tag, has_all_tags, at_least, exists, count, sum, first or last", t.text)
		}
	case t.kind == tIdent:
		if reserved[t.text] {
			return Rule{}, p.errorf(t, "unexpected %q: want a test, such as city = \"Shanghai\", or a call such as has_tag(\"vip\")", t.text)
		}
	default:
		return Rule{}, p.errorf(t, "unexpected %s: want a test, such as city = \"Shanghai\", or a call such as has_tag(\"vip\")", t.describe())
	}
	r, err := p.operand()
	if err != nil {
		return Rule{}, err
	}
	return p.test(r)
}

func (p *parser) segmentRef() (Rule, error) {
	p.next()
	p.next()
	t, err := p.expect(tString, "a segment's name as a string")
	if err != nil {
		return Rule{}, err
	}
	if reason := nameProblem(t.str); reason != "" {
		return Rule{}, p.errorf(t, "segment name %s", reason)
	}
	if _, err := p.expect(tRParen, "a closing )"); err != nil {
		return Rule{}, err
	}
	return Rule{Segment: t.str}, nil
}

func (p *parser) tagTest() (Rule, error) {
	fn := p.next()
	p.next()
	var names []string
	if fn.text == "has_tag" {
		t, err := p.expect(tString, "a tag's name as a string")
		if err != nil {
			return Rule{}, err
		}
		if err := CheckTagName(t.str); err != nil {
			return Rule{}, p.errorf(t, "tag name %s", reasonOf(err))
		}
		names = []string{t.str}
	} else {
		list, toks, err := p.stringList()
		if err != nil {
			return Rule{}, err
		}
		for i, name := range list {
			if err := CheckTagName(name); err != nil {
				return Rule{}, p.errorf(toks[i], "tag name %s", reasonOf(err))
			}
		}
		names = list
	}
	test := &TagTest{}
	if fn.text == "has_all_tags" {
		test.All = names
	} else {
		test.Any = names
	}
	if p.peek().kind == tComma {
		p.next()
		t, err := p.expect(tNumber, "a minimum weight, such as 3")
		if err != nil {
			return Rule{}, err
		}
		w, err := strconv.ParseFloat(t.text, 64)
		if err != nil || w < 0 || math.IsInf(w, 0) {
			return Rule{}, p.errorf(t, "a minimum weight must be a finite number, not below zero")
		}
		test.MinWeight = w
	}
	if _, err := p.expect(tRParen, "a closing )"); err != nil {
		return Rule{}, err
	}
	return Rule{Tags: test}, nil
}

func (p *parser) atLeast(depth int) (Rule, error) {
	fn := p.next()
	p.next()
	t, err := p.expect(tNumber, "how many rules must hold, such as 3")
	if err != nil {
		return Rule{}, err
	}
	k, err := strconv.Atoi(t.text)
	if err != nil {
		return Rule{}, p.errorf(t, "how many must hold is a whole number, not %s", t.text)
	}
	if _, err := p.expect(tComma, "a comma"); err != nil {
		return Rule{}, err
	}
	if _, err := p.expect(tLBrack, "a list of rules in [ ]"); err != nil {
		return Rule{}, err
	}
	var of []Rule
	for {
		r, err := p.rule(depth + 1)
		if err != nil {
			return Rule{}, err
		}
		of = append(of, r)
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	if _, err := p.expect(tRBrack, "a closing ]"); err != nil {
		return Rule{}, err
	}
	if _, err := p.expect(tRParen, "a closing )"); err != nil {
		return Rule{}, err
	}
	if k < 1 || k > len(of) {
		return Rule{}, p.errorf(fn, "at_least needs from 1 to %d rules to hold, not %d", len(of), k)
	}
	return Rule{AtLeast: k, Of: of}, nil
}

// operand reads an attribute or an aggregate.
func (p *parser) operand() (Rule, error) {
	t := p.next()
	if t.kind != tIdent {
		return Rule{}, p.errorf(t, "want an attribute or an aggregate such as count(\"post\"), not %s", t.describe())
	}
	if p.peek().kind != tLParen {
		if reason := attrNameProblem(t.text); reason != "" {
			return Rule{}, p.errorf(t, "attribute %s %s", t.text, reason)
		}
		return Rule{Attr: t.text}, nil
	}
	var fn AggFunc
	if err := fn.UnmarshalText([]byte(t.text)); err != nil {
		return Rule{}, p.errorf(t, "unknown aggregate %s: want count, sum, first or last", t.text)
	}
	p.next()
	name, err := p.expect(tString, "an event name as a string")
	if err != nil {
		return Rule{}, err
	}
	agg := &Aggregate{Func: fn, Event: qun.EventFilter{Name: name.str}}
	if reason := nameProblem(name.str); reason != "" {
		return Rule{}, p.errorf(name, "event name %s", reason)
	}
	if isWord(p.peek(), "where") {
		p.next()
		for {
			c, err := p.condition()
			if err != nil {
				return Rule{}, err
			}
			agg.Event.Where = append(agg.Event.Where, c)
			if !isWord(p.peek(), "and") {
				break
			}
			p.next()
		}
	}
	if p.peek().kind == tComma {
		p.next()
		t, err := p.expect(tDuration, "a window such as 90d")
		if err != nil {
			return Rule{}, err
		}
		if t.dur <= 0 {
			return Rule{}, p.errorf(t, "a window must be positive")
		}
		agg.Window = t.dur
	}
	if _, err := p.expect(tRParen, "a closing )"); err != nil {
		return Rule{}, err
	}
	return Rule{Agg: agg}, nil
}

// condition reads one property condition of an event filter.
func (p *parser) condition() (qun.Condition, error) {
	start := p.peek()
	var c qun.Condition
	switch {
	case isWord(start, "exists") && p.peekAt(1).kind == tLParen,
		isWord(start, "not") && isWord(p.peekAt(1), "exists") && p.peekAt(2).kind == tLParen:
		c.Op = qun.OpIsSet
		if isWord(start, "not") {
			c.Op = qun.OpIsNotSet
			p.next()
		}
		p.next()
		p.next()
		prop, err := p.prop()
		if err != nil {
			return c, err
		}
		c.Prop = prop
		if _, err := p.expect(tRParen, "a closing )"); err != nil {
			return c, err
		}
	default:
		prop, err := p.prop()
		if err != nil {
			return c, err
		}
		c.Prop = prop
		negate := false
		if isWord(p.peek(), "not") {
			p.next()
			negate = true
		}
		t := p.next()
		switch {
		case !negate && t.kind == tCompare:
			v, err := p.literal()
			if err != nil {
				return c, err
			}
			c.Values = []string{v.Text}
			c.Op = map[string]qun.Op{
				"=": qun.OpExact, "!=": qun.OpIsNot,
				">": qun.OpGT, ">=": qun.OpGTE, "<": qun.OpLT, "<=": qun.OpLTE,
			}[t.text]
		case isWord(t, "in"):
			list, err := p.list()
			if err != nil {
				return c, err
			}
			for _, v := range list {
				c.Values = append(c.Values, v.Text)
			}
			c.Op = qun.OpExact
			if negate {
				c.Op = qun.OpIsNot
			}
		case isWord(t, "contains"):
			s, err := p.expect(tString, "a string")
			if err != nil {
				return c, err
			}
			c.Values = []string{s.str}
			c.Op = qun.OpIContains
			if negate {
				c.Op = qun.OpNotIContains
			}
		default:
			if negate {
				return c, p.errorf(t, "want in or contains after not, not %s", t.describe())
			}
			return c, p.errorf(t, "want a property test (= != in contains > >= < <=), not %s", t.describe())
		}
	}
	if err := c.Validate(); err != nil {
		return c, p.errorf(start, "property condition: %v", err)
	}
	return c, nil
}

// prop reads a property key: an identifier, or a string for keys that
// are not identifiers ("$browser", "utm-source").
func (p *parser) prop() (string, error) {
	t := p.next()
	switch t.kind {
	case tIdent:
		return t.text, nil
	case tString:
		return t.str, nil
	}
	return "", p.errorf(t, "want a property, not %s", t.describe())
}

// test reads the test that follows an operand.
func (p *parser) test(r Rule) (Rule, error) {
	negate := false
	if isWord(p.peek(), "not") {
		p.next()
		negate = true
	}
	t := p.next()
	switch {
	case t.kind == tCompare:
		v, err := p.literal()
		if err != nil {
			return Rule{}, err
		}
		var op Op
		_ = op.UnmarshalText([]byte(t.text))
		r.Op, r.Values = op, []Value{v}
	case isWord(t, "in"):
		list, err := p.list()
		if err != nil {
			return Rule{}, err
		}
		r.Op, r.Values = In, list
	case isWord(t, "between"):
		lo, err := p.literal()
		if err != nil {
			return Rule{}, err
		}
		if and := p.next(); !isWord(and, "and") {
			return Rule{}, p.errorf(and, "want and between the two bounds, not %s", and.describe())
		}
		hi, err := p.literal()
		if err != nil {
			return Rule{}, err
		}
		r.Op, r.Values = Between, []Value{lo, hi}
	case isWord(t, "contains"), isWord(t, "prefix"):
		s, err := p.expect(tString, "a string")
		if err != nil {
			return Rule{}, err
		}
		if reason := textProblem(s.str, true); reason != "" {
			return Rule{}, p.errorf(s, "string %s", reason)
		}
		r.Op = Contains
		if t.text == "prefix" {
			r.Op = Prefix
		}
		r.Values = []Value{StringValue(s.str)}
	case isWord(t, "within"), isWord(t, "before"):
		d, err := p.expect(tDuration, "a duration such as 30d")
		if err != nil {
			return Rule{}, err
		}
		if d.dur <= 0 {
			return Rule{}, p.errorf(d, "%s needs a positive duration", t.text)
		}
		r.Op = Within
		if t.text == "before" {
			r.Op = Before
		}
		r.Duration = d.dur
	default:
		return Rule{}, p.errorf(t, "want a test (= != < <= > >= in between contains prefix within before), not %s", t.describe())
	}
	if negate {
		return Rule{Not: &r}, nil
	}
	return r, nil
}

// literal reads a string, a number, or true or false.
func (p *parser) literal() (Value, error) {
	t := p.next()
	switch {
	case t.kind == tString:
		if reason := textProblem(t.str, true); reason != "" {
			return Value{}, p.errorf(t, "string %s", reason)
		}
		return StringValue(t.str), nil
	case t.kind == tNumber:
		if reason := numberTextProblem(t.text); reason != "" {
			return Value{}, p.errorf(t, "number %.20s… %s", t.text, reason)
		}
		return NumberValue(t.text), nil
	case isWord(t, "true"), isWord(t, "false"):
		return BoolValue(t.text == "true"), nil
	}
	return Value{}, p.errorf(t, "want a value (a string, a number, true or false), not %s", t.describe())
}

// list reads [literal, ...], with at least one literal.
func (p *parser) list() ([]Value, error) {
	if _, err := p.expect(tLBrack, "a list such as [\"a\", \"b\"]"); err != nil {
		return nil, err
	}
	var list []Value
	for {
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	if _, err := p.expect(tRBrack, "a closing ]"); err != nil {
		return nil, err
	}
	return list, nil
}

// stringList reads ["a", ...] and the tokens of its strings.
func (p *parser) stringList() ([]string, []token, error) {
	if _, err := p.expect(tLBrack, "a list of strings such as [\"a\", \"b\"]"); err != nil {
		return nil, nil, err
	}
	var list []string
	var toks []token
	for {
		t, err := p.expect(tString, "a string")
		if err != nil {
			return nil, nil, err
		}
		list = append(list, t.str)
		toks = append(toks, t)
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	if _, err := p.expect(tRBrack, "a closing ]"); err != nil {
		return nil, nil, err
	}
	return list, toks, nil
}

// reasonOf returns a validation error's reason alone.
func reasonOf(err error) string {
	if ve, ok := err.(*qun.ValidationError); ok {
		return ve.Reason
	}
	return err.Error()
}
