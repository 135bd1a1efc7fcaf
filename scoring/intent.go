package scoring

import (
	"errors"
	"iter"
	"slices"
	"time"

	"github.com/qunkit/qun"
)

// IntentRules score buying intent (购买意向) from weighted signals, so that
// operators can find the likeliest buyers among their members and follow
// them up one to one (精准识别): viewed a product, asked about the price,
// attended a tasting, finished a course, and high engagement. Each signal
// is a [Rule] (Max 1 counts a signal once, however often it was seen);
// high engagement comes from an engagement score the host passes in.
//
// Its JSON form is
//
//	{"signals":[{"name":"viewed a product","event":{"name":"view_product"},"weight":1,"window":"14d","max":5},
//	            {"name":"asked the price","event":{"name":"ask_price"},"weight":4,"window":"14d","max":1}],
//	 "engaged":{"threshold":20,"weight":3}}
type IntentRules struct {
	// Signals are the event signals.
	Signals []Rule `json:"signals"`
	// Engaged, if set, is the high-engagement signal.
	Engaged *EngagedSignal `json:"engaged,omitempty"`
}

// EngagedSignal adds Weight to the intent of a member whose engagement
// score is at least Threshold.
type EngagedSignal struct {
	// Name names the signal in explanations; it defaults to "high
	// engagement".
	Name string `json:"name,omitempty"`
	// Threshold is the engagement score from which the signal counts.
	Threshold float64 `json:"threshold"`
	// Weight is what the signal adds to intent.
	Weight float64 `json:"weight"`
}

// Validate reports every problem with r, joined: there must be at least
// one signal, each a valid rule with a unique name, and an engaged signal's
// numbers must be finite.
func (r IntentRules) Validate() error {
	var errs []error
	if len(r.Signals) == 0 && r.Engaged == nil {
		errs = append(errs, qun.Invalid("signals", "must have at least one signal"))
	}
	errs = append(errs, validateRules("signals", r.Signals, ""))
	if e := r.Engaged; e != nil {
		if e.Name != "" && nameProblem(e.Name) != "" {
			errs = append(errs, qun.Invalid("engaged.name", "%s", nameProblem(e.Name)))
		}
		if !finite(e.Threshold) {
			errs = append(errs, qun.Invalid("engaged.threshold", "must be a finite number"))
		}
		if !finite(e.Weight) {
			errs = append(errs, qun.Invalid("engaged.weight", "must be a finite number"))
		}
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads rules from JSON strictly: unknown fields and invalid
// rules are refused with errors that match [qun.ErrInvalid].
func (r *IntentRules) UnmarshalJSON(data []byte) error {
	type plain IntentRules
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := IntentRules(v).Validate(); err != nil {
		return err
	}
	*r = IntentRules(v)
	return nil
}

// Intent is compiled [IntentRules]. It is safe for concurrent use.
// The zero Intent, not made with [IntentRules.Compile], finds no leads.
type Intent struct {
	rules   IntentRules
	tally   tally
	engaged EngagedSignal
}

// Compile validates r and compiles it.
func (r IntentRules) Compile() (*Intent, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	in := &Intent{rules: r.clone(), tally: newTally(slices.Clone(r.Signals))}
	if r.Engaged != nil {
		in.engaged = *r.Engaged
		if in.engaged.Name == "" {
			in.engaged.Name = "high engagement"
		}
	}
	return in, nil
}

func (r IntentRules) clone() IntentRules {
	c := IntentRules{Signals: slices.Clone(r.Signals)}
	if r.Engaged != nil {
		e := *r.Engaged
		c.Engaged = &e
	}
	return c
}

// Rules returns the rules in was compiled from.
func (in *Intent) Rules() IntentRules { return in.rules.clone() }

// Lead is a member with buying intent, and the signals it comes from,
// strongest first.
type Lead struct {
	// Member is who to follow up.
	Member qun.MemberID `json:"member"`
	// Intent is the sum of the signals' values.
	Intent float64 `json:"intent"`
	// Signals are the signals seen, strongest first.
	Signals []Term `json:"signals"`
}

// Leads scores the intent of every member with a signal at or before now
// and returns the k strongest leads, strongest first (and by member ID
// among equals), for one-to-one follow-up. engagement holds members'
// engagement scores for the engaged signal (it may be nil); a k of zero or
// less returns every lead. A nil events holds no signals; a zero Intent,
// not made with [IntentRules.Compile], has none to look for, and returns
// no leads.
func (in *Intent) Leads(events iter.Seq[qun.Event], engagement map[qun.MemberID]float64, now time.Time, k int) []Lead {
	counts := in.tally.count(events, now)
	if in.rules.Engaged != nil {
		for member, score := range engagement {
			if score >= in.engaged.Threshold && counts[member] == nil {
				counts[member] = make([]int64, len(in.tally.rules))
			}
		}
	}
	leads := func(yield func(Lead) bool) {
		for member, c := range counts {
			var lead Lead
			lead.Member = member
			for _, term := range in.tally.terms(c) {
				if term.Count > 0 {
					lead.Signals = append(lead.Signals, term)
					lead.Intent += term.Value
				}
			}
			if in.rules.Engaged != nil {
				if score, ok := engagement[member]; ok && score >= in.engaged.Threshold {
					lead.Signals = append(lead.Signals, Term{Name: in.engaged.Name, Count: 1, Weight: in.engaged.Weight, Value: in.engaged.Weight})
					lead.Intent += in.engaged.Weight
				}
			}
			if len(lead.Signals) == 0 {
				continue
			}
			sortTerms(lead.Signals)
			if !yield(lead) {
				return
			}
		}
	}
	order := func(a, b Lead) int { return byValueThenMember(a.Intent, b.Intent, a.Member, b.Member) }
	if k <= 0 {
		return slices.SortedFunc(iter.Seq[Lead](leads), order)
	}
	return Top(leads, k, order)
}
