package referral

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// The depth of reward chains: how many levels of inviters above the member
// who reached a milestone a reward may reach. Level 1 is the member's own
// inviter, level 2 the inviter's inviter.
const (
	// DefaultDepth is the depth of a program that does not set one: the
	// inviter and the inviter's inviter (二级奖励).
	DefaultDepth = 2
	// MaxDepth is the hard maximum, which no configuration can raise.
	// A reward at level 2 already ties three members together (the
	// inviter's inviter, the inviter and the invitee), which is three
	// levels as the courts count them, including the top member's own
	// level (公通字〔2013〕37号, 第一条 and 其他问题); a third level would
	// pay a member for what happens four levels down. See the package
	// documentation for the law behind the number.
	MaxDepth = 2
)

// maxMilestones bounds a program's milestones, so that a member's
// milestones fit in one machine word.
const maxMilestones = 64

// Program is a referral (裂变) program as data: how an invitee is attributed
// to an inviter, which milestones the invitee can reach, what each
// milestone pays to whom, and the caps on what one inviter can earn.
// Hosts keep it in their database, edit it in an admin UI, read it with
// [ParseProgram] and run it in a [Graph].
//
// Its JSON form is
//
//	{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
//	 "attribution":{"model":"last_touch","window":"7d"},
//	 "depth":2,
//	 "milestones":[{"name":"joined"},
//	               {"name":"first_purchase","event":{"name":"purchase"},"within":"30d"},
//	               {"name":"stayed_7d","after":"7d"}],
//	 "activation":"first_purchase",
//	 "churn":{"name":"left"},
//	 "rewards":[{"id":"welcome","milestone":"joined","kind":"points","invitee":"50"},
//	            {"id":"bring-a-buyer","milestone":"first_purchase","kind":"points","inviters":["100","20"]}],
//	 "caps":[{"kind":"points","per":"month","points":"2000","rewards":20}]}
type Program struct {
	// Calendar is where the caps' periods and the cohorts are counted.
	Calendar qun.Calendar `json:"calendar"`
	// Attribution says which inviter an invitee is attributed to.
	Attribution Credit `json:"attribution"`
	// Depth is how many levels of inviters rewards may reach: 1 pays only
	// the invitee's own inviter, 2 also the inviter's inviter. Zero means
	// DefaultDepth; more than MaxDepth is refused.
	Depth int `json:"depth,omitzero"`
	// Milestones are what an invitee can reach, with distinct names; at
	// most 64.
	Milestones []Milestone `json:"milestones,omitempty"`
	// Activation, if set, names the milestone that counts an invitee as
	// activated in the metrics.
	Activation string `json:"activation,omitempty"`
	// Churn, if set, selects the events that mark a member as churned
	// (流失): a member who churns before reaching a milestone reaches it
	// never, and earns nobody anything for it.
	Churn *qun.EventFilter `json:"churn,omitempty"`
	// Rewards say what each milestone pays, with distinct IDs.
	Rewards []Reward `json:"rewards,omitempty"`
	// Caps bound what one member earns as an inviter, at any level.
	Caps []Cap `json:"caps,omitempty"`
}

// UnmarshalJSON reads a program strictly, as [qun.UnmarshalStrict] reads:
// unknown, misspelt or repeated fields are refused with the field's path.
// Call [Program.Validate] on the result, or use [ParseProgram].
func (p *Program) UnmarshalJSON(data []byte) error {
	type plain Program
	return qun.UnmarshalStrict(data, (*plain)(p))
}

