package qun

import (
	"bytes"
	"encoding/json"
	"errors"
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
// RFC 3339 can write), property keys that are names, and text that is valid
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
	case e.Time.Year() < 1 || e.Time.Year() > 9999:
		errs = append(errs, Invalid("time", "must lie within the years 0001 to 9999"))
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

// UnmarshalJSON reads an event from its JSON form, strictly: unknown fields
// (field names are matched exactly, case and all), values of the wrong type
// and invalid events are refused with a [*ValidationError] that names the
// field. On error e is left unchanged. The JSON literal null leaves e
// unchanged too, as encoding/json expects.
func (e *Event) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return Invalid("", "an event must be a JSON object")
	}
	var ev Event
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		raw := fields[name]
		var err error
		var want string
		switch name {
		case "id":
			err, want = json.Unmarshal(raw, &ev.ID), "a string"
		case "member":
			err, want = json.Unmarshal(raw, &ev.Member), "a string"
		case "name":
			err, want = json.Unmarshal(raw, &ev.Name), "a string"
		case "time":
			err, want = json.Unmarshal(raw, &ev.Time), "an RFC 3339 time string"
		case "value":
			err, want = json.Unmarshal(raw, &ev.Value), "a decimal number, a numeric string or null"
		case "props":
			err, want = json.Unmarshal(raw, &ev.Props), "an object of strings"
		default:
			return Invalid(name, "unknown field")
		}
		if err != nil {
			return Invalid(name, "must be %s", want)
		}
	}
	if len(ev.Props) == 0 {
		ev.Props = nil
	}
	if err := ev.Validate(); err != nil {
		return err
	}
	*e = ev
	return nil
}
