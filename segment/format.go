package segment

import (
	"strconv"
	"strings"

	"github.com/qunkit/qun"
)

// String writes r in the canonical text syntax, which [Parse] reads back
// to the same tree: and and or chains without redundant parentheses,
// parentheses where the tree nests a combination in another of its kind,
// and one spelling for each test. It writes something for any rule, but
// only a valid rule reads back.
func (r Rule) String() string {
	var b strings.Builder
	writeRule(&b, &r, 0)
	return b.String()
}

// The binding strength of each position a rule is written in: or binds
// loosest, then and, then not.
const (
	precOr = iota
	precAnd
	precNot
)

func writeRule(b *strings.Builder, r *Rule, depth int) {
	if depth > MaxDepth {
		b.WriteString("…")
		return
	}
	switch r.kind() {
	case kindAnd:
		writeChain(b, r.And, " and ", kindAnd, depth)
	case kindOr:
		writeChain(b, r.Or, " or ", kindOr, depth)
	case kindNot:
		b.WriteString("not ")
		if callForm(r.Not) {
			writeRule(b, r.Not, depth+1)
		} else {
			b.WriteByte('(')
			writeRule(b, r.Not, depth+1)
			b.WriteByte(')')
		}
	case kindAtLeast:
		b.WriteString("at_least(")
		b.WriteString(strconv.Itoa(r.AtLeast))
		b.WriteString(", [")
		for i := range r.Of {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRule(b, &r.Of[i], depth+1)
		}
		b.WriteString("])")
	case kindSegment:
		b.WriteString("segment(")
		b.WriteString(strconv.Quote(r.Segment))
		b.WriteByte(')')
	case kindTags:
		writeTags(b, r.Tags)
	case kindTest:
		writeTest(b, r)
	default:
		b.WriteString("<invalid rule>")
	}
}

// writeChain writes the operands of and (or or) joined by the word. An
// operand of the same kind is parenthesized, so that the nesting
// survives; inside and, an or is parenthesized because and binds tighter.
func writeChain(b *strings.Builder, rules []Rule, word string, k kind, depth int) {
	for i := range rules {
		if i > 0 {
			b.WriteString(word)
		}
		ck := rules[i].kind()
		if ck == k || ck == kindOr {
			b.WriteByte('(')
			writeRule(b, &rules[i], depth+1)
			b.WriteByte(')')
		} else {
			writeRule(b, &rules[i], depth+1)
		}
	}
}

// callForm reports whether r is written as a call or a not, which not can
// precede without parentheses.
func callForm(r *Rule) bool {
	switch r.kind() {
	case kindNot, kindAtLeast, kindSegment, kindTags:
		return true
	case kindTest:
		return r.Op == Exists
	}
	return false
}

func writeTags(b *strings.Builder, t *TagTest) {
	switch {
	case len(t.All) > 0:
		b.WriteString("has_all_tags(")
		writeStrings(b, t.All)
	case len(t.Any) == 1:
		b.WriteString("has_tag(")
		b.WriteString(strconv.Quote(t.Any[0]))
	default:
		b.WriteString("has_any_tag(")
		writeStrings(b, t.Any)
	}
	if t.MinWeight != 0 {
		b.WriteString(", ")
		b.WriteString(strconv.FormatFloat(t.MinWeight, 'f', -1, 64))
	}
	b.WriteByte(')')
}

func writeStrings(b *strings.Builder, list []string) {
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(s))
	}
	b.WriteByte(']')
}

func writeValues(b *strings.Builder, list []Value) {
	b.WriteByte('[')
	for i, v := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.String())
	}
	b.WriteByte(']')
}

func writeTest(b *strings.Builder, r *Rule) {
	if r.Op == Exists {
		b.WriteString("exists(")
		writeOperand(b, r)
		b.WriteByte(')')
		return
	}
	writeOperand(b, r)
	b.WriteByte(' ')
	b.WriteString(r.Op.String())
	switch r.Op {
	case Within, Before:
		b.WriteByte(' ')
		b.WriteString(r.Duration.String())
	case In:
		b.WriteByte(' ')
		writeValues(b, r.Values)
	case Between:
		for i, v := range r.Values {
			if i > 0 {
				b.WriteString(" and")
			}
			b.WriteByte(' ')
			b.WriteString(v.String())
		}
	default:
		for _, v := range r.Values {
			b.WriteByte(' ')
			b.WriteString(v.String())
		}
	}
}

func writeOperand(b *strings.Builder, r *Rule) {
	if r.Agg == nil {
		b.WriteString(r.Attr)
		return
	}
	b.WriteString(r.Agg.Func.String())
	b.WriteByte('(')
	b.WriteString(strconv.Quote(r.Agg.Event.Name))
	for i, c := range r.Agg.Event.Where {
		if i == 0 {
			b.WriteString(" where ")
		} else {
			b.WriteString(" and ")
		}
		writeCondition(b, c)
	}
	if r.Agg.Window != 0 {
		b.WriteString(", ")
		b.WriteString(r.Agg.Window.String())
	}
	b.WriteByte(')')
}

// writeCondition writes a property condition of an event filter in the
// text syntax's spelling of PostHog's operators.
func writeCondition(b *strings.Builder, c qun.Condition) {
	prop := c.Prop
	if !isIdent(prop) || reserved[prop] {
		prop = strconv.Quote(prop)
	}
	quoted := func(list []string) {
		b.WriteByte('[')
		for i, v := range list {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(v))
		}
		b.WriteByte(']')
	}
	one := func(op string, list []string, number bool) {
		b.WriteString(prop)
		b.WriteString(op)
		if len(list) == 1 && number && isNumberText(list[0]) {
			b.WriteString(list[0])
		} else if len(list) == 1 {
			b.WriteString(strconv.Quote(list[0]))
		} else {
			quoted(list)
		}
	}
	switch c.Op {
	case qun.OpExact:
		if len(c.Values) == 1 {
			one(" = ", c.Values, false)
		} else {
			one(" in ", c.Values, false)
		}
	case qun.OpIsNot:
		if len(c.Values) == 1 {
			one(" != ", c.Values, false)
		} else {
			one(" not in ", c.Values, false)
		}
	case qun.OpIContains:
		one(" contains ", c.Values, false)
	case qun.OpNotIContains:
		one(" not contains ", c.Values, false)
	case qun.OpGT:
		one(" > ", c.Values, true)
	case qun.OpGTE:
		one(" >= ", c.Values, true)
	case qun.OpLT:
		one(" < ", c.Values, true)
	case qun.OpLTE:
		one(" <= ", c.Values, true)
	case qun.OpIsSet:
		b.WriteString("exists(" + prop + ")")
	case qun.OpIsNotSet:
		b.WriteString("not exists(" + prop + ")")
	default:
		b.WriteString(prop + " <invalid operator>")
	}
}
