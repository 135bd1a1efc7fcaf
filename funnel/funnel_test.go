package funnel

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
)

// e is shorthand for an event m minutes after t0, with properties given as
// key, value pairs.
func e(member, name string, m float64, kv ...string) qun.Event {
	ev := qun.Event{Member: qun.MemberID(member), Name: name, Time: t0.Add(time.Duration(m * float64(time.Minute)))}
	if len(kv) > 0 {
		ev.Props = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			ev.Props[kv[i]] = kv[i+1]
		}
	}
	return ev
}

func steps(names ...string) []Step {
	out := make([]Step, len(names))
	for i, n := range names {
		out[i] = Step{EventFilter: qun.EventFilter{Name: n}}
	}
	return out
}

const day = 24 * 60.0 // minutes

// TestFunnelScenarios pins the documented semantics, each scenario written
// after the peer document it follows (see the package documentation).
func TestFunnelScenarios(t *testing.T) {
	wechat := []qun.Condition{{Prop: "channel", Op: qun.OpExact, Values: []string{"wechat"}}}
	tests := []struct {
		name    string
		funnel  Funnel
		events  []qun.Event
		r       Range
		want    []int64
		dropped int64
	}{
		{
			name:   "ordered: steps in order within the default 14 days",
			funnel: Funnel{Steps: steps("join", "post", "buy")},
			events: []qun.Event{e("a", "join", 0), e("a", "post", 10), e("a", "buy", 13*day), e("b", "join", 0), e("b", "buy", 1), e("b", "post", 2)},
			want:   []int64{2, 2, 1},
		},
		{
			name:   "the window is inclusive: a step exactly at its end counts (PostHog <=, ClickHouse <=)",
			funnel: Funnel{Steps: steps("join", "buy"), Window: Within(qun.Days(1))},
			events: []qun.Event{e("a", "join", 0), e("a", "buy", day), e("b", "join", 0), e("b", "buy", day+1.0/60)},
			want:   []int64{2, 1},
		},
		{
			name:   "the window runs from the latest entry that can still convert",
			funnel: Funnel{Steps: steps("join", "buy"), Window: Within(qun.Days(7))},
			events: []qun.Event{e("a", "join", 0), e("a", "join", 5*day), e("a", "buy", 12*day)},
			want:   []int64{1, 1},
		},
		{
			name:   "the same event as three steps must occur three times",
			funnel: Funnel{Steps: steps("join", "check_in", "check_in", "check_in")},
			events: []qun.Event{e("a", "join", 0), e("a", "check_in", 1), e("a", "check_in", 2), e("b", "join", 0), e("b", "check_in", 1), e("b", "check_in", 2), e("b", "check_in", 3)},
			want:   []int64{2, 2, 2, 1},
		},
		{
			name:   "events at one instant may complete consecutive steps",
			funnel: Funnel{Steps: steps("join", "post")},
			events: []qun.Event{e("a", "post", 0), e("a", "join", 0)},
			want:   []int64{1, 1},
		},
		{
			name:   "strict_increase: steps at one instant do not follow one another (ClickHouse)",
			funnel: Funnel{Steps: steps("join", "post"), StrictIncrease: true},
			events: []qun.Event{e("a", "post", 0), e("a", "join", 0), e("b", "join", 0), e("b", "post", 1)},
			want:   []int64{2, 1},
		},
		{
			name:   "strict: another event between steps breaks the attempt (PostHog strict order)",
			funnel: Funnel{Steps: steps("join", "post"), Order: Strict},
			events: []qun.Event{e("a", "join", 0), e("a", "like", 1), e("a", "post", 2), e("b", "join", 0), e("b", "post", 2)},
			want:   []int64{2, 1},
		},
		{
			name:   "strict: an event at the same instant as a step is neither before nor after it",
			funnel: Funnel{Steps: steps("join", "post"), Order: Strict},
			events: []qun.Event{e("a", "join", 0), e("a", "like", 0), e("a", "post", 2)},
			want:   []int64{1, 1},
		},
		{
			name:   "strict: a later attempt may still convert",
			funnel: Funnel{Steps: steps("join", "post"), Order: Strict},
			events: []qun.Event{e("a", "join", 0), e("a", "like", 1), e("a", "join", 2), e("a", "post", 3)},
			want:   []int64{1, 1},
		},
		{
			name:   "unordered: any order counts; step k counts members who did k+1 of the steps",
			funnel: Funnel{Steps: steps("join", "post", "buy"), Order: Unordered},
			events: []qun.Event{e("a", "buy", 0), e("a", "post", 1), e("a", "join", 2), e("b", "post", 0)},
			want:   []int64{2, 1, 1},
		},
		{
			name:   "unordered: the window opens at the first step done",
			funnel: Funnel{Steps: steps("join", "post"), Order: Unordered, Window: Within(qun.Days(1))},
			events: []qun.Event{e("a", "post", 0), e("a", "join", 2*day)},
			want:   []int64{1, 0},
		},
		{
			name: "exclusion between steps drops the member from every step (PostHog)",
			funnel: Funnel{Steps: steps("join", "post", "buy"),
				Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "refund"}, From: 0, To: 1}}},
			events: []qun.Event{
				e("a", "join", 0), e("a", "refund", 1), e("a", "post", 2), e("a", "buy", 3), // dropped
				e("b", "join", 0), e("b", "post", 1), e("b", "refund", 2), e("b", "buy", 3), // refund after step 1: fine
			},
			want:    []int64{1, 1, 1},
			dropped: 1,
		},
		{
			name: "exclusion: an attempt waiting for step To is excluded, within its window",
			funnel: Funnel{Steps: steps("join", "post", "buy"), Window: Within(qun.Days(1)),
				Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "refund"}, From: 1, To: 2}}},
			events: []qun.Event{
				e("a", "join", 0), e("a", "post", 1), e("a", "refund", 2), // dropped: after post, before buy
				e("b", "join", 0), e("b", "post", 1), e("b", "refund", 2*day), // after the window
			},
			want:    []int64{1, 1, 0},
			dropped: 1,
		},
		{
			name: "exclusion at the same instant as step To comes before it",
			funnel: Funnel{Steps: steps("join", "buy"),
				Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "refund"}, From: 0, To: 1}}},
			events: []qun.Event{e("a", "join", 0), e("a", "refund", 5), e("a", "buy", 5),
				e("b", "refund", 0), e("b", "join", 0), e("b", "buy", 5)},
			want:    []int64{1, 1},
			dropped: 1,
		},
		{
			name: "exclusion: a clean attempt as far as the excluded one keeps the member",
			funnel: Funnel{Steps: steps("join", "buy"),
				Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "refund"}, From: 0, To: 1}}},
			events: []qun.Event{e("a", "join", 0), e("a", "refund", 1), e("a", "buy", 2), e("a", "join", 3), e("a", "buy", 4)},
			want:   []int64{1, 1},
		},
		{
			name: "unordered exclusion: a window with an exclusion before its last step is excluded (PostHog SQL)",
			funnel: Funnel{Steps: steps("join", "post"), Order: Unordered, Window: Within(qun.Days(1)),
				Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "refund"}, From: 0, To: 1}}},
			events: []qun.Event{
				e("a", "post", 0), e("a", "refund", 1), e("a", "join", 2), // the window from join is clean: 1 step
				e("b", "post", 0), e("b", "join", 1), e("b", "refund", 2), // after completion: fine
				e("c", "join", 0), e("c", "refund", 0), // at the first event: fine
				e("d", "join", 0), e("d", "refund", 1), e("d", "join", 3*day), // a later clean window
				e("f", "join", 0), e("f", "refund", 1), // every window excluded: dropped
			},
			want:    []int64{4, 1},
			dropped: 1,
		},
		{
			name: "first ever: only the member's first join counts, and only if it meets the conditions",
			funnel: Funnel{Steps: []Step{
				{EventFilter: qun.EventFilter{Name: "join", Where: wechat}, Occurrence: FirstEver},
				{EventFilter: qun.EventFilter{Name: "buy"}},
			}},
			events: []qun.Event{
				e("a", "join", 0, "channel", "ads"), e("a", "join", 1, "channel", "wechat"), e("a", "buy", 2),
				e("b", "join", 0, "channel", "wechat"), e("b", "buy", 2),
			},
			want: []int64{1, 1},
		},
		{
			name: "first matching: the member's first join that meets the conditions",
			funnel: Funnel{Steps: []Step{
				{EventFilter: qun.EventFilter{Name: "join", Where: wechat}, Occurrence: FirstMatching},
				{EventFilter: qun.EventFilter{Name: "buy"}},
			}},
			events: []qun.Event{
				e("a", "join", 0, "channel", "ads"), e("a", "join", 1, "channel", "wechat"), e("a", "buy", 2),
				e("b", "join", 0, "channel", "wechat"), e("b", "join", 3, "channel", "wechat"), e("b", "buy", 20*day),
			},
			want: []int64{2, 1},
		},
		{
			name: "first ever looks at all history, before the range too",
			funnel: Funnel{Steps: []Step{
				{EventFilter: qun.EventFilter{Name: "join"}, Occurrence: FirstEver},
				{EventFilter: qun.EventFilter{Name: "buy"}},
			}},
			events: []qun.Event{e("a", "join", 0), e("a", "join", 10), e("a", "buy", 11), e("b", "join", 10), e("b", "buy", 11)},
			r:      Range{From: at(5)},
			want:   []int64{1, 1},
		},
		{
			name:   "the range bounds every step: [From, To)",
			funnel: Funnel{Steps: steps("join", "buy")},
			events: []qun.Event{e("a", "join", 0), e("a", "buy", 10), e("b", "join", 5), e("b", "buy", 6)},
			r:      Range{From: at(5), To: at(10)},
			want:   []int64{1, 1},
		},
		{
			name: "a step with a window of its own must follow the previous step within it",
			funnel: Funnel{Steps: []Step{
				{EventFilter: qun.EventFilter{Name: "cart"}},
				{EventFilter: qun.EventFilter{Name: "pay"}, Within: Within(qun.Duration(time.Hour))},
			}},
			events: []qun.Event{e("a", "cart", 0), e("a", "pay", 61), e("b", "cart", 0), e("b", "cart", 30), e("b", "pay", 61)},
			want:   []int64{2, 1},
		},
		{
			name:   "strict_dedup: a repeated step stops the search (ClickHouse: A-B-C-B-D gives 3)",
			funnel: Funnel{Steps: steps("A", "B", "C", "D"), StrictDedup: true},
			events: []qun.Event{e("a", "A", 0), e("a", "B", 1), e("a", "C", 2), e("a", "B", 3), e("a", "D", 4)},
			want:   []int64{1, 1, 1, 0},
		},
		{
			name:   "strict_order: another event stops the search (ClickHouse: A->B->D->C gives 2)",
			funnel: Funnel{Steps: steps("A", "B", "C"), StrictOrder: true},
			events: []qun.Event{e("a", "A", 0), e("a", "B", 1), e("a", "D", 2), e("a", "C", 3)},
			want:   []int64{1, 1, 0},
		},
		{
			name:   "strict_order: events before the first step are ignored",
			funnel: Funnel{Steps: steps("A", "B"), StrictOrder: true},
			events: []qun.Event{e("a", "X", 0), e("a", "B", 1), e("a", "A", 2), e("a", "B", 3)},
			want:   []int64{1, 1},
		},
		{
			name:   "conditions on properties select a step's events",
			funnel: Funnel{Steps: []Step{{EventFilter: qun.EventFilter{Name: "join"}}, {EventFilter: qun.EventFilter{Name: "buy", Where: []qun.Condition{{Prop: "amount", Op: qun.OpGTE, Values: []string{"100"}}}}}}},
			events: []qun.Event{e("a", "join", 0), e("a", "buy", 1, "amount", "99.5"), e("b", "join", 0), e("b", "buy", 1, "amount", "120")},
			want:   []int64{2, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := tt.funnel.Compile()
			if err != nil {
				t.Fatal(err)
			}
			res := q.Run(mustTable(t, tt.events), tt.r)
			if diff := cmp.Diff(tt.want, counts(res)); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			if res.Dropped != tt.dropped {
				t.Errorf("dropped = %d, want %d", res.Dropped, tt.dropped)
			}
		})
	}
}

