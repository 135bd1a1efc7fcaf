package lifecycle_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/lifecycle"
)

// A member's journey through a paid club, with string states and triggers,
// for the table tests.
type (
	clubState   string
	clubTrigger string
	clubCtx     struct {
		paid, optedIn, banned bool
	}
)

var t0 = time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)

func clubDefinition() lifecycle.Definition[clubState, clubTrigger, clubCtx] {
	return lifecycle.Definition[clubState, clubTrigger, clubCtx]{
		Initial: "visitor",
		States: []lifecycle.StateSpec[clubState]{
			{State: "visitor"},
			{State: "trial", Entry: []string{"send welcome"}, Exit: []string{"end trial"}},
			{State: "member", Entry: []string{"grant badge"}, Exit: []string{"revoke badge"}},
			{State: "lapsed", Entry: []string{"schedule recall"}},
			{State: "closed", Final: true, Entry: []string{"erase data"}},
		},
		Triggers: []clubTrigger{"join", "pay", "expire", "renew", "ping", "close"},
		Transitions: []lifecycle.TransitionSpec[clubState, clubTrigger]{
			{From: "visitor", To: "trial", On: "join", Effects: []string{"create account"}},
			{From: "trial", To: "member", On: "pay", Guards: []string{"paid"}, Priority: 1},
			{From: "trial", To: "trial", On: "pay", Effects: []string{"remind"}},
			{From: "member", To: "lapsed", On: "expire", Effects: []string{"notify"}},
			{From: "lapsed", To: "member", On: "renew", Guards: []string{"paid", "opted_in"}, Priority: 2},
			{From: "lapsed", To: "trial", On: "renew", Guards: []string{"opted_in", "not_banned"}, Priority: 1},
			{From: "member", To: "member", On: "ping", Reenter: true, Effects: []string{"log"}},
			{From: "lapsed", To: "closed", On: "close"},
			{From: "lapsed", To: "closed", Auto: true, Guards: []string{"banned"}},
		},
		Guards: map[string]lifecycle.Guard[clubCtx]{
			"paid":       func(c clubCtx, _ time.Time) bool { return c.paid },
			"opted_in":   func(c clubCtx, _ time.Time) bool { return c.optedIn },
			"banned":     func(c clubCtx, _ time.Time) bool { return c.banned },
			"not_banned": func(c clubCtx, _ time.Time) bool { return !c.banned },
		},
	}
}

func clubMachine(t testing.TB) *lifecycle.Machine[clubState, clubTrigger, clubCtx] {
	t.Helper()
	m, err := lifecycle.NewMachine(clubDefinition())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFire(t *testing.T) {
	m := clubMachine(t)
	type tr = lifecycle.Transition[clubState, clubTrigger]
	tests := []struct {
		name    string
		from    clubState
		on      clubTrigger
		ctx     clubCtx
		want    tr
		wantErr error
	}{
		{
			name: "effects run exit, own, entry",
			from: "visitor", on: "join",
			want: tr{From: "visitor", To: "trial", Trigger: "join", At: t0, Effects: []string{"create account", "send welcome"}},
		},
		{
			name: "guarded transition of higher priority wins",
			from: "trial", on: "pay", ctx: clubCtx{paid: true},
			want: tr{From: "trial", To: "member", Trigger: "pay", At: t0, Effects: []string{"end trial", "grant badge"}, Guards: []string{"paid"}},
		},
		{
			name: "falls back to the lower priority: a self-transition, a result not an error",
			from: "trial", on: "pay",
			want: tr{From: "trial", To: "trial", Trigger: "pay", Self: true, At: t0, Effects: []string{"remind"}},
		},
		{
			name: "re-entering self-transition returns exit and entry effects",
			from: "member", on: "ping",
			want: tr{From: "member", To: "member", Trigger: "ping", Self: true, At: t0, Effects: []string{"revoke badge", "log", "grant badge"}},
		},
		{
			name: "second candidate when the first's guards fail",
			from: "lapsed", on: "renew", ctx: clubCtx{optedIn: true},
			want: tr{From: "lapsed", To: "trial", Trigger: "renew", At: t0, Effects: []string{"send welcome"}, Guards: []string{"opted_in", "not_banned"}},
		},
		{name: "trigger the state does not take", from: "visitor", on: "pay", wantErr: lifecycle.ErrNotPermitted},
		{name: "final state takes nothing", from: "closed", on: "join", wantErr: lifecycle.ErrNotPermitted},
		{name: "unknown state", from: "ghost", on: "join", wantErr: lifecycle.ErrUnknownState},
		{name: "unknown trigger", from: "visitor", on: "dance", wantErr: lifecycle.ErrUnknownTrigger},
		{name: "every guard fails", from: "lapsed", on: "renew", ctx: clubCtx{banned: true}, wantErr: lifecycle.ErrGuardFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Fire(tt.from, tt.on, tt.ctx, t0)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Fire error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Fire (-want +got):\n%s", diff)
			}
			if got.Effects != nil && len(got.Effects) != cap(got.Effects) {
				t.Errorf("Effects has spare capacity %d: an append would write into shared memory", cap(got.Effects)-len(got.Effects))
			}
			if permits := m.Permits(tt.from, tt.on, tt.ctx, t0); permits != (tt.wantErr == nil) {
				t.Errorf("Permits = %v, want %v", permits, tt.wantErr == nil)
			}
		})
	}
}

