package segment

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// PortraitSpec chooses what a [Portrait] describes: which attributes to
// show as histograms (numbers and decimals) and as top values (strings,
// string lists and bools), and which tags to show the share of. It is
// configuration: plain data, with JSON names, validated against the set
// when the portrait is drawn.
//
// Its JSON form is
//
//	{"histograms":[{"attr":"age","bounds":[18,25,35,45]}],
//	 "top":[{"attr":"city","k":5}],"tags":["wine/italian"]}
//
// The zero PortraitSpec describes only the segment's size.
type PortraitSpec struct {
	// Histograms lists the number and decimal attributes to bucket. The
	// default, none, draws no histogram.
	Histograms []HistogramSpec `json:"histograms,omitempty"`
	// Top lists the string, string-list and bool attributes to count.
	// The default, none, counts no values.
	Top []TopSpec `json:"top,omitempty"`
	// Tags lists taxonomy tags whose share to show. The default, none,
	// shows no tag.
	Tags []string `json:"tags,omitempty"`
}

// HistogramSpec asks for the distribution of a number or decimal
// attribute over buckets: below Bounds[0], from each bound to the next
// (the lower included, the upper not), and from the last bound up. Age
// bands 18, 25, 35, 45 give five buckets.
type HistogramSpec struct {
	// Attr names the attribute: a number or decimal attribute of the
	// schema. Required.
	Attr string `json:"attr"`
	// Bounds are the buckets' edges, in the attribute's own unit (years
	// for an age, yuan for a spend in yuan): finite, strictly increasing,
	// at least one. A decimal attribute is compared with each bound
	// exactly, the bound read as the shortest decimal that is the same
	// float64. Required: there is no default.
	Bounds []float64 `json:"bounds"`
}

// TopSpec asks for the K most common values of a string, string list or
// bool attribute. A member counts once for each distinct element of a
// list.
type TopSpec struct {
	// Attr names the attribute: a string, string-list or bool attribute
	// of the schema. Required.
	Attr string `json:"attr"`
	// K is how many of the most common values to show, counted in
	// values: 1 or more. Required: there is no default.
	K int `json:"k"`
}

// Portrait (用户画像) is the make-up of a segment: how many members it
// has, how chosen attributes are distributed among them, and what share
// of them hold chosen tags. Operators read it to learn who a segment is
// before they write to it.
type Portrait struct {
	// Segment names the segment described.
	Segment string `json:"segment"`
	// Members is its size, counted in members.
	Members int `json:"members"`
	// Histograms follow the spec's Histograms, in order.
	Histograms []Histogram `json:"histograms,omitempty"`
	// Top follows the spec's Top, in order.
	Top []Top `json:"top,omitempty"`
	// Tags follow the spec's Tags, in order.
	Tags []TagShare `json:"tags,omitempty"`
}

// Histogram counts members per bucket of an attribute's value. Counts has
// one more entry than Bounds: Counts[0] is below Bounds[0], Counts[i] is
// from Bounds[i-1] up to but not including Bounds[i], and the last is at
// or above the last bound. Missing counts members without a value.
type Histogram struct {
	// Attr repeats the spec's attribute.
	Attr string `json:"attr"`
	// Bounds repeat the spec's bounds.
	Bounds []float64 `json:"bounds"`
	// Counts holds the members per bucket, len(Bounds)+1 of them.
	Counts []int `json:"counts"`
	// Missing counts the members without a value.
	Missing int `json:"missing"`
}

// Top is the most common values of an attribute among a segment's
// members, most common first and, at equal counts, in byte order of the
// value. Others adds up the counts of the values outside the top;
// Distinct is how many distinct values there were.
type Top struct {
	// Attr repeats the spec's attribute.
	Attr string `json:"attr"`
	// Values are the most common values and their counts, at most the
	// spec's K.
	Values []ValueCount `json:"values"`
	// Others adds up the counts of the other values.
	Others int `json:"others"`
	// Distinct is the number of distinct values.
	Distinct int `json:"distinct"`
	// Missing counts the members without a value.
	Missing int `json:"missing"`
}

