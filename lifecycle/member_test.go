package lifecycle_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/lifecycle"
	"pgregory.net/rapid"
)

func classifier(t testing.TB, r lifecycle.MemberRules) *lifecycle.Classifier {
	t.Helper()
	c, err := lifecycle.NewClassifier(r)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const day = 24 * time.Hour

// Every rule of the member lifecycle under the default windows, in elapsed
// time, with its boundaries.
func TestClassifyDefaults(t *testing.T) {
	c := classifier(t, lifecycle.DefaultMemberRules())
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	const ns = time.Nanosecond
	N, A, S, C, R := lifecycle.New, lifecycle.Active, lifecycle.Silent, lifecycle.Churned, lifecycle.Resurrected
	tests := []struct {
		name string
		f    lifecycle.Facts
		want lifecycle.MemberState
	}{
		{"joined 3 days ago, never active", lifecycle.Facts{Joined: ago(3 * day)}, N},
		{"joined 3 days ago and active: still new", lifecycle.Facts{Joined: ago(3 * day), LastActive: ago(time.Hour)}, N},
		{"joined just under 7 days ago: new", lifecycle.Facts{Joined: ago(7*day - ns)}, N},
		{"joined exactly 7 days ago, never active: silent", lifecycle.Facts{Joined: ago(7 * day), State: N}, S},
		{"joined exactly 7 days ago, active: active", lifecycle.Facts{Joined: ago(7 * day), LastActive: ago(time.Hour), State: N}, A},
		{"active yesterday", lifecycle.Facts{Joined: ago(30 * day), LastActive: ago(day)}, A},
		{"active just under 14 days ago", lifecycle.Facts{Joined: ago(30 * day), LastActive: ago(14*day - ns)}, A},
		{"active exactly 14 days ago: silent", lifecycle.Facts{Joined: ago(30 * day), LastActive: ago(14 * day), State: A}, S},
		{"active just under 90 days ago: silent", lifecycle.Facts{Joined: ago(120 * day), LastActive: ago(90*day - ns)}, S},
		{"active exactly 90 days ago: churned", lifecycle.Facts{Joined: ago(120 * day), LastActive: ago(90 * day), State: S}, C},
		{"joined 60 days ago, never active: silent", lifecycle.Facts{Joined: ago(60 * day)}, S},
		{"joined 200 days ago, never active: churned", lifecycle.Facts{Joined: ago(200 * day)}, C},
		{"created long before the first activity, unclassified: active", lifecycle.Facts{Joined: ago(200 * day), LastActive: ago(day)}, A},
		{"created long before the first activity, was churned: resurrected", lifecycle.Facts{Joined: ago(200 * day), LastActive: ago(day), State: C}, R},
		{"silent, active again: resurrected", lifecycle.Facts{Joined: ago(60 * day), LastActive: ago(time.Hour), State: S}, R},
		{"resurrected 13 days ago, still active: resurrected", lifecycle.Facts{Joined: ago(200 * day), LastActive: ago(time.Hour), State: R, Since: ago(13 * day)}, R},
		{"resurrected exactly 14 days ago, still active: active", lifecycle.Facts{Joined: ago(200 * day), LastActive: ago(time.Hour), State: R, Since: ago(14 * day)}, A},
		{"resurrected at an unknown time: active", lifecycle.Facts{Joined: ago(200 * day), LastActive: ago(time.Hour), State: R}, A},
		{"resurrected, then quiet for 20 days: silent", lifecycle.Facts{Joined: ago(200 * day), LastActive: ago(20 * day), State: R, Since: ago(21 * day)}, S},
		{"active member stays active", lifecycle.Facts{Joined: ago(30 * day), LastActive: ago(time.Hour), State: A}, A},
		{"churned member who rejoined: new", lifecycle.Facts{Joined: ago(2 * day), LastActive: ago(100 * day), State: C}, N},
		{"rejoined 30 days ago, last active before: silent since rejoining", lifecycle.Facts{Joined: ago(30 * day), LastActive: ago(100 * day), State: C}, S},
		{"activity stamped in the future: active", lifecycle.Facts{Joined: ago(30 * day), LastActive: now.Add(time.Hour)}, A},
		{"join time unknown, active: active", lifecycle.Facts{LastActive: ago(day)}, A},
		{"nothing known: churned", lifecycle.Facts{}, C},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Classify(tt.f, now); got != tt.want {
				t.Errorf("Classify = %v, want %v", got, tt.want)
			}
		})
	}
}