func TestFireErrors(t *testing.T) {
	m := clubMachine(t)
	_, err := m.Fire("lapsed", "renew", clubCtx{banned: true}, t0)
	var ge *lifecycle.GuardError[clubState, clubTrigger]
	if !errors.As(err, &ge) {
		t.Fatalf("error %v is not a *GuardError", err)
	}
	want := []lifecycle.Blocked[clubState]{
		{To: "member", Failed: []string{"paid", "opted_in"}},
		{To: "trial", Failed: []string{"opted_in", "not_banned"}},
	}
	if diff := cmp.Diff(want, ge.Blocked); diff != "" {
		t.Errorf("Blocked (-want +got):\n%s", diff)
	}
	const msg = `lifecycle: lapsed on renew: to member: guards "paid", "opted_in" failed; to trial: guards "opted_in", "not_banned" failed`
	if err.Error() != msg {
		t.Errorf("Error() = %s\nwant      %s", err, msg)
	}
	if errors.Is(err, qun.ErrInvalid) {
		t.Error("a failed guard is not invalid data")
	}
	for _, bad := range []error{
		func() error { _, err := m.Fire("ghost", "join", clubCtx{}, t0); return err }(),
		func() error { _, err := m.Fire("visitor", "dance", clubCtx{}, t0); return err }(),
		func() error { _, _, err := m.Step("ghost", clubCtx{}, t0); return err }(),
	} {
		if !errors.Is(bad, qun.ErrInvalid) {
			t.Errorf("%v does not match qun.ErrInvalid", bad)
		}
	}
}

func TestStepAndSettle(t *testing.T) {
	m := clubMachine(t)
	tr, ok, err := m.Step("lapsed", clubCtx{banned: true}, t0)
	if err != nil || !ok {
		t.Fatalf("Step = %v, %v, %v", tr, ok, err)
	}
	want := lifecycle.Transition[clubState, clubTrigger]{From: "lapsed", To: "closed", Auto: true, At: t0, Effects: []string{"erase data"}, Guards: []string{"banned"}}
	if diff := cmp.Diff(want, tr); diff != "" {
		t.Errorf("Step (-want +got):\n%s", diff)
	}
	if _, ok, err := m.Step("lapsed", clubCtx{}, t0); ok || err != nil {
		t.Errorf("Step with the guard failing = %v, %v; want no transition, no error", ok, err)
	}
	chain, err := m.Settle("member", clubCtx{banned: true}, t0)
	if err != nil || chain != nil {
		t.Errorf("Settle at a fixed point = %v, %v; want nil, nil", chain, err)
	}
}

