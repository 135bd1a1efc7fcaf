package segment

import (
	"errors"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
)

// Interests derives tags from behaviour (行为标签): a member who reads about
// Italian wine and attends Italian tastings grows an interest in
// wine/italian, and holds the tag while that interest is strong enough.
// Interest decays with a half-life (qun.Decay), so a member who stops
// reading loses the tag by themselves, with no window to slide and no
// batch job to run.
//
// The state per member and tag is one qun.Decayed: a number and the
// instant it is as of. Each event updates it in O(1), in any order, and
// states kept on several shards merge exactly (qun.Decay.Merge).
//
// Its JSON form is
//
//	{"decay":{"half_life":"30d"},"threshold":3,
//	 "rules":[{"event":{"name":"read_article"},"tag_prop":"topic","prefix":"wine/","weight":1},
//	          {"event":{"name":"attend_tasting","where":[{"prop":"region","op":"exact","values":["italy"]}]},
//	           "tag":"wine/italian","weight":4}]}
type Interests struct {
	// Decay is how interest fades: its half-life, a duration such as
	// "30d" (a day is 24 hours), after which an event counts half. The
	// default, zero, does not decay: interest only grows, and a tag once
	// held is held for ever. It must not be negative.
	Decay qun.Decay `json:"decay"`
	// Threshold is the strength a member's interest must exceed for the
	// tag to be held, in the units of the rules' weights (with weights of
	// 1 per article, 3 means more than three recent articles' worth).
	// Required: a finite number above zero; there is no default.
	Threshold float64 `json:"threshold"`
	// Rules say which events add interest in which tags. Required: one or
	// more.
	Rules []InterestRule `json:"rules"`
}

// InterestRule adds Weight to the interest in a tag for each event that
// passes Event. The tag is fixed (Tag), or named by a property of the
// event (TagProp), with an optional Prefix: a read_article event with
// topic "italian" and prefix "wine/" adds to wine/italian. An event whose
// property is missing or does not make a valid tag name adds nothing.
type InterestRule struct {
	// Event selects the events that add interest: a name (required), and
	// optionally conditions on their properties (see qun.Condition).
	Event qun.EventFilter `json:"event"`
	// Tag is the tag they add interest in, a valid tag name (see
	// [CheckTagName]); empty when TagProp names it. Exactly one of Tag
	// and TagProp is set.
	Tag string `json:"tag,omitempty"`
	// TagProp is the key of the event's property whose value, after
	// Prefix, names the tag; empty when Tag names it.
	TagProp string `json:"tag_prop,omitempty"`
	// Prefix goes before the property's value, such as "wine/"; only
	// with TagProp. The default, empty, uses the value as it is.
	Prefix string `json:"prefix,omitempty"`
	// Weight is what one event adds to the interest, in the units the
	// Threshold is written in (1 for a read, 4 for a tasting attended).
	// Required: positive and finite; there is no default.
	Weight float64 `json:"weight"`
}

// Interest is the strength of a member's interest in one tag: the state
// a host keeps per member and tag, and hands back to [Interests.Observe].
type Interest struct {
	// Tag is the tag the interest is in.
	Tag string `json:"tag"`
	// Strength is the decaying sum of the weights the member's events
	// added, as of its instant (Strength.At), in the units of the weights.
	Strength qun.Decayed `json:"strength"`
}

// Validate reports every problem with in, joined, each a
// *qun.ValidationError matching qun.ErrInvalid with its field path
// ("rules[1].weight").
func (in Interests) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("decay", in.Decay.Validate()))
	if math.IsNaN(in.Threshold) || math.IsInf(in.Threshold, 0) || in.Threshold <= 0 {
		errs = append(errs, qun.Invalid("threshold", "must be a positive number: with a threshold of zero every tag ever earned would be held forever"))
	}
	if len(in.Rules) == 0 {
		errs = append(errs, qun.Invalid("rules", "needs at least one rule"))
	}
	for i, r := range in.Rules {
		path := "rules[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(path+".event", r.Event.Validate()))
		switch {
		case r.Tag != "" && r.TagProp != "":
			errs = append(errs, qun.Invalid(path, "set tag or tag_prop, not both"))
		case r.Tag != "":
			if r.Prefix != "" {
				errs = append(errs, qun.Invalid(path+".prefix", "only tag_prop takes a prefix"))
			}
			errs = append(errs, qun.Within(path+".tag", CheckTagName(r.Tag)))
		case r.TagProp != "":
			if reason := nameProblem(r.TagProp); reason != "" {
				errs = append(errs, qun.Invalid(path+".tag_prop", reason))
			}
			if reason := textProblem(r.Prefix, false); reason != "" {
				errs = append(errs, qun.Invalid(path+".prefix", reason))
			}
		default:
			errs = append(errs, qun.Invalid(path, "set tag or tag_prop"))
		}
		if math.IsNaN(r.Weight) || math.IsInf(r.Weight, 0) || r.Weight <= 0 {
			errs = append(errs, qun.Invalid(path+".weight", "must be a positive number"))
		}
	}
	return errors.Join(errs...)
}

