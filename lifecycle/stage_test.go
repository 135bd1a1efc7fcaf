package lifecycle_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/lifecycle"
	"pgregory.net/rapid"
)

func defaultDetector(t testing.TB) *lifecycle.StageDetector {
	t.Helper()
	d, err := lifecycle.NewStageDetector(lifecycle.DefaultStageModel())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The documented defaults, pinned: a change here is a change of the
// package overview.
func TestDefaultStageModelThresholds(t *testing.T) {
	want := map[qun.Stage][2][]string{
		qun.Building: {{"member_share ≤ 0.5"}, {"member_share ≤ 0.6"}},
		qun.Growth: {
			{"members ≥ 100", "net_growth ≥ 0.05", "member_share ≥ 0.5"},
			{"members ≥ 80", "net_growth ≥ 0.02", "member_share ≥ 0.4"},
		},
		qun.Mature: {
			{"members ≥ 1000", "net_growth ≥ -0.02", "net_growth ≤ 0.03", "active_growth ≥ -0.02", "stickiness ≥ 0.2",
				"retention_30d ≥ 0.4", "member_share ≥ 0.9", "core_share ≥ 0.01"},
			{"members ≥ 800", "net_growth ≥ -0.03", "net_growth ≤ 0.08", "active_growth ≥ -0.05", "stickiness ≥ 0.15",
				"retention_30d ≥ 0.3", "member_share ≥ 0.8", "core_share ≥ 0.005"},
		},
		qun.Declining: {{"active_growth ≤ -0.05", "net_growth ≤ 0.01"}, {"active_growth ≤ 0", "net_growth ≤ 0.03"}},
	}
	wantNext := map[qun.Stage][]qun.Stage{
		qun.Building: {qun.Growth}, qun.Growth: {qun.Declining, qun.Mature},
		qun.Mature: {qun.Declining, qun.Growth}, qun.Declining: {qun.Growth, qun.Mature},
	}
	wantReview := map[qun.Stage]lifecycle.Cadence{
		qun.Building: {Every: 1, Grain: qun.Week}, qun.Growth: {Every: 1, Grain: qun.Month},
		qun.Mature: {Every: 1, Grain: qun.Quarter}, qun.Declining: {Every: 1, Grain: qun.Week},
	}
	m := lifecycle.DefaultStageModel()
	if m.Start != qun.Building || m.EnterAfter != 3 || m.LeaveAfter != 3 {
		t.Errorf("start %v, enter after %d, leave after %d; want building, 3, 3", m.Start, m.EnterAfter, m.LeaveAfter)
	}
	strs := func(ts []lifecycle.Threshold) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.String())
		}
		return out
	}
	for s, lists := range want {
		r, ok := m.Rule(s)
		if !ok {
			t.Fatalf("no rule for %v", s)
		}
		if diff := cmp.Diff(lists[0], strs(r.Entry)); diff != "" {
			t.Errorf("%v entry (-want +got):\n%s", s, diff)
		}
		if diff := cmp.Diff(lists[1], strs(r.Keep)); diff != "" {
			t.Errorf("%v keep (-want +got):\n%s", s, diff)
		}
		if diff := cmp.Diff(wantNext[s], r.Next); diff != "" {
			t.Errorf("%v next (-want +got):\n%s", s, diff)
		}
		if r.Playbook.Review != wantReview[s] {
			t.Errorf("%v reviews %v, want %v", s, r.Playbook.Review, wantReview[s])
		}
		if len(r.Playbook.Focus) == 0 || len(r.Playbook.Actions) == 0 {
			t.Errorf("%v has an empty playbook", s)
		}
	}
	if err := m.Validate(); err != nil {
		t.Errorf("the default model is invalid: %v", err)
	}
}

