package segment

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// Parse(Format(r)) == r for every valid rule.
func TestParseFormatRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRule(3).Draw(t, "rule")
		if err := r.Validate(); err != nil {
			t.Fatalf("generated an invalid rule: %v", err)
		}
		text := r.String()
		back, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%s): %v", text, err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Fatalf("Parse(Format(r)) != r for %s (-want +got):\n%s", text, diff)
		}
		if again := back.String(); again != text {
			t.Fatalf("formatting is not canonical: %s, then %s", text, again)
		}
	})
}

// The JSON form round-trips exactly, and reads back through strict
// decoding.
func TestJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRule(3).Draw(t, "rule")
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("marshal %s: %v", r, err)
		}
		var back Rule
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", data, err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Fatalf("JSON round trip of %s (-want +got):\n%s", data, diff)
		}
		seg := Segment{Name: "s", Version: 3, Rule: r}
		data, err = json.Marshal(seg)
		if err != nil {
			t.Fatal(err)
		}
		var segBack Segment
		if err := json.Unmarshal(data, &segBack); err != nil {
			t.Fatalf("unmarshal segment %s: %v", data, err)
		}
		if diff := cmp.Diff(seg, segBack); diff != "" {
			t.Fatalf("segment JSON round trip (-want +got):\n%s", diff)
		}
	})
}

// Compilation never panics, whatever the tree, and what compiles
// evaluates without panicking.
func TestCompileNeverPanics(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 3).Draw(t, "segments")
		segs := make([]Segment, n)
		for i := range segs {
			r := rapid.OneOf(genRule(3), genTyped(2, nil)).Draw(t, fmt.Sprintf("rule%d", i))
			if rapid.IntRange(0, 4).Draw(t, fmt.Sprintf("mangle%d", i)) == 0 {
				r = mangle(t, r)
			}
			segs[i] = Segment{Name: rapid.SampledFrom([]string{"vip", "a", "b", "italian_wine_fans"}).Draw(t, fmt.Sprintf("name%d", i)), Version: rapid.Int64Range(0, 3).Draw(t, fmt.Sprintf("version%d", i)), Rule: r}
		}
		set, err := Compile(testSchema, segs)
		if err != nil {
			if !isInvalid(err) {
				t.Fatalf("compile error does not match qun.ErrInvalid: %v", err)
			}
			return
		}
		e := set.At(testNow)
		m := drawMember(t, "m")
		rec := m.record(t, set)
		e.AppendMatches(nil, rec)
		for _, s := range segs {
			if _, err := e.Explain(rec, s.Name); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// mangle breaks a rule's shape in one of the ways an admin UI might.
func mangle(t *rapid.T, r Rule) Rule {
	switch rapid.IntRange(0, 5).Draw(t, "how") {
	case 0:
		r.Op = Op(rapid.IntRange(0, 20).Draw(t, "op"))
	case 1:
		r.Values = rapid.SliceOfN(genValue(), 0, 3).Draw(t, "values")
	case 2:
		r.Attr = rapid.SampledFrom([]string{"city", "age", "spend", "vip", "joined", "languages", "nope", ""}).Draw(t, "attr")
	case 3:
		r.And = append(r.And, Rule{})
	case 4:
		r.Duration = qun.Duration(rapid.Int64().Draw(t, "duration"))
	case 5:
		r.Segment = rapid.SampledFrom([]string{"vip", "a", "missing"}).Draw(t, "segment")
	}
	return r
}

// drawSet draws a set of well-typed segments for testSchema. Segments
// refer only to segments drawn before them, so there is no cycle, and are
// then listed in a shuffled order, so that the set must order them.
func drawSet(t *rapid.T) ([]Segment, map[string]Rule) {
	n := rapid.IntRange(1, 4).Draw(t, "segments")
	var segs []Segment
	var names []string
	rules := map[string]Rule{}
	for i := range n {
		name := fmt.Sprintf("s%d", i)
		r := genTyped(2, names).Draw(t, name)
		segs = append(segs, Segment{Name: name, Version: 1, Rule: r})
		names = append(names, name)
		rules[name] = r
	}
	perm := rapid.Permutation(segs).Draw(t, "order")
	return perm, rules
}

// The compiled evaluator agrees with the reference interpreter, which
// evaluates the tree directly by the documented semantics.
func TestCompiledMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		segs, rules := drawSet(t)
		set, err := Compile(testSchema, segs)
		if err != nil {
			t.Fatalf("a well-typed set does not compile: %v", err)
		}
		e := set.At(testNow)
		for k := range rapid.IntRange(1, 4).Draw(t, "members") {
			m := drawMember(t, qun.MemberID(fmt.Sprintf("m%d", k)))
			rec := m.record(t, set)
			matches := e.AppendMatches(nil, rec)
			for i, s := range segs {
				want := refEval(&s.Rule, m, testNow, rules)
				if got := e.Match(rec, i); got != want {
					x, _ := e.Explain(rec, s.Name)
					t.Fatalf("segment %s = %s: compiled %v, reference %v\nmember %+v\n%s", s.Name, s.Rule.String(), got, want, m, x)
				}
				if slices.Contains(matches, i) != want {
					t.Fatalf("AppendMatches disagrees with Match on %s", s.Name)
				}
				if x, _ := e.Explain(rec, s.Name); x.Held != want {
					t.Fatalf("Explain disagrees with Match on %s:\n%s", s.Name, x)
				}
			}
		}
	})
}

