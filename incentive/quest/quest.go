package quest

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// Center is a community's task center (任务中心) as data: its quests.
// Hosts keep it with their other rules and [Compile] it once.
//
// Its JSON form is
//
//	{"quests":[
//	  {"id":"newcomer","steps":[{"id":"intro","event":{"name":"post","where":[{"prop":"topic","op":"exact","values":["introductions"]}]}},
//	                            {"id":"reply","event":{"name":"reply"},"count":3}],
//	   "ordered":true,"within":"7d","reward":{"kind":"points","points":"50","badge":"newcomer"}},
//	  {"id":"daily-reader","steps":[{"id":"read","event":{"name":"read"},"count":5}],
//	   "repeat":"daily","reward":{"kind":"points","points":"10"}}]}
type Center struct {
	// Quests are the quests, with distinct IDs.
	Quests []Quest `json:"quests"`
}

// Quest is a task (任务) of one or more steps, each done by events that
// match a filter, a number of times; completing every step pays the
// reward. A quest is done once, or repeats daily or weekly, starting
// afresh at each of the member's local midnights or week starts.
type Quest struct {
	// ID names the quest in progress, decisions and payout keys.
	ID string `json:"id"`
	// Steps are the quest's steps, 1 to 100, with distinct IDs.
	Steps []Step `json:"steps"`
	// Ordered makes the steps count in order: an event counts only for
	// the first step not yet done. Otherwise an event counts for every
	// step not yet done that it matches.
	Ordered bool `json:"ordered,omitempty"`
	// Within, if set, is the time from the quest's start by which it must
	// be completed: "complete within 7 days of joining".
	Within qun.Duration `json:"within,omitzero"`
	// Repeat makes the quest daily or weekly.
	Repeat Repeat `json:"repeat,omitzero"`
	// Limit, for a repeating quest, bounds its completions over all
	// periods; zero is no bound. A quest that does not repeat completes
	// once.
	Limit int `json:"limit,omitzero"`
	// Enroll makes the quest start only when the host starts it
	// ([Engine.Start]: the member accepted it, or joined the community).
	// Otherwise it starts with the first event that counts for it.
	Enroll bool `json:"enroll,omitempty"`
	// Reward is what completing the quest pays.
	Reward incentive.Reward `json:"reward"`
}

// Step is one step of a quest.
type Step struct {
	// ID names the step, distinct within its quest.
	ID string `json:"id"`
	// Event selects the events that count: a name and property
	// conditions.
	Event qun.EventFilter `json:"event"`
	// Count is how many matching events the step takes, 1 (the default,
	// when zero) to 10000.
	Count int `json:"count,omitzero"`
	// Within, if set, is the time from the quest's start by which the step
	// must be done: events after it do not count, and a step not done by
	// then fails the quest.
	Within qun.Duration `json:"within,omitzero"`
}

// Repeat is how often a quest starts afresh.
type Repeat uint8

// The repeats. The zero value is Once.
const (
	Once   Repeat = iota // done once: "" in JSON (left out)
	Daily                // afresh at each local midnight: "daily"
	Weekly               // afresh at each local week start: "weekly"
)

var repeatNames = [...]string{Once: "", Daily: "daily", Weekly: "weekly"}

// IsValid reports whether r is one of the repeats.
func (r Repeat) IsValid() bool { return r <= Weekly }

// String returns the repeat's name: "once", "daily" or "weekly".
func (r Repeat) String() string {
	if r == Once {
		return "once"
	}
	if !r.IsValid() {
		return fmt.Sprintf("Repeat(%d)", uint8(r))
	}
	return repeatNames[r]
}

// grain returns the calendar grain the quest repeats over.
func (r Repeat) grain() qun.Grain {
	switch r {
	case Daily:
		return qun.Day
	case Weekly:
		return qun.Week
	}
	return 0
}

// MarshalText writes the repeat's name; Once is written as "".
func (r Repeat) MarshalText() ([]byte, error) {
	if !r.IsValid() {
		return nil, fmt.Errorf("quest: marshal repeat %d: %w", uint8(r), qun.Invalid("", "not a repeat"))
	}
	return []byte(repeatNames[r]), nil
}

// UnmarshalText reads a repeat's name: "daily", "weekly", or "" or
// "once" for Once.
func (r *Repeat) UnmarshalText(text []byte) error {
	switch string(text) {
	case "", "once":
		*r = Once
	case "daily":
		*r = Daily
	case "weekly":
		*r = Weekly
	default:
		return fmt.Errorf("quest: parse repeat %q: %w", text, qun.Invalid("", "want daily or weekly"))
	}
	return nil
}

// UnmarshalJSON reads a center strictly, as [qun.UnmarshalStrict] reads.
func (c *Center) UnmarshalJSON(data []byte) error {
	type plain Center
	return qun.UnmarshalStrict(data, (*plain)(c))
}

// Parse reads a center from its JSON form, strictly, and validates it.
func Parse(data []byte) (Center, error) {
	var c Center
	if err := c.UnmarshalJSON(data); err != nil {
		return Center{}, fmt.Errorf("quest: parse: %w", err)
	}
	if err := c.Validate(); err != nil {
		return Center{}, fmt.Errorf("quest: parse: %w", err)
	}
	return c, nil
}

// Validate reports every problem with c, joined, each naming its field:
// "quests[1].steps[0].count".
func (c Center) Validate() error {
	var errs []error
	ids := map[string]bool{}
	for i, q := range c.Quests {
		field := "quests[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field, q.Validate()))
		if ids[q.ID] {
			errs = append(errs, qun.Invalid(field+".id", "%q names another quest too", q.ID))
		}
		ids[q.ID] = true
	}
	return errors.Join(errs...)
}

// Validate reports every problem with q, joined, each naming its field.
func (q Quest) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("id", qun.ValidateName(q.ID)))
	if len(q.Steps) == 0 || len(q.Steps) > 100 {
		errs = append(errs, qun.Invalid("steps", "a quest has 1 to 100 steps"))
	}
	ids := map[string]bool{}
	for i, s := range q.Steps {
		field := "steps[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field+".id", qun.ValidateName(s.ID)))
		if ids[s.ID] {
			errs = append(errs, qun.Invalid(field+".id", "%q names another step too", s.ID))
		}
		ids[s.ID] = true
		errs = append(errs, qun.Within(field+".event", s.Event.Validate()))
		if s.Count < 0 || s.Count > 10000 {
			errs = append(errs, qun.Invalid(field+".count", "must be 1 to 10000, or 0 for 1"))
		}
		if s.Within < 0 {
			errs = append(errs, qun.Invalid(field+".within", "must not be negative"))
		}
		if q.Within > 0 && s.Within > q.Within {
			errs = append(errs, qun.Invalid(field+".within", "is after the quest's own deadline"))
		}
	}
	if q.Within < 0 {
		errs = append(errs, qun.Invalid("within", "must not be negative"))
	}
	if !q.Repeat.IsValid() {
		errs = append(errs, qun.Invalid("repeat", "not a repeat"))
	}
	switch {
	case q.Limit < 0:
		errs = append(errs, qun.Invalid("limit", "must not be negative"))
	case q.Limit > 0 && q.Repeat == Once:
		errs = append(errs, qun.Invalid("limit", "bounds repeating quests; a quest that does not repeat completes once"))
	}
	errs = append(errs, qun.Within("reward", q.Reward.Validate()))
	return errors.Join(errs...)
}
