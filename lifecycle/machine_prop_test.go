package lifecycle_test

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun/lifecycle"
	"pgregory.net/rapid"
)

// The property tests run machines over int states and triggers whose guards
// read bits of a uint8 context: guard gj passes when bit j is set.
type (
	propDef     = lifecycle.Definition[int, int, uint8]
	propSpec    = lifecycle.TransitionSpec[int, int]
	propMachine = lifecycle.Machine[int, int, uint8]
)

const propGuards = 6

func propGuardMap() map[string]lifecycle.Guard[uint8] {
	m := map[string]lifecycle.Guard[uint8]{}
	for j := range propGuards {
		m[fmt.Sprintf("g%d", j)] = func(c uint8, _ time.Time) bool { return c&(1<<j) != 0 }
	}
	return m
}

// genDefinition draws a valid definition: n states reachable along a random
// spanning tree from state 0, extra random transitions, random guards,
// unique priorities within each (state, trigger) group with only the last
// of a group possibly unguarded, and the states with no way out marked
// final. Triggers are 1..k, so that 0, the zero trigger, marks automatic
// transitions. With up to 12 states, both the scanning and the hashing
// index are exercised.
func genDefinition(t *rapid.T) propDef {
	n := rapid.IntRange(1, 12).Draw(t, "states")
	k := rapid.IntRange(1, 4).Draw(t, "triggers")
	d := propDef{Initial: 0, Guards: propGuardMap()}
	for i := range k {
		d.Triggers = append(d.Triggers, i+1)
	}
	guards := func(label string) []string {
		var gs []string
		for j := range propGuards {
			if rapid.IntRange(0, 3).Draw(t, label) == 0 {
				gs = append(gs, fmt.Sprintf("g%d", j))
			}
		}
		return gs
	}
	add := func(from, to int, label string) {
		auto := from != to && rapid.IntRange(0, 2).Draw(t, label+"auto") == 0
		on := 0
		if !auto {
			on = rapid.IntRange(1, k).Draw(t, label+"on")
		}
		d.Transitions = append(d.Transitions, propSpec{
			From: from, To: to, On: on, Auto: auto, Guards: guards(label + "guard"),
			Effects: []string{fmt.Sprintf("e%d", len(d.Transitions))},
			Reenter: from == to && rapid.Bool().Draw(t, label+"reenter"),
		})
	}
	for i := 1; i < n; i++ {
		add(rapid.IntRange(0, i-1).Draw(t, "parent"), i, "tree")
	}
	extra := rapid.IntRange(0, 2*n).Draw(t, "extra")
	for range extra {
		add(rapid.IntRange(0, n-1).Draw(t, "from"), rapid.IntRange(0, n-1).Draw(t, "to"), "extra")
	}
	// Priorities: unique within a group; all but the lowest guarded.
	type key struct{ from, on int }
	groups := map[key][]int{}
	for i, tr := range d.Transitions {
		tr := tr
		d.Transitions[i].Priority = -i
		groups[key{tr.From, tr.On}] = append(groups[key{tr.From, tr.On}], i)
	}
	for _, g := range groups {
		for _, i := range g[:len(g)-1] {
			if len(d.Transitions[i].Guards) == 0 {
				d.Transitions[i].Guards = []string{"g0"}
			}
		}
	}
	// States with no way out become final, with their self-loops removed.
	leaves := make([]bool, n)
	for _, tr := range d.Transitions {
		if tr.From != tr.To {
			leaves[tr.From] = true
		}
	}
	d.Transitions = slices.DeleteFunc(d.Transitions, func(tr propSpec) bool { return !leaves[tr.From] })
	for i := range n {
		d.States = append(d.States, lifecycle.StateSpec[int]{
			State: i, Final: !leaves[i],
			Entry: []string{fmt.Sprintf("in%d", i)}, Exit: []string{fmt.Sprintf("out%d", i)},
		})
	}
	return d
}

// modelFire is the reference: scan every transition from state on the
// trigger (or automatic), take the highest priority whose guards pass.
func modelFire(d propDef, state, on int, auto bool, ctx uint8) (propSpec, []propSpec, bool) {
	var cands []propSpec
	for _, tr := range d.Transitions {
		if tr.From == state && tr.Auto == auto && (auto || tr.On == on) {
			cands = append(cands, tr)
		}
	}
	slices.SortStableFunc(cands, func(a, b propSpec) int { return cmp.Compare(b.Priority, a.Priority) })
	for _, tr := range cands {
		if failedGuards(tr, ctx) == nil {
			return tr, cands, true
		}
	}
	return propSpec{}, cands, false
}

