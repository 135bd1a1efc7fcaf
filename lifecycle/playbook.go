package lifecycle

import (
	"errors"
	"strconv"

	"github.com/qunkit/qun"
)

// Playbook is what operators do in a stage, as data: the KPIs to watch,
// how often to review them, and the recommended actions. A stage change
// returns the new stage's playbook, so that a host can switch dashboards,
// reschedule reviews and brief its operators.
type Playbook struct {
	// Focus names the KPIs that matter most in the stage, in the host's
	// vocabulary ("member_growth", "retention", "satisfaction").
	Focus []string `json:"focus"`
	// Review is how often the stage's KPIs are reviewed.
	Review Cadence `json:"review"`
	// Actions are the recommended actions, in the operators' words.
	Actions []string `json:"actions"`
}

// Validate reports every problem with p: focus KPIs and actions must not
// be empty text, and the review cadence must be valid.
func (p Playbook) Validate() error {
	var errs []error
	for i, f := range p.Focus {
		if f == "" {
			errs = append(errs, qun.Invalid("focus["+strconv.Itoa(i)+"]", "must not be empty"))
		}
	}
	errs = append(errs, qun.Within("review", p.Review.Validate()))
	for i, a := range p.Actions {
		if a == "" {
			errs = append(errs, qun.Invalid("actions["+strconv.Itoa(i)+"]", "must not be empty"))
		}
	}
	return errors.Join(errs...)
}

// Cadence is a review cadence: every so many calendar periods of a grain,
// such as every week, every month, or every two quarters (half-yearly).
// Package calendar turns it into a recurrence in the community's time
// zone. Its JSON form is {"every":2,"grain":"quarter"}.
type Cadence struct {
	// Every is how many periods lie between reviews, from 1.
	Every int `json:"every"`
	// Grain is the length of a period.
	Grain qun.Grain `json:"grain"`
}

// Validate reports whether the cadence counts at least one period of a
// valid grain.
func (c Cadence) Validate() error {
	var errs []error
	if c.Every < 1 {
		errs = append(errs, qun.Invalid("every", "must be at least 1"))
	}
	if !c.Grain.IsValid() {
		errs = append(errs, qun.Invalid("grain", "want day, week, month, quarter or year"))
	}
	return errors.Join(errs...)
}

// String reads "every week" or "every 2 quarters".
func (c Cadence) String() string {
	if c.Every == 1 {
		return "every " + c.Grain.String()
	}
	return "every " + strconv.Itoa(c.Every) + " " + c.Grain.String() + "s"
}
