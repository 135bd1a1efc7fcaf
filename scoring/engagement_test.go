package scoring_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring"
	"pgregory.net/rapid"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	newYork  = qun.MustLoadZone("America/New_York")
	t0       = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

func day(n float64) time.Duration { return time.Duration(n * 24 * float64(time.Hour)) }

func ev(member, name string, at time.Time) qun.Event {
	return qun.Event{Member: qun.MemberID(member), Name: name, Time: at}
}

func mustCompile(t rapid.TB, r scoring.EngagementRules) *scoring.Engagement {
	t.Helper()
	m, err := r.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// weekly is the rules most tests use: a one-week half-life, posts worth 3,
// check-ins worth 1 and capped at one a day, replies about wine worth 5.
func weekly(cal qun.Calendar) scoring.EngagementRules {
	return scoring.EngagementRules{
		Decay:    qun.Decay{HalfLife: qun.Days(7)},
		Calendar: cal,
		Kinds: []scoring.Kind{
			{Name: "wine_reply", Event: qun.EventFilter{Name: "reply", Where: []qun.Condition{{Prop: "topic", Op: qun.OpExact, Values: []string{"wine"}}}}, Weight: 5},
			{Event: qun.EventFilter{Name: "post"}, Weight: 3},
			{Event: qun.EventFilter{Name: "check_in"}, Weight: 1, DailyCap: 1},
			{Event: qun.EventFilter{Name: "like"}, Weight: 0.5, DailyCap: 4},
			{Event: qun.EventFilter{Name: "spam"}, Weight: -10},
		},
	}
}

func TestEngagementDocumented(t *testing.T) {
	m := mustCompile(t, weekly(qun.Calendar{Zone: shanghai, WeekStart: time.Monday}))
	reply := ev("u", "reply", t0)
	reply.Props = map[string]string{"topic": "wine"}
	otherReply := ev("u", "reply", t0)
	otherReply.Props = map[string]string{"topic": "beer"}

	var s scoring.Score
	steps := []struct {
		e    qun.Event
		want scoring.Credit
	}{
		{ev("u", "post", t0), scoring.Credit{Kind: "post", Gain: 3}},
		{reply, scoring.Credit{Kind: "wine_reply", Gain: 5}},
		{otherReply, scoring.Credit{}},
		{ev("u", "check_in", t0.Add(time.Hour)), scoring.Credit{Kind: "check_in", Gain: 1}},
		{ev("u", "check_in", t0.Add(2*time.Hour)), scoring.Credit{Kind: "check_in", Capped: true}},
		// 16:00 UTC is midnight in Shanghai: a new local day.
		{ev("u", "check_in", t0.Add(16*time.Hour)), scoring.Credit{Kind: "check_in", Gain: 1}},
		// Back on the first local day: late, credited in full.
		{ev("u", "check_in", t0.Add(3*time.Hour)), scoring.Credit{Kind: "check_in", Gain: 1, Late: true}},
		{ev("u", "join", t0), scoring.Credit{}},
	}
	for i, st := range steps {
		if got := m.Add(&s, st.e); got != st.want {
			t.Errorf("step %d: Add(%s) = %+v, want %+v", i, st.e.Name, got, st.want)
		}
	}
	if s.Late != 1 {
		t.Errorf("Late = %d, want 1", s.Late)
	}
	// A week after the events: everything has halved. Day one's two
	// check-ins share one point of credit (0.5 each, at 01:00 and 02:00),
	// the late one counts 1 at 03:00, day two's counts 1.
	now := t0.Add(day(7))
	check := 0.5*math.Exp2(-(day(7)-time.Hour).Hours()/168) + 0.5*math.Exp2(-(day(7)-2*time.Hour).Hours()/168) +
		math.Exp2(-(day(7)-3*time.Hour).Hours()/168) + math.Exp2(-(day(7)-16*time.Hour).Hours()/168)
	want := 3*0.5 + 5*0.5 + check
	if got := m.Value(s, now); math.Abs(got-want) > 1e-12 {
		t.Errorf("Value = %v, want %v", got, want)
	}
	terms := m.Explain(s, now)
	names := []string{}
	sum := 0.0
	for _, term := range terms {
		names = append(names, term.Name)
		sum += term.Value
	}
	if diff := cmp.Diff([]string{"wine_reply", "check_in", "post"}, names); diff != "" {
		t.Errorf("Explain names (-want +got):\n%s", diff)
	}
	if math.Abs(sum-m.Value(s, now)) > 1e-12 {
		t.Errorf("terms add to %v, value %v", sum, m.Value(s, now))
	}
	// The score is not projected backwards, and the zero score is zero.
	if got, want := m.Value(s, t0.Add(-day(30))), m.Value(s, s.At()); got != want {
		t.Errorf("Value before the events = %v, want the value at the last event %v", got, want)
	}
	if got := m.Value(scoring.Score{}, now); got != 0 {
		t.Errorf("zero score = %v", got)
	}
}

func TestEngagementRulesValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rules  scoring.EngagementRules
		fields []string
	}{
		{"no kinds", scoring.EngagementRules{}, []string{"kinds"}},
		{"bad kind", scoring.EngagementRules{
			Decay: qun.Decay{HalfLife: -1},
			Kinds: []scoring.Kind{
				{Event: qun.EventFilter{Name: ""}, Weight: math.NaN()},
				{Event: qun.EventFilter{Name: "post"}, Weight: 1, DailyCap: -1},
				{Event: qun.EventFilter{Name: "post"}, Weight: -1, DailyCap: 2},
			},
		}, []string{"decay.half_life", "kinds[0].event.name", "kinds[0].weight", "kinds[1].daily_cap", "kinds[2].name", "kinds[2].daily_cap"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rules.Validate()
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("Validate = %v, want ErrInvalid", err)
			}
			if diff := cmp.Diff(tc.fields, fields(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
			}
			if _, err := tc.rules.Compile(); err == nil {
				t.Error("Compile accepted invalid rules")
			}
		})
	}
}