// Every default threshold holds at its bound (all are inclusive) and fails
// just beyond it.
func TestDefaultThresholdBoundaries(t *testing.T) {
	for _, r := range lifecycle.DefaultStageModel().Stages {
		for _, list := range [][]lifecycle.Threshold{r.Entry, r.Keep} {
			for _, th := range list {
				if !th.Holds(th.Value) {
					t.Errorf("%v: %v does not hold at its bound", r.Stage, th)
				}
				beyond := math.Nextafter(th.Value, math.Inf(1))
				if th.Op == qun.OpGTE {
					beyond = math.Nextafter(th.Value, math.Inf(-1))
				}
				if th.Holds(beyond) {
					t.Errorf("%v: %v holds at %v, beyond its bound", r.Stage, th, beyond)
				}
				if th.Holds(math.NaN()) {
					t.Errorf("%v: %v holds for NaN", r.Stage, th)
				}
			}
		}
	}
}

// snap builds a snapshot at week w from a base and changes.
func snap(w int, base lifecycle.Snapshot) lifecycle.Snapshot {
	base.At = t0.AddDate(0, 0, 7*w)
	return base
}

var (
	buildingSnap = lifecycle.Snapshot{Members: 60, NetGrowth: 0.2, ActiveGrowth: 0.2, Stickiness: 0.1, Retention: 0.2, MemberShare: 0.3}
	growthSnap   = lifecycle.Snapshot{Members: 300, NetGrowth: 0.2, ActiveGrowth: 0.2, Stickiness: 0.15, Retention: 0.3, MemberShare: 0.7}
	matureSnap   = lifecycle.Snapshot{Members: 1500, NetGrowth: 0.01, ActiveGrowth: 0, Stickiness: 0.25, Retention: 0.45,
		CoreShare: 0.02, MemberShare: 0.95, InteractionRate: 4}
	decliningSnap = lifecycle.Snapshot{Members: 1400, NetGrowth: -0.01, ActiveGrowth: -0.12, Stickiness: 0.12, Retention: 0.25,
		CoreShare: 0.01, MemberShare: 0.9, InteractionRate: 2}
)

// run observes bases in weekly snapshots from the zero state and returns
// the stages after each.
func run(t *testing.T, d *lifecycle.StageDetector, bases ...lifecycle.Snapshot) ([]qun.Stage, []lifecycle.StageChange) {
	t.Helper()
	var st lifecycle.StageState
	var stages []qun.Stage
	var changes []lifecycle.StageChange
	for w, b := range bases {
		obs, err := d.Observe(st, snap(w, b))
		if err != nil {
			t.Fatalf("week %d: %v", w, err)
		}
		st = obs.State
		stages = append(stages, st.Stage)
		if obs.Change != nil {
			changes = append(changes, *obs.Change)
		}
	}
	return stages, changes
}