// ValueCount is a value and how many members have it.
type ValueCount struct {
	// Value is the value as text; a bool is "true" or "false".
	Value string `json:"value"`
	// Count is how many members have it.
	Count int `json:"count"`
}

// TagShare is how many of a segment's members hold a tag at the time of
// the portrait, directly or below it, and the share of the segment that
// is (0 for an empty segment).
type TagShare struct {
	// Tag names the tag.
	Tag string `json:"tag"`
	// Members counts the members who hold it.
	Members int `json:"members"`
	// Share is Members over the segment's size, from 0 to 1; 0 for an
	// empty segment.
	Share float64 `json:"share"`
}

// histogramAcc and topAcc accumulate one part of a portrait.
type histogramAcc struct {
	slot   *slot
	bounds []float64
	decs   []decLit
	out    Histogram
}

type topAcc struct {
	slot   *slot
	k      int
	counts map[string]int
	out    Top
}

// Portrait draws the portrait of a segment over a population at now. It
// evaluates the segment for each record, as [Set.Evaluate] would, and
// describes the members. The spec is checked against the set first; its
// errors name the field ("histograms[0].bounds"). A nil population is
// empty; what [Set.Evaluate] refuses, Portrait refuses too.
func (s *Set) Portrait(segment string, population iter.Seq[*Record], now time.Time, spec PortraitSpec) (*Portrait, error) {
	if !s.compiled() {
		return nil, errNotCompiled()
	}
	seg, ok := s.index[segment]
	if !ok {
		return nil, qun.Invalid("", "no segment named %q in this set", segment)
	}
	hists, tops, tags, err := s.portraitParts(spec)
	if err != nil {
		return nil, err
	}
	e := s.At(now)
	p := &Portrait{Segment: segment}
	tagCounts := make([]int, len(tags))
	tagTests := make([]tagNode, len(tags))
	for i, id := range tags {
		tagTests[i] = tagNode{ids: []int32{id}}
	}
	var seen []string
	if population == nil {
		population = func(func(*Record) bool) {}
	}
	read := 0
	for r := range population {
		if !e.usable(r) {
			return nil, fmt.Errorf("segment: portrait: record %d of the population: %w", read, errForeignRecord(r))
		}
		read++
		if !e.Match(r, seg) {
			continue
		}
		p.Members++
		for _, h := range hists {
			h.add(r)
		}
		for _, t := range tops {
			seen = t.add(r, seen[:0])
		}
		for i := range tagTests {
			if tagTests[i].eval(r, e) {
				tagCounts[i]++
			}
		}
	}
	for _, h := range hists {
		p.Histograms = append(p.Histograms, h.out)
	}
	for _, t := range tops {
		p.Top = append(p.Top, t.result())
	}
	for i, id := range tags {
		share := 0.0
		if p.Members > 0 {
			share = float64(tagCounts[i]) / float64(p.Members)
		}
		p.Tags = append(p.Tags, TagShare{Tag: s.tagNames[id], Members: tagCounts[i], Share: share})
	}
	return p, nil
}