// fields lists the field paths of the validation errors in err.
func fields(err error) []string {
	var out []string
	for _, ve := range qun.ValidationErrors(err) {
		out = append(out, ve.Field)
	}
	return out
}

func TestEngagementRulesJSON(t *testing.T) {
	r := weekly(qun.Calendar{Zone: shanghai, WeekStart: time.Monday})
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back scoring.EngagementRules
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", data, err)
	}
	if diff := cmp.Diff(r, back, cmp.Comparer(func(a, b qun.Zone) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		`{"kinds":[{"event":{"name":"post"},"weight":1}],"extra":1}`,
		`{"kinds":[{"event":{"name":"post"},"weight":"heavy"}]}`,
		`{"kinds":[]}`,
		`{"kinds":[{"event":{"name":"post"},"weight":1}]} {}`,
		`{"kinds":`,
		`[`,
		``,
	} {
		var r scoring.EngagementRules
		if err := json.Unmarshal([]byte(bad), &r); !errors.Is(err, qun.ErrInvalid) {
			// encoding/json checks the syntax of the whole input before
			// calling UnmarshalJSON, so some of these fail there.
			var syn *json.SyntaxError
			if !errors.As(err, &syn) {
				t.Errorf("Unmarshal(%s) = %v, want ErrInvalid", bad, err)
			}
		}
	}
}

// genEvents draws up to 60 events of a few members over three weeks, on a
// half-hour grid so that equal times are common.
func genEvents(t *rapid.T, label string) []qun.Event {
	names := []string{"post", "check_in", "like", "reply", "spam", "join"}
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) qun.Event {
		e := ev(
			rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "member"),
			rapid.SampledFrom(names).Draw(t, "name"),
			t0.Add(time.Duration(rapid.IntRange(0, 21*48).Draw(t, "slot"))*30*time.Minute),
		)
		if e.Name == "reply" {
			e.Props = map[string]string{"topic": rapid.SampledFrom([]string{"wine", "beer"}).Draw(t, "topic")}
		}
		return e
	}), 0, 60).Draw(t, label)
}