// ParseProgram reads a program from its JSON form, strictly, and
// validates it.
func ParseProgram(data []byte) (Program, error) {
	var p Program
	if err := p.UnmarshalJSON(data); err != nil {
		return Program{}, fmt.Errorf("referral: parse program: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Program{}, fmt.Errorf("referral: parse program: %w", err)
	}
	return p, nil
}

// depth returns the program's effective depth.
func (p *Program) depth() int {
	if p.Depth == 0 {
		return DefaultDepth
	}
	return p.Depth
}

// Validate reports every problem with p, joined, each naming its field in
// JSON names: "depth", "rewards[1].inviters", "caps[0].per".
func (p Program) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("calendar", p.Calendar.Validate()))
	errs = append(errs, qun.Within("attribution", p.Attribution.Validate()))
	switch {
	case p.Depth < 0:
		errs = append(errs, qun.Invalid("depth", "must not be negative"))
	case p.Depth > MaxDepth:
		errs = append(errs, qun.Invalid("depth", "%d levels is beyond the maximum of %d: rewards may reach the inviter and the inviter's inviter, never further (multi-level reward chains are pyramid selling, 传销, under Chinese law)", p.Depth, MaxDepth))
	}
	if len(p.Milestones) > maxMilestones {
		errs = append(errs, qun.Invalid("milestones", "at most %d", maxMilestones))
	}
	names := make(map[string]bool, len(p.Milestones))
	for i := range p.Milestones {
		field := "milestones[" + strconv.Itoa(i) + "]"
		m := &p.Milestones[i]
		errs = append(errs, qun.Within(field, m.Validate()))
		if names[m.Name] {
			errs = append(errs, qun.Invalid(field+".name", "%q names another milestone too", m.Name))
		}
		names[m.Name] = true
	}
	if p.Activation != "" && !names[p.Activation] {
		errs = append(errs, qun.Invalid("activation", "%q is not a milestone of the program", p.Activation))
	}
	if p.Churn != nil {
		errs = append(errs, qun.Within("churn", p.Churn.Validate()))
	}
	depth := p.depth()
	ids := make(map[string]bool, len(p.Rewards))
	for i := range p.Rewards {
		field := "rewards[" + strconv.Itoa(i) + "]"
		r := &p.Rewards[i]
		errs = append(errs, qun.Within(field, r.validate(names, depth)))
		if ids[r.ID] {
			errs = append(errs, qun.Invalid(field+".id", "%q names another reward too", r.ID))
		}
		ids[r.ID] = true
	}
	type capKey struct {
		kind string
		per  qun.Grain
	}
	caps := make(map[capKey]bool, len(p.Caps))
	for i := range p.Caps {
		field := "caps[" + strconv.Itoa(i) + "]"
		c := &p.Caps[i]
		errs = append(errs, qun.Within(field, c.Validate()))
		if k := (capKey{c.Kind, c.Per}); caps[k] {
			errs = append(errs, qun.Invalid(field, "another cap of kind %q has the same period", c.Kind))
		} else {
			caps[k] = true
		}
	}
	return errors.Join(errs...)
}

// Model is an attribution model: which of the invitations that reached an
// invitee before joining earns the credit.
type Model uint8

// The models. The zero Model is LastTouch.
const (
	// LastTouch credits the last invitation within the window before the
	// invitee joined ("last_touch"): the link that finally convinced them,
	// as app-install attribution (AppMetrica) and most referral tools
	// credit by default.
	LastTouch Model = iota
	// FirstTouch credits the first invitation within the window
	// ("first_touch"): the member who introduced the invitee, as Tolt's
	// "first click wins".
	FirstTouch
)

var modelNames = [...]string{"last_touch", "first_touch"}

// String returns the model's name.
func (m Model) String() string {
	if int(m) < len(modelNames) {
		return modelNames[m]
	}
	return "Model(" + strconv.Itoa(int(m)) + ")"
}

// MarshalText writes the model's name; it refuses an unknown model.
func (m Model) MarshalText() ([]byte, error) {
	if int(m) >= len(modelNames) {
		return nil, fmt.Errorf("referral: marshal model %d: %w", uint8(m), qun.Invalid("", "not an attribution model"))
	}
	return []byte(modelNames[m]), nil
}

// UnmarshalText reads a model's name: "last_touch" or "first_touch".
func (m *Model) UnmarshalText(text []byte) error {
	for i, n := range modelNames {
		if n == string(text) {
			*m = Model(i)
			return nil
		}
	}
	return fmt.Errorf("referral: parse model %q: %w", text, qun.Invalid("", "want last_touch or first_touch"))
}

// Credit says how a member who joins is attributed to an inviter: which
// invitation earns the credit.
type Credit struct {
	// Model picks one invitation among those within the window.
	Model Model `json:"model"`
	// Window is how long an invitation counts: an invitation (a touch)
	// more than Window before the join does not, and a join with no
	// touch inside the window is organic (自然流量). It must be positive.
	Window qun.Duration `json:"window"`
}

// Validate reports whether a's model is known and its window positive.
func (a Credit) Validate() error {
	var errs []error
	if int(a.Model) >= len(modelNames) {
		errs = append(errs, qun.Invalid("model", "want last_touch or first_touch"))
	}
	if a.Window <= 0 {
		errs = append(errs, qun.Invalid("window", "must be positive, such as 7d"))
	}
	return errors.Join(errs...)
}

// Milestone is something an invitee can reach, once: joining, activating,
// a first purchase, staying N days. A milestone with no Event is reached
// by joining, or, with After, by the invitee's first event of any name at
// least After after joining ("stayed 7 days"). A milestone with an Event
// is reached by the invitee's first event that matches it, at least After
// after joining.
type Milestone struct {
	// Name names the milestone in rewards and decisions: "first_purchase".
	Name string `json:"name"`
	// Event, if set, selects the events that reach the milestone.
	Event *qun.EventFilter `json:"event,omitempty"`
	// After is how long after joining the event must come: "7d" for a
	// member who is still around a week later. Zero for none.
	After qun.Duration `json:"after,omitzero"`
	// Within, if not zero, is the deadline: an event more than Within
	// after joining no longer reaches the milestone ("a first purchase
	// within 30 days").
	Within qun.Duration `json:"within,omitzero"`
}

