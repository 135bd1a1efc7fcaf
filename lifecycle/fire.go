package lifecycle

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qunkit/qun"
)

// Transition is what firing a trigger did: a decision, returned as a value
// for the host to persist and act on. Nothing is called back.
type Transition[S, T comparable] struct {
	// From and To are the states left and entered.
	From, To S
	// Trigger is the trigger that fired it; the zero T for an automatic
	// transition.
	Trigger T
	// Auto reports an automatic transition, from [Machine.Step] or
	// [Machine.Settle].
	Auto bool
	// Self reports a self-transition: To equals From. It is a result,
	// not an error: the trigger was accepted and its effects are due.
	Self bool
	// At is the instant the transition happened: the now it was fired at.
	At time.Time
	// Effects names the effects due, in order: the exit effects of From,
	// the transition's own, and the entry effects of To (a self-transition
	// has only its own, unless it re-enters).
	//
	// Effects and Guards are shared by every transition along the same
	// path, so that returning them allocates nothing: read them, do not
	// modify their elements. Appending to them is safe: it copies.
	Effects []string
	// Guards names the guards that passed, in the order they were listed.
	Guards []string
}

// Record returns the part of t that a host stores in a history, for
// [Machine.Replay].
func (t Transition[S, T]) Record() Record[S, T] {
	return Record[S, T]{From: t.From, To: t.To, Trigger: t.Trigger, Auto: t.Auto, At: t.At}
}

// The conditions a caller branches on. Errors from a Machine wrap one of
// them; ErrUnknownState and ErrUnknownTrigger also match [qun.ErrInvalid],
// since they refuse data the machine was never told about.
var (
	// ErrUnknownState: the state passed in is not one of the machine's.
	ErrUnknownState = errors.New("lifecycle: unknown state")
	// ErrUnknownTrigger: the trigger passed in is not one of the machine's.
	ErrUnknownTrigger = errors.New("lifecycle: unknown trigger")
	// ErrNotPermitted: the state has no transition on the trigger (a
	// final state has none at all).
	ErrNotPermitted = errors.New("lifecycle: trigger not permitted")
	// ErrGuardFailed: the state has transitions on the trigger, but a
	// guard of each failed; the error is a [*GuardError].
	ErrGuardFailed = errors.New("lifecycle: guard failed")
	// ErrCycle: automatic transitions went round in a cycle; the error is
	// a [*CycleError].
	ErrCycle = errors.New("lifecycle: automatic transitions cycle")
)

// refused is an error for data the machine does not know: it matches its
// kind and qun.ErrInvalid.
type refused struct {
	msg  string
	kind error
}

// Error returns the message.
func (e *refused) Error() string { return e.msg }

// Unwrap returns the kind of refusal and qun.ErrInvalid.
func (e *refused) Unwrap() []error { return []error{e.kind, qun.ErrInvalid} }

// GuardError reports a trigger that the state accepts but whose every
// candidate transition had a guard fail: which guards, for each.
type GuardError[S, T comparable] struct {
	// From is the state the trigger was fired in.
	From S
	// Trigger is the trigger fired.
	Trigger T
	// Blocked lists the candidate transitions, highest priority first,
	// each with the guards that failed.
	Blocked []Blocked[S]
}

// Blocked is a transition that did not fire and the guards that stopped it.
type Blocked[S comparable] struct {
	// To is the state the transition would have entered.
	To S
	// Failed names the guards that failed, in the order listed.
	Failed []string
}

// Error reads like `lifecycle: silent on "recall": to active: guard "opted_in" failed`.
func (e *GuardError[S, T]) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "lifecycle: %v on %v:", e.From, e.Trigger)
	for i, bl := range e.Blocked {
		if i > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " to %v: guard", bl.To)
		if len(bl.Failed) > 1 {
			b.WriteString("s")
		}
		for j, g := range bl.Failed {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %q", g)
		}
		b.WriteString(" failed")
	}
	return b.String()
}

// Is reports whether target is [ErrGuardFailed].
func (e *GuardError[S, T]) Is(target error) bool { return target == ErrGuardFailed }

// CycleError reports automatic transitions that returned to a state they
// had left, so that [Machine.Settle] would never reach a fixed point.
type CycleError[S comparable] struct {
	// Path lists the states visited, from the start; its last state
	// occurred before in it.
	Path []S
}

// Error lists the path.
func (e *CycleError[S]) Error() string {
	var b strings.Builder
	b.WriteString("lifecycle: automatic transitions cycle:")
	for i, s := range e.Path {
		if i > 0 {
			b.WriteString(" →")
		}
		fmt.Fprintf(&b, " %v", s)
	}
	return b.String()
}

// Is reports whether target is [ErrCycle].
func (e *CycleError[S]) Is(target error) bool { return target == ErrCycle }

// Fire fires trigger in state: of the state's transitions on the trigger,
// the one of highest priority whose guards all pass, called with ctx and
// now. It returns the transition, or an error: [ErrUnknownState],
// [ErrUnknownTrigger], [ErrNotPermitted], or a [*GuardError] that names the
// guards that failed. A self-transition is a result ([Transition.Self]),
// not an error. Fire does not follow automatic transitions; call
// [Machine.Settle] after it for that.
//
// Fire does not allocate, except to build an error. A zero Machine, not
// made with [NewMachine], refuses every state with ErrUnknownState.
func (m *Machine[S, T, C]) Fire(state S, trigger T, ctx C, now time.Time) (Transition[S, T], error) {
	si, ti := m.states.find(state), m.triggers.find(trigger)
	if si >= 0 && ti >= 0 {
		sp := m.table[si*m.stride+ti]
		for i := range m.arcs[sp.lo:sp.hi] {
			a := &m.arcs[int(sp.lo)+i]
			if a.pass(ctx, now) {
				return Transition[S, T]{From: state, To: a.to, Trigger: trigger, Self: a.self, At: now, Effects: a.effects, Guards: a.names}, nil
			}
		}
	}
	return Transition[S, T]{}, m.fireError(state, trigger, si, ti, ctx, now)
}

