package lifecycle

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
)

// StageDetector reads a community's stage from a series of metric
// snapshots, with hysteresis, as a compiled [StageModel] prescribes. It
// keeps no state of its own: the host stores each community's
// [StageState] and passes it to [StageDetector.Observe] with the next
// snapshot. It is safe for concurrent use.
//
// Underneath it is a [Machine] over [qun.Stage] whose transitions are all
// automatic, each guarded by two conditions on the StageState: the current
// stage's keep criteria have failed for LeaveAfter snapshots, and the next
// stage's entry criteria have held for EnterAfter. [StageDetector.Mermaid]
// draws it. Make one with [NewStageDetector]; the zero StageDetector
// refuses every snapshot.
type StageDetector struct {
	model   StageModel
	rules   [qun.Declining + 1]*stageRule
	machine *Machine[qun.Stage, stageTrigger, *StageState]
}

// stageRule is a compiled StageRule.
type stageRule struct {
	StageRule
	entry, keep criteria
}

// stageTrigger is the stage machine's trigger type. It has no values: every
// stage change is automatic, on a snapshot.
type stageTrigger struct{}

// NewStageDetector validates model and compiles it.
func NewStageDetector(model StageModel) (*StageDetector, error) { return compileStages(model) }

func compileStages(m StageModel) (*StageDetector, error) {
	if err := m.validateRules(); err != nil {
		return nil, fmt.Errorf("lifecycle: stage model: %w", err)
	}
	d := &StageDetector{model: m}
	def := Definition[qun.Stage, stageTrigger, *StageState]{
		Initial: m.Start,
		Guards:  map[string]Guard[*StageState]{},
	}
	for _, r := range m.Stages {
		d.rules[r.Stage] = &stageRule{StageRule: r, entry: compileCriteria(r.Entry), keep: compileCriteria(r.Keep)}
		def.States = append(def.States, StateSpec[qun.Stage]{
			State: r.Stage,
			Final: len(r.Next) == 0,
			Entry: []string{"start the " + r.Stage.String() + " playbook", "review " + r.Playbook.Review.String()},
			Exit:  []string{"close the " + r.Stage.String() + " playbook"},
		})
		s := r.Stage
		def.Guards[leaveGuard(s, m.LeaveAfter)] = func(st *StageState, _ time.Time) bool { return st.KeepFailed.Of(s) >= m.LeaveAfter }
		def.Guards[enterGuard(s, m.EnterAfter)] = func(st *StageState, _ time.Time) bool { return st.EntryHeld.Of(s) >= m.EnterAfter }
	}
	for _, r := range m.Stages {
		for j, n := range r.Next {
			def.Transitions = append(def.Transitions, TransitionSpec[qun.Stage, stageTrigger]{
				From: r.Stage, To: n, Auto: true, Priority: len(r.Next) - j,
				Guards: []string{leaveGuard(r.Stage, m.LeaveAfter), enterGuard(n, m.EnterAfter)},
			})
		}
	}
	machine, errs := buildMachine(def)
	if len(errs) > 0 {
		// The rules are valid, so the graph is what is wrong: name the
		// stage in the model's terms ("stages[i]", not "states[i]").
		for i, err := range errs {
			var ve *qun.ValidationError
			if errors.As(err, &ve) && strings.HasPrefix(ve.Field, "states[") {
				errs[i] = qun.Invalid("stages"+strings.TrimPrefix(ve.Field, "states"), "%s", ve.Reason)
			}
		}
		return nil, fmt.Errorf("lifecycle: stage model: %w", errors.Join(errs...))
	}
	d.machine = machine
	return d, nil
}

func leaveGuard(s qun.Stage, k int) string {
	return s.String() + " keep failed ×" + strconv.Itoa(k)
}

func enterGuard(s qun.Stage, k int) string {
	return s.String() + " entry held ×" + strconv.Itoa(k)
}

// Model returns the model the detector was compiled from.
func (d *StageDetector) Model() StageModel { return d.model }

// Playbook returns the playbook of stage s, and whether the model has the
// stage.
func (d *StageDetector) Playbook(s qun.Stage) (Playbook, bool) {
	if !s.IsValid() || d.rules[s] == nil {
		return Playbook{}, false
	}
	return d.rules[s].Playbook, true
}

// Mermaid returns the stage machine as a Mermaid state diagram; see
// [Machine.Mermaid]. A zero StageDetector draws an empty diagram.
func (d *StageDetector) Mermaid() string { return d.stageMachine().Mermaid() }

// DOT returns the stage machine as a Graphviz digraph; see [Machine.DOT].
// A zero StageDetector draws an empty digraph.
func (d *StageDetector) DOT() string { return d.stageMachine().DOT() }

// stageMachine returns d's machine, or, for a zero StageDetector, the zero
// Machine, which has no states.
func (d *StageDetector) stageMachine() *Machine[qun.Stage, stageTrigger, *StageState] {
	if d.machine == nil {
		return new(Machine[qun.Stage, stageTrigger, *StageState])
	}
	return d.machine
}