// Counting in local calendar days, in each member's own time zone, and
// across a DST change.
func TestClassifyLocalDays(t *testing.T) {
	shanghai := qun.MustLoadZone("Asia/Shanghai")
	newYork := qun.MustLoadZone("America/New_York").Location()
	rules := lifecycle.DefaultMemberRules()
	rules.LocalDays, rules.Zone = true, shanghai
	local := classifier(t, rules)
	elapsed := classifier(t, lifecycle.DefaultMemberRules())
	sh := shanghai.Location()
	longAgo := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name           string
		now, last      time.Time
		loc            *time.Location
		local, elapsed lifecycle.MemberState
	}{
		{"14 local days, at 23:59 of the day: silent", time.Date(2026, 11, 22, 1, 30, 0, 0, sh), time.Date(2026, 11, 8, 23, 59, 0, 0, sh), nil,
			lifecycle.Silent, lifecycle.Active},
		{"13 local days, at midnight: active", time.Date(2026, 11, 22, 1, 30, 0, 0, sh), time.Date(2026, 11, 9, 0, 0, 0, 0, sh), nil,
			lifecycle.Active, lifecycle.Active},
		{"14 local days but 13 days 9 hours elapsed", time.Date(2026, 11, 22, 8, 0, 0, 0, sh), time.Date(2026, 11, 8, 23, 0, 0, 0, sh), nil,
			lifecycle.Silent, lifecycle.Active},
		{"the same instants, a member in New York: a day behind", time.Date(2026, 11, 22, 1, 30, 0, 0, sh), time.Date(2026, 11, 8, 23, 59, 0, 0, sh), newYork,
			lifecycle.Active, lifecycle.Active},
		{"New York, 14 local days across the end of DST: silent", time.Date(2026, 11, 14, 10, 0, 0, 0, newYork), time.Date(2026, 10, 31, 23, 0, 0, 0, newYork), newYork,
			lifecycle.Silent, lifecycle.Active},
		{"New York, 13 local days across the end of DST: active", time.Date(2026, 11, 14, 10, 0, 0, 0, newYork), time.Date(2026, 11, 1, 0, 0, 0, 0, newYork), newYork,
			lifecycle.Active, lifecycle.Active},
		{"New York, 14 elapsed days less a minute across DST: the 31st, 11:01 EDT", time.Date(2026, 11, 14, 10, 0, 0, 0, newYork), time.Date(2026, 11, 14, 10, 0, 0, 0, newYork).Add(-14*day + time.Minute), newYork,
			lifecycle.Silent, lifecycle.Active},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := lifecycle.Facts{Joined: longAgo, LastActive: tt.last, State: lifecycle.Active, Location: tt.loc}
			if got := local.Classify(f, tt.now); got != tt.local {
				t.Errorf("local days: %v, want %v", got, tt.local)
			}
			if got := elapsed.Classify(f, tt.now); got != tt.elapsed {
				t.Errorf("elapsed time: %v, want %v", got, tt.elapsed)
			}
		})
	}
	// New for 7 local days: joined on the 15th, Shanghai time, is new
	// through the 21st and not on the 22nd.
	joined := time.Date(2026, 11, 15, 23, 0, 0, 0, sh)
	for _, tc := range []struct {
		now  time.Time
		want lifecycle.MemberState
	}{
		{time.Date(2026, 11, 21, 23, 59, 0, 0, sh), lifecycle.New},
		{time.Date(2026, 11, 22, 0, 0, 0, 0, sh), lifecycle.Silent},
	} {
		if got := local.Classify(lifecycle.Facts{Joined: joined}, tc.now); got != tc.want {
			t.Errorf("joined %v, at %v: %v, want %v", joined, tc.now, got, tc.want)
		}
	}
}

