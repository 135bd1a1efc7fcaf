package segment

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// node is a compiled rule. eval must not allocate: it reads the record
// and the evaluator's precomputed instants, and returns. explain may
// allocate: it runs for one member at a time, on demand.
type node interface {
	eval(r *Record, e *Evaluator) bool
	explain(r *Record, e *Evaluator) Explanation
}

// cost estimates what evaluating n takes, in units of one attribute test,
// to order a combination's rules cheapest first.
func cost(n node) int {
	switch n := n.(type) {
	case *andNode:
		return sum(n.kids)
	case *orNode:
		return sum(n.kids)
	case *atLeastNode:
		return sum(n.kids)
	case *notNode:
		return cost(n.kid)
	case *existsNode, *strSetNode, *boolNode, *numNode, *prefixNode:
		return 1
	case *decNode, *timeNode, *listNode:
		return 2
	case *tagNode:
		return 2 + len(n.ids)
	case *refNode:
		return 3
	case *containsNode:
		return 4
	case *countNode, *seenNode:
		return 5
	case *sumNode:
		return 6
	}
	return 1
}

func sum(kids []node) int {
	total := 0
	for _, k := range kids {
		total += cost(k)
	}
	return total
}

// cheapestFirst returns the rules ordered by cost, keeping the written
// order among equals.
func cheapestFirst(kids []node) []node {
	fast := slices.Clone(kids)
	slices.SortStableFunc(fast, func(a, b node) int { return cost(a) - cost(b) })
	return fast
}

// falseNode stands in for a rule that failed to compile; a Set never
// holds one.
type falseNode struct{ text string }

func (n falseNode) eval(*Record, *Evaluator) bool { return false }
func (n falseNode) explain(*Record, *Evaluator) Explanation {
	return Explanation{Rule: n.text}
}

// andNode, orNode and atLeastNode evaluate their rules cheapest first
// (fast, in order), which changes nothing but the time taken, since a
// rule has no effects; they explain them in the order written (kids).
type andNode struct {
	kids []node
	fast []node
	text string
}

func (n *andNode) eval(r *Record, e *Evaluator) bool {
	for _, k := range n.fast {
		if !k.eval(r, e) {
			return false
		}
	}
	return true
}

func (n *andNode) explain(r *Record, e *Evaluator) Explanation {
	x := Explanation{Rule: n.text, Held: true, Clauses: make([]Explanation, len(n.kids))}
	for i, k := range n.kids {
		x.Clauses[i] = k.explain(r, e)
		x.Held = x.Held && x.Clauses[i].Held
	}
	return x
}

type orNode struct {
	kids []node
	fast []node
	text string
}

func (n *orNode) eval(r *Record, e *Evaluator) bool {
	for _, k := range n.fast {
		if k.eval(r, e) {
			return true
		}
	}
	return false
}

func (n *orNode) explain(r *Record, e *Evaluator) Explanation {
	x := Explanation{Rule: n.text, Clauses: make([]Explanation, len(n.kids))}
	for i, k := range n.kids {
		x.Clauses[i] = k.explain(r, e)
		x.Held = x.Held || x.Clauses[i].Held
	}
	return x
}

type notNode struct {
	kid  node
	text string
}

func (n *notNode) eval(r *Record, e *Evaluator) bool { return !n.kid.eval(r, e) }

func (n *notNode) explain(r *Record, e *Evaluator) Explanation {
	inner := n.kid.explain(r, e)
	return Explanation{Rule: n.text, Held: !inner.Held, Clauses: []Explanation{inner}}
}

type atLeastNode struct {
	k    int
	kids []node
	fast []node
	text string
}

func (n *atLeastNode) eval(r *Record, e *Evaluator) bool {
	held := 0
	for i, k := range n.fast {
		if k.eval(r, e) {
			held++
			if held >= n.k {
				return true
			}
		}
		if held+len(n.fast)-i-1 < n.k {
			return false
		}
	}
	return false
}