// chainDefinition has automatic transitions a → b → c → a, each guarded by
// a bit of the context, and a way out of c on a trigger.
func chainDefinition() lifecycle.Definition[string, string, uint8] {
	bit := func(i uint) lifecycle.Guard[uint8] { return func(c uint8, _ time.Time) bool { return c&(1<<i) != 0 } }
	return lifecycle.Definition[string, string, uint8]{
		Initial:  "a",
		States:   []lifecycle.StateSpec[string]{{State: "a"}, {State: "b"}, {State: "c"}, {State: "done", Final: true}},
		Triggers: []string{"finish"},
		Transitions: []lifecycle.TransitionSpec[string, string]{
			{From: "a", To: "b", Auto: true, Guards: []string{"ab"}},
			{From: "b", To: "c", Auto: true, Guards: []string{"bc"}},
			{From: "c", To: "a", Auto: true, Guards: []string{"ca"}},
			{From: "c", To: "done", On: "finish"},
		},
		Guards: map[string]lifecycle.Guard[uint8]{"ab": bit(0), "bc": bit(1), "ca": bit(2)},
	}
}

func TestSettleCycle(t *testing.T) {
	m, err := lifecycle.NewMachine(chainDefinition())
	if err != nil {
		t.Fatal(err)
	}
	chain, err := m.Settle("a", 0b011, t0)
	if err != nil {
		t.Fatal(err)
	}
	var path []string
	for _, tr := range chain {
		path = append(path, tr.From+"→"+tr.To)
	}
	if diff := cmp.Diff([]string{"a→b", "b→c"}, path); diff != "" {
		t.Errorf("Settle path (-want +got):\n%s", diff)
	}

	chain, err = m.Settle("b", 0b111, t0)
	var ce *lifecycle.CycleError[string]
	if !errors.As(err, &ce) || !errors.Is(err, lifecycle.ErrCycle) || chain != nil {
		t.Fatalf("Settle round a cycle = %v, %v; want a *CycleError and no transitions", chain, err)
	}
	if diff := cmp.Diff([]string{"b", "c", "a", "b"}, ce.Path); diff != "" {
		t.Errorf("cycle path (-want +got):\n%s", diff)
	}
	if got := err.Error(); got != "lifecycle: automatic transitions cycle: b → c → a → b" {
		t.Errorf("Error() = %q", got)
	}
}

