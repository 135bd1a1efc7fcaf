package qun

import (
	"math"
	"time"
)

// Decay is exponential decay with a half-life: a weight added now counts
// half as much one half-life later, a quarter two half-lives later. It is
// how qun forgets: a member's interest in a tag (segment) and a member's
// engagement score (scoring) are decayed sums of what they did, so recent
// activity outweighs old activity without any window to slide.
//
// The state is a [Decayed]: one number and the instant it is as of. Decay
// is applied lazily, when the value is read or added to, so a host stores
// one Decayed per member and updates it in O(1) per event, in any order.
//
// The zero Decay does not decay: values add up forever. Its JSON form is
// {"half_life":"7d"}.
type Decay struct {
	// HalfLife is the time over which a value halves. Zero means no decay.
	HalfLife Duration `json:"half_life"`
}

// UnmarshalJSON reads a Decay strictly, as [UnmarshalStrict] reads.
func (d *Decay) UnmarshalJSON(data []byte) error {
	type plain Decay
	return UnmarshalStrict(data, (*plain)(d))
}

// Validate reports whether the half-life is zero or positive.
func (d Decay) Validate() error {
	if d.HalfLife < 0 {
		return Invalid("half_life", "must not be negative")
	}
	return nil
}

// Factor returns the share of a value left after elapsed time:
// 2^(−elapsed/half-life). It is 1 when elapsed is zero or negative (a clock
// that goes backwards does not make values grow) and when d does not decay.
func (d Decay) Factor(elapsed time.Duration) float64 {
	if d.HalfLife <= 0 || elapsed <= 0 {
		return 1
	}
	return math.Exp2(-float64(elapsed) / float64(d.HalfLife))
}

// factorBetween is Factor(to - from) without time.Duration's limit of 292
// years, past which Sub saturates.
func (d Decay) factorBetween(from, to time.Time) float64 {
	if d.HalfLife <= 0 || !to.After(from) {
		return 1
	}
	if elapsed := to.Sub(from); elapsed < math.MaxInt64 {
		return d.Factor(elapsed)
	}
	secs := float64(to.Unix()-from.Unix()) + float64(to.Nanosecond()-from.Nanosecond())/1e9
	return math.Exp2(-secs / time.Duration(d.HalfLife).Seconds())
}

// Decayed is the state of a decaying value: Value as of the instant At.
// The zero Decayed is zero, anchored nowhere; adding to it anchors it.
// Weights must be finite, and instants not zero; sums beyond float64's range
// (about 1e308) are not representable.
type Decayed struct {
	// Value is the decayed value as of At: a finite float64.
	Value float64 `json:"value"`
	// At is the instant Value is measured at; zero until the first
	// addition anchors it.
	At time.Time `json:"at,omitzero"`
}

// ValueAt returns the value of s at now. A now before s.At gives s.Value:
// the value is not projected backwards.
func (d Decay) ValueAt(s Decayed, now time.Time) float64 {
	if s.At.IsZero() {
		return s.Value
	}
	return s.Value * d.factorBetween(s.At, now)
}

// FallsTo returns the instant at which the value of s, left alone, decays
// to level: when an interest tag stops being held, or a score crosses the
// line below which a member is sent recall content. It returns s.At if the
// value is already at or below level, and false if it never gets there
// (no decay, or a level of zero or less that a positive value only
// approaches). The instant is rounded up to the nanosecond, so ValueAt
// there equals level, or is below it by at most the decay of one
// nanosecond, up to float64 rounding.
func (d Decay) FallsTo(s Decayed, level float64) (time.Time, bool) {
	switch {
	case s.Value <= level:
		return s.At, true
	case d.HalfLife <= 0 || level <= 0:
		return time.Time{}, false
	}
	halvings := math.Log2(s.Value / level)
	elapsed := halvings * float64(d.HalfLife)
	if elapsed >= math.MaxInt64 {
		return time.Time{}, false
	}
	return s.At.Add(time.Duration(math.Ceil(elapsed))), true
}

// Add returns s with the weight w added at the instant at. Events may come
// in any order: a weight older than s.At is added already decayed to s.At,
// so the result is the same as if the events had come in time order.
// Add(s, w, at) equals Merge(s, Decayed{w, at}).
func (d Decay) Add(s Decayed, w float64, at time.Time) Decayed {
	return d.Merge(s, Decayed{Value: w, At: at})
}

// Merge returns the sum of two states of the same decaying value, as of the
// later of their instants: the state a host would have had if one process
// had seen the events of both. Hosts that shard a member's events merge the
// shards' states with it. Merge is commutative; it is associative, and
// equal to adding the events one by one, up to float64 rounding (a relative
// error near 1e-15 per operation).
func (d Decay) Merge(a, b Decayed) Decayed {
	at := a.At
	if b.At.After(at) {
		at = b.At
	}
	return Decayed{Value: d.ValueAt(a, at) + d.ValueAt(b, at), At: at}
}