func TestClassifyAll(t *testing.T) {
	c := classifier(t, lifecycle.DefaultMemberRules())
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	sec := func(d time.Duration) int64 { return now.Add(-d).Unix() }
	pop := lifecycle.Population{
		Joined:     []int64{sec(3 * day), sec(30 * day), sec(30 * day), sec(200 * day), sec(200 * day)},
		LastActive: []int64{0, sec(time.Hour), sec(14 * day), sec(day), 0},
		State:      []lifecycle.MemberState{lifecycle.New, lifecycle.Active, lifecycle.Active, lifecycle.Churned, 0},
	}
	got, err := c.ClassifyAll(nil, pop, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []lifecycle.MemberChange{
		{Member: 2, From: lifecycle.Active, To: lifecycle.Silent},
		{Member: 3, From: lifecycle.Churned, To: lifecycle.Resurrected},
		{Member: 4, From: 0, To: lifecycle.Churned},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if s := got[0].String(); s != "member 2: active → silent" {
		t.Errorf("String() = %q", s)
	}

	refusals := []struct {
		name  string
		pop   lifecycle.Population
		field string
	}{
		{"last_active short", lifecycle.Population{Joined: []int64{1, 2}, LastActive: []int64{1}, State: make([]lifecycle.MemberState, 2)}, "last_active"},
		{"state long", lifecycle.Population{Joined: []int64{1}, LastActive: []int64{1}, State: make([]lifecycle.MemberState, 2)}, "state"},
		{"since short", lifecycle.Population{Joined: []int64{1}, LastActive: []int64{1}, State: make([]lifecycle.MemberState, 1), Since: []int64{}}, "since"},
	}
	for _, tt := range refusals {
		got, err := c.ClassifyAll(nil, tt.pop, now)
		ves := qun.ValidationErrors(err)
		if len(ves) != 1 || ves[0].Field != tt.field || got != nil || !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: ClassifyAll = %v, %v; want a problem at %s", tt.name, got, err, tt.field)
		}
	}
	rules := lifecycle.DefaultMemberRules()
	rules.LocalDays = true
	zoned := classifier(t, rules)
	for _, tt := range []struct {
		pop   lifecycle.Population
		field string
	}{
		{lifecycle.Population{Joined: []int64{1}, LastActive: []int64{1}, State: make([]lifecycle.MemberState, 1), Zone: []uint16{0, 0}}, "zone"},
		{lifecycle.Population{Joined: []int64{1, 1}, LastActive: []int64{1, 1}, State: make([]lifecycle.MemberState, 2), Zone: []uint16{0, 1}, Zones: []*time.Location{nil}}, "zone[1]"},
	} {
		_, err := zoned.ClassifyAll(nil, tt.pop, now)
		if ves := qun.ValidationErrors(err); len(ves) != 1 || ves[0].Field != tt.field {
			t.Errorf("ClassifyAll = %v; want a problem at %s", err, tt.field)
		}
	}
}

// Classifying a population with a reused slice allocates nothing.
func TestClassifyAllAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	c := classifier(t, lifecycle.DefaultMemberRules())
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	pop := benchPopulation(1000, now)
	dst := make([]lifecycle.MemberChange, 0, 1000)
	if allocs := testing.AllocsPerRun(100, func() { dst, _ = c.ClassifyAll(dst[:0], pop, now) }); allocs != 0 {
		t.Errorf("ClassifyAll allocates %v times per call", allocs)
	}
	if len(dst) == 0 {
		t.Error("the benchmark population has no changes; it measures nothing")
	}
}