func TestNewMachineRefuses(t *testing.T) {
	type def = lifecycle.Definition[clubState, clubTrigger, clubCtx]
	type ts = lifecycle.TransitionSpec[clubState, clubTrigger]
	tests := []struct {
		name   string
		modify func(d *def)
		want   map[string]string // field: a phrase its reason contains
	}{
		{"no states", func(d *def) { d.States = nil; d.Transitions = nil }, map[string]string{"states": "at least one"}},
		{"state declared twice", func(d *def) { d.States = append(d.States, d.States[0]) }, map[string]string{"states[5].state": "declared twice"}},
		{"trigger declared twice", func(d *def) { d.Triggers = append(d.Triggers, "pay") }, map[string]string{"triggers[6]": "declared twice"}},
		{"initial not declared", func(d *def) { d.Initial = "ghost" }, map[string]string{"initial": "not a declared state"}},
		{"unknown target", func(d *def) { d.Transitions[0].To = "ghost" }, map[string]string{"transitions[0].to": "not a declared state"}},
		{"unknown source", func(d *def) { d.Transitions[3].From = "ghost" }, map[string]string{"transitions[3].from": "not a declared state"}},
		{"unknown trigger", func(d *def) { d.Transitions[3].On = "explode" }, map[string]string{"transitions[3].on": "not a declared trigger"}},
		{"unknown guard", func(d *def) { d.Transitions[1].Guards = []string{"payed"} }, map[string]string{"transitions[1].guards[0]": `no guard is named "payed"`}},
		{"guard listed twice", func(d *def) { d.Transitions[1].Guards = []string{"paid", "paid"} }, map[string]string{"transitions[1].guards[1]": "listed twice"}},
		{"nil guard", func(d *def) { d.Guards["paid"] = nil }, map[string]string{`guards["paid"]`: "nil"}},
		{"empty effect", func(d *def) { d.States[1].Entry = []string{""} }, map[string]string{"states[1].entry[0]": "empty"}},
		{"automatic with a trigger", func(d *def) { d.Transitions[8].On = "close" }, map[string]string{"transitions[8].on": "takes no trigger"}},
		{"automatic self-transition", func(d *def) {
			d.Transitions = append(d.Transitions, ts{From: "trial", To: "trial", Auto: true, Guards: []string{"paid"}})
		}, map[string]string{"transitions[9].auto": "fire forever"}},
		{"re-entering a different state", func(d *def) { d.Transitions[0].Reenter = true }, map[string]string{"transitions[0].reenter": "self-transition"}},
		{"two can fire", func(d *def) { d.Transitions[2].Priority = 1 }, map[string]string{"transitions[2].priority": "can fire together with transitions[1]"}},
		{"shadowed", func(d *def) { d.Transitions[1].Guards = nil }, map[string]string{"transitions[2]": "never fires"}},
		{"final state left", func(d *def) {
			d.Transitions = append(d.Transitions, ts{From: "closed", To: "visitor", On: "join"})
		}, map[string]string{"states[4].final": "transitions[9] leaves closed"}},
		{"dead end not final", func(d *def) { d.States[4].Final = false }, map[string]string{"states[4]": "no way out"}},
		{"unreachable", func(d *def) {
			d.States = append(d.States, lifecycle.StateSpec[clubState]{State: "island", Final: true})
		}, map[string]string{"states[5]": "cannot be reached from the initial state visitor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := clubDefinition()
			tt.modify(&d)
			m, err := lifecycle.NewMachine(d)
			if err == nil || m != nil {
				t.Fatalf("NewMachine = %v, nil; want an error", m)
			}
			if !errors.Is(err, qun.ErrInvalid) {
				t.Errorf("%v does not match qun.ErrInvalid", err)
			}
			got := map[string]string{}
			for _, ve := range qun.ValidationErrors(err) {
				got[ve.Field] = ve.Reason
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%v", len(got), len(tt.want), err)
			}
			for field, phrase := range tt.want {
				if reason, ok := got[field]; !ok || !strings.Contains(reason, phrase) {
					t.Errorf("field %s: got %q, want a reason containing %q\nall: %v", field, reason, phrase, err)
				}
			}
		})
	}
}

func TestMachineAccessors(t *testing.T) {
	m := clubMachine(t)
	if m.Initial() != "visitor" || !m.Has("lapsed") || m.Has("ghost") || !m.IsFinal("closed") || m.IsFinal("member") || m.IsFinal("ghost") {
		t.Error("accessors disagree with the definition")
	}
	if diff := cmp.Diff([]clubState{"visitor", "trial", "member", "lapsed", "closed"}, m.States()); diff != "" {
		t.Errorf("States (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]clubTrigger{"join", "pay", "expire", "renew", "ping", "close"}, m.Triggers()); diff != "" {
		t.Errorf("Triggers (-want +got):\n%s", diff)
	}
}

// A machine with more states than a linear scan serves indexes them with
// maps; it must behave the same.
func TestLargeMachine(t *testing.T) {
	const n = 40
	d := lifecycle.Definition[int, int, struct{}]{Initial: 0, Triggers: []int{1, 2}}
	for i := range n {
		d.States = append(d.States, lifecycle.StateSpec[int]{State: i, Final: i == n-1})
		if i < n-1 {
			d.Transitions = append(d.Transitions, lifecycle.TransitionSpec[int, int]{From: i, To: i + 1, On: 1 + i%2})
		}
	}
	m, err := lifecycle.NewMachine(d)
	if err != nil {
		t.Fatal(err)
	}
	s := 0
	for i := range n - 1 {
		tr, err := m.Fire(s, 1+i%2, struct{}{}, t0)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		s = tr.To
	}
	if s != n-1 {
		t.Errorf("ended in %d, want %d", s, n-1)
	}
	if _, err := m.Fire(5, 1, struct{}{}, t0); !errors.Is(err, lifecycle.ErrNotPermitted) {
		t.Errorf("wrong trigger: %v", err)
	}
	if _, err := m.Fire(n, 1, struct{}{}, t0); !errors.Is(err, lifecycle.ErrUnknownState) {
		t.Errorf("unknown state: %v", err)
	}
}

// Firing, stepping and checking allocate nothing.
func TestFireAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	m := clubMachine(t)
	ctx := clubCtx{paid: true, optedIn: true}
	var sink lifecycle.Transition[clubState, clubTrigger]
	checks := map[string]func(){
		"Fire":         func() { sink, _ = m.Fire("trial", "pay", ctx, t0) },
		"Fire/self":    func() { sink, _ = m.Fire("member", "ping", ctx, t0) },
		"Fire/second":  func() { sink, _ = m.Fire("lapsed", "renew", clubCtx{optedIn: true}, t0) },
		"Step":         func() { sink, _, _ = m.Step("lapsed", clubCtx{banned: true}, t0) },
		"Permits":      func() { _ = m.Permits("lapsed", "renew", ctx, t0) },
		"Settle/fixed": func() { _, _ = m.Settle("member", ctx, t0) },
	}
	for name, f := range checks {
		if allocs := testing.AllocsPerRun(1000, f); allocs != 0 {
			t.Errorf("%s allocates %v times per run", name, allocs)
		}
	}
	_ = sink
}