func TestMonthWindow(t *testing.T) {
	jan31 := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	feb28 := time.Date(2026, 2, 28, 10, 0, 0, 0, time.UTC)
	evs := []qun.Event{
		{Member: "a", Name: "join", Time: jan31}, {Member: "a", Name: "buy", Time: feb28},
		{Member: "b", Name: "join", Time: jan31}, {Member: "b", Name: "buy", Time: feb28.Add(time.Second)},
	}
	res := run(t, Funnel{Steps: steps("join", "buy"), Window: Months(1)}, mustTable(t, evs))
	if diff := cmp.Diff([]int64{2, 1}, counts(res)); diff != "" {
		t.Errorf("1mo from 31 January ends on 28 February (-want +got):\n%s", diff)
	}
	// In a zone with DST the window ends at the same wall clock time.
	ny := qun.MustLoadZone("America/New_York")
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, ny.Location()) // EST
	end := time.Date(2026, 4, 1, 9, 0, 0, 0, ny.Location())   // EDT: 31 days less an hour later
	evs = []qun.Event{{Member: "a", Name: "join", Time: start}, {Member: "a", Name: "buy", Time: end}}
	res = run(t, Funnel{Steps: steps("join", "buy"), Window: Months(1), Zone: ny}, mustTable(t, evs))
	if diff := cmp.Diff([]int64{1, 1}, counts(res)); diff != "" {
		t.Errorf("1mo in New York across DST (-want +got):\n%s", diff)
	}
}

