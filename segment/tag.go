package segment

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/qunkit/qun"
)

// Tag is a label on a member (用户标签): "wine/italian", "vip",
// "course/beginner/finished". Operators tag members by hand, rules tag
// them, and behaviour tags them (see [Interests]); a rule then tests the
// tags with has_tag and its kin.
//
// Tag names are hierarchical, with "/" between levels: a member tagged
// wine/italian also counts as tagged wine (see [Covers]). A tag has a
// weight, the strength of the label (1 for a plain label; an interest's
// strength for a behaviour tag), the source it came from, and an optional
// expiry: an expired tag is kept but matches nothing.
//
// Its JSON form is
//
//	{"name":"wine/italian","weight":4.5,"source":"behaviour","expires":"2026-12-31T00:00:00Z"}
type Tag struct {
	// Name is the tag's hierarchical name (see [CheckTagName]). Required.
	Name string `json:"name"`
	// Weight is the tag's strength, a finite number not below zero, in
	// whatever unit the host gives its tags: 1 for a plain label, the
	// interest's strength (in the units of its weights) for a behaviour
	// tag. Rules test it with a minimum weight ([TagTest.MinWeight]). The
	// zero value, 0, is a valid weight that any minimum above zero
	// excludes.
	Weight float64 `json:"weight"`
	// Source says where the tag came from: "rule", "behaviour" or
	// "manual". Required; the zero Source is invalid.
	Source Source `json:"source"`
	// Expires is the instant from which the tag no longer matches, within
	// the years 0001 to 9999. The default, the zero time, means never.
	Expires time.Time `json:"expires,omitzero"`
}

// Validate reports every problem with t, joined: a valid name, a finite
// weight not below zero, a known source, and an expiry RFC 3339 can write.
func (t Tag) Validate() error {
	var errs []error
	if err := CheckTagName(t.Name); err != nil {
		errs = append(errs, qun.Within("name", err))
	}
	if math.IsNaN(t.Weight) || math.IsInf(t.Weight, 0) || t.Weight < 0 {
		errs = append(errs, qun.Invalid("weight", "must be a finite number, not below zero"))
	}
	if !t.Source.IsValid() {
		errs = append(errs, qun.Invalid("source", "must be rule, behaviour or manual"))
	}
	if !t.Expires.IsZero() && (t.Expires.Year() < 1 || t.Expires.Year() > 9999) {
		errs = append(errs, qun.Invalid("expires", "must lie within the years 0001 to 9999"))
	}
	return errors.Join(errs...)
}

// Active reports whether t matches at now: it has no expiry, or now is
// before it.
func (t Tag) Active(now time.Time) bool { return t.Expires.IsZero() || now.Before(t.Expires) }

// Source says where a tag came from. Operators trust a hand-set tag more
// than an inferred one, and a host may let a manual tag override or
// outlast the others; qun keeps the source so that they can.
type Source uint8

// The sources of a tag.
const (
	// SourceRule: a rule gave the tag, such as a segment's members being
	// tagged with its name. JSON "rule".
	SourceRule Source = iota + 1
	// SourceBehaviour: the member's behaviour earned it (see [Interests]).
	// JSON "behaviour".
	SourceBehaviour
	// SourceManual: an operator set it by hand. JSON "manual".
	SourceManual
)

var sourceNames = [...]string{SourceRule: "rule", SourceBehaviour: "behaviour", SourceManual: "manual"}

// IsValid reports whether s is one of the three sources.
func (s Source) IsValid() bool { return s >= SourceRule && s <= SourceManual }

// String returns the source's name: "rule", "behaviour" or "manual".
func (s Source) String() string {
	if !s.IsValid() {
		return fmt.Sprintf("Source(%d)", uint8(s))
	}
	return sourceNames[s]
}

// MarshalText writes the source's name; it refuses an invalid source.
func (s Source) MarshalText() ([]byte, error) {
	if !s.IsValid() {
		return nil, fmt.Errorf("segment: marshal source %d: %w", uint8(s), qun.Invalid("", "not a source"))
	}
	return []byte(sourceNames[s]), nil
}