// Gains yields each tag the event adds interest in, with the weight it
// adds, one pair per rule the event passes.
func (in Interests) Gains(e qun.Event) iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for _, r := range in.Rules {
			if !r.Event.Match(e) {
				continue
			}
			tag := r.Tag
			if r.TagProp != "" {
				v, ok := e.Props[r.TagProp]
				if !ok {
					continue
				}
				tag = r.Prefix + v
				if CheckTagName(tag) != nil {
					continue
				}
			}
			if !yield(tag, r.Weight) {
				return
			}
		}
	}
}

// Observe adds what the event gains to a member's interests, kept sorted
// by tag, and returns the updated list (as append does). It is O(1) per
// tag the event touches, after finding the tag.
func (in Interests) Observe(state []Interest, e qun.Event) []Interest {
	for tag, w := range in.Gains(e) {
		i, found := slices.BinarySearchFunc(state, tag, func(x Interest, t string) int { return strings.Compare(x.Tag, t) })
		if !found {
			state = slices.Insert(state, i, Interest{Tag: tag})
		}
		state[i].Strength = in.Decay.Add(state[i].Strength, w, e.Time)
	}
	return state
}

// Strength returns the interest's strength at now.
func (in Interests) Strength(s qun.Decayed, now time.Time) float64 { return in.Decay.ValueAt(s, now) }

// Held reports whether the interest's strength at now exceeds the
// threshold.
func (in Interests) Held(s qun.Decayed, now time.Time) bool {
	return in.Decay.ValueAt(s, now) > in.Threshold
}

// Fades returns the first instant at which the interest, if nothing more
// is added, no longer exceeds the threshold; s.At if it is not held at
// all; and the zero time if it is held and never fades: with no decay, for
// a state anchored nowhere (s.At zero, which qun.Decay does not decay),
// and for a threshold of zero or below, which Validate refuses and a
// positive interest only approaches. The instant is exact to the
// nanosecond against [Interests.Held], and no later than the last day of
// the year 9999.
func (in Interests) Fades(s qun.Decayed) time.Time {
	if !in.Held(s, s.At) {
		return s.At
	}
	if in.Decay.HalfLife <= 0 || s.At.IsZero() || !(in.Threshold > 0) {
		return time.Time{}
	}
	latest := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	d := float64(in.Decay.HalfLife) * math.Log2(s.Value/in.Threshold)
	if d >= float64(latest.Sub(s.At)) {
		return latest
	}
	guess := s.At.Add(time.Duration(d))
	// Float rounding puts the guess near, not at, the first instant not
	// held: widen a bracket around it, then halve it to the nanosecond.
	lo, hi := s.At, guess // Held at lo; hi is to be not held
	for step := time.Nanosecond; in.Held(s, hi); step *= 2 {
		lo, hi = hi, hi.Add(step)
		if step < 0 || !hi.Before(latest) { // step < 0: it overflowed
			return latest
		}
	}
	for step := time.Nanosecond; ; step *= 2 {
		probe := hi.Add(-step)
		if !probe.After(lo) {
			break
		}
		if in.Held(s, probe) {
			lo = probe
			break
		}
		hi = probe
	}
	for hi.Sub(lo) > time.Nanosecond {
		mid := lo.Add(hi.Sub(lo) / 2)
		if in.Held(s, mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// Tags returns the tags the interests hold at now, in order: each with
// source behaviour, the strength at now as its weight, and the instant it
// fades as its expiry, so a host that stores the tags sees them lapse on
// time even if it does not recompute them.
func (in Interests) Tags(state []Interest, now time.Time) []Tag {
	var out []Tag
	for _, x := range state {
		if !in.Held(x.Strength, now) {
			continue
		}
		out = append(out, Tag{
			Name:    x.Tag,
			Weight:  in.Strength(x.Strength, now),
			Source:  SourceBehaviour,
			Expires: in.Fades(x.Strength),
		})
	}
	return out
}
