package funnel

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// Funnel is a funnel definition (漏斗): the steps a member takes, in what
// order, within what window, and what disqualifies them. It is plain data
// that round-trips through JSON:
//
//	{"steps":[{"name":"join"},{"name":"first_post"},{"name":"purchase","where":[...]}],
//	 "order":"ordered","window":"7d",
//	 "exclusions":[{"event":{"name":"refund"},"from":1,"to":2}],
//	 "breakdown":{"prop":"channel","attribution":"first_touch"}}
//
// Compile it once and run the compiled [Query] over any number of tables.
// The package documentation says, case by case, what each field means and
// which peer it follows.
type Funnel struct {
	// Steps are the steps, first to last: 1 to [MaxSteps].
	Steps []Step `json:"steps"`
	// Order says how steps must follow one another; the zero Order is
	// [Ordered].
	Order Order `json:"order,omitzero"`
	// Window is the conversion window, measured from the first step; the
	// zero Window is 14 days ([DefaultWindow]).
	Window Window `json:"window,omitzero"`
	// Exclusions drop a member who does an excluded event between two steps.
	Exclusions []Exclusion `json:"exclusions,omitempty"`
	// Breakdown, when set, also counts the funnel per value of a property.
	Breakdown *Breakdown `json:"breakdown,omitempty"`
	// Zone is the time zone in which month windows are counted; the zero
	// Zone is UTC, as in PostHog.
	Zone qun.Zone `json:"zone,omitzero"`
	// StrictOrder, StrictDedup and StrictIncrease are ClickHouse windowFunnel's
	// modes strict_order, strict_deduplication and strict_increase, for
	// [Ordered] and [Strict] funnels; see the package documentation.
	StrictOrder    bool `json:"strict_order,omitempty"`
	StrictDedup    bool `json:"strict_dedup,omitempty"`
	StrictIncrease bool `json:"strict_increase,omitempty"`
	// Bins is the number of bins of each step's time-to-convert histogram;
	// 0 chooses by Sturges' rule (1 + ⌈log2 n⌉), at most [MaxBins].
	Bins int `json:"bins,omitempty"`
}

// MaxSteps is the most steps a funnel may have, as in ClickHouse's
// windowFunnel.
const MaxSteps = 32

// MaxExclusions is the most exclusions a funnel may have.
const MaxExclusions = 32

// MaxBins is the most bins a time-to-convert histogram may have.
const MaxBins = 100

// Step is one step of a funnel: the events that complete it.
type Step struct {
	// EventFilter names the event and the conditions on its properties.
	// The same filter may be two steps; a member must then do it twice.
	qun.EventFilter
	// Occurrence says which of a member's matching events may complete the
	// step; the zero Occurrence is [AnyOccurrence].
	Occurrence Occurrence `json:"occurrence,omitzero"`
	// Within, when not zero, is a window of this step's own: the step must
	// follow the previous one within it (as Statsig's Funnel++ per-step
	// completion windows), besides the funnel's window from the first step.
	// The first step has no previous step and takes none.
	Within Window `json:"within,omitzero"`
}

// stepJSON is the JSON form of a Step: the filter's fields inline.
type stepJSON struct {
	Name       string          `json:"name"`
	Where      []qun.Condition `json:"where,omitempty"`
	Occurrence Occurrence      `json:"occurrence,omitzero"`
	Within     Window          `json:"within,omitzero"`
}

// MarshalJSON writes {"name":...,"where":[...],"occurrence":...,"within":...},
// the filter's fields inline, whatever methods qun.EventFilter has.
func (s Step) MarshalJSON() ([]byte, error) {
	return json.Marshal(stepJSON{Name: s.Name, Where: s.Where, Occurrence: s.Occurrence, Within: s.Within})
}

// UnmarshalJSON reads a step's JSON form strictly: unknown fields are
// refused.
func (s *Step) UnmarshalJSON(data []byte) error {
	var v stepJSON
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	*s = Step{EventFilter: qun.EventFilter{Name: v.Name, Where: v.Where}, Occurrence: v.Occurrence, Within: v.Within}
	return nil
}

// Exclusion is an event that disqualifies a member who does it between two
// steps (PostHog's exclusion steps).
type Exclusion struct {
	// Event is the excluded event.
	Event qun.EventFilter `json:"event"`
	// From and To are step indexes, from 0, with From < To: the exclusion
	// counts when it happens after step From and before step To of the
	// member's attempt, within the conversion window.
	From int `json:"from"`
	To   int `json:"to"`
}

// Breakdown counts the funnel separately for each value of a property.
type Breakdown struct {
	// Prop is the property's key.
	Prop string `json:"prop"`
	// Member says that Prop is a member property (from [Profile]) rather
	// than an event property.
	Member bool `json:"member,omitempty"`
	// Attribution says which event's value a member is counted under, for
	// an event property; the zero Attribution is [FirstTouch].
	Attribution Attribution `json:"attribution,omitzero"`
}