func genRules(t *rapid.T) scoring.EngagementRules {
	zone := rapid.SampledFrom([]qun.Zone{qun.Zone{}, shanghai, newYork}).Draw(t, "zone")
	r := weekly(qun.Calendar{Zone: zone, WeekStart: time.Monday})
	r.Decay.HalfLife = qun.Duration(rapid.SampledFrom([]time.Duration{0, time.Hour, 7 * 24 * time.Hour}).Draw(t, "half-life"))
	return r
}

func byTime(events []qun.Event) []qun.Event {
	out := slices.Clone(events)
	slices.SortStableFunc(out, func(a, b qun.Event) int { return a.Time.Compare(b.Time) })
	return out
}

func scoreAll(m *scoring.Engagement, events []qun.Event) map[qun.MemberID]*scoring.Score {
	out := map[qun.MemberID]*scoring.Score{}
	for _, e := range events {
		if out[e.Member] == nil {
			out[e.Member] = new(scoring.Score)
		}
		m.Add(out[e.Member], e)
	}
	for member, s := range out {
		if len(s.Kinds) == 0 {
			delete(out, member) // no event of any kind
		}
	}
	return out
}

func closeTo(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// Bulk scoring is, bit for bit, the incremental score of the events in
// time order, for events at or before now.
func TestScoreEventsEqualsAdd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := mustCompile(t, genRules(t))
		events := byTime(genEvents(t, "events"))
		now := t0.Add(time.Duration(rapid.IntRange(0, 30*48).Draw(t, "now")) * 30 * time.Minute)
		var upToNow []qun.Event
		for _, e := range events {
			if !e.Time.After(now) {
				upToNow = append(upToNow, e)
			}
		}
		scores, err := m.ScoreEvents(slices.Values(events), now)
		if err != nil {
			t.Fatal(err)
		}
		inc := scoreAll(m, upToNow)
		if len(inc) != scores.Len() {
			t.Fatalf("bulk scored %d members, incremental %d", scores.Len(), len(inc))
		}
		for i, member := range scores.Members {
			s := *inc[member]
			if got, want := scores.Values[i], m.Value(s, now); got != want {
				t.Fatalf("member %s: bulk %v, incremental %v", member, got, want)
			}
			if diff := cmp.Diff(m.Explain(s, now), scores.Explain(i)); diff != "" {
				t.Fatalf("member %s: explanations differ (-incremental +bulk):\n%s", member, diff)
			}
		}
	})
}

// Swapping events with equal times changes nothing, bit for bit; any order
// within a day changes the score by rounding only, and is never late.
func TestEngagementOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := mustCompile(t, genRules(t))
		events := byTime(genEvents(t, "events"))
		now := t0.Add(day(30))
		shuffled := slices.Clone(events)
		// Shuffle within runs of equal times.
		for i := 0; i < len(shuffled); {
			j := i
			for j < len(shuffled) && shuffled[j].Time.Equal(shuffled[i].Time) {
				j++
			}
			run := shuffled[i:j]
			perm := rapid.Permutation(run).Draw(t, "run")
			copy(run, perm)
			i = j
		}
		a, b := scoreAll(m, events), scoreAll(m, shuffled)
		for member, s := range a {
			if got, want := m.Value(*b[member], now), m.Value(*s, now); got != want {
				t.Fatalf("member %s: %v after swapping equal times, %v before", member, got, want)
			}
		}
		// Any order within each local day of the rules' calendar.
		cal := m.Rules().Calendar
		within := slices.Clone(events)
		for i := 0; i < len(within); {
			j := i
			for j < len(within) && cal.Date(within[j].Time) == cal.Date(within[i].Time) {
				j++
			}
			copy(within[i:j], rapid.Permutation(within[i:j]).Draw(t, "day"))
			i = j
		}
		c := scoreAll(m, within)
		for member, s := range a {
			if c[member].Late != 0 {
				t.Fatalf("member %s: late %d with days in order", member, c[member].Late)
			}
			if got, want := m.Value(*c[member], now), m.Value(*s, now); !closeTo(got, want) {
				t.Fatalf("member %s: %v shuffled within days, %v in time order", member, got, want)
			}
		}
	})
}

