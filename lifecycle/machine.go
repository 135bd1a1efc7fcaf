package lifecycle

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// Guard is a named condition on a transition: a predicate over the
// caller's context value and the instant of the transition. Guards must be
// free of side effects and depend only on their arguments: the machine may
// evaluate a guard more than once, in any order, or not at all, and
// [Machine.Settle] relies on the same arguments giving the same answer.
type Guard[C any] func(ctx C, now time.Time) bool

// Definition describes a state machine as data: its states, its triggers,
// the transitions between states and the named guards they test. It is
// typed by the state type S, the trigger type T and the context type C that
// guards read; [NewMachine] checks it and compiles it into a [Machine].
//
// A Definition holds no current state: the host keeps each member's or
// community's state in its own storage and passes it in, so one Machine
// serves any number of them.
type Definition[S, T comparable, C any] struct {
	// Initial is the state a new subject starts in. Every state must be
	// reachable from it.
	Initial S
	// States lists every state, each once.
	States []StateSpec[S]
	// Triggers lists every trigger that a transition may name, each once.
	Triggers []T
	// Transitions lists the transitions. Two that leave the same state on
	// the same trigger (or two automatic ones from the same state) must
	// have different priorities, so that it is never in doubt which fires.
	Transitions []TransitionSpec[S, T]
	// Guards names the predicates that transitions test.
	Guards map[string]Guard[C]
}

// StateSpec declares a state and its entry and exit effects.
type StateSpec[S comparable] struct {
	// State is the state's value.
	State S
	// Final marks a state that the subject never leaves (a closed
	// account, a dissolved group). A state that no transition leaves must
	// be marked final, and a final state may not be left.
	Final bool
	// Entry names the effects of entering the state, returned by every
	// transition into it from another state.
	Entry []string
	// Exit names the effects of leaving the state, returned by every
	// transition out of it to another state.
	Exit []string
}

// TransitionSpec declares one transition: from a state, on a trigger or
// automatically, to a state, when all its guards pass.
type TransitionSpec[S, T comparable] struct {
	// From and To are the states the transition leaves and enters. They
	// may be equal: a self-transition, which [Transition.Self] flags.
	From, To S
	// On is the trigger that fires the transition. It is ignored, and
	// must be the zero T, when Auto is set.
	On T
	// Auto marks an automatic (eventless) transition: it fires without a
	// trigger, as soon as its guards pass, when the host calls
	// [Machine.Step] or [Machine.Settle].
	Auto bool
	// Guards names the guards that must all pass for the transition to
	// fire; none means it always may.
	Guards []string
	// Priority orders transitions that leave the same state on the same
	// trigger: the highest priority whose guards pass fires. Transitions
	// that could both fire must not share a priority.
	Priority int
	// Effects names the effects of the transition itself. A transition
	// returns, in order, the exit effects of From, these, and the entry
	// effects of To; a self-transition returns only these, unless it
	// re-enters.
	Effects []string
	// Reenter makes a self-transition leave and re-enter its state, so
	// that it returns the state's exit and entry effects too (stateless's
	// PermitReentry). It is valid only when From equals To.
	Reenter bool
}

// Machine is a compiled [Definition]: immutable, safe for concurrent use,
// and holding no per-subject state. Its methods take the current state and
// return what happens as values.
//
// The states and triggers are numbered densely when the machine is built;
// each (state, trigger) pair indexes a precomputed, priority-ordered run of
// candidate transitions, each carrying its guard functions and the guard
// and effect names it returns. Firing a trigger is two index lookups, the
// guard calls and a copy of the result: it does not allocate.
//
// The zero Machine, not made with [NewMachine], has no states: it refuses
// every state with [ErrUnknownState] and draws empty diagrams.
type Machine[S, T comparable, C any] struct {
	initial  S
	states   index[S]
	final    []bool
	triggers index[T]
	stride   int    // columns per state in table: one per trigger, then one for automatic transitions
	table    []span // len(states) × stride runs of arcs
	arcs     []arc[S, C]
	specs    []TransitionSpec[S, T] // a copy of the definition's transitions, for diagrams and replay
	stateDef []StateSpec[S]
}

// span is a run of arcs, [lo, hi), in Machine.arcs.
type span struct{ lo, hi int32 }

// arc is a compiled transition.
type arc[S comparable, C any] struct {
	to      S
	guards  []Guard[C]
	names   []string // guard names, capacity clipped so callers cannot append into shared memory
	effects []string // exit, own and entry effects, clipped likewise
	self    bool
	spec    int // index in Definition.Transitions
}

// index numbers keys densely. A linear scan finds a key among a few
// faster than hashing a generic key does; a map takes over beyond.
type index[K comparable] struct {
	keys []K
	m    map[K]int32
}

const scanLimit = 8

func newIndex[K comparable](keys []K) index[K] {
	x := index[K]{keys: slices.Clone(keys)}
	if len(keys) > scanLimit {
		x.m = make(map[K]int32, len(keys))
		for i, k := range keys {
			x.m[k] = int32(i)
		}
	}
	return x
}