// not (a and b) evaluates as (not a) or (not b) on random members, and
// not (a or b) as (not a) and (not b).
func TestDeMorgan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genTyped(2, nil).Draw(t, "a")
		b := genTyped(2, nil).Draw(t, "b")
		notA, notB := Rule{Not: &a}, Rule{Not: &b}
		and, or := Rule{And: []Rule{a, b}}, Rule{Or: []Rule{a, b}}
		segs := []Segment{
			{Name: "not_and", Version: 1, Rule: Rule{Not: &and}},
			{Name: "or_not", Version: 1, Rule: Rule{Or: []Rule{notA, notB}}},
			{Name: "not_or", Version: 1, Rule: Rule{Not: &or}},
			{Name: "and_not", Version: 1, Rule: Rule{And: []Rule{notA, notB}}},
		}
		set, err := Compile(testSchema, segs)
		if err != nil {
			t.Fatal(err)
		}
		e := set.At(testNow)
		m := drawMember(t, "m")
		rec := m.record(t, set)
		if e.Match(rec, 0) != e.Match(rec, 1) {
			t.Fatalf("not (a and b) != (not a) or (not b) for a = %s, b = %s", a, b)
		}
		if e.Match(rec, 2) != e.Match(rec, 3) {
			t.Fatalf("not (a or b) != (not a) and (not b) for a = %s, b = %s", a, b)
		}
	})
}

// drawPopulation draws members with IDs from a small pool, so that two
// populations overlap.
func drawPopulation(t *rapid.T, label string) map[qun.MemberID]member {
	pop := map[qun.MemberID]member{}
	for _, id := range rapid.SliceOfNDistinct(rapid.SampledFrom([]qun.MemberID{"a", "b", "c", "d", "e", "f", "g", "h"}), 0, 8, rapid.ID).Draw(t, label) {
		pop[id] = drawMember(t, id)
	}
	return pop
}

func records(t *rapid.T, set *Set, pop map[qun.MemberID]member, ids []qun.MemberID) []*Record {
	var out []*Record
	for _, id := range ids {
		out = append(out, pop[id].record(t, set))
	}
	return out
}