func (n *atLeastNode) explain(r *Record, e *Evaluator) Explanation {
	x := Explanation{Rule: n.text, Clauses: make([]Explanation, len(n.kids))}
	held := 0
	for i, k := range n.kids {
		x.Clauses[i] = k.explain(r, e)
		if x.Clauses[i].Held {
			held++
		}
	}
	x.Held = held >= n.k
	x.Saw = strconv.Itoa(held) + " of " + strconv.Itoa(len(n.kids)) + " held"
	return x
}

// refNode is a reference to another segment of the set.
type refNode struct {
	seg  int
	text string
}

func (n *refNode) eval(r *Record, e *Evaluator) bool { return e.segment(r, n.seg) }

func (n *refNode) explain(r *Record, e *Evaluator) Explanation {
	inner := e.set.roots[n.seg].explain(r, e)
	x := Explanation{Rule: n.text, Held: inner.Held, Saw: "not a member", Clauses: []Explanation{inner}}
	if inner.Held {
		x.Saw = "a member"
	}
	return x
}

// tagNode tests the member's tags: sorted taxonomy numbers, merged with
// the record's sorted tags.
type tagNode struct {
	ids  []int32
	all  bool
	min  float64
	text string
}

func (n *tagNode) eval(r *Record, e *Evaluator) bool {
	tags := r.tagData()
	j := 0
	for _, id := range n.ids {
		for j < len(tags) && uint32(tags[j]>>32) < uint32(id) {
			j += tagWords
		}
		held := false
		for k := j; k+tagWords <= len(tags) && uint32(tags[k]>>32) == uint32(id); k += tagWords {
			if math.Float64frombits(tags[k+1]) >= n.min && e.nowS.before(stamp{int64(tags[k+2]), int32(uint32(tags[k]))}) {
				held = true
				break
			}
		}
		if held != n.all {
			return held
		}
	}
	return n.all
}

func (n *tagNode) explain(r *Record, e *Evaluator) Explanation {
	var saw []string
	tags := r.tagData()
	for _, id := range n.ids {
		best, held := 0.0, false
		for k := 0; k+tagWords <= len(tags); k += tagWords {
			w := math.Float64frombits(tags[k+1])
			if uint32(tags[k]>>32) == uint32(id) && e.nowS.before(stamp{int64(tags[k+2]), int32(uint32(tags[k]))}) && (!held || w > best) {
				best, held = w, true
			}
		}
		s := strconv.Quote(r.set.tagNames[id]) + ": "
		if held {
			s += "weight " + strconv.FormatFloat(best, 'f', -1, 64)
		} else {
			s += "not held"
		}
		saw = append(saw, s)
	}
	return Explanation{Rule: n.text, Held: n.eval(r, e), Saw: strings.Join(saw, ", ")}
}

// attrNode is what the tests of an attribute share: where it lives.
type attrNode struct {
	bit, word, aux int
	slot           int
	text           string
}

// saw describes the attribute's value in r, as an explanation shows it.
func (n *attrNode) saw(r *Record) string {
	if !r.present(n.bit) {
		return "missing"
	}
	sl := &r.set.slots[n.slot]
	switch sl.typ {
	case TypeString:
		return strconv.Quote(r.strs[n.aux])
	case TypeNumber:
		return strconv.FormatFloat(math.Float64frombits(r.data[n.word]), 'f', -1, 64)
	case TypeDecimal:
		d := (&decNode{attrNode: *n}).operand(r)
		if d.ok {
			return d.f.decimal().String()
		}
		return d.exact.String()
	case TypeBool:
		return strconv.FormatBool(r.data[n.word] == 1)
	case TypeTime:
		return n.stamp(r).time().Format("2006-01-02T15:04:05.999999999Z07:00")
	case TypeStrings:
		var b strings.Builder
		writeStrings(&b, r.lists[n.aux])
		return b.String()
	}
	return ""
}

