package segment

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Set is a set of segments compiled against a schema: the fast evaluator
// of their rules, and the layout of the [Record]s it evaluates. A Set is
// immutable and safe for concurrent use; each goroutine evaluates with an
// [Evaluator] of its own. Sets are made by [Compile].
//
// A nil *Set and the zero Set are not compiled, and nothing of theirs
// panics: the methods that return an error refuse with one matching
// qun.ErrInvalid; [Set.Len], [Set.Index], [Set.Schema] and
// [Set.Segments] report no segments; [Set.At] returns an evaluator that
// matches no one, and [Set.NewRecord] a record that refuses every value.
type Set struct {
	schema   Schema
	segments []Segment
	index    map[string]int // segment name → position
	order    []int          // positions, each after the segments it refers to
	roots    []node

	attrs    map[string]int // attribute name → position in slots
	slots    []slot
	presence int // words of presence bits at the start of a record's words
	words    int // words in a record
	nStrs    int
	nLists   int
	nDecs    int

	tagIDs   map[string]int32 // the taxonomy, with every declared tag's ancestors
	tagNames []string         // by id, sorted

	filters []filterSpec       // the distinct event filters aggregates read
	byEvent map[string][]int32 // event name → filters on it
	windows []qun.Duration     // the distinct durations of windows and relative times
}

// slot is where a record keeps one attribute.
type slot struct {
	name string
	typ  Type
	bit  int // presence bit (the attribute's position)
	word int // first value word: 1 for number, bool and string (its interned id); 2 for time and decimal
	aux  int // index in strs (string), lists (strings) or decs (decimal)
	// dict interns the string literals rules compare this attribute with,
	// from 1, so that = and in compare integers.
	dict map[string]uint64
}

// filterSpec is an event filter some aggregate reads.
type filterSpec struct {
	filter qun.EventFilter
	summed bool // some sum reads it, so its events keep their values
}

