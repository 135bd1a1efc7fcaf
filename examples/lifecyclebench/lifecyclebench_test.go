package lifecyclebench

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/looplab/fsm"
	"github.com/qmuntal/stateless"
	"github.com/qunkit/qun/lifecycle"
)

type (
	state   uint8
	trigger uint8
	member  struct{ optedIn bool }
)

const (
	silent state = iota + 1
	recalled
	churned
)

const (
	activity trigger = iota + 1
	longIdle
)

var now = time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)

// decider fires the activity trigger on a silent member and reports the
// state entered and the effect run, or an error.
type decider func(m member) (state, string, error)

func qunDecider(tb testing.TB) decider {
	m, err := lifecycle.NewMachine(lifecycle.Definition[state, trigger, member]{
		Initial: silent,
		States: []lifecycle.StateSpec[state]{
			{State: silent}, {State: recalled, Final: true, Entry: []string{"send welcome back"}}, {State: churned, Final: true},
		},
		Triggers: []trigger{activity, longIdle},
		Transitions: []lifecycle.TransitionSpec[state, trigger]{
			{From: silent, To: recalled, On: activity, Guards: []string{"opted_in"}},
			{From: silent, To: churned, On: longIdle},
		},
		Guards: map[string]lifecycle.Guard[member]{"opted_in": func(m member, _ time.Time) bool { return m.optedIn }},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return func(mb member) (state, string, error) {
		tr, err := m.Fire(silent, activity, mb, now)
		if err != nil {
			return 0, "", err
		}
		return tr.To, tr.Effects[0], nil
	}
}

var errNotPermitted = errors.New("not permitted")

//go:noinline
func fireSwitch(s state, t trigger, m member) (state, []string, error) {
	switch s {
	case silent:
		switch t {
		case activity:
			if m.optedIn {
				return recalled, welcome, nil
			}
			return 0, nil, errNotPermitted
		case longIdle:
			return churned, nil, nil
		}
	}
	return 0, nil, errNotPermitted
}

var welcome = []string{"send welcome back"}

func switchDecider(testing.TB) decider {
	return func(m member) (state, string, error) {
		to, effects, err := fireSwitch(silent, activity, m)
		if err != nil {
			return 0, "", err
		}
		return to, effects[0], nil
	}
}

func statelessDecider(tb testing.TB) decider {
	var (
		stored state = silent
		opted  bool
		effect string
	)
	sm := stateless.NewStateMachineWithExternalStorage(
		func(context.Context) (stateless.State, error) { return stored, nil },
		func(_ context.Context, s stateless.State) error { stored = s.(state); return nil },
		stateless.FiringImmediate)
	sm.Configure(silent).
		Permit(activity, recalled, func(context.Context, ...any) bool { return opted }).
		Permit(longIdle, churned)
	sm.Configure(recalled).OnEntry(func(context.Context, ...any) error { effect = "send welcome back"; return nil })
	return func(m member) (state, string, error) {
		stored, opted, effect = silent, m.optedIn, ""
		if err := sm.Fire(activity); err != nil {
			return 0, "", err
		}
		return stored, effect, nil
	}
}

func looplabDecider(tb testing.TB) decider {
	var (
		opted  bool
		effect string
	)
	names := map[string]state{"silent": silent, "recalled": recalled, "churned": churned}
	f := fsm.NewFSM("silent",
		fsm.Events{
			{Name: "activity", Src: []string{"silent"}, Dst: "recalled"},
			{Name: "long_idle", Src: []string{"silent"}, Dst: "churned"},
		},
		fsm.Callbacks{
			"before_activity": func(_ context.Context, e *fsm.Event) {
				if !opted {
					e.Cancel()
				}
			},
			"enter_recalled": func(context.Context, *fsm.Event) { effect = "send welcome back" },
		})
	ctx := context.Background()
	return func(m member) (state, string, error) {
		f.SetState("silent")
		opted, effect = m.optedIn, ""
		if err := f.Event(ctx, "activity"); err != nil {
			return 0, "", err
		}
		return names[f.Current()], effect, nil
	}
}

var deciders = []struct {
	name string
	new  func(testing.TB) decider
}{
	{"qun", qunDecider},
	{"switch", switchDecider},
	{"stateless", statelessDecider},
	{"looplab", looplabDecider},
}

// All four decide the same: recalled with the welcome effect when opted
// in, refused otherwise.
func TestSameDecision(t *testing.T) {
	for _, d := range deciders {
		fire := d.new(t)
		to, effect, err := fire(member{optedIn: true})
		if err != nil || to != recalled || effect != "send welcome back" {
			t.Errorf("%s, opted in: %v, %q, %v", d.name, to, effect, err)
		}
		if _, _, err := fire(member{optedIn: false}); err == nil {
			t.Errorf("%s, opted out: no error", d.name)
		}
	}
}

// BenchmarkFire fires the guarded transition with each implementation.
// Compare the sub-benchmarks as ratios; they run in the same process.
func BenchmarkFire(b *testing.B) {
	for _, d := range deciders {
		b.Run(d.name, func(b *testing.B) {
			fire := d.new(b)
			m := member{optedIn: true}
			b.ReportAllocs()
			for b.Loop() {
				if to, _, err := fire(m); err != nil || to != recalled {
					b.Fatal(to, err)
				}
			}
		})
	}
}
