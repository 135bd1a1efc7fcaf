package lifecycle

import (
	"fmt"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// Record is one transition as a host stores it in a history: the states,
// what fired it, and when. [Transition.Record] makes one.
type Record[S, T comparable] struct {
	// From and To are the states left and entered.
	From S `json:"from"`
	To   S `json:"to"`
	// Trigger is the trigger that fired the transition; zero when Auto.
	Trigger T `json:"trigger,omitzero"`
	// Auto records an automatic transition.
	Auto bool `json:"auto,omitempty"`
	// At is when the transition happened.
	At time.Time `json:"at"`
}

// Replay checks a recorded history against the machine's definition and
// returns the state it ends in. A history is valid when it starts from
// start, each record leaves the state the one before entered, time never
// goes backwards, and each record is a transition of the definition: from
// its From, on its Trigger (or automatic), to its To. An empty history ends
// where it starts.
//
// Guards read a context that a history does not hold, so Replay checks the
// path, not the guards; it is how a host verifies that stored states were
// reached legitimately, after a migration or before trusting an import.
// The first problem found is returned as a [*qun.ValidationError] naming
// the record, as "[3].to". A zero Machine, not made with [NewMachine],
// refuses every history.
func (m *Machine[S, T, C]) Replay(start S, history []Record[S, T]) (S, error) {
	if len(m.states.keys) == 0 {
		return start, fmt.Errorf("lifecycle: replay: %w", qun.Invalid("", "the Machine was not made with NewMachine: it has no states"))
	}
	if m.states.find(start) < 0 {
		return start, fmt.Errorf("lifecycle: replay: %w", qun.Invalid("", "the start %v is not a state of this machine", start))
	}
	cur := start
	var last time.Time
	for i, r := range history {
		field := "[" + strconv.Itoa(i) + "]"
		var problem error
		switch {
		case r.From != cur:
			problem = qun.Invalid(field+".from", "is %v, but the history was in %v", r.From, cur)
		case i > 0 && r.At.Before(last):
			problem = qun.Invalid(field+".at", "%v is before the record it follows (%v)", r.At.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
		case !m.defines(r):
			how := fmt.Sprintf("on %v", r.Trigger)
			if r.Auto {
				how = "automatically"
			}
			problem = qun.Invalid(field+".to", "the definition has no transition from %v %s to %v", r.From, how, r.To)
		}
		if problem != nil {
			return cur, fmt.Errorf("lifecycle: replay: %w", problem)
		}
		cur, last = r.To, r.At
	}
	return cur, nil
}

// defines reports whether the definition has a transition that r records.
func (m *Machine[S, T, C]) defines(r Record[S, T]) bool {
	si := m.states.find(r.From)
	if si < 0 {
		return false
	}
	col := m.stride - 1
	if !r.Auto {
		if col = m.triggers.find(r.Trigger); col < 0 {
			return false
		}
	}
	sp := m.table[si*m.stride+col]
	for i := sp.lo; i < sp.hi; i++ {
		if m.arcs[i].to == r.To {
			return true
		}
	}
	return false
}