// Compile validates the schema and the segments and compiles them into a
// Set. Everything that can be wrong with a rule is reported here, not at
// evaluation: unknown attributes, tags, events and segments, type
// mismatches (a string attribute compared with a number), tests a type
// does not have (ordering strings), comparisons that can never hold (a
// count below zero, between 5 and 3), and references between segments
// that form a cycle. The errors are *qun.ValidationError values, joined,
// each naming the node by its path in the JSON form of
// {"schema":...,"segments":[...]}, such as
// "segments[2].rule.and[1].attr".
//
// Segments may refer to each other in any order; they are evaluated with
// each one after the segments it refers to.
func Compile(schema Schema, segments []Segment) (*Set, error) {
	var errs []error
	errs = append(errs, qun.Within("schema", schema.Validate()))
	seen := make(map[string]int, len(segments))
	for i, s := range segments {
		path := "segments[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(path, s.Validate()))
		if j, dup := seen[s.Name]; dup {
			errs = append(errs, qun.Invalid(path+".name", "repeats segments[%d]", j))
		}
		seen[s.Name] = i
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s := &Set{
		schema:   cloneSchema(schema),
		segments: slices.Clone(segments),
		index:    seen,
		roots:    make([]node, len(segments)),
		byEvent:  make(map[string][]int32),
	}
	s.layout()
	c := &compiler{set: s, windows: map[qun.Duration]int{}, filters: map[string]int{}}
	refs := make([][]int, len(segments))
	for i := range s.segments {
		c.refs = nil
		path := "segments[" + strconv.Itoa(i) + "].rule"
		s.roots[i] = c.compile(&s.segments[i].Rule, path)
		refs[i] = c.refs
	}
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	for _, a := range c.aggs {
		a.summed = s.filters[a.filter].summed
	}
	order, err := dependencyOrder(s.segments, refs)
	if err != nil {
		return nil, err
	}
	s.order = order
	return s, nil
}

func cloneSchema(s Schema) Schema {
	return Schema{Attributes: slices.Clone(s.Attributes), Tags: slices.Clone(s.Tags)}
}

// layout places each attribute in a record and numbers the taxonomy.
func (s *Set) layout() {
	n := len(s.schema.Attributes)
	s.presence = (n + 63) / 64
	s.words = s.presence
	s.attrs = make(map[string]int, n)
	s.slots = make([]slot, n)
	for i, a := range s.schema.Attributes {
		sl := slot{name: a.Name, typ: a.Type, bit: i, word: s.words}
		switch a.Type {
		case TypeNumber, TypeBool:
			s.words++
		case TypeString:
			s.words++
			sl.aux = s.nStrs
			s.nStrs++
			sl.dict = make(map[string]uint64)
		case TypeTime:
			s.words += 2
		case TypeDecimal:
			s.words += 2
			sl.aux = s.nDecs
			s.nDecs++
		case TypeStrings:
			sl.aux = s.nLists
			s.nLists++
		}
		s.slots[i] = sl
		s.attrs[a.Name] = i
	}
	all := make(map[string]bool)
	for _, t := range s.schema.Tags {
		for ; t != ""; t = Parent(t) {
			all[t] = true
		}
	}
	s.tagNames = make([]string, 0, len(all))
	for t := range all {
		s.tagNames = append(s.tagNames, t)
	}
	slices.Sort(s.tagNames)
	s.tagIDs = make(map[string]int32, len(s.tagNames))
	for i, t := range s.tagNames {
		s.tagIDs[t] = int32(i)
	}
}

// compiled reports whether s was made by [Compile]: a nil *Set and the
// zero Set were not.
func (s *Set) compiled() bool { return s != nil && s.index != nil }

// errNotCompiled refuses a Set that [Compile] did not make.
func errNotCompiled() error {
	return qun.Invalid("", "the set was not made by segment.Compile (a nil or zero Set)")
}

// Schema returns the schema the set was compiled against; the zero
// Schema for a set that was not compiled.
func (s *Set) Schema() Schema {
	if !s.compiled() {
		return Schema{}
	}
	return cloneSchema(s.schema)
}

// Segments returns the set's segments, in the order they were given; nil
// for a set that was not compiled.
func (s *Set) Segments() []Segment {
	if !s.compiled() {
		return nil
	}
	return slices.Clone(s.segments)
}

// Len returns the number of segments; 0 for a set that was not compiled.
func (s *Set) Len() int {
	if !s.compiled() {
		return 0
	}
	return len(s.segments)
}

// Index returns the position of the named segment, and false when the set
// has no such segment (or was not compiled).
func (s *Set) Index(name string) (int, bool) {
	if !s.compiled() {
		return 0, false
	}
	i, ok := s.index[name]
	return i, ok
}

// dependencyOrder orders the segments so that each follows those it
// refers to, keeping the given order where the references allow (Kahn's
// algorithm, taking the first ready segment each time), or reports a
// cycle.
func dependencyOrder(segments []Segment, refs [][]int) ([]int, error) {
	n := len(segments)
	waiting := make([]int, n) // how many of its references are not yet placed
	users := make([][]int, n) // who refers to each
	for i, rs := range refs {
		rs = slices.Compact(slices.Sorted(slices.Values(rs)))
		refs[i] = rs
		waiting[i] = len(rs)
		for _, j := range rs {
			users[j] = append(users[j], i)
		}
	}
	order := make([]int, 0, n)
	placed := make([]bool, n)
	for len(order) < n {
		next := -1
		for i := range n {
			if !placed[i] && waiting[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 {
			return nil, cycleError(segments, refs, placed)
		}
		placed[next] = true
		order = append(order, next)
		for _, u := range users[next] {
			waiting[u]--
		}
	}
	return order, nil
}

// cycleError finds a cycle among the unplaced segments and names it.
func cycleError(segments []Segment, refs [][]int, placed []bool) error {
	start := slices.Index(placed, false)
	// Walk references among unplaced segments until one repeats: every
	// unplaced segment refers to another unplaced one.
	seenAt := map[int]int{}
	var path []int
	for i := start; ; {
		if at, ok := seenAt[i]; ok {
			path = path[at:]
			break
		}
		seenAt[i] = len(path)
		path = append(path, i)
		for _, j := range refs[i] {
			if !placed[j] {
				i = j
				break
			}
		}
	}
	names := make([]string, 0, len(path)+1)
	for _, i := range path {
		names = append(names, segments[i].Name)
	}
	names = append(names, segments[path[0]].Name)
	return qun.Invalid("segments["+strconv.Itoa(path[0])+"].rule", "segments refer to each other in a cycle: %s", strings.Join(names, " → "))
}

// compiler turns rules into nodes, collecting errors with their paths.
type compiler struct {
	set     *Set
	errs    []error
	refs    []int
	aggs    []*aggNode // told at the end whether their filter keeps totals
	windows map[qun.Duration]int
	filters map[string]int
}

func (c *compiler) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, qun.Invalid(path, format, args...))
}

// window returns the index of the evaluator's cut-off for d.
func (c *compiler) window(d qun.Duration) int {
	if i, ok := c.windows[d]; ok {
		return i
	}
	i := len(c.set.windows)
	c.set.windows = append(c.set.windows, d)
	c.windows[d] = i
	return i
}

// filter returns the index of an aggregate's event filter, sharing one
// among aggregates that read the same events.
func (c *compiler) filter(f qun.EventFilter, summed bool) int {
	key := filterKey(f)
	if i, ok := c.filters[key]; ok {
		c.set.filters[i].summed = c.set.filters[i].summed || summed
		return i
	}
	i := len(c.set.filters)
	f.Where = slices.Clone(f.Where)
	c.set.filters = append(c.set.filters, filterSpec{filter: f, summed: summed})
	c.filters[key] = i
	c.set.byEvent[f.Name] = append(c.set.byEvent[f.Name], int32(i))
	return i
}

// filterKey is a filter's identity: its name and conditions as text.
func filterKey(f qun.EventFilter) string {
	var b strings.Builder
	b.WriteString(strconv.Quote(f.Name))
	for _, cond := range f.Where {
		b.WriteByte(' ')
		writeCondition(&b, cond)
	}
	return b.String()
}

func (c *compiler) compile(r *Rule, path string) node {
	text := r.String()
	switch r.kind() {
	case kindAnd, kindOr:
		list, field := r.And, "and"
		if r.kind() == kindOr {
			list, field = r.Or, "or"
		}
		kids := make([]node, len(list))
		for i := range list {
			kids[i] = c.compile(&list[i], path+"."+field+"["+strconv.Itoa(i)+"]")
		}
		if field == "and" {
			return &andNode{kids: kids, fast: cheapestFirst(kids), text: text}
		}
		return &orNode{kids: kids, fast: cheapestFirst(kids), text: text}
	case kindNot:
		return &notNode{kid: c.compile(r.Not, path+".not"), text: text}
	case kindAtLeast:
		kids := make([]node, len(r.Of))
		for i := range r.Of {
			kids[i] = c.compile(&r.Of[i], path+".of["+strconv.Itoa(i)+"]")
		}
		return &atLeastNode{k: r.AtLeast, kids: kids, fast: cheapestFirst(kids), text: text}
	case kindSegment:
		i, ok := c.set.index[r.Segment]
		if !ok {
			c.errorf(path+".segment", "no segment named %q in this set", r.Segment)
			return falseNode{text}
		}
		c.refs = append(c.refs, i)
		return &refNode{seg: i, text: text}
	case kindTags:
		return c.tags(r.Tags, path+".tags", text)
	case kindTest:
		if r.Agg != nil {
			return c.aggregate(r, path, text)
		}
		return c.attribute(r, path, text)
	}
	c.errorf(path, "not a valid rule")
	return falseNode{text}
}

func (c *compiler) tags(t *TagTest, path, text string) node {
	names, field := t.Any, "any"
	if len(t.All) > 0 {
		names, field = t.All, "all"
	}
	ids := make([]int32, 0, len(names))
	for i, name := range names {
		id, ok := c.set.tagIDs[name]
		if !ok {
			c.errorf(path+"."+field+"["+strconv.Itoa(i)+"]", "unknown tag %q: declare it in the schema's tags", name)
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return &tagNode{ids: ids, all: field == "all", min: t.MinWeight, text: text}
}

// attribute compiles a test of an attribute.
func (c *compiler) attribute(r *Rule, path, text string) node {
	i, ok := c.set.attrs[r.Attr]
	if !ok {
		c.errorf(path+".attr", "unknown attribute %q", r.Attr)
		return falseNode{text}
	}
	sl := &c.set.slots[i]
	if r.Op == Exists {
		return &existsNode{bit: sl.bit, slot: i, text: text}
	}
	base := attrNode{bit: sl.bit, word: sl.word, aux: sl.aux, slot: i, text: text}
	switch sl.typ {
	case TypeString:
		return c.stringTest(r, path, sl, base)
	case TypeStrings:
		if r.Op != Contains {
			c.errorf(path+".op", "%s is a list of strings: test it with contains or exists, not %s", r.Attr, r.Op)
			return falseNode{text}
		}
		return &listNode{attrNode: base, want: r.Values[0].Text}
	case TypeBool:
		if r.Op != Eq && r.Op != Ne {
			c.errorf(path+".op", "%s is a bool: test it with = or !=, not %s", r.Attr, r.Op)
			return falseNode{text}
		}
		v := r.Values[0]
		if v.Kind != KindBool {
			c.errorf(path+".values[0]", "%s is a bool, compared with %s", r.Attr, describeValue(v))
			return falseNode{text}
		}
		want := uint64(0)
		if v.Text == "true" {
			want = 1
		}
		return &boolNode{attrNode: base, want: want, ne: r.Op == Ne}
	case TypeNumber:
		t, ok := c.numTest(r, path, r.Attr+" is a number")
		if !ok {
			return falseNode{text}
		}
		return &numNode{attrNode: base, test: t}
	case TypeDecimal:
		t, ok := c.decTest(r, path, r.Attr+" is a decimal", false)
		if !ok {
			return falseNode{text}
		}
		return &decNode{attrNode: base, test: t}
	case TypeTime:
		t, ok := c.timeTest(r, path, r.Attr+" is a time")
		if !ok {
			return falseNode{text}
		}
		return &timeNode{attrNode: base, test: t}
	}
	c.errorf(path+".attr", "attribute %q has no type", r.Attr)
	return falseNode{text}
}

func (c *compiler) stringTest(r *Rule, path string, sl *slot, base attrNode) node {
	for i, v := range r.Values {
		if v.Kind != KindString {
			c.errorf(path+".values["+strconv.Itoa(i)+"]", "%s is a string, compared with %s", r.Attr, describeValue(v))
			return falseNode{base.text}
		}
	}
	switch r.Op {
	case Eq, Ne, In:
		n := &strSetNode{attrNode: base, negate: r.Op == Ne}
		for _, v := range r.Values {
			id, ok := sl.dict[v.Text]
			if !ok {
				id = uint64(len(sl.dict) + 1)
				sl.dict[v.Text] = id
			}
			for int(id>>6) >= len(n.set) {
				n.set = append(n.set, 0)
			}
			n.set[id>>6] |= 1 << (id & 63)
		}
		return n
	case Contains:
		needle := r.Values[0].Text
		n := &containsNode{attrNode: base, needle: needle, ascii: true}
		for i := 0; i < len(needle); i++ {
			if needle[i] >= utf8.RuneSelf {
				n.ascii = false
			}
		}
		if n.ascii {
			n.lower = strings.ToLower(needle)
		}
		return n
	case Prefix:
		return &prefixNode{attrNode: base, prefix: r.Values[0].Text}
	}
	c.errorf(path+".op", "%s is a string: test it with = != in contains prefix or exists, not %s (strings have no order here)", r.Attr, r.Op)
	return falseNode{base.text}
}

// numTest compiles a test of a float64 operand.
func (c *compiler) numTest(r *Rule, path, what string) (numTest, bool) {
	t := numTest{op: r.Op}
	if !orderOp(r.Op) {
		c.errorf(path+".op", "%s: test it with = != < <= > >= in between or exists, not %s", what, r.Op)
		return t, false
	}
	vals := make([]float64, len(r.Values))
	for i, v := range r.Values {
		field := path + ".values[" + strconv.Itoa(i) + "]"
		if v.Kind != KindNumber {
			c.errorf(field, "%s, compared with %s", what, describeValue(v))
			return t, false
		}
		f, err := strconv.ParseFloat(v.Text, 64)
		if err != nil || math.IsInf(f, 0) {
			c.errorf(field, "%s is beyond the range of a number", v.Text)
			return t, false
		}
		vals[i] = f
	}
	if r.Op == Between && vals[0] > vals[1] {
		c.errorf(path+".values", "between %s and %s can never hold: the low bound is above the high one", r.Values[0].Text, r.Values[1].Text)
		return t, false
	}
	return newNumTest(r.Op, vals), true
}

// orderOp reports whether op is a test of ordered values: the
// comparisons, in and between.
func orderOp(op Op) bool {
	switch op {
	case Eq, Ne, Lt, Le, Gt, Ge, In, Between:
		return true
	}
	return false
}

// decTest compiles a test of an exact decimal operand; count says the
// operand is a count, a whole number from zero, which makes some tests
// impossible.
func (c *compiler) decTest(r *Rule, path, what string, count bool) (decTest, bool) {
	t := decTest{op: r.Op}
	if !orderOp(r.Op) {
		c.errorf(path+".op", "%s: test it with = != < <= > >= in between, not %s", what, r.Op)
		return t, false
	}
	vals := make([]decimal.Decimal, len(r.Values))
	for i, v := range r.Values {
		field := path + ".values[" + strconv.Itoa(i) + "]"
		if v.Kind != KindNumber {
			c.errorf(field, "%s, compared with %s", what, describeValue(v))
			return t, false
		}
		d, err := decimal.NewFromString(v.Text)
		if err != nil {
			c.errorf(field, "%s is not a number", v.Text)
			return t, false
		}
		vals[i] = d
	}
	switch r.Op {
	case Eq, Ne, Lt, Le, Gt, Ge:
		t.a = newDecLit(vals[0])
	case In:
		for _, d := range vals {
			t.set = append(t.set, newDecLit(d))
		}
	case Between:
		t.a, t.b = newDecLit(vals[0]), newDecLit(vals[1])
		if vals[0].Cmp(vals[1]) > 0 {
			c.errorf(path+".values", "between %s and %s can never hold: the low bound is above the high one", r.Values[0].Text, r.Values[1].Text)
			return t, false
		}
	}
	if count && !countPossible(r.Op, vals) {
		c.errorf(path, "%s can never hold: a count is a whole number, 0 or more", r.String())
		return t, false
	}
	return t, true
}

// countPossible reports whether some whole number n ≥ 0 passes the test.
func countPossible(op Op, vals []decimal.Decimal) bool {
	whole := func(d decimal.Decimal) bool { return d.IsInteger() && !d.IsNegative() }
	switch op {
	case Eq:
		return whole(vals[0])
	case Lt:
		return vals[0].IsPositive()
	case Le:
		return !vals[0].IsNegative()
	case In:
		return slices.ContainsFunc(vals, whole)
	case Between:
		lo := vals[0].Ceil()
		if lo.IsNegative() {
			lo = decimal.Zero
		}
		return lo.Cmp(vals[1]) <= 0
	}
	return true
}

// timeTest compiles a test of an instant.
func (c *compiler) timeTest(r *Rule, path, what string) (timeTest, bool) {
	t := timeTest{op: r.Op, cut: -1}
	if !orderOp(r.Op) && r.Op != Within && r.Op != Before || r.Op == In {
		c.errorf(path+".op", "%s: test it with = != < <= > >= between within before or exists, not %s", what, r.Op)
		return t, false
	}
	vals := make([]stamp, len(r.Values))
	for i, v := range r.Values {
		field := path + ".values[" + strconv.Itoa(i) + "]"
		if v.Kind != KindString {
			c.errorf(field, "%s, compared with %s: write instants as RFC 3339 strings such as \"2026-11-01T00:00:00+08:00\"", what, describeValue(v))
			return t, false
		}
		tm, err := time.Parse(time.RFC3339Nano, v.Text)
		if err != nil {
			c.errorf(field, "%q is not an RFC 3339 time such as \"2026-11-01T00:00:00+08:00\"", v.Text)
			return t, false
		}
		vals[i] = stampOf(tm)
	}
	switch r.Op {
	case Between:
		if vals[1].before(vals[0]) {
			c.errorf(path+".values", "between %s and %s can never hold: the low bound is after the high one", r.Values[0], r.Values[1])
			return t, false
		}
	case Within, Before:
		t.cut = c.window(r.Duration)
		return t, true
	}
	return newTimeTest(r.Op, vals), true
}

// aggregate compiles a test of an aggregate of the member's events.
func (c *compiler) aggregate(r *Rule, path, text string) node {
	a := r.Agg
	base := aggNode{
		filter: c.filter(a.Event, a.Func == Sum),
		win:    -1,
		text:   text,
	}
	if a.Window > 0 {
		base.win = c.window(a.Window)
	}
	what := a.Func.String() + "(\"" + a.Event.Name + "\")"
	switch a.Func {
	case Count, Sum:
		if r.Op == Exists {
			c.errorf(path+".op", "%s is never missing (it is 0 when there are no events): test it with a comparison such as >= 1", what)
			return falseNode{text}
		}
		kindOf := " is a count"
		if a.Func == Sum {
			kindOf = " is a decimal sum"
		}
		t, ok := c.decTest(r, path, what+kindOf, a.Func == Count)
		if !ok {
			return falseNode{text}
		}
		if a.Func == Count {
			n := &countNode{aggNode: base, test: t}
			c.aggs = append(c.aggs, &n.aggNode)
			return n
		}
		n := &sumNode{aggNode: base, test: t}
		c.aggs = append(c.aggs, &n.aggNode)
		return n
	case First, Last:
		n := &seenNode{aggNode: base, last: a.Func == Last}
		c.aggs = append(c.aggs, &n.aggNode)
		if r.Op == Exists {
			return n
		}
		t, ok := c.timeTest(r, path, what+" is a time")
		if !ok {
			return falseNode{text}
		}
		n.test = &t
		return n
	}
	c.errorf(path+".agg.func", "not an aggregate function")
	return falseNode{text}
}

// describeValue names a literal's kind and value for an error message.
func describeValue(v Value) string {
	switch v.Kind {
	case KindString:
		return "the string " + v.String()
	case KindNumber:
		return "the number " + v.Text
	case KindBool:
		return "the bool " + v.Text
	}
	return fmt.Sprintf("the value %q", v.Text)
}