// Order is how a funnel's steps must follow one another.
type Order uint8

const (
	// Ordered steps happen in order; other events may come between them
	// (PostHog's "sequential", ClickHouse windowFunnel's default).
	Ordered Order = iota
	// Strict steps happen in order, each the member's very next event after
	// the previous step (PostHog's "strict order").
	Strict
	// Unordered steps happen in any order: a member reaches step k when they
	// have done k of the steps within the window (PostHog's "any order").
	Unordered
)

var orderNames = [...]string{Ordered: "ordered", Strict: "strict", Unordered: "unordered"}

// String returns the order's JSON name: "ordered", "strict", "unordered".
func (o Order) String() string {
	if int(o) < len(orderNames) {
		return orderNames[o]
	}
	return "Order(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText writes the order's name.
func (o Order) MarshalText() ([]byte, error) {
	if int(o) >= len(orderNames) {
		return nil, fmt.Errorf("funnel: marshal order %d: %w", uint8(o), qun.Invalid("", "not an order"))
	}
	return []byte(orderNames[o]), nil
}

// UnmarshalText reads an order's name.
func (o *Order) UnmarshalText(text []byte) error {
	for i, n := range orderNames {
		if n == string(text) {
			*o = Order(i)
			return nil
		}
	}
	return qun.Invalid("", "want ordered, strict or unordered")
}

// Occurrence says which of a member's events may complete a step, as
// PostHog's funnel step "math" does.
type Occurrence uint8

const (
	// AnyOccurrence lets any matching event complete the step, and the
	// member's best attempt counts.
	AnyOccurrence Occurrence = iota
	// FirstEver lets only the member's first event of the step's name, ever
	// (in the whole table), complete it, and only if it meets the step's
	// conditions (PostHog's first_time_for_user).
	FirstEver
	// FirstMatching lets only the member's first event that meets the step's
	// name and conditions, ever, complete it (PostHog's
	// first_time_for_user_with_filters).
	FirstMatching
)

var occurrenceNames = [...]string{AnyOccurrence: "any", FirstEver: "first_ever", FirstMatching: "first_matching"}

// String returns the occurrence's JSON name.
func (o Occurrence) String() string {
	if int(o) < len(occurrenceNames) {
		return occurrenceNames[o]
	}
	return "Occurrence(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText writes the occurrence's name.
func (o Occurrence) MarshalText() ([]byte, error) {
	if int(o) >= len(occurrenceNames) {
		return nil, fmt.Errorf("funnel: marshal occurrence %d: %w", uint8(o), qun.Invalid("", "not an occurrence"))
	}
	return []byte(occurrenceNames[o]), nil
}

// UnmarshalText reads an occurrence's name.
func (o *Occurrence) UnmarshalText(text []byte) error {
	for i, n := range occurrenceNames {
		if n == string(text) {
			*o = Occurrence(i)
			return nil
		}
	}
	return qun.Invalid("", "want any, first_ever or first_matching")
}

// Attribution says which of a member's events gives their breakdown value.
type Attribution uint8

const (
	// FirstTouch takes the value of the member's earliest step event that
	// has the property (PostHog's "first touchpoint").
	FirstTouch Attribution = iota
	// LastTouch takes the value of the member's latest step event that has
	// the property (PostHog's "last touchpoint").
	LastTouch
)

var attributionNames = [...]string{FirstTouch: "first_touch", LastTouch: "last_touch"}

// String returns the attribution's JSON name.
func (a Attribution) String() string {
	if int(a) < len(attributionNames) {
		return attributionNames[a]
	}
	return "Attribution(" + strconv.Itoa(int(a)) + ")"
}

// MarshalText writes the attribution's name.
func (a Attribution) MarshalText() ([]byte, error) {
	if int(a) >= len(attributionNames) {
		return nil, fmt.Errorf("funnel: marshal attribution %d: %w", uint8(a), qun.Invalid("", "not an attribution"))
	}
	return []byte(attributionNames[a]), nil
}

// UnmarshalText reads an attribution's name.
func (a *Attribution) UnmarshalText(text []byte) error {
	for i, n := range attributionNames {
		if n == string(text) {
			*a = Attribution(i)
			return nil
		}
	}
	return qun.Invalid("", "want first_touch or last_touch")
}

// Validate reports every problem with f, joined, each a [*qun.ValidationError]
// naming the field by its JSON path.
func (f Funnel) Validate() error {
	var errs []error
	n := len(f.Steps)
	switch {
	case n == 0:
		errs = append(errs, qun.Invalid("steps", "a funnel needs at least one step"))
	case n > MaxSteps:
		errs = append(errs, qun.Invalid("steps", "a funnel has at most %d steps, not %d", MaxSteps, n))
	}
	for i, s := range f.Steps {
		field := "steps[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field, s.EventFilter.Validate()))
		if int(s.Occurrence) >= len(occurrenceNames) {
			errs = append(errs, qun.Invalid(field+".occurrence", "not an occurrence"))
		}
		errs = append(errs, qun.Within(field+".within", s.Within.Validate()))
		if !s.Within.IsZero() && i == 0 {
			errs = append(errs, qun.Invalid(field+".within", "the first step has no previous step to be within"))
		}
		if !s.Within.IsZero() && f.Order == Unordered {
			errs = append(errs, qun.Invalid(field+".within", "an unordered funnel has no previous step to be within"))
		}
	}
	if int(f.Order) >= len(orderNames) {
		errs = append(errs, qun.Invalid("order", "not an order"))
	}
	errs = append(errs, qun.Within("window", f.Window.Validate()))
	if len(f.Exclusions) > MaxExclusions {
		errs = append(errs, qun.Invalid("exclusions", "a funnel has at most %d exclusions, not %d", MaxExclusions, len(f.Exclusions)))
	}
	for i, e := range f.Exclusions {
		field := "exclusions[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field+".event", e.Event.Validate()))
		switch {
		case e.From < 0 || e.From >= n:
			errs = append(errs, qun.Invalid(field+".from", "must be a step index, 0 to %d", max(n-1, 0)))
		case e.To <= e.From || e.To >= n:
			errs = append(errs, qun.Invalid(field+".to", "must be a step index after from, up to %d", max(n-1, 0)))
		case f.Order == Unordered && (e.From != 0 || e.To != n-1):
			errs = append(errs, qun.Invalid(field, "an unordered funnel excludes only across all its steps, from 0 to %d (as PostHog)", n-1))
		}
	}
	if b := f.Breakdown; b != nil {
		if err := (qun.Condition{Prop: b.Prop, Op: qun.OpIsSet}).Validate(); err != nil {
			errs = append(errs, qun.Within("breakdown", err))
		}
		if int(b.Attribution) >= len(attributionNames) {
			errs = append(errs, qun.Invalid("breakdown.attribution", "not an attribution"))
		}
	}
	if f.Order == Unordered {
		for _, o := range []struct {
			on   bool
			name string
		}{{f.StrictOrder, "strict_order"}, {f.StrictDedup, "strict_dedup"}, {f.StrictIncrease, "strict_increase"}} {
			if o.on {
				errs = append(errs, qun.Invalid(o.name, "applies to ordered and strict funnels only"))
			}
		}
	}
	if f.Bins < 0 || f.Bins > MaxBins {
		errs = append(errs, qun.Invalid("bins", "must be 0 (automatic) to %d", MaxBins))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads a funnel strictly: unknown fields are refused, and so
// is a funnel that does not validate. On error f is unchanged.
func (f *Funnel) UnmarshalJSON(data []byte) error {
	type plain Funnel
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := Funnel(v).Validate(); err != nil {
		return err
	}
	*f = Funnel(v)
	return nil
}

// Range is the span of time a query looks at: [From, To). A zero From or To
// leaves that side open. PostHog's date ranges bound every event of a funnel
// this way: steps before From or at or after To are not seen.
type Range struct {
	// From is the first instant seen: an event counts when its time, as
	// the table keeps it (to the microsecond, rounded down), is at or after
	// From. The zero time leaves the range open before.
	From time.Time
	// To is the first instant not seen: an event counts when its time is
	// before To. The zero time leaves the range open after. A To that is
	// set and not after From sees no event: every step counts 0 members.
	// (A [FirstEver] or [FirstMatching] step still looks at events outside
	// the range to find a member's first; it only cannot complete there.)
	To time.Time
}

// bounds returns the range in microseconds, [from, to).
func (r Range) bounds() (from, to int64) {
	from, to = minMicros, maxMicros
	if !r.From.IsZero() {
		from = ceilMicro(r.From)
	}
	if !r.To.IsZero() {
		to = ceilMicro(r.To)
	}
	return from, to
}

const (
	minMicros = -1 << 63
	maxMicros = 1<<63 - 1
)

// ceilMicro returns t in microseconds, rounded up, so that an event (whose
// time is rounded down) before t stays before it. Instants beyond the
// ±292,000 years that int64 microseconds reach saturate at minMicros and
// maxMicros, far beyond any event's years 0001 to 9999.
func ceilMicro(t time.Time) int64 {
	switch sec := t.Unix(); {
	case sec >= maxMicros/1_000_000:
		return maxMicros
	case sec < minMicros/1_000_000:
		return minMicros
	}
	us := t.UnixMicro()
	if t.Nanosecond()%1000 != 0 {
		us++
	}
	return us
}