func failedGuards(tr propSpec, ctx uint8) []string {
	var failed []string
	for _, g := range tr.Guards {
		var j int
		fmt.Sscanf(g, "g%d", &j)
		if ctx&(1<<j) == 0 {
			failed = append(failed, g)
		}
	}
	return failed
}

// modelEffects is what a transition returns, by the definition's rules.
func modelEffects(d propDef, tr propSpec) []string {
	var out []string
	if tr.From != tr.To || tr.Reenter {
		out = append(out, d.States[tr.From].Exit...)
	}
	out = append(out, tr.Effects...)
	if tr.From != tr.To || tr.Reenter {
		out = append(out, d.States[tr.To].Entry...)
	}
	return out
}

func TestPropGeneratedDefinitionsBuild(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		if _, err := lifecycle.NewMachine(genDefinition(t)); err != nil {
			t.Fatalf("a valid definition was refused: %v", err)
		}
	})
}

// A machine compared step by step with the reference model: every Fire,
// Step and Settle agrees with it, and the subject never reaches a state
// outside the definition.
func TestPropMachineMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDefinition(t)
		m, err := lifecycle.NewMachine(d)
		if err != nil {
			t.Fatal(err)
		}
		state := d.Initial
		var history []lifecycle.Record[int, int]
		now := t0
		t.Repeat(map[string]func(*rapid.T){
			"fire": func(t *rapid.T) {
				on := rapid.IntRange(0, len(d.Triggers)+1).Draw(t, "on")
				ctx := rapid.Uint8().Draw(t, "ctx")
				now = now.Add(time.Minute)
				got, err := m.Fire(state, on, ctx, now)
				if on < 1 || on > len(d.Triggers) {
					if !errors.Is(err, lifecycle.ErrUnknownTrigger) {
						t.Fatalf("Fire(%d, %d) = %v; want ErrUnknownTrigger", state, on, err)
					}
					return
				}
				want, cands, ok := modelFire(d, state, on, false, ctx)
				switch {
				case ok:
					if err != nil {
						t.Fatalf("Fire(%d, %d, %b) = %v; want to %d", state, on, ctx, err, want.To)
					}
					wantTr := lifecycle.Transition[int, int]{From: state, To: want.To, Trigger: on, Self: want.From == want.To,
						At: now, Effects: modelEffects(d, want), Guards: want.Guards}
					if diff := gocmp.Diff(wantTr, got); diff != "" {
						t.Fatalf("Fire(%d, %d, %b) (-want +got):\n%s", state, on, ctx, diff)
					}
				case len(cands) == 0:
					if !errors.Is(err, lifecycle.ErrNotPermitted) {
						t.Fatalf("Fire(%d, %d) = %v; want ErrNotPermitted", state, on, err)
					}
					return
				default:
					var ge *lifecycle.GuardError[int, int]
					if !errors.As(err, &ge) {
						t.Fatalf("Fire(%d, %d, %b) = %v; want a *GuardError", state, on, ctx, err)
					}
					var wantBlocked []lifecycle.Blocked[int]
					for _, c := range cands {
						wantBlocked = append(wantBlocked, lifecycle.Blocked[int]{To: c.To, Failed: failedGuards(c, ctx)})
					}
					if diff := gocmp.Diff(wantBlocked, ge.Blocked); diff != "" {
						t.Fatalf("Blocked (-want +got):\n%s", diff)
					}
					return
				}
				if !m.Has(got.To) {
					t.Fatalf("reached %d, which is not a state", got.To)
				}
				history = append(history, got.Record())
				state = got.To
			},
			"step": func(t *rapid.T) {
				ctx := rapid.Uint8().Draw(t, "ctx")
				now = now.Add(time.Minute)
				got, moved, err := m.Step(state, ctx, now)
				if err != nil {
					t.Fatal(err)
				}
				want, _, ok := modelFire(d, state, 0, true, ctx)
				if moved != ok || moved && (got.To != want.To || !got.Auto || !slices.Equal(got.Effects, modelEffects(d, want))) {
					t.Fatalf("Step(%d, %b) = %v, %v; model: %v, %v", state, ctx, got, moved, want, ok)
				}
				if moved {
					history = append(history, got.Record())
					state = got.To
				}
			},
			"settle": func(t *rapid.T) {
				ctx := rapid.Uint8().Draw(t, "ctx")
				now = now.Add(time.Minute)
				chain, err := m.Settle(state, ctx, now)
				// The model follows automatic transitions until none
				// fires or a state repeats.
				seen := map[int]bool{state: true}
				path := []int{state}
				cur := state
				cycle := false
				for {
					tr, _, ok := modelFire(d, cur, 0, true, ctx)
					if !ok {
						break
					}
					cur = tr.To
					path = append(path, cur)
					if seen[cur] {
						cycle = true
						break
					}
					seen[cur] = true
				}
				if cycle {
					var ce *lifecycle.CycleError[int]
					if !errors.As(err, &ce) || chain != nil {
						t.Fatalf("Settle(%d, %b) = %v, %v; model found the cycle %v", state, ctx, chain, err, path)
					}
					if diff := gocmp.Diff(path, ce.Path); diff != "" {
						t.Fatalf("cycle path (-model +got):\n%s", diff)
					}
					return
				}
				if err != nil {
					t.Fatalf("Settle(%d, %b) = %v; model settles at %d", state, ctx, err, cur)
				}
				if len(chain) != len(path)-1 {
					t.Fatalf("Settle took %d transitions, model %d", len(chain), len(path)-1)
				}
				for i, tr := range chain {
					if tr.From != path[i] || tr.To != path[i+1] {
						t.Fatalf("Settle transition %d = %d→%d, model %d→%d", i, tr.From, tr.To, path[i], path[i+1])
					}
					history = append(history, tr.Record())
				}
				// A fixed point: nothing more fires.
				if _, moved, _ := m.Step(cur, ctx, now); moved {
					t.Fatalf("Settle stopped at %d, but an automatic transition still fires", cur)
				}
				state = cur
			},
			"": func(t *rapid.T) {
				// Replaying what happened verifies, and ends where we are.
				end, err := m.Replay(d.Initial, history)
				if err != nil || end != state {
					t.Fatalf("Replay = %v, %v; want %d", end, err, state)
				}
			},
		})
	})
}