// fireError explains why Fire fired nothing. It is kept out of Fire so that
// Fire stays small.
//
//go:noinline
func (m *Machine[S, T, C]) fireError(state S, trigger T, si, ti int, ctx C, now time.Time) error {
	switch {
	case si < 0:
		return m.unknownState(state)
	case ti < 0:
		return &refused{fmt.Sprintf("lifecycle: %v is not a trigger of this machine", trigger), ErrUnknownTrigger}
	}
	sp := m.table[si*m.stride+ti]
	if sp.lo == sp.hi {
		return fmt.Errorf("lifecycle: %v does not accept %v: %w", state, trigger, ErrNotPermitted)
	}
	return m.guardError(state, trigger, sp, ctx, now)
}

// Permits reports whether Fire would succeed: whether state has a
// transition on trigger whose guards pass.
func (m *Machine[S, T, C]) Permits(state S, trigger T, ctx C, now time.Time) bool {
	si, ti := m.states.find(state), m.triggers.find(trigger)
	if si < 0 || ti < 0 {
		return false
	}
	sp := m.table[si*m.stride+ti]
	for i := sp.lo; i < sp.hi; i++ {
		if m.arcs[i].pass(ctx, now) {
			return true
		}
	}
	return false
}

// Step takes at most one automatic transition from state: the one of
// highest priority whose guards pass. It reports false, and no error, when
// none does. Like Fire, it does not allocate, and a zero Machine refuses
// every state with [ErrUnknownState].
func (m *Machine[S, T, C]) Step(state S, ctx C, now time.Time) (Transition[S, T], bool, error) {
	si := m.states.find(state)
	if si < 0 {
		return Transition[S, T]{}, false, m.unknownState(state)
	}
	sp := m.table[si*m.stride+m.stride-1]
	for i := sp.lo; i < sp.hi; i++ {
		a := &m.arcs[i]
		if a.pass(ctx, now) {
			return Transition[S, T]{From: state, To: a.to, Auto: true, At: now, Effects: a.effects, Guards: a.names}, true, nil
		}
	}
	return Transition[S, T]{}, false, nil
}

// Settle follows automatic transitions from state until none fires, and
// returns the transitions taken, in order (none, and a nil slice, when state
// is already a fixed point). The state it settles in is the To of the last.
//
// Guards are pure, so from the same state with the same ctx and now the
// same automatic transition fires every time: a path that visits a state
// twice would go round forever. Settle therefore stops once it has taken as
// many transitions as the machine has states, since by then a state must
// have repeated, and returns a [*CycleError] with the path instead of
// hanging; it returns no transitions then.
//
// A zero Machine, not made with [NewMachine], has no states: like Fire and
// Step, Settle refuses every state with an error that says so, matching
// [ErrUnknownState] and [qun.ErrInvalid].
func (m *Machine[S, T, C]) Settle(state S, ctx C, now time.Time) ([]Transition[S, T], error) {
	if len(m.states.keys) == 0 {
		return nil, m.unknownState(state)
	}
	var taken []Transition[S, T]
	cur := state
	for len(taken) < len(m.states.keys) {
		tr, ok, err := m.Step(cur, ctx, now)
		if err != nil {
			return nil, err
		}
		if !ok {
			return taken, nil
		}
		taken = append(taken, tr)
		cur = tr.To
	}
	path := []S{state}
	for _, tr := range taken {
		path = append(path, tr.To)
	}
	// Trim the path to end at the first repeat, which is the cycle.
	seen := make(map[S]bool, len(path))
	for i, s := range path {
		if seen[s] {
			path = path[:i+1]
			break
		}
		seen[s] = true
	}
	return nil, &CycleError[S]{Path: path}
}

// pass reports whether every guard of a passes.
func (a *arc[S, C]) pass(ctx C, now time.Time) bool {
	for _, g := range a.guards {
		if !g(ctx, now) {
			return false
		}
	}
	return true
}

// unknownState builds the error for a state the machine does not have;
// the zero Machine has none at all.
//
//go:noinline
func (m *Machine[S, T, C]) unknownState(state S) error {
	if len(m.states.keys) == 0 {
		return &refused{"lifecycle: the Machine was not made with NewMachine: it has no states", ErrUnknownState}
	}
	return &refused{fmt.Sprintf("lifecycle: %v is not a state of this machine", state), ErrUnknownState}
}

// guardError evaluates every guard of every candidate in sp, to report all
// that failed. It runs only when nothing fired.
func (m *Machine[S, T, C]) guardError(state S, trigger T, sp span, ctx C, now time.Time) error {
	e := &GuardError[S, T]{From: state, Trigger: trigger}
	for i := sp.lo; i < sp.hi; i++ {
		a := &m.arcs[i]
		b := Blocked[S]{To: a.to}
		for j, g := range a.guards {
			if !g(ctx, now) {
				b.Failed = append(b.Failed, a.names[j])
			}
		}
		e.Blocked = append(e.Blocked, b)
	}
	return e
}