func keysOf(pop map[qun.MemberID]member) []qun.MemberID {
	var ids []qun.MemberID
	for id := range pop {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// previous + entered − exited == next, for every segment.
func TestDiffApplies(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		segs, _ := drawSet(t)
		set, err := Compile(testSchema, segs)
		if err != nil {
			t.Fatal(err)
		}
		pop1, pop2 := drawPopulation(t, "before"), drawPopulation(t, "after")
		ids1 := rapid.Permutation(keysOf(pop1)).Draw(t, "order1")
		prev, err := set.Evaluate(slices.Values(records(t, set, pop1, ids1)), testNow)
		if err != nil {
			t.Fatal(err)
		}
		next, err := set.Evaluate(slices.Values(records(t, set, pop2, keysOf(pop2))), testNow.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		changes := Diff(prev, next)
		for _, s := range segs {
			members := map[qun.MemberID]bool{}
			for _, id := range prev.Members(s.Name) {
				members[id] = true
			}
			for _, ch := range changes {
				if ch.Segment != s.Name {
					continue
				}
				for _, id := range ch.Entered {
					if members[id] {
						t.Fatalf("%s entered %s but was already in it", id, s.Name)
					}
					members[id] = true
				}
				for _, id := range ch.Exited {
					if !members[id] {
						t.Fatalf("%s exited %s but was not in it", id, s.Name)
					}
					delete(members, id)
				}
			}
			var got []qun.MemberID
			for id := range members {
				got = append(got, id)
			}
			slices.Sort(got)
			if diff := cmp.Diff(next.Members(s.Name), got, cmpEmpty); diff != "" {
				t.Fatalf("prev + entered − exited != next for %s (-next +applied):\n%s", s.Name, diff)
			}
		}
	})
}

var cmpEmpty = cmp.Comparer(func(a, b []qun.MemberID) bool {
	return slices.Equal(a, b)
})

// Evaluating only the members whose data changed gives the same snapshot
// as a full rebuild.
func TestIncrementalEqualsFull(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		segs, _ := drawSet(t)
		set, err := Compile(testSchema, segs)
		if err != nil {
			t.Fatal(err)
		}
		pop := drawPopulation(t, "population")
		prev, err := set.Evaluate(slices.Values(records(t, set, pop, keysOf(pop))), testNow)
		if err != nil {
			t.Fatal(err)
		}
		// Change some members, add some, remove some.
		next := map[qun.MemberID]member{}
		for id, m := range pop {
			next[id] = m
		}
		var changed []qun.MemberID
		for _, id := range rapid.SliceOfNDistinct(rapid.SampledFrom([]qun.MemberID{"a", "c", "e", "x", "y"}), 0, 5, rapid.ID).Draw(t, "changed") {
			next[id] = drawMember(t, id)
			changed = append(changed, id)
		}
		var removed []qun.MemberID
		for _, id := range rapid.SliceOfNDistinct(rapid.SampledFrom([]qun.MemberID{"b", "d", "z"}), 0, 3, rapid.ID).Draw(t, "removed") {
			delete(next, id)
			removed = append(removed, id)
		}
		inc, err := set.Update(prev, slices.Values(records(t, set, next, changed)), removed, testNow)
		if err != nil {
			t.Fatal(err)
		}
		full, err := set.Evaluate(slices.Values(records(t, set, next, keysOf(next))), testNow)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(full, inc, cmp.AllowUnexported(Snapshot{})); diff != "" {
			t.Fatalf("incremental != full (-full +incremental):\n%s", diff)
		}
	})
}

// A record reused with Reset evaluates as a fresh one.
func TestRecordReset(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		segs, _ := drawSet(t)
		set, err := Compile(testSchema, segs)
		if err != nil {
			t.Fatal(err)
		}
		e := set.At(testNow)
		reused := drawMember(t, "before").record(t, set)
		m := drawMember(t, "m")
		fresh := m.record(t, set)
		reused.Reset(m.id)
		for _, name := range sortedAttrNames(m.attrs) {
			_ = reused.Set(name, m.attrs[name])
		}
		_ = reused.AddTags(m.tags...)
		for _, ev := range m.events {
			_ = reused.AddEvent(ev)
		}
		if got, want := e.AppendMatches(nil, reused), e.AppendMatches(nil, fresh); !slices.Equal(got, want) {
			t.Fatalf("reused record matches %v, fresh %v", got, want)
		}
		if diff := cmp.Diff(fresh.data, reused.data); diff != "" {
			t.Fatalf("layouts differ (-fresh +reused):\n%s", diff)
		}
	})
}