// Without new events a score only fades toward zero.
func TestEngagementDecayMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := mustCompile(t, genRules(t))
		events := genEvents(t, "events")
		for member, s := range scoreAll(m, events) {
			t1 := s.At().Add(time.Duration(rapid.Int64Range(0, int64(day(60))).Draw(t, "t1")))
			t2 := t1.Add(time.Duration(rapid.Int64Range(0, int64(day(60))).Draw(t, "t2")))
			v1, v2 := m.Value(*s, t1), m.Value(*s, t2)
			if math.Abs(v2) > math.Abs(v1) || v1*v2 < 0 {
				t.Fatalf("member %s: %v at %v, then %v at %v", member, v1, t1, v2, t2)
			}
		}
	})
}

// Merge is commutative exactly, associative up to rounding, and equals the
// score of the union when the shards split the events at local midnights;
// without caps, for any split. A score whose Late is zero is exact.
func TestEngagementMerge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRules(t)
		uncapped := rapid.Bool().Draw(t, "uncapped")
		if uncapped {
			for i := range r.Kinds {
				r.Kinds[i].DailyCap = 0
			}
		}
		m := mustCompile(t, r)
		events := byTime(genEvents(t, "events"))
		// Three shards: at two local midnights, or at random.
		cal := r.Calendar
		cut1 := cal.Date(t0).AddDays(rapid.IntRange(0, 22).Draw(t, "cut1")).Start(cal.Location())
		cut2 := cut1.Add(day(float64(rapid.IntRange(0, 22).Draw(t, "cut2"))))
		random := rapid.Bool().Draw(t, "random split")
		var shards [3][]qun.Event
		for _, e := range events {
			i := 0
			switch {
			case random:
				i = rapid.IntRange(0, 2).Draw(t, "shard")
			case !e.Time.Before(cut2):
				i = 2
			case !e.Time.Before(cut1):
				i = 1
			}
			shards[i] = append(shards[i], e)
		}
		now := t0.Add(day(30))
		union := scoreAll(m, events)
		parts := [3]map[qun.MemberID]*scoring.Score{scoreAll(m, shards[0]), scoreAll(m, shards[1]), scoreAll(m, shards[2])}
		for member, whole := range union {
			get := func(i int) scoring.Score {
				if s := parts[i][member]; s != nil {
					return *s
				}
				return scoring.Score{}
			}
			a, b, c := get(0), get(1), get(2)
			ab, ba := a.Clone(), b.Clone()
			m.Merge(&ab, b)
			m.Merge(&ba, a)
			if ab.Late != ba.Late || m.Value(ab, now) != m.Value(ba, now) {
				t.Fatalf("member %s: Merge(a, b) = %v, Merge(b, a) = %v", member, m.Value(ab, now), m.Value(ba, now))
			}
			left := ab.Clone()
			m.Merge(&left, c)
			bc := b.Clone()
			m.Merge(&bc, c)
			right := a.Clone()
			m.Merge(&right, bc)
			exact := uncapped || !random
			if exact && (left.Late != 0 || right.Late != 0) {
				t.Fatalf("member %s: late %d/%d merging shards split at midnight", member, left.Late, right.Late)
			}
			if left.Late == 0 && right.Late == 0 {
				if !closeTo(m.Value(left, now), m.Value(right, now)) {
					t.Fatalf("member %s: (a+b)+c = %v, a+(b+c) = %v", member, m.Value(left, now), m.Value(right, now))
				}
				if !closeTo(m.Value(left, now), m.Value(*whole, now)) {
					t.Fatalf("member %s: merged %v, union %v", member, m.Value(left, now), m.Value(*whole, now))
				}
			}
		}
	})
}