// Validate reports every problem with m: its name, its event filter, and
// its After and Within, which may not be negative and must be in order.
func (m Milestone) Validate() error {
	var errs []error
	if err := qun.ValidateName(m.Name); err != nil {
		errs = append(errs, qun.Within("name", err))
	}
	if m.Event != nil {
		errs = append(errs, qun.Within("event", m.Event.Validate()))
	}
	if m.After < 0 {
		errs = append(errs, qun.Invalid("after", "must not be negative"))
	}
	if m.Within < 0 {
		errs = append(errs, qun.Invalid("within", "must not be negative"))
	}
	if m.Within > 0 && m.After > m.Within {
		errs = append(errs, qun.Invalid("within", "is shorter than after, so the milestone can never be reached"))
	}
	return errors.Join(errs...)
}

// atJoin reports whether m is reached by joining itself.
func (m *Milestone) atJoin() bool { return m.Event == nil && m.After == 0 }

// Reward says what reaching a milestone pays: points to the invitee, and
// points to the invitee's inviter and the inviter's inviter. Amounts are
// fixed, never a share of what the invitee spends: a reward that grows with
// a downline's sales is the pattern 禁止传销条例 第七条(三) forbids.
type Reward struct {
	// ID names the reward in grants and idempotency keys.
	ID string `json:"id"`
	// Milestone is the milestone that pays it.
	Milestone string `json:"milestone"`
	// Kind is the kind of points paid, as the incentive ledger names it.
	Kind string `json:"kind"`
	// Invitee is what the invitee earns; zero for nothing.
	Invitee decimal.Decimal `json:"invitee,omitzero"`
	// Inviters is what each level of inviter earns: Inviters[0] for the
	// invitee's own inviter, Inviters[1] for that inviter's inviter. It
	// may not be longer than the program's depth.
	Inviters []decimal.Decimal `json:"inviters,omitempty"`
}

func (r *Reward) validate(milestones map[string]bool, depth int) error {
	var errs []error
	if err := qun.ValidateName(r.ID); err != nil {
		errs = append(errs, qun.Within("id", err))
	}
	if !milestones[r.Milestone] {
		errs = append(errs, qun.Invalid("milestone", "%q is not a milestone of the program", r.Milestone))
	}
	if err := qun.ValidateName(r.Kind); err != nil {
		errs = append(errs, qun.Within("kind", err))
	}
	if len(r.Inviters) > depth {
		errs = append(errs, qun.Invalid("inviters", "%d levels is deeper than the program's depth of %d (at most %d: the inviter and the inviter's inviter)", len(r.Inviters), depth, MaxDepth))
	}
	pays := false
	if reason := amountProblem(r.Invitee); reason != "" {
		errs = append(errs, qun.Invalid("invitee", "%s", reason))
	}
	pays = pays || r.Invitee.Sign() > 0
	for i, a := range r.Inviters {
		if reason := amountProblem(a); reason != "" {
			errs = append(errs, qun.Invalid("inviters["+strconv.Itoa(i)+"]", "%s", reason))
		}
		pays = pays || a.Sign() > 0
	}
	if !pays {
		errs = append(errs, qun.Invalid("", "a reward must pay the invitee or an inviter"))
	}
	return errors.Join(errs...)
}

// amountProblem returns why d is not an acceptable amount of points, or "".
func amountProblem(d decimal.Decimal) string {
	switch {
	case d.Sign() < 0:
		return "must not be negative"
	case d.Exponent() < -6 && !d.Equal(d.Truncate(6)):
		return "must have at most 6 decimal places"
	case d.NumDigits() > 18 || d.Exponent() > 18:
		return "must have at most 18 digits"
	}
	return ""
}

// Cap bounds what one member earns as an inviter, at every level, in
// points of one kind: in each calendar period of the program's calendar
// (counted by when the reward is granted), or over the program's lifetime.
// A grant that would pass a cap is cut to what the cap has left, and says
// so. Rewards to invitees are not capped here.
type Cap struct {
	// Kind is the kind of points capped.
	Kind string `json:"kind"`
	// Per is the period; the zero Grain caps the lifetime.
	Per qun.Grain `json:"per,omitzero"`
	// Points is the most points per period; zero for no bound.
	Points decimal.Decimal `json:"points,omitzero"`
	// Rewards is the most grants per period (邀请奖励上限: "at most 20
	// rewarded invitees a month"); zero for no bound.
	Rewards int64 `json:"rewards,omitzero"`
}

// Validate reports every problem with c.
func (c Cap) Validate() error {
	var errs []error
	if err := qun.ValidateName(c.Kind); err != nil {
		errs = append(errs, qun.Within("kind", err))
	}
	if c.Per != 0 && !c.Per.IsValid() {
		errs = append(errs, qun.Invalid("per", "not a grain"))
	}
	if reason := amountProblem(c.Points); reason != "" {
		errs = append(errs, qun.Invalid("points", "%s", reason))
	}
	if c.Rewards < 0 {
		errs = append(errs, qun.Invalid("rewards", "must not be negative"))
	}
	if c.Points.Sign() == 0 && c.Rewards == 0 {
		errs = append(errs, qun.Invalid("", "a cap needs points or rewards"))
	}
	return errors.Join(errs...)
}