// Bulk classification decides exactly as one-at-a-time classification, for
// any rules, zones and population with whole-second instants.
func TestPropClassifyAllEqualsClassify(t *testing.T) {
	zones := []*time.Location{nil, time.UTC, qun.MustLoadZone("Asia/Shanghai").Location(),
		qun.MustLoadZone("America/New_York").Location(), qun.MustLoadZone("Australia/Lord_Howe").Location()}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix()
	rapid.Check(t, func(t *rapid.T) {
		days := func(label string, lo, hi int) qun.Duration { return qun.Days(rapid.IntRange(lo, hi).Draw(t, label)) }
		rules := lifecycle.MemberRules{
			NewFor: days("new_for", 1, 10), SilentAfter: days("silent_after", 1, 20), RecalledFor: days("recalled_for", 1, 20),
			LocalDays: rapid.Bool().Draw(t, "local_days"),
			Zone:      qun.ZoneOf(rapid.SampledFrom(zones[1:]).Draw(t, "zone")),
		}
		rules.ChurnedAfter = rules.SilentAfter + days("churn_extra", 1, 30)
		if !rules.LocalDays && rapid.Bool().Draw(t, "odd windows") {
			rules.SilentAfter += qun.Duration(rapid.IntRange(1, 86399).Draw(t, "silent seconds")) * qun.Duration(time.Second)
		}
		c, err := lifecycle.NewClassifier(rules)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Unix(base+rapid.Int64Range(0, 400*86400).Draw(t, "now"), rapid.Int64Range(0, 999999999).Draw(t, "now ns"))
		n := rapid.IntRange(0, 60).Draw(t, "members")
		// Instants cluster around the cut-offs, so that boundaries are hit.
		instant := func(label string) int64 {
			if rapid.IntRange(0, 5).Draw(t, label+" none") == 0 {
				return 0
			}
			back := rapid.SampledFrom([]int64{0, 1, 7, 13, 14, 15, 30, 60, 89, 90, 91}).Draw(t, label+" days")
			jitter := rapid.Int64Range(-2, 2).Draw(t, label+" jitter") * rapid.SampledFrom([]int64{1, 3600, 86400}).Draw(t, label+" unit")
			return now.Unix() - back*86400 + jitter
		}
		pop := lifecycle.Population{Zones: zones}
		withSince, withZone := rapid.Bool().Draw(t, "since"), rapid.Bool().Draw(t, "zones")
		for range n {
			pop.Joined = append(pop.Joined, instant("joined"))
			pop.LastActive = append(pop.LastActive, instant("last"))
			pop.State = append(pop.State, lifecycle.MemberState(rapid.IntRange(0, 5).Draw(t, "state")))
			if withSince {
				pop.Since = append(pop.Since, instant("since"))
			}
			if withZone {
				pop.Zone = append(pop.Zone, uint16(rapid.IntRange(0, len(zones)-1).Draw(t, "zone")))
			}
		}
		changes, err := c.ClassifyAll(nil, pop, now)
		if err != nil {
			t.Fatal(err)
		}
		got := append([]lifecycle.MemberState(nil), pop.State...)
		for i, ch := range changes {
			if i > 0 && ch.Member <= changes[i-1].Member {
				t.Fatalf("changes out of order: %v after %v", ch, changes[i-1])
			}
			if ch.From != pop.State[ch.Member] || ch.From == ch.To {
				t.Fatalf("change %v does not start from the member's state %v", ch, pop.State[ch.Member])
			}
			got[ch.Member] = ch.To
		}
		at := func(s int64) time.Time {
			if s == 0 {
				return time.Time{}
			}
			return time.Unix(s, 0)
		}
		for i := range n {
			f := lifecycle.Facts{Joined: at(pop.Joined[i]), LastActive: at(pop.LastActive[i]), State: pop.State[i]}
			if withSince {
				f.Since = at(pop.Since[i])
			}
			if withZone && rules.LocalDays {
				f.Location = zones[pop.Zone[i]]
			}
			if want := c.Classify(f, now); got[i] != want {
				t.Fatalf("member %d (%+v): bulk %v, one at a time %v", i, f, got[i], want)
			}
		}
	})
}