func TestTimeToConvert(t *testing.T) {
	var evs []qun.Event
	for i, gap := range []float64{1, 2, 3, 4, 10} {
		m := string(rune('a' + i))
		evs = append(evs, e(m, "join", 0), e(m, "post", gap))
	}
	res := run(t, Funnel{Steps: steps("join", "post"), Bins: 3}, mustTable(t, evs))
	got := res.Steps[1].TimeToConvert
	want := Times{
		Count:  5,
		Mean:   4 * time.Minute,
		Median: 3 * time.Minute,
		P90:    7*time.Minute + 36*time.Second, // 4 + 0.6·(10−4) minutes
		Histogram: []Bin{
			{From: time.Minute, To: 4 * time.Minute, Count: 3},
			{From: 4 * time.Minute, To: 7 * time.Minute, Count: 1},
			{From: 7 * time.Minute, To: 10 * time.Minute, Count: 1},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("time to convert (-want +got):\n%s", diff)
	}
	first := res.Steps[0]
	if first.TimeToConvert.Count != 0 || first.FromFirst != 1 || res.Steps[1].FromPrevious != 1 {
		t.Errorf("first step = %+v", first)
	}
}

func TestRates(t *testing.T) {
	evs := []qun.Event{e("a", "join", 0), e("a", "post", 1), e("b", "join", 0), e("c", "join", 0), e("c", "post", 1), e("c", "buy", 2), e("d", "join", 0)}
	res := run(t, Funnel{Steps: steps("join", "post", "buy")}, mustTable(t, evs))
	type row struct {
		Members       int64
		First, Prev   float64
		DropOff       int64
		ConvertedOnce int64
	}
	var got []row
	for _, s := range res.Steps {
		got = append(got, row{s.Members, s.FromFirst, s.FromPrevious, s.DropOff, s.TimeToConvert.Count})
	}
	want := []row{{4, 1, 1, 0, 0}, {2, 0.5, 0.5, 2, 2}, {1, 0.25, 0.5, 1, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBreakdown(t *testing.T) {
	evs := []qun.Event{
		e("a", "join", 0, "channel", "wechat"), e("a", "post", 1, "channel", "qq"), e("a", "buy", 2),
		e("b", "join", 0), e("b", "post", 1, "channel", "qq"),
		e("c", "join", 0),
	}
	tab := mustTable(t, evs)
	if err := tab.AddProfiles(slices.Values([]Profile{{Member: "a", Props: map[string]string{"city": "Shanghai"}}, {Member: "c", Props: map[string]string{"city": "Beijing"}}})); err != nil {
		t.Fatal(err)
	}
	type seg struct {
		Value   string
		Members []int64
	}
	segs := func(res Result) []seg {
		var out []seg
		for _, s := range res.Breakdown {
			var m []int64
			for _, st := range s.Steps {
				m = append(m, st.Members)
			}
			out = append(out, seg{s.Value, m})
		}
		return out
	}
	f := Funnel{Steps: steps("join", "post", "buy"), Breakdown: &Breakdown{Prop: "channel"}}
	if diff := cmp.Diff([]seg{{"", []int64{1, 0, 0}}, {"qq", []int64{1, 1, 0}}, {"wechat", []int64{1, 1, 1}}}, segs(run(t, f, tab))); diff != "" {
		t.Errorf("first touch (-want +got):\n%s", diff)
	}
	f.Breakdown.Attribution = LastTouch
	if diff := cmp.Diff([]seg{{"qq", []int64{2, 2, 1}}, {"", []int64{1, 0, 0}}}, segs(run(t, f, tab))); diff != "" {
		t.Errorf("last touch (-want +got):\n%s", diff)
	}
	f.Breakdown = &Breakdown{Prop: "city", Member: true}
	if diff := cmp.Diff([]seg{{"", []int64{1, 1, 0}}, {"Beijing", []int64{1, 0, 0}}, {"Shanghai", []int64{1, 1, 1}}}, segs(run(t, f, tab))); diff != "" {
		t.Errorf("member property (-want +got):\n%s", diff)
	}
}

func TestFunnelValidate(t *testing.T) {
	bad := Funnel{
		Steps:      []Step{{EventFilter: qun.EventFilter{Name: "a"}, Within: Within(qun.Days(1))}, {EventFilter: qun.EventFilter{Name: ""}}},
		Window:     Window{Months: 1, Duration: 1},
		Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "x"}, From: 1, To: 1}},
		Breakdown:  &Breakdown{Prop: ""},
		Bins:       -1,
	}
	err := bad.Validate()
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ve *qun.ValidationError
		if errors.As(e, &ve) {
			fields = append(fields, ve.Field)
		}
	}
	want := []string{"steps[0].within", "steps[1].name", "window", "exclusions[0].to", "breakdown.prop", "bins"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
	}
	if !errors.Is(err, qun.ErrInvalid) {
		t.Error("not ErrInvalid")
	}
	if err := (Funnel{Steps: steps("a", "b"), Order: Unordered, Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "x"}, From: 0, To: 1}}}).Validate(); err != nil {
		t.Errorf("unordered with a full exclusion: %v", err)
	}
	if err := (Funnel{Steps: steps("a", "b", "c"), Order: Unordered, Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "x"}, From: 0, To: 1}}}).Validate(); err == nil {
		t.Error("unordered with a partial exclusion passed")
	}
}