// UnmarshalText reads a source's name.
func (s *Source) UnmarshalText(text []byte) error {
	for v := SourceRule; v <= SourceManual; v++ {
		if sourceNames[v] == string(text) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("segment: parse source %q: %w", text, qun.Invalid("", "want rule, behaviour or manual"))
}

// CheckTagName reports whether name is a valid tag name: a name in qun's
// sense (1 to 256 bytes of UTF-8, no control characters) whose levels,
// separated by "/", are not empty. "wine/italian" is valid; "/wine",
// "wine/" and "wine//italian" are not.
func CheckTagName(name string) error {
	if reason := nameProblem(name); reason != "" {
		return qun.Invalid("", reason)
	}
	if name[0] == '/' || name[len(name)-1] == '/' || strings.Contains(name, "//") {
		return qun.Invalid("", "levels separated by / must not be empty")
	}
	return nil
}

// Covers reports whether the tag name covers name: they are equal, or
// name lies below it in the hierarchy. Covers("wine", "wine/italian") is
// true; Covers("wine", "wineries") is false.
func Covers(ancestor, name string) bool {
	return name == ancestor ||
		len(name) > len(ancestor) && name[len(ancestor)] == '/' && name[:len(ancestor)] == ancestor
}

// Parent returns the tag directly above name, or "" for a top-level tag:
// Parent("wine/italian/barolo") is "wine/italian".
func Parent(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return ""
}

// Tags is a member's set of tags, kept sorted by name and then source: a
// member holds at most one tag of a name from each source, so a manual
// "vip" and a rule's "vip" live side by side. The zero Tags is empty and
// ready to use; the methods that change it return the new value, as
// append does.
type Tags []Tag

// Put adds t, replacing a tag of the same name and source.
func (ts Tags) Put(t Tag) Tags {
	i, found := ts.search(t.Name, t.Source)
	if found {
		ts[i] = t
		return ts
	}
	return slices.Insert(ts, i, t)
}

// Remove drops the tag of the name from the source, if there is one.
func (ts Tags) Remove(name string, source Source) Tags {
	if i, found := ts.search(name, source); found {
		return slices.Delete(ts, i, i+1)
	}
	return ts
}

// Prune drops the tags that have expired at now.
func (ts Tags) Prune(now time.Time) Tags {
	return slices.DeleteFunc(ts, func(t Tag) bool { return !t.Active(now) })
}

// Weight returns the weight with which the member holds name at now: the
// greatest weight of the active tags that name covers, from any source.
// ok is false when no active tag is at or below name. The greatest, not
// the sum, so that a member tagged both wine and wine/italian is not
// counted twice.
func (ts Tags) Weight(name string, now time.Time) (weight float64, ok bool) {
	for _, t := range ts.below(name) {
		if t.Active(now) && (!ok || t.Weight > weight) {
			weight, ok = t.Weight, true
		}
	}
	return weight, ok
}

// Has reports whether the member holds name at now, directly or through a
// tag below it.
func (ts Tags) Has(name string, now time.Time) bool {
	_, ok := ts.Weight(name, now)
	return ok
}

// Active yields the tags that are active at now, in order.
func (ts Tags) Active(now time.Time) iter.Seq[Tag] {
	return func(yield func(Tag) bool) {
		for _, t := range ts {
			if t.Active(now) && !yield(t) {
				return
			}
		}
	}
}

// search finds the place of (name, source) in the sorted tags.
func (ts Tags) search(name string, source Source) (int, bool) {
	return slices.BinarySearchFunc(ts, Tag{Name: name, Source: source}, func(a, b Tag) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.Source, b.Source)
	})
}

// below returns the tags that name covers. In byte order they are name
// itself, then names that extend it with other characters (such as
// "wineries" after "wine"), then the ones below it ("wine/…"): two
// ranges, found by binary search.
func (ts Tags) below(name string) iter.Seq2[int, Tag] {
	return func(yield func(int, Tag) bool) {
		i, _ := ts.search(name, 0)
		for ; i < len(ts) && ts[i].Name == name; i++ {
			if !yield(i, ts[i]) {
				return
			}
		}
		i, _ = ts.search(name+"/", 0)
		for ; i < len(ts) && Covers(name, ts[i].Name); i++ {
			if !yield(i, ts[i]) {
				return
			}
		}
	}
}