func TestReplay(t *testing.T) {
	m := clubMachine(t)
	type rec = lifecycle.Record[clubState, clubTrigger]
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	valid := []rec{
		{From: "visitor", To: "trial", Trigger: "join", At: at(0)},
		{From: "trial", To: "trial", Trigger: "pay", At: at(1)},
		{From: "trial", To: "member", Trigger: "pay", At: at(1)},
		{From: "member", To: "lapsed", Trigger: "expire", At: at(2)},
		{From: "lapsed", To: "closed", Auto: true, At: at(3)},
	}
	end, err := m.Replay("visitor", valid)
	if err != nil || end != "closed" {
		t.Fatalf("Replay(valid) = %v, %v", end, err)
	}
	if end, err := m.Replay("member", nil); err != nil || end != "member" {
		t.Errorf("Replay(empty) = %v, %v", end, err)
	}
	tests := []struct {
		name   string
		start  clubState
		modify func(h []rec)
		field  string
	}{
		{"broken chain", "visitor", func(h []rec) { h[3].From = "trial" }, "[3].from"},
		{"not a transition", "visitor", func(h []rec) { h[1].To = "lapsed" }, "[1].to"},
		{"wrong trigger", "visitor", func(h []rec) { h[3].Trigger = "renew" }, "[3].to"},
		{"automatic where a trigger is needed", "visitor", func(h []rec) { h[3].Auto, h[3].Trigger = true, "" }, "[3].to"},
		{"time goes backwards", "visitor", func(h []rec) { h[2].At = at(0) }, "[2].at"},
		{"wrong start", "trial", func(h []rec) {}, "[0].from"},
		{"unknown start", "ghost", func(h []rec) {}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := append([]rec(nil), valid...)
			tt.modify(h)
			_, err := m.Replay(tt.start, h)
			ves := qun.ValidationErrors(err)
			if len(ves) != 1 || ves[0].Field != tt.field {
				t.Errorf("Replay error = %v; want one problem at %q", err, tt.field)
			}
		})
	}
	// A transition's record replays.
	tr, err := m.Fire("visitor", "join", clubCtx{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if end, err := m.Replay("visitor", []rec{tr.Record()}); err != nil || end != "trial" {
		t.Errorf("Replay of a fired transition = %v, %v", end, err)
	}
}

func TestMermaid(t *testing.T) {
	m := clubMachine(t)
	const want = `stateDiagram-v2
    [*] --> visitor
    visitor --> trial : join / create account
    trial --> member : pay [paid]
    trial --> trial : pay / remind
    member --> lapsed : expire / notify
    lapsed --> member : renew [paid, opted_in]
    lapsed --> trial : renew [opted_in, not_banned]
    member --> member : ping / log
    lapsed --> closed : close
    lapsed --> closed : [banned]
    closed --> [*]
`
	if diff := cmp.Diff(want, m.Mermaid()); diff != "" {
		t.Errorf("Mermaid (-want +got):\n%s", diff)
	}
}

func TestDiagramsEscape(t *testing.T) {
	d := lifecycle.Definition[string, string, struct{}]{
		Initial: "新用户",
		States: []lifecycle.StateSpec[string]{
			{State: "新用户"}, {State: "state"}, {State: `say "hi": now`, Final: true},
		},
		Triggers: []string{"go; on"},
		Transitions: []lifecycle.TransitionSpec[string, string]{
			{From: "新用户", To: "state", On: "go; on", Effects: []string{"a#b"}},
			{From: "state", To: `say "hi": now`, On: "go; on"},
		},
	}
	m, err := lifecycle.NewMachine(d)
	if err != nil {
		t.Fatal(err)
	}
	const mermaid = `stateDiagram-v2
    state "新用户" as s0
    state "state" as s1
    state "say #quot;hi#quot;#58; now" as s2
    [*] --> s0
    s0 --> s1 : go#59; on / a#35;b
    s1 --> s2 : go#59; on
    s2 --> [*]
`
	if diff := cmp.Diff(mermaid, m.Mermaid()); diff != "" {
		t.Errorf("Mermaid (-want +got):\n%s", diff)
	}
	const dot = `digraph {
	rankdir=LR;
	node [shape=box, style=rounded];
	start [shape=point, label=""];
	n0 [label="新用户"];
	n1 [label="state"];
	n2 [label="say \"hi\": now", shape=doublecircle];
	start -> n0;
	n0 -> n1 [label="go; on / a#b"];
	n1 -> n2 [label="go; on"];
}
`
	if diff := cmp.Diff(dot, m.DOT()); diff != "" {
		t.Errorf("DOT (-want +got):\n%s", diff)
	}
}

// Example_machine-style use: a typed machine, fired with the host's state.
func ExampleMachine_Fire() {
	type state uint8
	const (
		silent state = iota + 1
		recalled
	)
	type trigger uint8
	const recall trigger = 1
	type member struct{ optedIn bool }

	m, err := lifecycle.NewMachine(lifecycle.Definition[state, trigger, member]{
		Initial: silent,
		States: []lifecycle.StateSpec[state]{
			{State: silent, Exit: []string{"stop recall pushes"}},
			{State: recalled, Final: true, Entry: []string{"send a welcome-back coupon"}},
		},
		Triggers: []trigger{recall},
		Transitions: []lifecycle.TransitionSpec[state, trigger]{
			{From: silent, To: recalled, On: recall, Guards: []string{"opted_in"}},
		},
		Guards: map[string]lifecycle.Guard[member]{
			"opted_in": func(m member, _ time.Time) bool { return m.optedIn },
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = m.Fire(silent, recall, member{optedIn: false}, t0)
	fmt.Println(err)
	tr, err := m.Fire(silent, recall, member{optedIn: true}, t0)
	fmt.Println(tr.From, "→", tr.To, tr.Effects, err)
	// Output:
	// lifecycle: 1 on 1: to 2: guard "opted_in" failed
	// 1 → 2 [stop recall pushes send a welcome-back coupon] <nil>
}

// The zero Machine has no states: it refuses every state and draws an
// empty diagram, without panicking.
func TestZeroMachine(t *testing.T) {
	var m lifecycle.Machine[string, string, struct{}]
	if _, err := m.Fire("a", "b", struct{}{}, t0); !errors.Is(err, lifecycle.ErrUnknownState) {
		t.Errorf("Fire = %v", err)
	}
	if _, _, err := m.Step("a", struct{}{}, t0); !errors.Is(err, lifecycle.ErrUnknownState) {
		t.Errorf("Step = %v", err)
	}
	if m.Permits("a", "b", struct{}{}, t0) || m.Has("") {
		t.Error("the zero Machine permits something")
	}
	if got := m.Mermaid() + m.DOT(); got != "stateDiagram-v2\ndigraph {\n\trankdir=LR;\n\tnode [shape=box, style=rounded];\n}\n" {
		t.Errorf("diagrams of the zero Machine:\n%s", got)
	}
}