// With no decay, a capped kind earns at most its cap's worth on each local
// day, and exactly weight × min(events, cap) per day.
func TestEngagementCapsBoundDailyGain(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRules(t)
		r.Decay = qun.Decay{}
		m := mustCompile(t, r)
		events := byTime(genEvents(t, "events"))
		perDay := map[qun.MemberID]map[string]map[qun.Date]int64{}
		for _, e := range events {
			if e.Name != "check_in" && e.Name != "like" {
				continue
			}
			if perDay[e.Member] == nil {
				perDay[e.Member] = map[string]map[qun.Date]int64{}
			}
			if perDay[e.Member][e.Name] == nil {
				perDay[e.Member][e.Name] = map[qun.Date]int64{}
			}
			perDay[e.Member][e.Name][r.Calendar.Date(e.Time)]++
		}
		now := t0.Add(day(30))
		for member, s := range scoreAll(m, events) {
			for _, term := range m.Explain(*s, now) {
				var weight float64
				var cap int64
				switch term.Name {
				case "check_in":
					weight, cap = 1, 1
				case "like":
					weight, cap = 0.5, 4
				default:
					continue
				}
				want := 0.0
				for _, n := range perDay[member][term.Name] {
					want += weight * float64(min(n, cap))
				}
				if !closeTo(term.Value, want) {
					t.Fatalf("member %s, %s: %v, want %v", member, term.Name, term.Value, want)
				}
				if days := len(perDay[member][term.Name]); term.Value > weight*float64(cap)*float64(days)+1e-9 {
					t.Fatalf("member %s, %s: %v over %d days exceeds the cap", member, term.Name, term.Value, days)
				}
			}
		}
	})
}

// A stored score survives its JSON form, and Align carries it across
// changed rules.
func TestScoreJSONAndAlign(t *testing.T) {
	r := weekly(qun.Calendar{Zone: shanghai, WeekStart: time.Monday})
	m := mustCompile(t, r)
	var s scoring.Score
	for i := range 10 {
		m.Add(&s, ev("u", []string{"post", "check_in", "like"}[i%3], t0.Add(time.Duration(i)*5*time.Hour)))
	}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back scoring.Score
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(day(3))
	if got, want := m.Value(back, now), m.Value(s, now); got != want {
		t.Errorf("after JSON: %v, want %v", got, want)
	}
	// New rules: posts are gone, a new kind arrives, likes lose their cap.
	r2 := r
	r2.Kinds = []scoring.Kind{
		{Event: qun.EventFilter{Name: "like"}, Weight: 0.5},
		{Event: qun.EventFilter{Name: "share"}, Weight: 2},
		{Event: qun.EventFilter{Name: "check_in"}, Weight: 1, DailyCap: 1},
	}
	m2 := mustCompile(t, r2)
	aligned := m2.Align(back)
	if diff := cmp.Diff([]string{"like", "share", "check_in"}, kindNames(aligned)); diff != "" {
		t.Errorf("aligned kinds (-want +got):\n%s", diff)
	}
	posts := 0.0
	for _, term := range m.Explain(s, now) {
		if term.Name == "post" {
			posts = term.Value
		}
	}
	if got, want := m2.Value(aligned, now), m.Value(s, now)-posts; !closeTo(got, want) {
		t.Errorf("aligned value %v, want %v", got, want)
	}
}

func kindNames(s scoring.Score) []string {
	var out []string
	for _, k := range s.Kinds {
		out = append(out, k.Kind)
	}
	return out
}

func FuzzEngagementRulesJSON(f *testing.F) {
	f.Add([]byte(`{"decay":{"half_life":"14d"},"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"kinds":[{"event":{"name":"post"},"weight":3},{"event":{"name":"check_in"},"weight":1,"daily_cap":1}]}`))
	f.Add([]byte(`{"kinds":[{"name":"x","event":{"name":"reply","where":[{"prop":"topic","op":"exact","values":["wine"]}]},"weight":-2}]}`))
	f.Add([]byte(`{"kinds":[{"event":{"name":"post"},"weight":1e400}]}`))
	f.Add([]byte(`{"decay":{"half_life":"-1d"}}`))
	fuzzConfig[scoring.EngagementRules](f)
}

// fuzzConfig checks a JSON configuration decoder: it never panics, refuses
// with errors that match qun.ErrInvalid, and what it accepts is valid and
// round-trips.
func fuzzConfig[T interface{ Validate() error }](f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var v T
		err := json.Unmarshal(data, &v)
		if err != nil {
			var syn *json.SyntaxError
			if !errors.Is(err, qun.ErrInvalid) && !errors.As(err, &syn) {
				t.Fatalf("Unmarshal(%q) = %v: neither ErrInvalid nor a syntax error", data, err)
			}
			return
		}
		if err := v.Validate(); err != nil {
			t.Fatalf("Unmarshal(%q) accepted an invalid value: %v", data, err)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal after Unmarshal(%q): %v", data, err)
		}
		var back T
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(out) {
			t.Fatalf("round trip changed %s into %s", out, again)
		}
	})
}