// find returns the number of k, or -1.
func (x *index[K]) find(k K) int {
	if x.m == nil {
		for i := range x.keys {
			if x.keys[i] == k {
				return i
			}
		}
		return -1
	}
	if i, ok := x.m[k]; ok {
		return int(i)
	}
	return -1
}

// NewMachine checks def and compiles it. It refuses, with every problem
// joined into one error of [*qun.ValidationError] values naming the field:
// no states; a state or trigger declared twice; an initial state, or a
// transition's state or trigger, that is not declared; a guard name with no
// guard; an automatic transition with a trigger, or from a state to
// itself (it would fire forever); two transitions that can both fire (same
// state, same trigger or both automatic, same priority); a transition that
// can never fire because an unguarded one of higher priority always fires
// first; a final state with a transition out; a state that is not final and
// has no transition to another state; and a state that cannot be reached
// from the initial state.
func NewMachine[S, T comparable, C any](def Definition[S, T, C]) (*Machine[S, T, C], error) {
	m, errs := buildMachine(def)
	if len(errs) > 0 {
		return nil, fmt.Errorf("lifecycle: new machine: %w", errors.Join(errs...))
	}
	return m, nil
}

// buildMachine is NewMachine, returning each problem found.
func buildMachine[S, T comparable, C any](def Definition[S, T, C]) (*Machine[S, T, C], []error) {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, qun.Invalid(field, format, args...))
	}

	// States and triggers, numbered.
	if len(def.States) == 0 {
		fail("states", "must declare at least one state")
	}
	stateAt := make(map[S]int, len(def.States))
	states := make([]S, 0, len(def.States))
	for i, st := range def.States {
		field := "states[" + strconv.Itoa(i) + "]"
		if j, dup := stateAt[st.State]; dup {
			fail(field+".state", "%v is declared twice (first as states[%d])", st.State, j)
			continue
		}
		stateAt[st.State] = i
		states = append(states, st.State)
		checkNames(field+".entry", st.Entry, fail)
		checkNames(field+".exit", st.Exit, fail)
	}
	trigAt := make(map[T]int, len(def.Triggers))
	for i, t := range def.Triggers {
		if j, dup := trigAt[t]; dup {
			fail("triggers["+strconv.Itoa(i)+"]", "%v is declared twice (first as triggers[%d])", t, j)
			continue
		}
		trigAt[t] = i
	}
	if _, ok := stateAt[def.Initial]; !ok && len(def.States) > 0 {
		fail("initial", "%v is not a declared state", def.Initial)
	}
	for _, name := range slices.Sorted(maps.Keys(def.Guards)) {
		switch {
		case name == "":
			fail(`guards[""]`, "a guard's name must not be empty")
		case def.Guards[name] == nil:
			fail("guards["+strconv.Quote(name)+"]", "must not be nil")
		}
	}

	// Transitions, checked one by one; those that refer only to declared
	// states and triggers go on to the checks of the whole.
	var zeroT T
	usable := make([]bool, len(def.Transitions))
	for i, tr := range def.Transitions {
		field := "transitions[" + strconv.Itoa(i) + "]"
		ok := true
		if _, known := stateAt[tr.From]; !known {
			fail(field+".from", "%v is not a declared state", tr.From)
			ok = false
		}
		if _, known := stateAt[tr.To]; !known {
			fail(field+".to", "%v is not a declared state", tr.To)
			ok = false
		}
		if tr.Auto {
			if tr.On != zeroT {
				fail(field+".on", "an automatic transition takes no trigger, but names %v", tr.On)
				ok = false
			}
			if tr.From == tr.To {
				fail(field+".auto", "an automatic transition from %v to itself would fire forever", tr.From)
				ok = false
			}
		} else if _, known := trigAt[tr.On]; !known {
			fail(field+".on", "%v is not a declared trigger", tr.On)
			ok = false
		}
		if tr.Reenter && tr.From != tr.To {
			fail(field+".reenter", "only a self-transition can re-enter its state")
		}
		seen := make(map[string]bool, len(tr.Guards))
		for j, g := range tr.Guards {
			gf := field + ".guards[" + strconv.Itoa(j) + "]"
			switch {
			case def.Guards[g] == nil:
				if _, named := def.Guards[g]; !named {
					fail(gf, "no guard is named %q", g)
				}
			case seen[g]:
				fail(gf, "%q is listed twice", g)
			}
			seen[g] = true
		}
		checkNames(field+".effects", tr.Effects, fail)
		usable[i] = ok
	}

	// Group the usable transitions by (state, trigger or automatic), most
	// urgent first, and check each group for ambiguity and shadowing.
	stride := len(def.Triggers) + 1
	groups := make(map[int][]int)
	for i, tr := range def.Transitions {
		if !usable[i] {
			continue
		}
		col := len(def.Triggers)
		if !tr.Auto {
			col = trigAt[tr.On]
		}
		key := stateAt[tr.From]*stride + col
		groups[key] = append(groups[key], i)
	}
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		g := groups[key]
		slices.SortStableFunc(g, func(a, b int) int {
			return cmp.Compare(def.Transitions[b].Priority, def.Transitions[a].Priority)
		})
		for k := 1; k < len(g); k++ {
			prev, cur := def.Transitions[g[k-1]], def.Transitions[g[k]]
			field := "transitions[" + strconv.Itoa(g[k]) + "]"
			switch {
			case prev.Priority == cur.Priority:
				fail(field+".priority", "can fire together with transitions[%d] (same state %v, %s, priority %d): give them different priorities",
					g[k-1], cur.From, onText(cur), cur.Priority)
			case len(prev.Guards) == 0:
				fail(field, "never fires: transitions[%d] has no guards and a higher priority, so it always fires first", g[k-1])
			}
		}
	}

	// Final states, ways out, reachability: checked on the whole graph
	// only, since a transition left out above would make states look
	// unreachable that are not.
	out := make([][]int, len(def.States)) // targets by state declaration index
	leaves := make([]bool, len(def.States))
	for i, tr := range def.Transitions {
		if !usable[i] {
			continue
		}
		from, to := stateAt[tr.From], stateAt[tr.To]
		out[from] = append(out[from], to)
		if from != to {
			leaves[from] = true
		}
		if def.States[from].Final {
			fail("states["+strconv.Itoa(from)+"].final", "a final state has no transitions out, but transitions[%d] leaves %v", i, tr.From)
		}
	}
	reached := make([]bool, len(def.States))
	if start, ok := stateAt[def.Initial]; ok {
		queue := []int{start}
		reached[start] = true
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			for _, t := range out[s] {
				if !reached[t] {
					reached[t] = true
					queue = append(queue, t)
				}
			}
		}
	}
	whole := !slices.Contains(usable, false)
	for i, st := range def.States {
		if stateAt[st.State] != i || !whole {
			continue // a duplicate, reported above; or a partial graph
		}
		field := "states[" + strconv.Itoa(i) + "]"
		if !st.Final && !leaves[i] {
			fail(field, "%v has no way out: mark it final or add a transition to another state", st.State)
		}
		if _, ok := stateAt[def.Initial]; ok && !reached[i] {
			fail(field, "%v cannot be reached from the initial state %v", st.State, def.Initial)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}

	// Compile. States are numbered in declaration order, triggers too.
	m := &Machine[S, T, C]{
		initial:  def.Initial,
		states:   newIndex(states),
		final:    make([]bool, len(states)),
		triggers: newIndex(def.Triggers),
		stride:   stride,
		table:    make([]span, len(states)*stride),
		specs:    slices.Clone(def.Transitions),
		stateDef: slices.Clone(def.States),
	}
	for i, st := range def.States {
		m.final[i] = st.Final
	}
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		lo := int32(len(m.arcs))
		for _, i := range groups[key] {
			m.arcs = append(m.arcs, compileArc(def, i, stateAt))
		}
		m.table[key] = span{lo, int32(len(m.arcs))}
	}
	return m, nil
}