func (n *attrNode) stamp(r *Record) stamp {
	return stamp{int64(r.data[n.word]), int32(r.data[n.word+1])}
}

func (n *attrNode) leaf(r *Record, held bool) Explanation {
	return Explanation{Rule: n.text, Held: held, Saw: n.saw(r)}
}

type existsNode struct {
	bit, slot int
	text      string
}

func (n *existsNode) eval(r *Record, _ *Evaluator) bool { return r.present(n.bit) }

func (n *existsNode) explain(r *Record, e *Evaluator) Explanation {
	a := attrNode{bit: n.bit, slot: n.slot, text: n.text}
	sl := &r.set.slots[n.slot]
	a.word, a.aux = sl.word, sl.aux
	return a.leaf(r, n.eval(r, e))
}

// strSetNode tests a string attribute by the number of the literal its
// value equals: = and in hold when the number is in the set, != when it
// is not.
type strSetNode struct {
	attrNode
	set    []uint64 // bits by literal number
	negate bool
}

func (n *strSetNode) eval(r *Record, _ *Evaluator) bool {
	if !r.present(n.bit) {
		return n.negate
	}
	id := r.data[n.word]
	in := id>>6 < uint64(len(n.set)) && n.set[id>>6]&(1<<(id&63)) != 0
	return in != n.negate
}

func (n *strSetNode) explain(r *Record, e *Evaluator) Explanation { return n.leaf(r, n.eval(r, e)) }

// containsNode tests whether a string attribute contains the needle,
// ignoring case.
type containsNode struct {
	attrNode
	needle string
	lower  string // the needle in ASCII lower case, when it is ASCII
	ascii  bool
}

func (n *containsNode) eval(r *Record, _ *Evaluator) bool {
	if !r.present(n.bit) {
		return false
	}
	s := r.strs[n.aux]
	if n.ascii {
		if found, ok := containsLowerASCII(s, n.lower); ok {
			return found
		}
	}
	return qun.ContainsFold(s, n.needle)
}

func (n *containsNode) explain(r *Record, e *Evaluator) Explanation { return n.leaf(r, n.eval(r, e)) }

// prefixNode tests whether a string attribute begins with the prefix.
type prefixNode struct {
	attrNode
	prefix string
}

func (n *prefixNode) eval(r *Record, _ *Evaluator) bool {
	return r.present(n.bit) && strings.HasPrefix(r.strs[n.aux], n.prefix)
}

func (n *prefixNode) explain(r *Record, e *Evaluator) Explanation { return n.leaf(r, n.eval(r, e)) }

// listNode tests whether a string list has an element.
type listNode struct {
	attrNode
	want string
}

func (n *listNode) eval(r *Record, _ *Evaluator) bool {
	if !r.present(n.bit) {
		return false
	}
	for _, s := range r.lists[n.aux] {
		if s == n.want {
			return true
		}
	}
	return false
}

func (n *listNode) explain(r *Record, e *Evaluator) Explanation { return n.leaf(r, n.eval(r, e)) }

type boolNode struct {
	attrNode
	want uint64
	ne   bool
}

func (n *boolNode) eval(r *Record, _ *Evaluator) bool {
	if !r.present(n.bit) {
		return n.ne
	}
	return (r.data[n.word] == n.want) != n.ne
}

func (n *boolNode) explain(r *Record, e *Evaluator) Explanation { return n.leaf(r, n.eval(r, e)) }

// numTest is a test of a float64. Every comparison but in is a range
// lo ≤ v ≤ hi, negated for !=: v < a is v ≤ the float64 just below a, and
// so on, exactly, since values are never NaN. One form for all of them
// keeps the test to two comparisons and no switch.
type numTest struct {
	op     Op
	lo, hi float64
	negate bool
	set    []float64 // in
}

