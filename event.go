package qun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Event is one thing a member did, at one instant: joined, posted, checked
// in, replied, invited someone, bought something. Events are what hosts feed
// qun: scoring weighs them, segment aggregates them, incentive awards points
// for them, funnel measures journeys through them.
//
// An Event is a plain value. Its JSON form is
//
//	{"id":"e-1","member":"u-42","name":"purchase","time":"2026-11-22T20:15:00+08:00",
//	 "value":"99.5","props":{"channel":"mini_program","sku":"wine-101"}}
//
// where id, value and props may be left out. Reading JSON is strict:
// [Event.UnmarshalJSON] refuses unknown fields and invalid events, so an
// event read from JSON is always valid.
type Event struct {
	// ID is the host's identifier of this event, or empty. Where an event
	// causes a write, such as points earned for a purchase, qun uses it as
	// the idempotency key, so a redelivered event is not counted twice.
	ID string `json:"id,omitempty"`
	// Member is who did it.
	Member MemberID `json:"member"`
	// Name is what was done, in the host's own vocabulary: "join",
	// "post", "check_in", "attend_tasting", "purchase", "打卡". Names are
	// compared exactly, case and all.
	Name string `json:"name"`
	// Time is when it happened. Only the instant matters: qun reads
	// calendar days and weeks in a time zone it is told, never from the
	// location stored here.
	Time time.Time `json:"time"`
	// Value is the event's amount, when it has one: the money spent on a
	// purchase, the minutes of a live session, the rating of a review. It
	// is a decimal so that money stays exact; Valid is false when the event
	// has no amount.
	Value decimal.NullDecimal `json:"value,omitzero"`
	// Props are the event's string properties: a channel, a product, a
	// topic, a city. Keys are names (see [MaxNameLen]); values are any
	// UTF-8 text. A nil map and an empty one mean the same.
	Props map[string]string `json:"props,omitempty"`
}

// Validate reports every problem with e, joined with [errors.Join]: each a
// [*ValidationError] naming the field. A valid event has a valid member ID, a
// name, a time that is not zero and lies within the years 0001 to 9999 (what
// RFC 3339 can write) both in its location and in UTC, a value within
// [MaxValueDigits], property keys that are names, and text that is valid
// UTF-8 throughout.
func (e Event) Validate() error {
	var errs []error
	if e.ID != "" {
		if reason := nameProblem(e.ID); reason != "" {
			errs = append(errs, Invalid("id", reason))
		}
	}
	if err := e.Member.Validate(); err != nil {
		errs = append(errs, Within("member", err))
	}
	if reason := nameProblem(e.Name); reason != "" {
		errs = append(errs, Invalid("name", reason))
	}
	switch {
	case e.Time.IsZero():
		errs = append(errs, Invalid("time", "must not be zero"))
	case !inRFC3339Years(e.Time) || !inRFC3339Years(e.Time.UTC()):
		errs = append(errs, Invalid("time", "must lie within the years 0001 to 9999"))
	}
	if e.Value.Valid {
		errs = append(errs, Within("value", ValidateValue(e.Value.Decimal)))
	}
	for _, k := range slices.Sorted(maps.Keys(e.Props)) {
		field := "props[" + strconv.Quote(k) + "]"
		if reason := nameProblem(k); reason != "" {
			errs = append(errs, Invalid(field, "key "+reason))
		}
		if reason := textProblem(e.Props[k], true); reason != "" {
			errs = append(errs, Invalid(field, reason))
		}
	}
	return errors.Join(errs...)
}

// MarshalJSON writes the JSON form of a valid event; an invalid event is
// refused with its validation errors, since it would not read back. The
// value is written as a string with its scale, so 99.50 stays "99.50",
// whatever the decimal package's global settings.
func (e Event) MarshalJSON() ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("qun: marshal event: %w", err)
	}
	w := eventJSON{ID: e.ID, Member: e.Member, Name: e.Name, Time: e.Time, Props: e.Props}
	if e.Value.Valid {
		text := decimalText(e.Value.Decimal)
		w.Value = &text
	}
	return json.Marshal(w)
}

// eventJSON is the wire form an event is written in.
type eventJSON struct {
	ID     string            `json:"id,omitempty"`
	Member MemberID          `json:"member"`
	Name   string            `json:"name"`
	Time   time.Time         `json:"time"`
	Value  *string           `json:"value,omitempty"`
	Props  map[string]string `json:"props,omitempty"`
}

// decimalText writes d with all the digits of its scale: 99.50 as "99.50",
// 1E+3 as "1000".
func decimalText(d decimal.Decimal) string {
	return d.StringFixed(max(0, -d.Exponent()))
}

// MaxValueDigits bounds an event's value: at most this many significant
// digits, and an exponent within ±MaxValueDigits. It admits any amount of
// money or measure with room to spare, and keeps a value's text (and the
// work of writing it) small: 1e50000000 is fifty million digits.
const MaxValueDigits = 64

// ValidateValue reports whether d lies within [MaxValueDigits]: at most
// that many significant digits, and an exponent within ±MaxValueDigits.
// Leaves call it on every decimal a host hands them (an event's value, a
// segment's literal, a customer's spend) before comparing or rounding it,
// because exact arithmetic on a decimal such as 1e-200000000 takes
// gigabytes and seconds. The error is a [*ValidationError] with no field,
// for [Within] to place.
func ValidateValue(d decimal.Decimal) error {
	if e := d.Exponent(); e > MaxValueDigits || e < -MaxValueDigits || d.NumDigits() > MaxValueDigits {
		return Invalid("", "must have at most %d significant digits and an exponent within ±%d", MaxValueDigits, MaxValueDigits)
	}
	return nil
}

// inRFC3339Years reports whether t's year, in its own location, is one RFC
// 3339 can write.
func inRFC3339Years(t time.Time) bool { return t.Year() >= 1 && t.Year() <= 9999 }

// UnmarshalJSON reads an event from its JSON form strictly, as
// [UnmarshalStrict] reads (unknown, misspelt and repeated fields, values of
// the wrong type and null properties are refused), and refuses an invalid
// event; every refusal is a [*ValidationError] naming the field. On error e
// is left unchanged. The JSON literal null leaves e unchanged too, as
// encoding/json expects.
func (e *Event) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	type plain Event
	var ev plain
	if err := UnmarshalStrict(data, &ev); err != nil {
		return err
	}
	if len(ev.Props) == 0 {
		ev.Props = nil
	}
	if err := Event(ev).Validate(); err != nil {
		return err
	}
	*e = Event(ev)
	return nil
}