// compileArc precomputes what firing transition i returns.
func compileArc[S, T comparable, C any](def Definition[S, T, C], i int, stateAt map[S]int) arc[S, C] {
	tr := def.Transitions[i]
	a := arc[S, C]{to: tr.To, self: tr.From == tr.To, spec: i}
	for _, g := range tr.Guards {
		a.guards = append(a.guards, def.Guards[g])
	}
	a.names = slices.Clip(slices.Clone(tr.Guards))
	var effects []string
	if !a.self || tr.Reenter {
		effects = append(effects, def.States[stateAt[tr.From]].Exit...)
	}
	effects = append(effects, tr.Effects...)
	if !a.self || tr.Reenter {
		effects = append(effects, def.States[stateAt[tr.To]].Entry...)
	}
	a.effects = slices.Clip(effects)
	return a
}

// checkNames reports empty effect names.
func checkNames(field string, names []string, fail func(string, string, ...any)) {
	for j, n := range names {
		if n == "" {
			fail(field+"["+strconv.Itoa(j)+"]", "an effect's name must not be empty")
		}
	}
}

// onText describes what fires a transition, for messages.
func onText[S, T comparable](tr TransitionSpec[S, T]) string {
	if tr.Auto {
		return "automatic"
	}
	return fmt.Sprintf("trigger %v", tr.On)
}

// Initial returns the state a new subject starts in.
func (m *Machine[S, T, C]) Initial() S { return m.initial }

// States returns the states in the order they were declared.
func (m *Machine[S, T, C]) States() []S { return slices.Clone(m.states.keys) }

// Triggers returns the triggers in the order they were declared.
func (m *Machine[S, T, C]) Triggers() []T { return slices.Clone(m.triggers.keys) }

// Has reports whether s is a state of the machine.
func (m *Machine[S, T, C]) Has(s S) bool { return m.states.find(s) >= 0 }

// IsFinal reports whether s is a final state of the machine.
func (m *Machine[S, T, C]) IsFinal(s S) bool {
	i := m.states.find(s)
	return i >= 0 && m.final[i]
}