// errNotMade refuses to observe with a zero StageDetector.
var errNotMade = qun.Invalid("", "the StageDetector was not made with NewStageDetector")

// StageState is what a host stores for each community between snapshots:
// its stage, since when, the last snapshot seen, and the runs that
// hysteresis counts. The zero StageState is a community not yet observed;
// its first snapshot puts it in the model's start stage. Its JSON form is
//
//	{"stage":"growth","since":"2026-03-01T00:00:00Z","last":"2026-05-01T00:00:00Z",
//	 "entry_held":{"building":0,"growth":9,"mature":0,"declining":0},
//	 "keep_failed":{"building":9,"growth":0,"mature":0,"declining":0}}
type StageState struct {
	// Stage is the current stage; zero before the first snapshot.
	Stage qun.Stage `json:"stage,omitzero"`
	// Since is the instant of the snapshot at which the community entered
	// Stage (or of its first snapshot).
	Since time.Time `json:"since,omitzero"`
	// Last is the instant of the last snapshot observed.
	Last time.Time `json:"last,omitzero"`
	// EntryHeld counts, for each stage, the consecutive snapshots up to
	// Last at which its entry criteria held.
	EntryHeld StageRuns `json:"entry_held"`
	// KeepFailed counts, for each stage, the consecutive snapshots up to
	// Last at which its keep criteria failed.
	KeepFailed StageRuns `json:"keep_failed"`
}

// StageRuns holds a run length for each stage. Runs stop counting at
// math.MaxInt32, long past any hysteresis.
type StageRuns [4]int

// Of returns the run of stage s; 0 for an invalid stage.
func (r StageRuns) Of(s qun.Stage) int {
	if !s.IsValid() {
		return 0
	}
	return r[s-1]
}

// step extends or resets the run of s.
func (r *StageRuns) step(s qun.Stage, held bool) {
	switch {
	case !held:
		r[s-1] = 0
	case r[s-1] < math.MaxInt32:
		r[s-1]++
	}
}

