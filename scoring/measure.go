package scoring

import (
	"cmp"
	"errors"
	"iter"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// Rule counts events toward a measure: each event its filter selects,
// within the window before now, earns Weight for the member it credits, up
// to Max events. Rules are data: a host keeps them in its database and an
// operator edits them.
//
// Its JSON form is
//
//	{"name":"replies received","event":{"name":"reply"},"credit":"to","weight":2,"window":"30d","max":50}
type Rule struct {
	// Name names the rule in explanations.
	Name string `json:"name"`
	// Event selects the events the rule counts.
	Event qun.EventFilter `json:"event"`
	// Credit is the property of the event that names the member the event
	// credits (such as "to" on a reply, "author" on a like, "inviter" on a
	// join); empty, the rule credits the member who did it. An event
	// without the property, or whose property names the member who did it
	// (liking one's own post), credits no one.
	Credit string `json:"credit,omitempty"`
	// Weight is what each counted event is worth; it may be negative.
	Weight float64 `json:"weight"`
	// Window limits the rule to events in the window (now − Window, now];
	// zero counts every event up to now.
	Window qun.Duration `json:"window,omitempty"`
	// Max is the most events the rule counts for one member; zero means no
	// limit.
	Max int64 `json:"max,omitempty"`
}

// validate reports the problems with r; credit says whether the rule must
// name a credited member ("required"), must not ("forbidden"), or may.
func (r Rule) validate(credit string) error {
	var errs []error
	if reason := nameProblem(r.Name); reason != "" {
		errs = append(errs, qun.Invalid("name", reason))
	}
	errs = append(errs, qun.Within("event", r.Event.Validate()))
	switch {
	case r.Credit != "" && nameProblem(r.Credit) != "":
		errs = append(errs, qun.Invalid("credit", "%s", nameProblem(r.Credit)))
	case credit == "required" && r.Credit == "":
		errs = append(errs, qun.Invalid("credit", "must name the property that names the member credited, such as \"to\" or \"author\""))
	case credit == "forbidden" && r.Credit != "":
		errs = append(errs, qun.Invalid("credit", "participation credits the member who acted; count what others did in contribution"))
	}
	if !finite(r.Weight) {
		errs = append(errs, qun.Invalid("weight", "must be a finite number"))
	}
	if r.Window < 0 {
		errs = append(errs, qun.Invalid("window", "must not be negative"))
	}
	if r.Max < 0 {
		errs = append(errs, qun.Invalid("max", "must not be negative"))
	}
	return errors.Join(errs...)
}

// validateRules validates a list of rules under the JSON name field, with
// names unique.
func validateRules(field string, rules []Rule, credit string) error {
	var errs []error
	seen := make(map[string]bool, len(rules))
	for i, r := range rules {
		at := field + "[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(at, r.validate(credit)))
		if r.Name != "" && seen[r.Name] {
			errs = append(errs, qun.Invalid(at+".name", "%q names two rules", r.Name))
		}
		seen[r.Name] = true
	}
	return errors.Join(errs...)
}

// MeasureRules define the two measures operators evaluate members by
// (DOMAIN.md §3): participation (参与度), from the member's own actions
// (posts, check-ins, attendance), and contribution (贡献值), from what
// others did in response to the member (replies and likes received,
// answers accepted, invitations that brought someone in, content
// featured). Each is a sum of rule terms, so both explain themselves.
//
// Its JSON form is
//
//	{"participation":[{"name":"posts","event":{"name":"post"},"weight":1,"window":"30d"}],
//	 "contribution":[{"name":"likes received","event":{"name":"like"},"credit":"author","weight":0.5,"window":"30d"}]}
type MeasureRules struct {
	// Participation rules credit the member who acted; they have no
	// Credit property.
	Participation []Rule `json:"participation,omitempty"`
	// Contribution rules credit the member named by their Credit property.
	Contribution []Rule `json:"contribution,omitempty"`
}

// Validate reports every problem with r, joined: there must be at least
// one rule, each valid and named uniquely within its measure,
// participation rules without a Credit property and contribution rules
// with one.
func (r MeasureRules) Validate() error {
	var errs []error
	if len(r.Participation)+len(r.Contribution) == 0 {
		errs = append(errs, qun.Invalid("", "must have at least one participation or contribution rule"))
	}
	errs = append(errs,
		validateRules("participation", r.Participation, "forbidden"),
		validateRules("contribution", r.Contribution, "required"))
	return errors.Join(errs...)
}

// UnmarshalJSON reads rules from JSON strictly: unknown fields and invalid
// rules are refused with errors that match [qun.ErrInvalid].
func (r *MeasureRules) UnmarshalJSON(data []byte) error {
	type plain MeasureRules
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := MeasureRules(v).Validate(); err != nil {
		return err
	}
	*r = MeasureRules(v)
	return nil
}

// Meter is compiled [MeasureRules]. It is safe for concurrent use.
// The zero Meter, not made with [MeasureRules.Compile], credits no one.
type Meter struct {
	rules MeasureRules
	tally tally
	split int // rules before split are participation
}

// Compile validates r and compiles it.
func (r MeasureRules) Compile() (*Meter, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	all := slices.Concat(r.Participation, r.Contribution)
	return &Meter{
		rules: MeasureRules{Participation: slices.Clone(r.Participation), Contribution: slices.Clone(r.Contribution)},
		tally: newTally(all),
		split: len(r.Participation),
	}, nil
}

// Rules returns the rules m was compiled from.
func (m *Meter) Rules() MeasureRules {
	return MeasureRules{Participation: slices.Clone(m.rules.Participation), Contribution: slices.Clone(m.rules.Contribution)}
}

// Standing is a member's participation and contribution at an instant.
type Standing struct {
	// Member is whose standing it is.
	Member qun.MemberID `json:"member"`
	// Participation is the tally of the member's own actions.
	Participation Tally `json:"participation"`
	// Contribution is the tally of what others did in response.
	Contribution Tally `json:"contribution"`
}

// Tally is the value of one measure and the terms it adds up from,
// highest first.
type Tally struct {
	// Value is the measure: the sum of the terms' values.
	Value float64 `json:"value"`
	// Terms are the rules that counted something, highest value first.
	Terms []Term `json:"terms,omitempty"`
}

// Measure counts the events at or before now and returns the standing of
// every member any rule credits, in member ID order. A nil events holds
// none; a zero Meter, not made with [MeasureRules.Compile], has no rules
// and credits no one.
func (m *Meter) Measure(events iter.Seq[qun.Event], now time.Time) []Standing {
	counts := m.tally.count(events, now)
	out := make([]Standing, 0, len(counts))
	for _, member := range slices.Sorted(maps.Keys(counts)) {
		terms := m.tally.terms(counts[member])
		out = append(out, Standing{
			Member:        member,
			Participation: sum(terms[:m.split]),
			Contribution:  sum(terms[m.split:]),
		})
	}
	return out
}

// sum turns rule terms into a tally, leaving out rules that counted
// nothing.
func sum(terms []Term) Tally {
	var t Tally
	for _, term := range terms {
		if term.Count == 0 {
			continue
		}
		t.Value += term.Value
		t.Terms = append(t.Terms, term)
	}
	sortTerms(t.Terms)
	return t
}

// tally counts events for a list of rules.
type tally struct {
	rules  []Rule
	byName map[string][]int
}

func newTally(rules []Rule) tally {
	t := tally{rules: rules, byName: make(map[string][]int)}
	for i, r := range rules {
		t.byName[r.Event.Name] = append(t.byName[r.Event.Name], i)
	}
	return t
}

// count returns, for each member credited, the number of events each rule
// counted (before Max). Every rule an event meets counts it; a nil events
// holds none.
func (t tally) count(events iter.Seq[qun.Event], now time.Time) map[qun.MemberID][]int64 {
	counts := make(map[qun.MemberID][]int64)
	if events == nil {
		return counts
	}
	for e := range events {
		if e.Time.After(now) {
			continue
		}
		for _, i := range t.byName[e.Name] {
			r := &t.rules[i]
			if r.Window > 0 && !e.Time.After(now.Add(-time.Duration(r.Window))) {
				continue
			}
			if !r.Event.Match(e) {
				continue
			}
			member := e.Member
			if r.Credit != "" {
				v, ok := e.Props[r.Credit]
				if !ok || qun.MemberID(v) == e.Member || qun.MemberID(v).Validate() != nil {
					continue
				}
				member = qun.MemberID(v)
			}
			c := counts[member]
			if c == nil {
				c = make([]int64, len(t.rules))
				counts[member] = c
			}
			c[i]++
		}
	}
	return counts
}

// terms turns a member's counts into one term per rule, in rule order,
// applying each rule's Max.
func (t tally) terms(counts []int64) []Term {
	terms := make([]Term, len(t.rules))
	for i, r := range t.rules {
		n := counts[i]
		if r.Max > 0 {
			n = min(n, r.Max)
		}
		terms[i] = Term{Name: r.Name, Count: n, Weight: r.Weight, Value: float64(n) * r.Weight}
	}
	return terms
}

// byValueThenMember orders by value, highest first, then by member ID.
func byValueThenMember(va, vb float64, ma, mb qun.MemberID) int {
	if c := cmp.Compare(vb, va); c != 0 {
		return c
	}
	return cmp.Compare(ma, mb)
}