func TestMemberRulesValidate(t *testing.T) {
	if err := lifecycle.DefaultMemberRules().Validate(); err != nil {
		t.Fatal(err)
	}
	d := lifecycle.DefaultMemberRules()
	if d.NewFor != qun.Days(7) || d.SilentAfter != qun.Days(14) || d.ChurnedAfter != qun.Days(90) || d.RecalledFor != qun.Days(14) || d.LocalDays {
		t.Errorf("defaults changed: %+v; update the package overview", d)
	}
	tests := []struct {
		name   string
		modify func(r *lifecycle.MemberRules)
		want   []string
	}{
		{"zero", func(r *lifecycle.MemberRules) { *r = lifecycle.MemberRules{} }, []string{"new_for", "silent_after", "churned_after", "recalled_for"}},
		{"negative", func(r *lifecycle.MemberRules) { r.RecalledFor = -1 }, []string{"recalled_for"}},
		{"churn before silence", func(r *lifecycle.MemberRules) { r.ChurnedAfter = r.SilentAfter }, []string{"churned_after"}},
		{"part days in local days", func(r *lifecycle.MemberRules) {
			r.LocalDays = true
			r.SilentAfter = qun.Duration(36 * time.Hour)
		}, []string{"silent_after"}},
	}
	for _, tt := range tests {
		r := lifecycle.DefaultMemberRules()
		tt.modify(&r)
		err := r.Validate()
		var fields []string
		for _, ve := range qun.ValidationErrors(err) {
			fields = append(fields, ve.Field)
		}
		if diff := cmp.Diff(tt.want, fields); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tt.name, diff)
		}
		if _, err := lifecycle.NewClassifier(r); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: NewClassifier = %v", tt.name, err)
		}
	}
}

func TestMemberRulesJSON(t *testing.T) {
	r := lifecycle.MemberRules{NewFor: qun.Days(7), SilentAfter: qun.Days(14), ChurnedAfter: qun.Days(90), RecalledFor: qun.Days(14),
		LocalDays: true, Zone: qun.MustLoadZone("Asia/Shanghai")}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"new_for":"7d","silent_after":"14d","churned_after":"90d","recalled_for":"14d","local_days":true,"zone":"Asia/Shanghai"}`
	if string(data) != want {
		t.Errorf("Marshal = %s\nwant      %s", data, want)
	}
	var back lifecycle.MemberRules
	if err := json.Unmarshal(data, &back); err != nil || !back.Zone.Equal(r.Zone) || back.SilentAfter != r.SilentAfter || !back.LocalDays {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	data, _ = json.Marshal(lifecycle.DefaultMemberRules())
	if string(data) != `{"new_for":"7d","silent_after":"14d","churned_after":"90d","recalled_for":"14d"}` {
		t.Errorf("default rules marshal as %s", data)
	}
	for _, bad := range []string{`{"new_for":"7 days"}`, `{"silent_after":14}`, `{"zone":"Mars/Olympus"}`, `{"churn":"90d"}`} {
		if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("Unmarshal(%s) = %v; want an error matching qun.ErrInvalid", bad, err)
		}
	}
}

func TestMemberStateText(t *testing.T) {
	for s := lifecycle.New; s <= lifecycle.Resurrected; s++ {
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back lifecycle.MemberState
		if err := json.Unmarshal(data, &back); err != nil || back != s {
			t.Errorf("round trip of %v: %v, %v", s, back, err)
		}
	}
	if _, err := json.Marshal(lifecycle.MemberState(0)); err == nil {
		t.Error("the zero state marshalled")
	}
	if _, err := lifecycle.ParseMemberState("Active"); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ParseMemberState is case-sensitive; got %v", err)
	}
	if got := lifecycle.MemberState(0).String() + " " + lifecycle.MemberState(9).String(); got != "unclassified MemberState(9)" {
		t.Errorf("String = %q", got)
	}
	if !strings.Contains(lifecycle.Silent.String(), "silent") {
		t.Error("Silent does not read silent")
	}
}
