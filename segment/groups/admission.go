package groups

import (
	"errors"
	"fmt"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/segment"
)

// Admission decides who may join a group: a member admitted by the
// threshold segment, by a paid entry, or by an approved application.
// Its JSON form is
//
//	{"threshold":"italian_wine_threshold","paid":true,"approved":true}
//
// The zero Admission admits no one and is refused by
// [Admission.Validate]: set at least one route.
type Admission struct {
	// Threshold names a segment of the host's set whose members qualify
	// by themselves. The default, empty, means no threshold route. Write
	// "at least K of N conditions" as its rule with at_least (see
	// [AtLeast]).
	Threshold string `json:"threshold,omitempty"`
	// Paid, when true, admits a member who paid the entry fee ([Entry.Paid]).
	// The default, false, ignores payment.
	Paid bool `json:"paid,omitempty"`
	// Approved, when true, admits a member whose application an operator
	// approved ([Entry.Approved]). The default, false, ignores approval.
	Approved bool `json:"approved,omitempty"`
}

// Entry is what the host knows of a member's request to join: facts qun
// cannot compute. The zero Entry is a request neither paid nor approved.
type Entry struct {
	// Paid is true when the member paid the entry fee.
	Paid bool `json:"paid,omitempty"`
	// Approved is true when an operator approved the member's application.
	Approved bool `json:"approved,omitempty"`
}

// Route is a way into a group, as [Decision.Via] lists it.
type Route string

// The routes of admission.
const (
	// ByThreshold: the member is in the admission's threshold segment
	// (JSON "threshold").
	ByThreshold Route = "threshold"
	// ByPayment: the admission takes payment and the member paid (JSON
	// "paid").
	ByPayment Route = "paid"
	// ByApproval: the admission takes approval and an operator approved
	// the member (JSON "approved").
	ByApproval Route = "approved"
)

// Decision is an admission decision and why.
type Decision struct {
	// Admitted is true when at least one route admits the member.
	Admitted bool `json:"admitted"`
	// Via lists the routes that admit the member: threshold, paid,
	// approved, in that order.
	Via []Route `json:"via"`
	// Threshold explains the threshold segment clause by clause; nil when
	// the admission has none.
	Threshold *segment.Explanation `json:"threshold,omitempty"`
}

// Validate reports whether a has at least one route in, and a valid
// threshold name, with *qun.ValidationError values matching
// qun.ErrInvalid.
func (a Admission) Validate() error {
	var errs []error
	if a.Threshold == "" && !a.Paid && !a.Approved {
		errs = append(errs, qun.Invalid("", "admits no one: set a threshold, paid or approved"))
	}
	if a.Threshold != "" && qun.ValidateName(a.Threshold) != nil {
		errs = append(errs, qun.Invalid("threshold", "must be a segment's name"))
	}
	return errors.Join(errs...)
}

// Admit decides whether the member may join, evaluating the threshold
// segment with the evaluator (at its instant) and reading the entry the
// host supplies. It fails, with an error matching qun.ErrInvalid, if the
// threshold is not a segment of the evaluator's set, or if there is a
// threshold to evaluate and the evaluator or the record is nil or was not
// made by a compiled set (see [segment.Evaluator.Explain]). Without a
// threshold, e and r are not read and may be nil.
func (a Admission) Admit(e *segment.Evaluator, r *segment.Record, entry Entry) (Decision, error) {
	if err := a.Validate(); err != nil {
		return Decision{}, err
	}
	d := Decision{Via: []Route{}}
	if a.Threshold != "" {
		x, err := e.Explain(r, a.Threshold)
		if err != nil {
			return Decision{}, fmt.Errorf("groups: admit: %w", err)
		}
		d.Threshold = &x
		if x.Held {
			d.Via = append(d.Via, ByThreshold)
		}
	}
	if a.Paid && entry.Paid {
		d.Via = append(d.Via, ByPayment)
	}
	if a.Approved && entry.Approved {
		d.Via = append(d.Via, ByApproval)
	}
	d.Admitted = len(d.Via) > 0
	return d, nil
}

// AtLeast returns the rule that holds when at least k of the conditions
// hold: the threshold "at least three shared attributes".
func AtLeast(k int, conditions ...segment.Rule) segment.Rule {
	return segment.Rule{AtLeast: k, Of: conditions}
}