// newNumTest returns the test op with the values vals.
func newNumTest(op Op, vals []float64) numTest {
	t := numTest{op: op, lo: math.Inf(-1), hi: math.Inf(1)}
	switch op {
	case Eq, Ne:
		t.lo, t.hi, t.negate = vals[0], vals[0], op == Ne
	case Lt:
		t.hi = math.Nextafter(vals[0], math.Inf(-1))
	case Le:
		t.hi = vals[0]
	case Gt:
		t.lo = math.Nextafter(vals[0], math.Inf(1))
	case Ge:
		t.lo = vals[0]
	case Between:
		t.lo, t.hi = vals[0], vals[1]
	case In:
		t.set = vals
	}
	return t
}

func (t *numTest) holds(v float64) bool {
	if t.set == nil {
		return (t.lo <= v && v <= t.hi) != t.negate
	}
	for _, x := range t.set {
		if v == x {
			return true
		}
	}
	return false
}

type numNode struct {
	attrNode
	test numTest
}

func (n *numNode) eval(r *Record, _ *Evaluator) bool {
	if !r.present(n.bit) {
		return n.test.op == Ne
	}
	return n.test.holds(math.Float64frombits(r.data[n.word]))
}

func (n *numNode) explain(r *Record, e *Evaluator) Explanation { return n.leaf(r, n.eval(r, e)) }

// decTest is an exact test of a decimal.
type decTest struct {
	op   Op
	a, b decLit
	set  []decLit
}

func (t *decTest) holds(v decOperand) bool {
	switch t.op {
	case Eq:
		return cmpDec(v, &t.a) == 0
	case Ne:
		return cmpDec(v, &t.a) != 0
	case Lt:
		return cmpDec(v, &t.a) < 0
	case Le:
		return cmpDec(v, &t.a) <= 0
	case Gt:
		return cmpDec(v, &t.a) > 0
	case Ge:
		return cmpDec(v, &t.a) >= 0
	case Between:
		return cmpDec(v, &t.a) >= 0 && cmpDec(v, &t.b) <= 0
	case In:
		for i := range t.set {
			if cmpDec(v, &t.set[i]) == 0 {
				return true
			}
		}
	}
	return false
}

type decNode struct {
	attrNode
	test decTest
}

func (n *decNode) operand(r *Record) decOperand {
	e := int64(r.data[n.word+1])
	if e == math.MinInt32 {
		return decOperand{exact: r.big.decs[n.aux]}
	}
	return decOperand{f: fastDec{int64(r.data[n.word]), int32(e)}, ok: true}
}

func (n *decNode) eval(r *Record, _ *Evaluator) bool {
	if !r.present(n.bit) {
		return n.test.op == Ne
	}
	return n.test.holds(n.operand(r))
}

func (n *decNode) explain(r *Record, e *Evaluator) Explanation { return n.leaf(r, n.eval(r, e)) }

// timeTest is a test of an instant. The comparisons are ranges lo ≤ v ≤
// hi, negated for != (v < a is v ≤ a less a nanosecond); within and
// before read the evaluator's cut-off for their duration.
type timeTest struct {
	op     Op
	lo, hi stamp
	negate bool
	cut    int // within and before; −1 otherwise
}

var (
	earliest = stamp{sec: math.MinInt64}
	latest   = stamp{sec: math.MaxInt64, nsec: 999999999}
)

// newTimeTest returns the comparison op with the values vals.
func newTimeTest(op Op, vals []stamp) timeTest {
	t := timeTest{op: op, lo: earliest, hi: latest, cut: -1}
	switch op {
	case Eq, Ne:
		t.lo, t.hi, t.negate = vals[0], vals[0], op == Ne
	case Lt:
		t.hi = vals[0].add(-1)
	case Le:
		t.hi = vals[0]
	case Gt:
		t.lo = vals[0].add(1)
	case Ge:
		t.lo = vals[0]
	case Between:
		t.lo, t.hi = vals[0], vals[1]
	}
	return t
}

func (t *timeTest) holds(v stamp, e *Evaluator) bool {
	switch t.cut {
	case -1:
		return (!v.before(t.lo) && !t.hi.before(v)) != t.negate
	}
	if t.op == Within {
		return !v.before(e.cuts[t.cut]) && !e.nowS.before(v)
	}
	return v.before(e.cuts[t.cut])
}

