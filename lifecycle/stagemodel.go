package lifecycle

import (
	"errors"
	"strconv"

	"github.com/qunkit/qun"
)

// StageModel says how to read a community's stage from its metrics: the
// criteria of each stage, the stages that may follow it, the hysteresis,
// and each stage's playbook. It is data: it round-trips through JSON and
// [StageModel.Validate] names each problem. [DefaultStageModel] returns
// the defaults documented in the package overview.
//
// # Hysteresis
//
// Each stage has two sets of thresholds. Entry says what a community looks
// like when it belongs in the stage; Keep says what it must still look like
// to stay. A community in stage C moves to a stage N listed in C's Next when
//
//   - N's entry criteria have held for EnterAfter consecutive snapshots, and
//   - C's keep criteria have failed for LeaveAfter consecutive snapshots.
//
// Keep must be looser than Entry, in this exact sense: every snapshot that
// meets a stage's entry criteria also meets its keep criteria. Since both
// are conjunctions of bounds on single metrics, that holds exactly when,
// metric by metric, the range of values Keep admits contains the range
// Entry admits: Keep bounds no metric that Entry leaves free, and each of
// its bounds is the same as Entry's or wider. Validate checks it. The gap
// between the two is the dead band that, with the run lengths, stops noisy
// metrics from making the stage flap; and since a community that has just
// entered a stage meets its keep criteria, it never moves twice on one
// snapshot.
type StageModel struct {
	// Start is the stage of a community seen for the first time.
	Start qun.Stage `json:"start"`
	// EnterAfter is how many consecutive snapshots a stage's entry
	// criteria must hold for before the community may enter it.
	EnterAfter int `json:"enter_after"`
	// LeaveAfter is how many consecutive snapshots the current stage's
	// keep criteria must fail for before the community may leave it.
	LeaveAfter int `json:"leave_after"`
	// Stages holds each stage's rule, each stage at most once. A stage
	// left out is never entered.
	Stages []StageRule `json:"stages"`
}

// StageRule is one stage's criteria, successors and playbook.
type StageRule struct {
	// Stage is the stage the rule is for.
	Stage qun.Stage `json:"stage"`
	// Entry lists the thresholds that must all hold for the community to
	// enter the stage. An empty list always holds.
	Entry []Threshold `json:"entry"`
	// Keep lists the thresholds that must all hold for the community to
	// stay: looser than Entry (see [StageModel]).
	Keep []Threshold `json:"keep"`
	// Next lists the stages the community may move to from this one,
	// most urgent first: when the entry criteria of two have held long
	// enough, the first listed wins. A stage with none is final.
	Next []qun.Stage `json:"next,omitempty"`
	// Playbook is what operators do in the stage.
	Playbook Playbook `json:"playbook"`
}

// Validate reports every problem with m, joined, each naming its field:
// the start stage must be one of the model's stages; the run lengths at
// least 1; each stage listed once, with valid thresholds, entry criteria
// that can hold, keep criteria looser than its entry criteria (field
// "stages[i].keep", naming the metric whose range is narrower), successors
// that are other stages of the model, and a valid playbook; and every stage
// reachable from the start.
func (m StageModel) Validate() error {
	_, err := compileStages(m)
	return err
}

// UnmarshalJSON reads m strictly: unknown fields are refused, and the
// errors match [qun.ErrInvalid]. It does not validate; call Validate or
// [NewStageDetector].
func (m *StageModel) UnmarshalJSON(data []byte) error {
	type plain StageModel
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	*m = StageModel(v)
	return nil
}

// validateRules checks everything but the transition graph, which the
// machine's own validation covers.
func (m StageModel) validateRules() error {
	var errs []error
	if !m.Start.IsValid() {
		errs = append(errs, qun.Invalid("start", "want building, growth, mature or declining"))
	}
	if m.EnterAfter < 1 {
		errs = append(errs, qun.Invalid("enter_after", "must be at least 1"))
	}
	if m.LeaveAfter < 1 {
		errs = append(errs, qun.Invalid("leave_after", "must be at least 1"))
	}
	if len(m.Stages) == 0 {
		errs = append(errs, qun.Invalid("stages", "must hold at least one stage"))
	}
	var listed [qun.Declining + 1]bool
	for _, r := range m.Stages {
		if r.Stage.IsValid() {
			listed[r.Stage] = true
		}
	}
	var seen [qun.Declining + 1]bool
	startListed := false
	for i, r := range m.Stages {
		field := "stages[" + strconv.Itoa(i) + "]"
		switch {
		case !r.Stage.IsValid():
			errs = append(errs, qun.Invalid(field+".stage", "want building, growth, mature or declining"))
		case seen[r.Stage]:
			errs = append(errs, qun.Invalid(field+".stage", "%v is listed twice", r.Stage))
		default:
			seen[r.Stage] = true
			startListed = startListed || r.Stage == m.Start
		}
		errs = append(errs, qun.Within(field, r.validate(listed)))
	}
	if m.Start.IsValid() && len(m.Stages) > 0 && !startListed {
		errs = append(errs, qun.Invalid("start", "%v has no rule in stages", m.Start))
	}
	return errors.Join(errs...)
}

// validate checks one rule; listed says which stages the model has.
func (r StageRule) validate(listed [qun.Declining + 1]bool) error {
	var errs []error
	for i, t := range r.Entry {
		errs = append(errs, qun.Within("entry["+strconv.Itoa(i)+"]", t.Validate()))
	}
	for i, t := range r.Keep {
		errs = append(errs, qun.Within("keep["+strconv.Itoa(i)+"]", t.Validate()))
	}
	if err := errors.Join(errs...); err != nil {
		return err // the bounds below would compare nonsense
	}
	entry, keep := compileCriteria(r.Entry), compileCriteria(r.Keep)
	for m := MetricMembers; int(m) <= numMetrics; m++ {
		e, k := entry.bounds[m], keep.bounds[m]
		switch {
		case e.empty():
			errs = append(errs, qun.Invalid("entry", "can never hold: no value of %v lies in %v", m, e))
		case !k.contains(e):
			if !entry.used[m] {
				errs = append(errs, qun.Invalid("keep", "must be looser than entry, but bounds %v, which entry leaves free", m))
			} else {
				errs = append(errs, qun.Invalid("keep", "must be looser than entry, but admits %v in %v, narrower than entry's %v", m, k, e))
			}
		}
	}
	var next [qun.Declining + 1]bool
	for i, n := range r.Next {
		field := "next[" + strconv.Itoa(i) + "]"
		switch {
		case !n.IsValid():
			errs = append(errs, qun.Invalid(field, "want building, growth, mature or declining"))
		case n == r.Stage:
			errs = append(errs, qun.Invalid(field, "a stage cannot follow itself"))
		case !listed[n]:
			errs = append(errs, qun.Invalid(field, "%v has no rule in stages", n))
		case next[n]:
			errs = append(errs, qun.Invalid(field, "%v is listed twice", n))
		default:
			next[n] = true
		}
	}
	if len(r.Next) > 0 && len(r.Keep) == 0 {
		errs = append(errs, qun.Invalid("keep", "is empty, so it always holds and the stage can never be left; list thresholds or no next stages"))
	}
	errs = append(errs, qun.Within("playbook", r.Playbook.Validate()))
	return errors.Join(errs...)
}

// Rule returns the rule for stage s, and whether the model has one.
func (m StageModel) Rule(s qun.Stage) (StageRule, bool) {
	for _, r := range m.Stages {
		if r.Stage == s {
			return r, true
		}
	}
	return StageRule{}, false
}