// MarshalJSON writes the runs as an object keyed by stage name.
func (r StageRuns) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"building":%d,"growth":%d,"mature":%d,"declining":%d}`, r[0], r[1], r[2], r[3]), nil
}

// UnmarshalJSON reads an object keyed by stage name, strictly: every key
// must be a stage, every value a count from 0. Stages left out count 0.
func (r *StageRuns) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return qun.Invalid("", "runs must be an object keyed by stage name")
	}
	var v StageRuns
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		num := raw[name]
		s, err := qun.ParseStage(name)
		if err != nil {
			return qun.Invalid(name, "not a stage")
		}
		var n int
		if err := json.Unmarshal(num, &n); err != nil || n < 0 || n > math.MaxInt32 {
			return qun.Invalid(name, "must be a count from 0")
		}
		v[s-1] = n
	}
	*r = v
	return nil
}

// UnmarshalJSON reads a StageState strictly: unknown fields are refused.
func (st *StageState) UnmarshalJSON(data []byte) error {
	type plain StageState
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	*st = StageState(v)
	return nil
}

// Observation is what one snapshot did to a community's stage.
type Observation struct {
	// State is the community's state after the snapshot: store it.
	State StageState
	// Change is the stage change the snapshot caused, or nil.
	Change *StageChange
	// Duplicate reports a snapshot at the instant of the last one
	// observed: a replay, ignored. State is the state passed in.
	Duplicate bool
}

// StageChange is a community's move from one stage to another, with the
// reasons: the next stage's entry criteria as the snapshot showed them (all
// held, and had for EntryHeld snapshots), and the current stage's keep
// criteria (at least one failed, and had for KeepFailed snapshots).
type StageChange struct {
	// At is the instant of the snapshot that made the change.
	At time.Time `json:"at"`
	// From and To are the stages left and entered.
	From qun.Stage `json:"from"`
	To   qun.Stage `json:"to"`
	// Entry is each of To's entry thresholds, with the value observed.
	Entry []Check `json:"entry"`
	// EntryHeld is how many consecutive snapshots To's entry criteria
	// had held for.
	EntryHeld int `json:"entry_held"`
	// Keep is each of From's keep thresholds, with the value observed.
	Keep []Check `json:"keep"`
	// KeepFailed is how many consecutive snapshots From's keep criteria
	// had failed for.
	KeepFailed int `json:"keep_failed"`
	// Effects names what to do, from the stage machine: close the old
	// stage's playbook, start the new one's, change the review cadence.
	Effects []string `json:"effects"`
	// Playbook is the new stage's playbook.
	Playbook Playbook `json:"playbook"`
}

// Reason explains the change in a sentence, naming every entry threshold
// of the new stage and the keep thresholds of the old that failed.
func (c StageChange) Reason() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v entry criteria held for %d snapshots (", c.To, c.EntryHeld)
	for i, ch := range c.Entry {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ch.String())
	}
	if len(c.Entry) == 0 {
		b.WriteString("none set")
	}
	fmt.Fprintf(&b, "); %v keep criteria failed for %d snapshots (", c.From, c.KeepFailed)
	n := 0
	for _, ch := range c.Keep {
		if !ch.Held {
			if n > 0 {
				b.WriteString(", ")
			}
			b.WriteString(ch.String())
			n++
		}
	}
	b.WriteString(")")
	return b.String()
}

// Observe reads one snapshot into a community's state. It updates the runs
// of every stage, then moves the community to the first stage in its
// current stage's Next list for which the hysteresis conditions hold (see
// [StageModel]); at most one move per snapshot.
//
// Snapshots must come in time order. One at the instant of the last is a
// replay, reported as [Observation.Duplicate]; one before it is refused, as
// are an invalid snapshot and a state that is not the model's, and every
// snapshot by a zero StageDetector, not made with [NewStageDetector].
// Refusals match [qun.ErrInvalid].
func (d *StageDetector) Observe(st StageState, snap Snapshot) (Observation, error) {
	obs, err := d.observe(st, snap, "snapshot")
	if err != nil {
		return obs, fmt.Errorf("lifecycle: observe: %w", err)
	}
	return obs, nil
}

// observe is Observe, naming the snapshot's fields under snapField.
func (d *StageDetector) observe(st StageState, snap Snapshot, snapField string) (Observation, error) {
	if d.machine == nil {
		return Observation{State: st}, errNotMade
	}
	if err := snap.Validate(); err != nil {
		return Observation{State: st}, qun.Within(snapField, err)
	}
	if err := d.checkState(st); err != nil {
		return Observation{State: st}, qun.Within("state", err)
	}
	if !st.Last.IsZero() {
		switch {
		case snap.At.Equal(st.Last):
			return Observation{State: st, Duplicate: true}, nil
		case snap.At.Before(st.Last):
			return Observation{State: st}, qun.Invalid(snapField+".at",
				"%s is before the last snapshot observed, %s", snap.At.Format(time.RFC3339), st.Last.Format(time.RFC3339))
		}
	}
	next := st
	if next.Stage == 0 {
		next = StageState{Stage: d.model.Start}
	}
	if next.Since.IsZero() {
		next.Since = snap.At
	}
	next.Last = snap.At
	for _, r := range d.rules {
		if r != nil {
			next.EntryHeld.step(r.Stage, r.entry.holds(&snap))
			next.KeepFailed.step(r.Stage, !r.keep.holds(&snap))
		}
	}
	tr, moved, err := d.machine.Step(next.Stage, &next, snap.At)
	if err != nil || !moved {
		return Observation{State: next}, err
	}
	from, to := d.rules[tr.From], d.rules[tr.To]
	change := &StageChange{
		At: snap.At, From: tr.From, To: tr.To,
		Entry: to.entry.checks(&snap), EntryHeld: next.EntryHeld.Of(tr.To),
		Keep: from.keep.checks(&snap), KeepFailed: next.KeepFailed.Of(tr.From),
		Effects:  append([]string(nil), tr.Effects...),
		Playbook: to.Playbook,
	}
	next.Stage, next.Since = tr.To, snap.At
	return Observation{State: next, Change: change}, nil
}

// checkState refuses a state that this model could not have produced.
func (d *StageDetector) checkState(st StageState) error {
	var errs []error
	switch {
	case st.Stage == 0 && st != StageState{}:
		errs = append(errs, qun.Invalid("stage", "is missing, but the state has been observed before"))
	case st.Stage != 0 && (!st.Stage.IsValid() || d.rules[st.Stage] == nil):
		errs = append(errs, qun.Invalid("stage", "%v is not a stage of this model", st.Stage))
	}
	for i := range st.EntryHeld {
		if st.EntryHeld[i] < 0 {
			errs = append(errs, qun.Invalid("entry_held."+qun.Stage(i+1).String(), "must not be negative"))
		}
		if st.KeepFailed[i] < 0 {
			errs = append(errs, qun.Invalid("keep_failed."+qun.Stage(i+1).String(), "must not be negative"))
		}
	}
	return errors.Join(errs...)
}

// Timeline observes snapshots in order, from the state st (the zero
// StageState for a community seen for the first time), and returns every
// stage change with its reasons and the state after the last snapshot.
// Duplicates are skipped. An error names the snapshot, as
// "snapshots[7].at". A zero StageDetector refuses even no snapshots, as
// Observe refuses each.
func (d *StageDetector) Timeline(st StageState, snapshots []Snapshot) ([]StageChange, StageState, error) {
	if d.machine == nil {
		return nil, st, fmt.Errorf("lifecycle: timeline: %w", errNotMade)
	}
	var changes []StageChange
	for i, snap := range snapshots {
		obs, err := d.observe(st, snap, "snapshots["+strconv.Itoa(i)+"]")
		if err != nil {
			return changes, st, fmt.Errorf("lifecycle: timeline: %w", err)
		}
		if obs.Change != nil {
			changes = append(changes, *obs.Change)
		}
		st = obs.State
	}
	return changes, st, nil
}
