package ladder

import (
	"fmt"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Decision is what an evaluation decided, as a value: the level before and
// after, the state to store, why, and how far the member is from the next
// level, so that products can show progress ("3 more days visited").
type Decision struct {
	// From and To are the levels before and after.
	From string `json:"from"`
	To   string `json:"to"`
	// Change says whether the level went up, down or stayed.
	Change Change `json:"change"`
	// State is the member's new state, for the host to store.
	State State `json:"state"`
	// Reasons say why, in order.
	Reasons []Reason `json:"reasons,omitempty"`
	// Next is the distance to the level above To, or nil at the top.
	Next *Distance `json:"next,omitempty"`
}

// Changed reports whether the level changed.
func (d Decision) Changed() bool { return d.Change != Stay }

// Change is the direction of a decision.
type Change uint8

// The changes.
const (
	Stay Change = iota // "stay"
	Up                 // "up"
	Down               // "down"
)

var changeNames = [...]string{"stay", "up", "down"}

// String returns the change's name.
func (c Change) String() string {
	if int(c) < len(changeNames) {
		return changeNames[c]
	}
	return fmt.Sprintf("Change(%d)", uint8(c))
}

// MarshalText writes the change's name.
func (c Change) MarshalText() ([]byte, error) {
	if int(c) >= len(changeNames) {
		return nil, fmt.Errorf("ladder: marshal change %d: %w", uint8(c), qun.Invalid("", "not a change"))
	}
	return []byte(changeNames[c]), nil
}

// UnmarshalText reads a change's name.
func (c *Change) UnmarshalText(text []byte) error {
	for i, n := range changeNames {
		if n == string(text) {
			*c = Change(i)
			return nil
		}
	}
	return fmt.Errorf("ladder: parse change %q: %w", text, qun.Invalid("", "want stay, up or down"))
}

// Reason is one step of a decision's explanation.
type Reason struct {
	// Code says what happened.
	Code Code `json:"code"`
	// Level is the level it concerns.
	Level string `json:"level"`
	// Until is the end of a protection (min_stay, valid, locked), or a
	// renewed validity.
	Until time.Time `json:"until,omitzero"`
	// Checks are the requirements behind the reason: those met, for
	// qualified; those below the low-water mark, for lost; those short,
	// for review_pending and kept.
	Checks []Check `json:"checks,omitempty"`
}

// Code is what a [Reason] reports.
type Code uint8

// The codes.
const (
	// Qualified: the member meets the level's requirements, and rose to
	// it. "qualified".
	Qualified Code = iota + 1
	// Lost: at a review, the member fell below the level's low-water
	// marks, and left it. "lost".
	Lost
	// Kept: at a review, the member was short of the level's
	// requirements but above its low-water marks, and kept it. "kept".
	Kept
	// ReviewPending: the member is short of the level's requirements,
	// but levels go down only at a review. "review_pending".
	ReviewPending
	// MinStay: a review kept the level because the member reached it less
	// than its MinStay ago. "min_stay".
	MinStay
	// Valid: a review kept the level because it is valid until Until.
	// "valid".
	Valid
	// Renewed: a review renewed the level's validity until Until.
	// "renewed".
	Renewed
	// Lifetime: the level is never lost. "lifetime".
	Lifetime
	// Locked: an operator's lock set or held the level. "locked".
	Locked
	// Unlocked: the lock ended at Until, and was cleared. "unlocked".
	Unlocked
	// MaxDrop: the review took the member down no more than the ladder's
	// MaxDrop levels. "max_drop".
	MaxDrop
)

var codeNames = [...]string{
	Qualified: "qualified", Lost: "lost", Kept: "kept", ReviewPending: "review_pending",
	MinStay: "min_stay", Valid: "valid", Renewed: "renewed", Lifetime: "lifetime",
	Locked: "locked", Unlocked: "unlocked", MaxDrop: "max_drop",
}

// String returns the code's name.
func (c Code) String() string {
	if c >= Qualified && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", uint8(c))
}

// MarshalText writes the code's name.
func (c Code) MarshalText() ([]byte, error) {
	if c < Qualified || int(c) >= len(codeNames) {
		return nil, fmt.Errorf("ladder: marshal code %d: %w", uint8(c), qun.Invalid("", "not a code"))
	}
	return []byte(codeNames[c]), nil
}

// UnmarshalText reads a code's name.
func (c *Code) UnmarshalText(text []byte) error {
	for i, n := range codeNames {
		if i > 0 && n == string(text) {
			*c = Code(i)
			return nil
		}
	}
	return fmt.Errorf("ladder: parse code %q: %w", text, qun.Invalid("", "not a reason code"))
}

// Check is one requirement measured against a member's metrics.
type Check struct {
	// Metric is the metric required.
	Metric string `json:"metric"`
	// Value is the member's value of it.
	Value decimal.Decimal `json:"value"`
	// AtMost is true for a Max requirement.
	AtMost bool `json:"at_most,omitempty"`
	// Threshold is what the requirement asks (Min or Max, or the share of
	// Of), or, for keeping a level, its low-water mark.
	Threshold decimal.Decimal `json:"threshold"`
	// Met reports whether Value meets Threshold.
	Met bool `json:"met"`
	// Gap is how far Value is from meeting Threshold: how much more of
	// the metric is needed, or, for AtMost, how much less; zero when met.
	Gap decimal.Decimal `json:"gap"`
}

// Distance is how far a member is from a level.
type Distance struct {
	// Level is the level.
	Level string `json:"level"`
	// Need is how many requirements must hold, and Met how many do.
	Need int `json:"need"`
	Met  int `json:"met"`
	// Checks measure every requirement of the level.
	Checks []Check `json:"checks"`
}

// Explain says in a sentence what the decision was and why.
func (d Decision) Explain() string {
	var b strings.Builder
	switch d.Change {
	case Up:
		fmt.Fprintf(&b, "%s → %s", d.From, d.To)
	case Down:
		fmt.Fprintf(&b, "%s → %s", d.From, d.To)
	default:
		fmt.Fprintf(&b, "stays %s", d.To)
	}
	for _, r := range d.Reasons {
		b.WriteString("; ")
		b.WriteString(r.explain())
	}
	if d.Next != nil {
		fmt.Fprintf(&b, "; to %s: ", d.Next.Level)
		var short []string
		for _, c := range d.Next.Checks {
			if !c.Met {
				short = append(short, c.phrase())
			}
		}
		if d.Next.Need < len(d.Next.Checks) {
			fmt.Fprintf(&b, "%d of %d met, need %d: ", d.Next.Met, len(d.Next.Checks), d.Next.Need)
		}
		b.WriteString(strings.Join(short, ", "))
	}
	return b.String()
}

func (r Reason) explain() string {
	var parts []string
	for _, c := range r.Checks {
		parts = append(parts, c.phrase())
	}
	s := r.Code.String() + " " + r.Level
	if !r.Until.IsZero() {
		s += " until " + r.Until.Format(time.DateOnly)
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// phrase says a check in words: "days_visited 47 ≥ 50: 3 more".
func (c Check) phrase() string {
	op := "≥"
	if c.AtMost {
		op = "≤"
	}
	s := fmt.Sprintf("%s %s %s %s", c.Metric, c.Value, op, c.Threshold)
	if !c.Met {
		if c.AtMost {
			s += ": " + c.Gap.String() + " too many"
		} else {
			s += ": " + c.Gap.String() + " more"
		}
	}
	return s
}