type timeNode struct {
	attrNode
	test timeTest
}

func (n *timeNode) eval(r *Record, e *Evaluator) bool {
	if !r.present(n.bit) {
		return n.test.op == Ne
	}
	return n.test.holds(n.stamp(r), e)
}

func (n *timeNode) explain(r *Record, e *Evaluator) Explanation { return n.leaf(r, n.eval(r, e)) }

// aggNode is what the tests of an aggregate share: which events, and how
// far back.
type aggNode struct {
	filter int
	win    int  // the evaluator's cut-off, or −1 for all history
	summed bool // the filter's run keeps totals
	text   string
}

type countNode struct {
	aggNode
	test decTest
}

func (n *countNode) eval(r *Record, e *Evaluator) bool {
	_, lo, hi := e.span(r, n.filter, n.win, n.summed)
	return n.test.holds(decOperand{f: fastDec{m: int64(hi - lo)}, ok: true})
}

func (n *countNode) explain(r *Record, e *Evaluator) Explanation {
	_, lo, hi := e.span(r, n.filter, n.win, n.summed)
	return Explanation{Rule: n.text, Held: n.eval(r, e), Saw: strconv.Itoa(hi - lo)}
}

type sumNode struct {
	aggNode
	test decTest
}

func (n *sumNode) total(r *Record, e *Evaluator) decOperand {
	v, lo, hi := e.span(r, n.filter, n.win, true)
	if lo == hi {
		return decOperand{ok: true}
	}
	var vals []decimal.Decimal
	if r.big != nil {
		vals = r.big.vals[n.filter]
	}
	return windowTotal(v.hdr, v.sums, vals, lo, hi)
}

func (n *sumNode) eval(r *Record, e *Evaluator) bool { return n.test.holds(n.total(r, e)) }

func (n *sumNode) explain(r *Record, e *Evaluator) Explanation {
	v := n.total(r, e)
	d := v.exact
	if v.ok {
		d = v.f.decimal()
	}
	return Explanation{Rule: n.text, Held: n.eval(r, e), Saw: d.String()}
}

// seenNode tests the first or last event's instant; with no test, it is
// exists: whether there is one.
type seenNode struct {
	aggNode
	last bool
	test *timeTest
}

func (n *seenNode) at(r *Record, e *Evaluator) (stamp, bool) {
	v, lo, hi := e.span(r, n.filter, n.win, n.summed)
	if lo == hi {
		return stamp{}, false
	}
	if n.last {
		return v.at(hi - 1), true
	}
	return v.at(lo), true
}

func (n *seenNode) eval(r *Record, e *Evaluator) bool {
	v, ok := n.at(r, e)
	switch {
	case n.test == nil:
		return ok
	case !ok:
		return n.test.op == Ne
	}
	return n.test.holds(v, e)
}

func (n *seenNode) explain(r *Record, e *Evaluator) Explanation {
	x := Explanation{Rule: n.text, Held: n.eval(r, e), Saw: "no such event"}
	if v, ok := n.at(r, e); ok {
		x.Saw = v.time().Format("2006-01-02T15:04:05.999999999Z07:00")
	}
	return x
}

// containsLowerASCII reports whether lower, an ASCII string in lower
// case, occurs in s ignoring ASCII case; ok is false when s is not all
// ASCII. For ASCII text this is exactly qun.ContainsFold: the letters whose
// simple folds leave ASCII (K and the Kelvin sign, s and the long s) can
// only match text that is not ASCII.
func containsLowerASCII(s, lower string) (found, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false, false
		}
	}
	if lower == "" {
		return true, true
	}
	for i := 0; i+len(lower) <= len(s); i++ {
		j := 0
		for ; j < len(lower); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == len(lower) {
			return true, true
		}
	}
	return false, true
}