// Tampering with one record of a valid history makes Replay fail at that
// record (or earlier), never pass.
func TestPropReplayRefusesTampering(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDefinition(t)
		m, err := lifecycle.NewMachine(d)
		if err != nil {
			t.Fatal(err)
		}
		// A random walk, ignoring guards: every edge of the definition is
		// a transition a history may record.
		var history []lifecycle.Record[int, int]
		state := d.Initial
		for i := range rapid.IntRange(1, 20).Draw(t, "walk") {
			var out []propSpec
			for _, tr := range d.Transitions {
				if tr.From == state {
					out = append(out, tr)
				}
			}
			if len(out) == 0 {
				break
			}
			tr := rapid.SampledFrom(out).Draw(t, "edge")
			history = append(history, lifecycle.Record[int, int]{From: tr.From, To: tr.To, Trigger: tr.On, Auto: tr.Auto, At: t0.Add(time.Duration(i) * time.Hour)})
			state = tr.To
		}
		end, err := m.Replay(d.Initial, history)
		if err != nil || end != state {
			t.Fatalf("Replay(valid) = %v, %v; want %d", end, err, state)
		}
		if len(history) == 0 {
			return
		}
		i := rapid.IntRange(0, len(history)-1).Draw(t, "tampered")
		r := history[i]
		to := rapid.IntRange(0, len(d.States)).Draw(t, "to")
		defined := slices.ContainsFunc(d.Transitions, func(tr propSpec) bool {
			return tr.From == r.From && tr.To == to && tr.Auto == r.Auto && (r.Auto || tr.On == r.Trigger)
		})
		if defined {
			return // still a transition of the definition
		}
		history[i].To = to
		if _, err := m.Replay(d.Initial, history); err == nil {
			t.Fatalf("Replay accepted record %d changed to %d→%d", i, r.From, to)
		}
	})
}