func TestFunnelJSON(t *testing.T) {
	f := Funnel{
		Steps: []Step{
			{EventFilter: qun.EventFilter{Name: "join"}, Occurrence: FirstEver},
			{EventFilter: qun.EventFilter{Name: "buy", Where: []qun.Condition{{Prop: "sku", Op: qun.OpIsSet}}}, Within: Within(qun.Days(1))},
		},
		Order:      Strict,
		Window:     Months(1),
		Exclusions: []Exclusion{{Event: qun.EventFilter{Name: "refund"}, From: 0, To: 1}},
		Breakdown:  &Breakdown{Prop: "channel", Attribution: LastTouch},
		Zone:       qun.MustLoadZone("Asia/Shanghai"),
		Bins:       5,
	}
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"steps":[{"name":"join","occurrence":"first_ever"},{"name":"buy","where":[{"prop":"sku","op":"is_set"}],"within":"1d"}],"order":"strict","window":"1mo","exclusions":[{"event":{"name":"refund"},"from":0,"to":1}],"breakdown":{"prop":"channel","attribution":"last_touch"},"zone":"Asia/Shanghai","bins":5}`
	if string(data) != want {
		t.Errorf("json:\n got %s\nwant %s", data, want)
	}
	var back Funnel
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, back, cmp.Comparer(func(a, b qun.Zone) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		`{"steps":[{"name":"a"}],"colour":"red"}`,
		`{"steps":[{"name":"a","colour":"red"}]}`,
		`{"steps":[{"name":"a","occurrence":"sometimes"}]}`,
		`{"steps":[]}`,
		`{"steps":[{"name":"a"}],"window":"3 months"}`,
		`{"steps":[{"name":"a"}],"order":"random"}`,
	} {
		var f Funnel
		if err := json.Unmarshal([]byte(bad), &f); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestWindowText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Window
	}{{"14d", Within(qun.Days(14))}, {"3mo", Months(3)}, {"90m", Within(qun.Duration(90 * time.Minute))}, {"0", Window{}}} {
		got, err := ParseWindow(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "mo", "-1d", "1.5mo", "x3mo", "3 mo"} {
		if _, err := ParseWindow(bad); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("ParseWindow(%q) err = %v", bad, err)
		}
	}
}