// portraitParts checks a spec against the set and prepares its parts.
func (s *Set) portraitParts(spec PortraitSpec) ([]*histogramAcc, []*topAcc, []int32, error) {
	var errs []error
	var hists []*histogramAcc
	var tops []*topAcc
	var tags []int32
	for i, h := range spec.Histograms {
		path := "histograms[" + strconv.Itoa(i) + "]"
		sl, reason := s.portraitSlot(h.Attr, TypeNumber, TypeDecimal)
		if reason != "" {
			errs = append(errs, qun.Invalid(path+".attr", "%s", reason))
			continue
		}
		if len(h.Bounds) == 0 {
			errs = append(errs, qun.Invalid(path+".bounds", "needs at least one bound"))
			continue
		}
		acc := &histogramAcc{slot: sl, bounds: h.Bounds}
		bad := false
		for j, b := range h.Bounds {
			if math.IsNaN(b) || math.IsInf(b, 0) || j > 0 && b <= h.Bounds[j-1] {
				errs = append(errs, qun.Invalid(path+".bounds["+strconv.Itoa(j)+"]", "bounds must be finite and increasing"))
				bad = true
				break
			}
			acc.decs = append(acc.decs, newDecLit(decimal.NewFromFloat(b)))
		}
		if bad {
			continue
		}
		acc.out = Histogram{Attr: h.Attr, Bounds: slices.Clone(h.Bounds), Counts: make([]int, len(h.Bounds)+1)}
		hists = append(hists, acc)
	}
	for i, t := range spec.Top {
		path := "top[" + strconv.Itoa(i) + "]"
		sl, reason := s.portraitSlot(t.Attr, TypeString, TypeStrings, TypeBool)
		if reason != "" {
			errs = append(errs, qun.Invalid(path+".attr", "%s", reason))
			continue
		}
		if t.K < 1 {
			errs = append(errs, qun.Invalid(path+".k", "must be 1 or more"))
			continue
		}
		tops = append(tops, &topAcc{slot: sl, k: t.K, counts: map[string]int{}, out: Top{Attr: t.Attr}})
	}
	for i, name := range spec.Tags {
		id, ok := s.tagIDs[name]
		if !ok {
			errs = append(errs, qun.Invalid("tags["+strconv.Itoa(i)+"]", "unknown tag %q: declare it in the schema's tags", name))
			continue
		}
		tags = append(tags, id)
	}
	return hists, tops, tags, errors.Join(errs...)
}

func (s *Set) portraitSlot(name string, types ...Type) (*slot, string) {
	i, ok := s.attrs[name]
	if !ok {
		return nil, "unknown attribute " + strconv.Quote(name)
	}
	sl := &s.slots[i]
	if !slices.Contains(types, sl.typ) {
		return nil, name + " is a " + sl.typ.String() + " attribute, which this part of a portrait does not describe"
	}
	return sl, ""
}

func (h *histogramAcc) add(r *Record) {
	if !r.present(h.slot.bit) {
		h.out.Missing++
		return
	}
	// The bucket is the number of bounds at or below the value.
	var below func(i int) bool
	if h.slot.typ == TypeNumber {
		v := math.Float64frombits(r.data[h.slot.word])
		below = func(i int) bool { return h.bounds[i] <= v }
	} else {
		n := decNode{attrNode: attrNode{word: h.slot.word, aux: h.slot.aux}}
		v := n.operand(r)
		below = func(i int) bool { return cmpDec(v, &h.decs[i]) >= 0 }
	}
	b := 0
	for b < len(h.bounds) && below(b) {
		b++
	}
	h.out.Counts[b]++
}

// add counts the member's values, using seen as scratch.
func (t *topAcc) add(r *Record, seen []string) []string {
	if !r.present(t.slot.bit) {
		t.out.Missing++
		return seen
	}
	switch t.slot.typ {
	case TypeString:
		t.counts[r.strs[t.slot.aux]]++
	case TypeBool:
		t.counts[strconv.FormatBool(r.data[t.slot.word] == 1)]++
	case TypeStrings:
		for _, v := range r.lists[t.slot.aux] {
			if !slices.Contains(seen, v) {
				seen = append(seen, v)
				t.counts[v]++
			}
		}
	}
	return seen
}

func (t *topAcc) result() Top {
	out := t.out
	out.Distinct = len(t.counts)
	all := make([]ValueCount, 0, len(t.counts))
	for v, n := range t.counts {
		all = append(all, ValueCount{v, n})
	}
	slices.SortFunc(all, func(a, b ValueCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	k := min(t.k, len(all))
	out.Values = all[:k]
	for _, vc := range all[k:] {
		out.Others += vc.Count
	}
	return out
}