// reference is the plain model of engagement the package doc states:
// Σ share · weight · 2^(−Δ/half-life), with each capped kind's share on a
// local day min(n, cap)/n.
func reference(r scoring.EngagementRules, events []qun.Event, now time.Time) float64 {
	type dayKey struct {
		kind int
		day  qun.Date
	}
	kindOf := func(e qun.Event) int {
		for i, k := range r.Kinds {
			if k.Event.Match(e) {
				return i
			}
		}
		return -1
	}
	perDay := map[dayKey]int64{}
	for _, e := range events {
		if k := kindOf(e); k >= 0 {
			perDay[dayKey{k, r.Calendar.Date(e.Time)}]++
		}
	}
	total := 0.0
	for _, e := range events {
		k := kindOf(e)
		if k < 0 {
			continue
		}
		share := 1.0
		if c := r.Kinds[k].DailyCap; c > 0 {
			if n := perDay[dayKey{k, r.Calendar.Date(e.Time)}]; n > c {
				share = float64(c) / float64(n)
			}
		}
		total += share * r.Kinds[k].Weight * r.Decay.Factor(now.Sub(e.Time))
	}
	return total
}

// A state machine: a member's score grows by events (mostly in order,
// sometimes late) and by merges of scores of later events; while it is
// not late, it always equals the plain model.
func TestEngagementStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRules(t)
		m := mustCompile(t, r)
		var score scoring.Score
		var seen []qun.Event
		clock := t0
		next := func(t *rapid.T) qun.Event {
			e := genEvents(t, "event")
			if len(e) == 0 {
				return ev("u", "post", clock)
			}
			e[0].Member = "u"
			e[0].Time = clock.Add(time.Duration(rapid.IntRange(0, 36).Draw(t, "step")) * time.Hour)
			return e[0]
		}
		t.Repeat(map[string]func(*rapid.T){
			"add": func(t *rapid.T) {
				e := next(t)
				clock = e.Time
				m.Add(&score, e)
				seen = append(seen, e)
			},
			"late": func(t *rapid.T) {
				e := next(t)
				e.Time = clock.Add(-time.Duration(rapid.IntRange(0, 72).Draw(t, "back")) * time.Hour)
				m.Add(&score, e)
				seen = append(seen, e)
			},
			"merge later shard": func(t *rapid.T) {
				// A shard of events from the next local midnight on.
				start := r.Calendar.Date(clock).AddDays(1).Start(r.Calendar.Location())
				var shard scoring.Score
				for i := range rapid.IntRange(1, 5).Draw(t, "shard size") {
					e := next(t)
					e.Time = start.Add(time.Duration(i) * time.Hour)
					m.Add(&shard, e)
					seen = append(seen, e)
					clock = e.Time
				}
				m.Merge(&score, shard)
			},
			"merge same-day shard": func(t *rapid.T) {
				// A shard of events later on the latest local day: it
				// shares each capped kind's open day, or starts a later one.
				end := r.Calendar.Date(clock).AddDays(1).Start(r.Calendar.Location())
				var shard scoring.Score
				var events []qun.Event
				for range rapid.IntRange(1, 5).Draw(t, "shard size") {
					e := next(t)
					e.Time = clock.Add(time.Duration(rapid.Int64Range(0, int64(end.Sub(clock))-1).Draw(t, "offset")))
					m.Add(&shard, e)
					events = append(events, e)
				}
				m.Merge(&score, shard)
				seen = append(seen, events...)
				for _, e := range events {
					if e.Time.After(clock) {
						clock = e.Time
					}
				}
			},
			"": func(t *rapid.T) {
				if score.Late > 0 {
					return
				}
				now := clock.Add(time.Duration(rapid.IntRange(0, 240).Draw(t, "later")) * time.Hour)
				if got, want := m.Value(score, now), reference(r, seen, now); !closeTo(got, want) {
					t.Fatalf("score %v, model %v after %d events", got, want, len(seen))
				}
			},
		})
	})
}
