package calendar

import (
	"errors"
	"fmt"
	"time"

	"github.com/qunkit/qun"
)

// HourProfile counts activity by hour of the week on a local clock: index
// int(weekday)*24 + hour, Sunday 00:00 first. A member's profile says when
// that member reads, posts and replies; a segment's or the community's is
// the sum of its members'. Hosts build and keep one per member from
// activity events with [HourProfile.Add], in the member's zone.
type HourProfile [168]float64

// Add counts weight at the local hour of the week of t in loc (a nil loc
// is UTC).
func (p *HourProfile) Add(t time.Time, loc *time.Location, weight float64) {
	t = inLoc(t, loc)
	p[int(t.Weekday())*24+t.Hour()] += weight
}

// Total returns the sum of the profile.
func (p *HourProfile) Total() float64 {
	s := 0.0
	for _, v := range p {
		s += v
	}
	return s
}

// BestTime estimates the hour at which a member is most likely to be
// active on a given weekday: the peak of the member's own profile for that
// weekday, smoothed toward the member's segment's profile (or, without
// one, the community's) by Prior pseudo-events spread as that profile is.
// A member with little history gets the segment's peak; a member with much
// gets their own. When neither the member nor any profile has MinEvents of
// activity, or the weekday has none, it falls back to Fallback: the
// community's known peak (one brand found 20:00 to 22:00).
//
// The estimate is transparent: [BestHour] says which source decided and
// how much the member's own data weighed.
//
// Its JSON form is {"fallback":"20:00","min_events":5,"prior":10}.
type BestTime struct {
	// Fallback is the time of day used when the data are too thin, on the
	// member's clock: "20:00". It also breaks ties, an estimate taking,
	// of hours with equal activity, the one nearest Fallback's hour. An
	// estimate from data is a whole hour; the fallback keeps its minutes.
	// The zero Clock is midnight, a valid but seldom wanted fallback.
	Fallback Clock `json:"fallback"`
	// MinEvents is how much activity (the sum of a profile's weights, in
	// the units [HourProfile.Add] counted) counts as enough. A segment's
	// or the community's profile below it is not used to smooth toward;
	// a member below it, with no profile to smooth toward, gets
	// Fallback. It must not be negative; 0 makes any activity enough (a
	// profile with none is never used).
	MinEvents float64 `json:"min_events"`
	// Prior is the weight of the segment's or community's profile, in
	// pseudo-events added to the member's own, spread over the week's
	// hours as that profile is: the member's own data weigh
	// Events/(Events+Prior), and decide ([FromMember]) once they are at
	// least Prior. It must not be negative; 0 turns smoothing off, so a
	// member's own data alone decide and a member with none for the
	// weekday gets Fallback.
	Prior float64 `json:"prior"`
}

// Validate reports whether the fallback is a time of day and the weights
// are not negative.
func (b BestTime) Validate() error {
	var errs []error
	if !b.Fallback.IsValid() {
		errs = append(errs, qun.Invalid("fallback", "must be a time of day"))
	}
	if !(b.MinEvents >= 0) {
		errs = append(errs, qun.Invalid("min_events", "must not be negative"))
	}
	if !(b.Prior >= 0) {
		errs = append(errs, qun.Invalid("prior", "must not be negative"))
	}
	return errors.Join(errs...)
}

// Source says what decided a best time.
type Source uint8

// The sources of a best time.
const (
	// FromFallback: too little data anywhere; the fallback hour.
	FromFallback Source = iota
	// FromMember: the member's own history outweighed the prior.
	FromMember
	// FromSegment: the segment's profile outweighed the member's history.
	FromSegment
	// FromCommunity: the community's profile outweighed the member's
	// history.
	FromCommunity
)

var sourceNames = [...]string{"fallback", "member", "segment", "community"}

// String returns "fallback", "member", "segment" or "community".
func (s Source) String() string {
	if int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return fmt.Sprintf("Source(%d)", uint8(s))
}

// BestHour is an estimate and what it rests on.
type BestHour struct {
	// Clock is the time to send.
	Clock Clock
	// Source is what decided it.
	Source Source
	// Events is the member's own activity in the profile.
	Events float64
	// Weight is the share of the member's own data in the estimate,
	// Events/(Events+Prior); 0 for the fallback.
	Weight float64
}

// String explains the estimate: "20:00 from member (12 events, weight
// 0.55)".
func (b BestHour) String() string {
	if b.Source == FromFallback {
		return b.Clock.String() + " from fallback (too little activity)"
	}
	return fmt.Sprintf("%s from %s (%g events of the member's own, weight %.2f)", b.Clock, b.Source, b.Events, b.Weight)
}

// prior is a profile normalized to shares, ready to blend.
type prior struct {
	share  [168]float64
	source Source
	ok     bool
}

// makePrior picks the segment's profile if it has enough activity, else
// the community's.
func (b BestTime) makePrior(segment, community *HourProfile) prior {
	for _, c := range []struct {
		p   *HourProfile
		src Source
	}{{segment, FromSegment}, {community, FromCommunity}} {
		if c.p == nil {
			continue
		}
		total := c.p.Total()
		if total <= 0 || total < b.MinEvents {
			continue
		}
		pr := prior{source: c.src, ok: true}
		for i, v := range c.p {
			pr.share[i] = v / total
		}
		return pr
	}
	return prior{}
}

// Estimate returns the best time on the weekday wd for a member with the
// given profile (nil for none), smoothed toward segment or community (nil
// for none). A weekday outside Sunday to Saturday has no activity: the
// fallback.
func (b BestTime) Estimate(member, segment, community *HourProfile, wd time.Weekday) BestHour {
	pr := b.makePrior(segment, community)
	return b.estimate(member, &pr, wd)
}

func (b BestTime) estimate(member *HourProfile, pr *prior, wd time.Weekday) BestHour {
	n := 0.0
	if member != nil {
		n = member.Total()
	}
	if n < b.MinEvents && !pr.ok || n == 0 && !pr.ok || wd < time.Sunday || wd > time.Saturday {
		return BestHour{Clock: b.Fallback, Source: FromFallback}
	}
	alpha := b.Prior
	if !pr.ok {
		alpha = 0
	}
	base := int(wd) * 24
	bestH, bestScore := -1, 0.0
	for h := range 24 {
		s := alpha * pr.share[base+h]
		if member != nil {
			s += member[base+h]
		}
		// Ties go to the hour nearest the fallback, then the earlier.
		if s > bestScore || s == bestScore && bestH >= 0 && s > 0 &&
			hourDistance(h, b.Fallback.Hour) < hourDistance(bestH, b.Fallback.Hour) {
			bestH, bestScore = h, s
		}
	}
	if bestH < 0 {
		return BestHour{Clock: b.Fallback, Source: FromFallback}
	}
	weight := 1.0
	if n+alpha > 0 {
		weight = n / (n + alpha)
	}
	src := FromMember
	if weight < 0.5 {
		src = pr.source
	}
	return BestHour{Clock: Clock{Hour: bestH}, Source: src, Events: n, Weight: weight}
}

func hourDistance(a, b int) int {
	d := a - b
	if d < 0 {
		d = -d
	}
	return min(d, 24-d)
}