func repeat(n int, s lifecycle.Snapshot) []lifecycle.Snapshot {
	out := make([]lifecycle.Snapshot, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestStageHysteresis(t *testing.T) {
	d := defaultDetector(t)
	B, G, M, D := qun.Building, qun.Growth, qun.Mature, qun.Declining
	with := func(s lifecycle.Snapshot, f func(*lifecycle.Snapshot)) lifecycle.Snapshot { f(&s); return s }
	tests := []struct {
		name  string
		snaps []lifecycle.Snapshot
		want  []qun.Stage
	}{
		{"a first snapshot starts in building, whatever it shows", repeat(1, matureSnap), []qun.Stage{B}},
		{"growth held twice, then broken: no change", append(repeat(2, growthSnap), buildingSnap, growthSnap, growthSnap),
			[]qun.Stage{B, B, B, B, B}},
		{"growth held three times: enter on the third", repeat(4, growthSnap), []qun.Stage{B, B, G, G}},
		{"growth's entry holds but building's keep does too: stay", repeat(4, with(growthSnap, func(s *lifecycle.Snapshot) { s.MemberShare = 0.55 })),
			[]qun.Stage{B, B, B, B}},
		{"inside growth's dead band: stay in growth", append(repeat(3, growthSnap), repeat(4, with(growthSnap, func(s *lifecycle.Snapshot) {
			s.NetGrowth, s.MemberShare = 0.03, 0.45 // below entry, above keep
		}))...), []qun.Stage{B, B, G, G, G, G, G}},
		{"growth to mature when growth levels off", append(repeat(3, growthSnap), repeat(4, matureSnap)...),
			[]qun.Stage{B, B, G, G, G, M, M}},
		{"a large community still growing stays in growth", append(repeat(3, growthSnap), repeat(4, with(matureSnap, func(s *lifecycle.Snapshot) { s.NetGrowth = 0.04 }))...),
			[]qun.Stage{B, B, G, G, G, G, G}},
		{"mature to declining when the active base shrinks", append(append(repeat(3, growthSnap), repeat(3, matureSnap)...), repeat(3, decliningSnap)...),
			[]qun.Stage{B, B, G, G, G, M, M, M, D}},
		{"declining back to growth", append(append(append(repeat(3, growthSnap), repeat(3, matureSnap)...), repeat(3, decliningSnap)...), repeat(3, growthSnap)...),
			[]qun.Stage{B, B, G, G, G, M, M, M, D, D, D, G}},
		{"declining, stabilised at maturity, returns to mature", append(append(append(repeat(3, growthSnap), repeat(3, matureSnap)...), repeat(3, decliningSnap)...),
			repeat(3, with(matureSnap, func(s *lifecycle.Snapshot) { s.ActiveGrowth = 0.01 }))...),
			[]qun.Stage{B, B, G, G, G, M, M, M, D, D, D, M}},
		{"growth straight to declining", append(repeat(3, growthSnap), repeat(3, with(decliningSnap, func(s *lifecycle.Snapshot) { s.Members = 300 }))...),
			[]qun.Stage{B, B, G, G, G, D}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := run(t, d, tt.snaps...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStageChangeReasons(t *testing.T) {
	d := defaultDetector(t)
	_, changes := run(t, d, repeat(3, growthSnap)...)
	if len(changes) != 1 {
		t.Fatalf("got %d changes, want 1", len(changes))
	}
	th := func(m lifecycle.Metric, op qun.Op, v float64) lifecycle.Threshold {
		return lifecycle.Threshold{Metric: m, Op: op, Value: v}
	}
	pb, _ := d.Playbook(qun.Growth)
	want := lifecycle.StageChange{
		At: snap(2, growthSnap).At, From: qun.Building, To: qun.Growth,
		Entry: []lifecycle.Check{
			{Threshold: th(lifecycle.MetricMembers, qun.OpGTE, 100), Observed: 300, Held: true},
			{Threshold: th(lifecycle.MetricNetGrowth, qun.OpGTE, 0.05), Observed: 0.2, Held: true},
			{Threshold: th(lifecycle.MetricMemberShare, qun.OpGTE, 0.5), Observed: 0.7, Held: true},
		},
		EntryHeld:  3,
		Keep:       []lifecycle.Check{{Threshold: th(lifecycle.MetricMemberShare, qun.OpLTE, 0.6), Observed: 0.7}},
		KeepFailed: 3,
		Effects:    []string{"close the building playbook", "start the growth playbook", "review every month"},
		Playbook:   pb,
	}
	if diff := cmp.Diff(want, changes[0]); diff != "" {
		t.Errorf("change (-want +got):\n%s", diff)
	}
	const reason = "growth entry criteria held for 3 snapshots (members 300 ≥ 100, net_growth 0.2 ≥ 0.05, member_share 0.7 ≥ 0.5); " +
		"building keep criteria failed for 3 snapshots (member_share 0.7, not ≤ 0.6)"
	if got := changes[0].Reason(); got != reason {
		t.Errorf("Reason() = %s\nwant       %s", got, reason)
	}
}

func TestObserve(t *testing.T) {
	d := defaultDetector(t)
	first, err := d.Observe(lifecycle.StageState{}, snap(0, growthSnap))
	if err != nil {
		t.Fatal(err)
	}
	want := lifecycle.StageState{Stage: qun.Building, Since: snap(0, growthSnap).At, Last: snap(0, growthSnap).At,
		EntryHeld: lifecycle.StageRuns{0, 1, 0, 0}, KeepFailed: lifecycle.StageRuns{1, 0, 1, 1}}
	if diff := cmp.Diff(want, first.State); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}

	// A replay of the same instant is a flag, not an error.
	again, err := d.Observe(first.State, snap(0, buildingSnap))
	if err != nil || !again.Duplicate || again.State != first.State || again.Change != nil {
		t.Errorf("replay = %+v, %v; want a duplicate that changes nothing", again, err)
	}

	refusals := []struct {
		name  string
		st    lifecycle.StageState
		s     lifecycle.Snapshot
		field string
	}{
		{"out of order", first.State, snap(-1, growthSnap), "snapshot.at"},
		{"no instant", lifecycle.StageState{}, growthSnap, "snapshot.at"},
		{"negative members", lifecycle.StageState{}, snap(0, lifecycle.Snapshot{Members: -1}), "snapshot.members"},
		{"share above one", lifecycle.StageState{}, snap(0, lifecycle.Snapshot{MemberShare: 1.5}), "snapshot.member_share"},
		{"infinite growth", lifecycle.StageState{}, snap(0, lifecycle.Snapshot{NetGrowth: math.Inf(1)}), "snapshot.net_growth"},
		{"lost more than all", lifecycle.StageState{}, snap(0, lifecycle.Snapshot{ActiveGrowth: -1.5}), "snapshot.active_growth"},
		{"negative interaction", lifecycle.StageState{}, snap(0, lifecycle.Snapshot{InteractionRate: -1}), "snapshot.interaction_rate"},
		{"state with no stage", lifecycle.StageState{Last: t0}, snap(0, growthSnap), "state.stage"},
		{"stage not in the model", lifecycle.StageState{Stage: 7}, snap(0, growthSnap), "state.stage"},
		{"negative run", lifecycle.StageState{Stage: qun.Growth, EntryHeld: lifecycle.StageRuns{0, -1}}, snap(0, growthSnap), "state.entry_held.growth"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := d.Observe(tt.st, tt.s)
			ves := qun.ValidationErrors(err)
			if len(ves) != 1 || ves[0].Field != tt.field || !errors.Is(err, qun.ErrInvalid) {
				t.Errorf("Observe error = %v; want one problem at %s", err, tt.field)
			}
			if obs.State != tt.st {
				t.Errorf("a refused snapshot changed the state")
			}
		})
	}
}

func TestTimelineNamesSnapshot(t *testing.T) {
	d := defaultDetector(t)
	snaps := []lifecycle.Snapshot{snap(0, growthSnap), snap(1, growthSnap), snap(1, growthSnap), snap(2, growthSnap), snap(1, growthSnap)}
	changes, st, err := d.Timeline(lifecycle.StageState{}, snaps)
	ves := qun.ValidationErrors(err)
	if len(ves) != 1 || ves[0].Field != "snapshots[4].at" {
		t.Fatalf("Timeline error = %v; want one problem at snapshots[4].at", err)
	}
	if len(changes) != 1 || st.Stage != qun.Growth || st.Last != snaps[3].At {
		t.Errorf("Timeline kept %d changes and state %+v; want the change and state before the bad snapshot", len(changes), st)
	}
}

func TestStageModelRefuses(t *testing.T) {
	th := func(m lifecycle.Metric, op qun.Op, v float64) lifecycle.Threshold {
		return lifecycle.Threshold{Metric: m, Op: op, Value: v}
	}
	tests := []struct {
		name   string
		modify func(m *lifecycle.StageModel)
		want   map[string]string
	}{
		{"bad start", func(m *lifecycle.StageModel) { m.Start = 0 }, map[string]string{"start": "want building"}},
		{"runs below one", func(m *lifecycle.StageModel) { m.EnterAfter, m.LeaveAfter = 0, -1 }, map[string]string{
			"enter_after": "at least 1", "leave_after": "at least 1"}},
		{"no stages", func(m *lifecycle.StageModel) { m.Stages = nil }, map[string]string{"stages": "at least one"}},
		{"stage twice", func(m *lifecycle.StageModel) { m.Stages = append(m.Stages, m.Stages[1]) }, map[string]string{"stages[4].stage": "listed twice"}},
		{"start without a rule", func(m *lifecycle.StageModel) { m.Stages = m.Stages[1:] }, map[string]string{"start": "no rule"}},
		{"keep narrower than entry", func(m *lifecycle.StageModel) { m.Stages[1].Keep[1].Value = 0.06 }, map[string]string{
			"stages[1].keep": "admits net_growth in [0.06, +Inf), narrower than entry's [0.05, +Inf)"}},
		{"keep strict where entry is not", func(m *lifecycle.StageModel) {
			m.Stages[1].Keep[1] = th(lifecycle.MetricNetGrowth, qun.OpGT, 0.05)
			m.Stages[1].Entry[1] = th(lifecycle.MetricNetGrowth, qun.OpGTE, 0.05)
		}, map[string]string{"stages[1].keep": "narrower"}},
		{"keep bounds what entry leaves free", func(m *lifecycle.StageModel) {
			m.Stages[0].Keep = append(m.Stages[0].Keep, th(lifecycle.MetricStickiness, qun.OpGTE, 0))
		}, map[string]string{"stages[0].keep": "bounds stickiness, which entry leaves free"}},
		{"entry can never hold", func(m *lifecycle.StageModel) {
			m.Stages[3].Entry = append(m.Stages[3].Entry, th(lifecycle.MetricNetGrowth, qun.OpGT, 0.01))
		}, map[string]string{"stages[3].entry": "can never hold: no value of net_growth lies in (0.01, 0.01]"}},
		{"bad threshold", func(m *lifecycle.StageModel) {
			m.Stages[2].Entry[0] = lifecycle.Threshold{Metric: 0, Op: qun.OpExact, Value: math.NaN()}
		}, map[string]string{"stages[2].entry[0].metric": "not a metric", "stages[2].entry[0].op": "want gt", "stages[2].entry[0].value": "finite"}},
		{"next is itself", func(m *lifecycle.StageModel) { m.Stages[1].Next[0] = qun.Growth }, map[string]string{"stages[1].next[0]": "cannot follow itself"}},
		{"next twice", func(m *lifecycle.StageModel) { m.Stages[1].Next[1] = qun.Declining }, map[string]string{"stages[1].next[1]": "listed twice"}},
		{"next without a rule", func(m *lifecycle.StageModel) { m.Stages = m.Stages[:3]; m.Stages[2].Next = []qun.Stage{qun.Declining} },
			map[string]string{"stages[2].next[0]": "no rule", "stages[1].next[0]": "no rule"}},
		{"next invalid", func(m *lifecycle.StageModel) { m.Stages[0].Next = []qun.Stage{9} }, map[string]string{"stages[0].next[0]": "want building"}},
		{"empty keep with next", func(m *lifecycle.StageModel) { m.Stages[0].Keep, m.Stages[0].Entry = nil, nil },
			map[string]string{"stages[0].keep": "can never be left"}},
		{"unreachable stage", func(m *lifecycle.StageModel) {
			m.Stages[1].Next = []qun.Stage{qun.Declining}
			m.Stages[3].Next = []qun.Stage{qun.Growth}
		},
			map[string]string{"stages[2]": "cannot be reached"}},
		{"bad playbook", func(m *lifecycle.StageModel) {
			m.Stages[2].Playbook.Review = lifecycle.Cadence{}
			m.Stages[2].Playbook.Focus = []string{""}
			m.Stages[2].Playbook.Actions = append(m.Stages[2].Playbook.Actions, "")
		}, map[string]string{"stages[2].playbook.review.every": "at least 1", "stages[2].playbook.review.grain": "want day",
			"stages[2].playbook.focus[0]": "empty", "stages[2].playbook.actions[4]": "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := lifecycle.DefaultStageModel()
			tt.modify(&m)
			err := m.Validate()
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("Validate = %v; want an error matching qun.ErrInvalid", err)
			}
			if _, err2 := lifecycle.NewStageDetector(m); err2 == nil {
				t.Error("NewStageDetector accepted an invalid model")
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

func TestStageModelJSON(t *testing.T) {
	m := lifecycle.DefaultStageModel()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back lifecycle.StageModel
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []struct{ in, field string }{
		{`{"start":"building","enter_after":3,"leave_after":3,"stages":[],"extra":1}`, "extra"},
		{`{"start":"building","enter_after":"3"}`, "enter_after"},
		{`{"stages":[{"stage":"growth","entry":[{"metric":"members","op":"gte","value":1,"unit":"x"}]}]}`, "stages[0].entry[0].unit"},
	} {
		err := json.Unmarshal([]byte(bad.in), &back)
		ves := qun.ValidationErrors(err)
		if len(ves) != 1 || ves[0].Field != bad.field {
			t.Errorf("Unmarshal(%s) = %v; want a problem at %s", bad.in, err, bad.field)
		}
	}
	for _, bad := range []string{`{"start":"adolescent"}`, `{"stages":[{"entry":[{"metric":"vibes"}]}]}`, `[1]`} {
		if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("Unmarshal(%s) = %v; want an error matching qun.ErrInvalid", bad, err)
		}
	}
}

func TestStageStateJSON(t *testing.T) {
	st := lifecycle.StageState{Stage: qun.Growth, Since: t0, Last: t0.AddDate(0, 2, 0),
		EntryHeld: lifecycle.StageRuns{0, 9, 1, 0}, KeepFailed: lifecycle.StageRuns{9, 0, 0, 2}}
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"stage":"growth","since":"2026-11-22T20:00:00Z","last":"2027-01-22T20:00:00Z",` +
		`"entry_held":{"building":0,"growth":9,"mature":1,"declining":0},"keep_failed":{"building":9,"growth":0,"mature":0,"declining":2}}`
	if string(data) != want {
		t.Errorf("Marshal = %s\nwant      %s", data, want)
	}
	var back lifecycle.StageState
	if err := json.Unmarshal(data, &back); err != nil || !back.Since.Equal(st.Since) || back.EntryHeld != st.EntryHeld || back.Stage != st.Stage {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	for _, bad := range []string{
		`{"stage":"growth","mood":"good"}`,
		`{"entry_held":{"adolescent":1}}`,
		`{"entry_held":{"growth":-1}}`,
		`{"entry_held":[1,2]}`,
	} {
		if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("Unmarshal(%s) = %v; want an error matching qun.ErrInvalid", bad, err)
		}
	}
}

func TestMetricText(t *testing.T) {
	for m := lifecycle.MetricMembers; m <= lifecycle.MetricMemberShare; m++ {
		data, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		back, err := lifecycle.ParseMetric(string(data))
		if err != nil || back != m {
			t.Errorf("ParseMetric(%s) = %v, %v", data, back, err)
		}
	}
	if _, err := lifecycle.Metric(0).MarshalText(); err == nil {
		t.Error("the zero Metric marshalled")
	}
	if got := lifecycle.Metric(99).String(); got != "Metric(99)" {
		t.Errorf("String = %q", got)
	}
	if v := (lifecycle.Snapshot{}).Value(0); !math.IsNaN(v) {
		t.Errorf("Value(0) = %v, want NaN", v)
	}
}

// Keep is accepted as looser than Entry exactly when no snapshot meets
// Entry but fails Keep. Thresholds are drawn on two metrics from a few
// values, so that bounds often coincide; witnesses are sought among the
// bounds and their neighbours, which suffices on intervals.
func TestPropKeepLooserThanEntry(t *testing.T) {
	metrics := []lifecycle.Metric{lifecycle.MetricNetGrowth, lifecycle.MetricStickiness}
	genList := func(t *rapid.T, label string, most int) []lifecycle.Threshold {
		return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) lifecycle.Threshold {
			return lifecycle.Threshold{
				Metric: rapid.SampledFrom(metrics).Draw(t, "metric"),
				Op:     rapid.SampledFrom([]qun.Op{qun.OpGT, qun.OpGTE, qun.OpLT, qun.OpLTE}).Draw(t, "op"),
				Value:  float64(rapid.IntRange(0, 2).Draw(t, "value")) / 2,
			}
		}), 0, most).Draw(t, label)
	}
	rapid.Check(t, func(t *rapid.T) {
		// Keep is drawn near entry, so that the boundary cases (equal
		// bounds, strict against inclusive) come up often.
		entry := genList(t, "entry", 3)
		var keep []lifecycle.Threshold
		flip := map[qun.Op]qun.Op{qun.OpGT: qun.OpGTE, qun.OpGTE: qun.OpGT, qun.OpLT: qun.OpLTE, qun.OpLTE: qun.OpLT}
		for _, th := range entry {
			switch rapid.IntRange(0, 4).Draw(t, "perturb") {
			case 0:
				keep = append(keep, th)
			case 1:
				th.Op = flip[th.Op]
				keep = append(keep, th)
			case 2:
				th.Value += 0.5
				keep = append(keep, th)
			case 3:
				th.Value -= 0.5
				keep = append(keep, th)
			}
		}
		keep = append(keep, genList(t, "extra", 1)...)
		model := lifecycle.StageModel{Start: qun.Building, EnterAfter: 1, LeaveAfter: 1, Stages: []lifecycle.StageRule{{
			Stage: qun.Building, Entry: entry, Keep: keep,
			Playbook: lifecycle.Playbook{Review: lifecycle.Cadence{Every: 1, Grain: qun.Week}},
		}}}
		err := model.Validate()
		entryEmpty, looserRefused := false, false
		for _, ve := range qun.ValidationErrors(err) {
			switch ve.Field {
			case "stages[0].entry":
				entryEmpty = true
			case "stages[0].keep":
				looserRefused = true
			default:
				t.Fatalf("unexpected problem: %v", ve)
			}
		}
		// Candidate values per metric.
		var cands []float64
		for v := -1; v <= 3; v++ {
			x := float64(v) / 2
			cands = append(cands, x, math.Nextafter(x, -1), math.Nextafter(x, 2), x+0.25)
		}
		cands = append(cands, -1, 2)
		holds := func(list []lifecycle.Threshold, m lifecycle.Metric, v float64) bool {
			for _, th := range list {
				if th.Metric == m && !th.Holds(v) {
					return false
				}
			}
			return true
		}
		// For each metric: values meeting entry, and those among them
		// failing keep.
		var inEntry [2][]float64
		witness := false
		for i, m := range metrics {
			for _, v := range cands {
				if holds(entry, m, v) {
					inEntry[i] = append(inEntry[i], v)
					if !holds(keep, m, v) {
						witness = true
					}
				}
			}
		}
		satisfiable := len(inEntry[0]) > 0 && len(inEntry[1]) > 0
		if satisfiable == entryEmpty {
			t.Fatalf("entry satisfiable: %v, but refused as never holding: %v (%v)", satisfiable, entryEmpty, err)
		}
		if satisfiable && witness != looserRefused {
			t.Fatalf("a snapshot meets entry but fails keep: %v; keep refused as narrower: %v (%v)", witness, looserRefused, err)
		}
	})
}

// With hysteresis k, metrics that alternate between two readings in runs
// shorter than k snapshots never change the stage, unless the decision is
// the same on both readings: the next stage's entry criteria hold on both
// and the current stage's keep criteria fail on both.
func TestPropFastOscillationNeverChangesStage(t *testing.T) {
	base := []lifecycle.Snapshot{buildingSnap, growthSnap, matureSnap, decliningSnap}
	genSnap := rapid.Custom(func(t *rapid.T) lifecycle.Snapshot {
		s := rapid.SampledFrom(base).Draw(t, "base")
		// Nudge every metric across nearby thresholds.
		s.Members = rapid.Int64Range(0, 2000).Draw(t, "members")
		s.NetGrowth = rapid.Float64Range(-0.1, 0.2).Draw(t, "net_growth")
		s.ActiveGrowth = rapid.Float64Range(-0.2, 0.2).Draw(t, "active_growth")
		s.MemberShare = rapid.Float64Range(0, 1).Draw(t, "member_share")
		return s
	})
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.IntRange(2, 5).Draw(t, "k")
		model := lifecycle.DefaultStageModel()
		model.EnterAfter, model.LeaveAfter = k, k
		d, err := lifecycle.NewStageDetector(model)
		if err != nil {
			t.Fatal(err)
		}
		a, b := genSnap.Draw(t, "a"), genSnap.Draw(t, "b")
		// A community already known to be in some stage, with no runs yet.
		st := lifecycle.StageState{Stage: rapid.SampledFrom([]qun.Stage{qun.Building, qun.Growth, qun.Mature, qun.Declining}).Draw(t, "start")}
		w := 0
		for range rapid.IntRange(1, 12).Draw(t, "runs") {
			for _, s := range []lifecycle.Snapshot{a, b} {
				for range rapid.IntRange(1, k-1).Draw(t, "run") {
					obs, err := d.Observe(st, snap(w, s))
					if err != nil {
						t.Fatal(err)
					}
					w++
					if c := obs.Change; c != nil {
						from, _ := model.Rule(c.From)
						to, _ := model.Rule(c.To)
						if !(allHold(to.Entry, a) && allHold(to.Entry, b) && !allHold(from.Keep, a) && !allHold(from.Keep, b)) {
							t.Fatalf("snapshot %d moved %v → %v though the readings disagree", w, c.From, c.To)
						}
					}
					st = obs.State
				}
			}
		}
	})
}

func allHold(list []lifecycle.Threshold, s lifecycle.Snapshot) bool {
	for _, th := range list {
		if !th.Holds(s.Value(th.Metric)) {
			return false
		}
	}
	return true
}

// The stage after a series depends only on the series, not on how it was
// split into calls: observing one by one equals Timeline, and a state saved
// as JSON and restored continues the same.
func TestPropTimelineEqualsObserve(t *testing.T) {
	d := defaultDetector(t)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "n")
		snaps := make([]lifecycle.Snapshot, n)
		for i := range snaps {
			snaps[i] = snap(i, rapid.SampledFrom([]lifecycle.Snapshot{buildingSnap, growthSnap, matureSnap, decliningSnap}).Draw(t, "s"))
		}
		want, wantSt, err := d.Timeline(lifecycle.StageState{}, snaps)
		if err != nil {
			t.Fatal(err)
		}
		cut := rapid.IntRange(0, n).Draw(t, "cut")
		first, mid, err := d.Timeline(lifecycle.StageState{}, snaps[:cut])
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(mid)
		if err != nil {
			t.Fatal(err)
		}
		var restored lifecycle.StageState
		if err := json.Unmarshal(data, &restored); err != nil {
			t.Fatal(err)
		}
		second, gotSt, err := d.Timeline(restored, snaps[cut:])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, append(first, second...), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Fatalf("changes (-whole +split):\n%s", diff)
		}
		if gotSt.Stage != wantSt.Stage || gotSt.EntryHeld != wantSt.EntryHeld || gotSt.KeepFailed != wantSt.KeepFailed {
			t.Fatalf("state %+v, want %+v", gotSt, wantSt)
		}
	})
}

func TestZeroStageDetector(t *testing.T) {
	var d lifecycle.StageDetector
	if _, err := d.Observe(lifecycle.StageState{}, snap(0, growthSnap)); err == nil {
		t.Error("the zero StageDetector observed a snapshot")
	}
}
