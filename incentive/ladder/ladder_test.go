package ladder_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/ladder"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	calSH    = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	t0       = time.Date(2026, 3, 1, 9, 0, 0, 0, shanghai.Location())
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ptr(s string) *decimal.Decimal { d := dec(s); return &d }

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func compile(t testing.TB, l ladder.Ladder) *ladder.Engine {
	t.Helper()
	e, err := ladder.Compile(l)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// loyalty is a three-level loyalty ladder over growth value in the last
// 12 months: silver at 1000, gold at 5000 or 20 orders, kept at a review
// above 80%, for at least 90 days, valid for a year.
func loyalty() ladder.Ladder {
	return ladder.Ladder{
		Calendar: calSH,
		Metrics:  []ladder.Metric{{Name: "growth", Window: ladder.Window{Months: 12}}, {Name: "orders", Window: ladder.Window{Months: 12}}},
		Levels: []ladder.Level{
			{Name: "member"},
			{Name: "silver", Requirements: []ladder.Requirement{{Metric: "growth", Min: ptr("1000")}},
				LowWater: dec("0.8"), Benefits: ladder.Benefits{Multiplier: dec("1.2"), Privileges: []string{"birthday_coupon"}}},
			{Name: "gold", Requirements: []ladder.Requirement{{Metric: "growth", Min: ptr("5000")}, {Metric: "orders", Min: ptr("20")}},
				Need: 1, LowWater: dec("0.8"), MinStay: qun.Days(90), Validity: qun.Days(365),
				Benefits: ladder.Benefits{Multiplier: dec("1.5"), Privileges: []string{"free_shipping", "birthday_coupon"}}},
		},
	}
}

func metrics(growth, orders string) ladder.Metrics {
	return ladder.Metrics{"growth": dec(growth), "orders": dec(orders)}
}

func TestLoyaltyLadder(t *testing.T) {
	e := compile(t, loyalty())
	type step struct {
		name           string
		growth, orders string
		after          time.Duration // since the previous step
		review         bool
		want           string
		change         ladder.Change
		codes          []ladder.Code
	}
	steps := []step{
		{"new member", "0", "0", 0, false, "member", ladder.Stay, nil},
		{"silver at 1000", "1000", "3", days(10), false, "silver", ladder.Up, []ladder.Code{ladder.Qualified}},
		{"gold by orders alone (1 of 2)", "1200", "20", days(10), false, "gold", ladder.Up, []ladder.Code{ladder.Qualified}},
		{"short, not a review", "900", "5", days(10), false, "gold", ladder.Stay, []ladder.Code{ladder.ReviewPending}},
		{"short, review within min stay", "900", "5", days(10), true, "gold", ladder.Stay, []ladder.Code{ladder.MinStay}},
		{"short, review after min stay, still valid", "900", "5", days(100), true, "gold", ladder.Stay, []ladder.Code{ladder.Valid}},
		{"kept above 80% after validity: renewed", "4000", "5", days(300), true, "gold", ladder.Stay, []ladder.Code{ladder.Kept, ladder.Renewed}},
		{"below 80% while renewed: valid", "100", "0", days(30), true, "gold", ladder.Stay, []ladder.Code{ladder.Valid}},
		{"below 80% after validity: down past silver to member", "100", "0", days(400), true, "member", ladder.Down, []ladder.Code{ladder.Lost}},
	}
	var s ladder.State
	now := t0
	for _, st := range steps {
		now = now.Add(st.after)
		var d ladder.Decision
		var err error
		if st.review {
			d, err = e.Review(s, metrics(st.growth, st.orders), now)
		} else {
			d, err = e.Evaluate(s, metrics(st.growth, st.orders), now)
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		var codes []ladder.Code
		for _, r := range d.Reasons {
			codes = append(codes, r.Code)
		}
		if d.To != st.want || d.Change != st.change || !gocmp.Equal(codes, st.codes) {
			t.Errorf("%s: %s (%s, %v), want %s (%s, %v)\n%s", st.name, d.To, d.Change, codes, st.want, st.change, st.codes, d.Explain())
		}
		s = d.State
	}
}

func TestExplainAndDistance(t *testing.T) {
	e := compile(t, loyalty())
	d, err := e.Evaluate(ladder.State{}, metrics("700", "2"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Explain(), "stays member; to silver: growth 700 ≥ 1000: 300 more"; got != want {
		t.Errorf("Explain() = %q, want %q", got, want)
	}
	want := &ladder.Distance{Level: "silver", Need: 1, Met: 0, Checks: []ladder.Check{
		{Metric: "growth", Value: dec("700"), Threshold: dec("1000"), Gap: dec("300")},
	}}
	if diff := gocmp.Diff(want, d.Next, decimalEqual); diff != "" {
		t.Errorf("Next (-want +got):\n%s", diff)
	}
	d, _ = e.Evaluate(ladder.State{Level: "silver", Since: t0}, metrics("1500", "12"), t0)
	if got, want := d.Explain(), "stays silver; to gold: 0 of 2 met, need 1: growth 1500 ≥ 5000: 3500 more, orders 12 ≥ 20: 8 more"; got != want {
		t.Errorf("Explain() = %q, want %q", got, want)
	}
	dist, err := e.Distance("gold", metrics("5000", "0"))
	if err != nil || dist.Met != 1 || dist.Need != 1 {
		t.Errorf("Distance(gold) = %+v, %v", dist, err)
	}
}

var decimalEqual = gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

func TestLocks(t *testing.T) {
	e := compile(t, loyalty())
	pinned := ladder.State{Level: "member", Since: t0, Lock: &ladder.Lock{Level: "gold", Until: t0.Add(days(30)), Reason: "partner"}}
	d, err := e.Evaluate(pinned, metrics("0", "0"), t0)
	if err != nil || d.To != "gold" || d.Change != ladder.Up || d.Reasons[0].Code != ladder.Locked {
		t.Fatalf("pinned: %s, %v", d.Explain(), err)
	}
	d, _ = e.Review(d.State, metrics("0", "0"), t0.Add(days(200)))
	if d.To != "gold" || d.State.Lock != nil || d.Reasons[0].Code != ladder.Unlocked {
		// Unlocked, and then held by the level's own validity.
		t.Errorf("after the lock: %s", d.Explain())
	}
	floor := ladder.State{Level: "silver", Since: t0, Lock: &ladder.Lock{Level: "silver", Floor: true}}
	d, _ = e.Review(floor, metrics("0", "0"), t0.Add(days(500)))
	if d.To != "silver" {
		t.Errorf("floor: %s", d.Explain())
	}
	d, _ = e.Evaluate(floor, metrics("6000", "0"), t0)
	if d.To != "gold" {
		t.Errorf("above a floor: %s", d.Explain())
	}
	if _, err := e.Evaluate(ladder.State{Lock: &ladder.Lock{Level: "platinum"}}, metrics("0", "0"), t0); !errors.Is(err, ladder.ErrUnknownLevel) {
		t.Errorf("unknown lock level: %v", err)
	}
}

func TestMaxDropAndLifetime(t *testing.T) {
	l := ladder.Ladder{
		Metrics: []ladder.Metric{{Name: "score"}},
		MaxDrop: 1,
		Levels: []ladder.Level{
			{Name: "l0"},
			{Name: "l1", Requirements: []ladder.Requirement{{Metric: "score", Min: ptr("10")}}},
			{Name: "l2", Requirements: []ladder.Requirement{{Metric: "score", Min: ptr("20")}}, Lifetime: true},
			{Name: "l3", Requirements: []ladder.Requirement{{Metric: "score", Min: ptr("30")}}},
			{Name: "l4", Requirements: []ladder.Requirement{{Metric: "score", Min: ptr("40")}}},
		},
	}
	e := compile(t, l)
	d, _ := e.Review(ladder.State{Level: "l4", Since: t0}, ladder.Metrics{"score": dec("0")}, t0)
	if d.To != "l3" || d.Reasons[len(d.Reasons)-1].Code != ladder.MaxDrop {
		t.Errorf("one level at a time: %s", d.Explain())
	}
	l.MaxDrop = 0
	e = compile(t, l)
	d, _ = e.Review(ladder.State{Level: "l4", Since: t0}, ladder.Metrics{"score": dec("0")}, t0)
	if d.To != "l2" {
		t.Errorf("down to the lifetime level: %s", d.Explain())
	}
	d, _ = e.Review(d.State, ladder.Metrics{"score": dec("0")}, t0.Add(days(1)))
	if d.To != "l2" || d.Reasons[0].Code != ladder.Lifetime {
		t.Errorf("a lifetime level: %s", d.Explain())
	}
}

func TestMissingMetric(t *testing.T) {
	e := compile(t, loyalty())
	if _, err := e.Evaluate(ladder.State{}, ladder.Metrics{"growth": dec("1")}, t0); !errors.Is(err, ladder.ErrMissingMetric) || !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("missing metric: %v", err)
	}
	if got := e.Needs(); !gocmp.Equal(got, []string{"growth", "orders"}) {
		t.Errorf("Needs() = %v", got)
	}
	// A metric whose exponent would take a comparison forever is refused.
	for _, v := range []decimal.Decimal{decimal.New(7, -1<<30), decimal.New(7, 1<<30)} {
		_, err := e.Review(ladder.State{Level: "gold", Since: t0}, ladder.Metrics{"growth": v, "orders": dec("1")}, t0.Add(days(400)))
		var ve *qun.ValidationError
		if !errors.Is(err, qun.ErrInvalid) || !errors.As(err, &ve) || ve.Field != "metrics.growth" {
			t.Errorf("metric 7e%d: %v", v.Exponent(), err)
		}
	}
	// One of a thousand places is fine.
	if _, err := e.Review(ladder.State{}, ladder.Metrics{"growth": decimal.New(7, -1000), "orders": decimal.New(1, 1000)}, t0); err != nil {
		t.Errorf("metrics at the bound: %v", err)
	}
}

func TestBenefits(t *testing.T) {
	e := compile(t, loyalty())
	ms := e.Multipliers()
	if len(ms) != 2 || ms[1].Name != "gold" || !ms[1].Factor.Equal(dec("1.5")) || ms[1].Tiers[0] != "gold" {
		t.Errorf("Multipliers() = %+v", ms)
	}
	if got := e.Privileges("gold"); !gocmp.Equal(got, []string{"birthday_coupon", "free_shipping"}) {
		t.Errorf("Privileges(gold) = %v", got)
	}
	if got := e.Tier(ladder.State{}); got != "member" {
		t.Errorf("Tier of a new member = %q", got)
	}
}

func TestWindowStart(t *testing.T) {
	ny := qun.Calendar{Zone: qun.MustLoadZone("America/New_York")}
	for _, tc := range []struct {
		w    ladder.Window
		cal  qun.Calendar
		now  time.Time
		want time.Time
	}{
		{ladder.Window{Last: qun.Days(100)}, calSH, t0, t0.Add(-days(100))},
		{ladder.Window{Months: 6}, calSH, time.Date(2026, 8, 31, 10, 0, 0, 0, shanghai.Location()), time.Date(2026, 2, 28, 10, 0, 0, 0, shanghai.Location())},
		{ladder.Window{Months: 12}, calSH, time.Date(2028, 2, 29, 10, 0, 0, 0, shanghai.Location()), time.Date(2027, 2, 28, 10, 0, 0, 0, shanghai.Location())},
		{ladder.Window{Period: qun.Year}, calSH, t0, time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai.Location())},
		// Across the spring-forward change: 09:00 wall clock a month back.
		{ladder.Window{Months: 1}, ny, time.Date(2026, 3, 20, 9, 0, 0, 0, ny.Location()), time.Date(2026, 2, 20, 9, 0, 0, 0, ny.Location())},
	} {
		got, ok := tc.w.Start(tc.now, tc.cal)
		if !ok || !got.Equal(tc.want) {
			t.Errorf("%+v.Start(%v) = %v, want %v", tc.w, tc.now, got, tc.want)
		}
	}
	if _, ok := (ladder.Window{}).Start(t0, calSH); ok {
		t.Errorf("all time has a start")
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		json, field string
	}{
		{`{"levels":[]}`, "levels"},
		{`{"levels":[{"name":"a","requirements":[{"metric":"x","min":"1"}]}],"metrics":[{"name":"x"}]}`, "levels[0].requirements"},
		{`{"levels":[{"name":"a"},{"name":"b","requirements":[{"metric":"y","min":"1"}]}],"metrics":[{"name":"x"}]}`, "levels[1].requirements[0].metric"},
		{`{"levels":[{"name":"a"},{"name":"b","requirements":[{"metric":"x","min":"1","max":"2"}]}],"metrics":[{"name":"x"}]}`, "levels[1].requirements[0].min"},
		{`{"levels":[{"name":"a"},{"name":"b","requirements":[{"metric":"x","min":"1"}],"need":2}],"metrics":[{"name":"x"}]}`, "levels[1].need"},
		{`{"levels":[{"name":"a"},{"name":"b","low_water":"1.5"}]}`, "levels[1].low_water"},
		{`{"levels":[{"name":"a"},{"name":"a"}]}`, "levels[1].name"},
		{`{"levels":[{"name":"a"}],"metrics":[{"name":"x","window":{"last":"1d","months":1}}]}`, "metrics[0].window"},
		{`{"levels":[{"name":"a"}],"metrics":[{"name":"x","window":{"period":"decade"}}]}`, "metrics[0].window.period"},
		{`{"levels":[{"name":"a"},{"name":"b","requirements":[{"metric":"x","min":"1","cap":"5"}]}],"metrics":[{"name":"x"}]}`, "levels[1].requirements[0].cap"},
		{`{"levels":[{"name":"a","benefits":{"privileges":["p","p"]}}]}`, "levels[0].benefits.privileges[1]"},
		{`{"levels":[{"name":"a"}],"max_drop":-1}`, "max_drop"},
		{`{"levels":[{"name":"a","lowwater":"0.9"}]}`, "levels[0].lowwater"},
	} {
		_, err := ladder.Parse([]byte(tc.json))
		var ve *qun.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v, want an error at %q", tc.json, err, tc.field)
		}
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v does not match ErrInvalid", tc.json, err)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for name, l := range map[string]ladder.Ladder{"loyalty": loyalty(), "discourse": ladder.Discourse()} {
		data, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ladder.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, data)
		}
		if diff := gocmp.Diff(l, back, decimalEqual, gocmp.Comparer(func(a, b qun.Calendar) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", name, diff)
		}
	}
	s := ladder.State{Level: "gold", Since: t0, ValidUntil: t0.Add(days(365)), Lock: &ladder.Lock{Level: "gold", Floor: true, Reason: "VIP"}}
	data, _ := json.Marshal(s)
	var back ladder.State
	if err := json.Unmarshal(data, &back); err != nil || !gocmp.Equal(s, back) {
		t.Errorf("state round trip: %v, %+v", err, back)
	}
	if err := json.Unmarshal([]byte(`{"levle":"gold"}`), &back); err == nil {
		t.Errorf("a misspelt state field is accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, l := range []ladder.Ladder{loyalty(), ladder.Discourse()} {
		data, _ := json.Marshal(l)
		f.Add(data)
	}
	f.Add([]byte(`{"levels":[{"name":"a"}]}`))
	f.Add([]byte(`{"levels":[{"name":"a"},{"name":"b","requirements":[{"metric":"x","min":"0.25","of":"y","cap":"9"}]}],"metrics":[{"name":"x"},{"name":"y"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ladder.Parse(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error %v does not match qun.ErrInvalid", err)
			}
			return
		}
		e, err := ladder.Compile(l)
		if err != nil {
			t.Fatalf("Compile refuses a parsed ladder: %v", err)
		}
		m := ladder.Metrics{}
		for _, name := range e.Needs() {
			m[name] = decimal.NewFromInt(int64(len(name)))
		}
		if _, err := e.Review(ladder.State{}, m, t0); err != nil {
			t.Fatalf("Review: %v", err)
		}
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ladder.Parse(out); err != nil {
			t.Fatalf("a written ladder does not read back: %v\n%s", err, out)
		}
	})
}

// genLadder draws a ladder of at-least requirements over a few metrics,
// with random low-water marks, stays and validity.
func genLadder(t *rapid.T) ladder.Ladder {
	names := []string{"a", "b", "c"}
	l := ladder.Ladder{MaxDrop: rapid.IntRange(0, 2).Draw(t, "max_drop")}
	for _, n := range names {
		l.Metrics = append(l.Metrics, ladder.Metric{Name: n})
	}
	l.Levels = []ladder.Level{{Name: "l0"}}
	for i := 1; i <= rapid.IntRange(1, 4).Draw(t, "levels"); i++ {
		lv := ladder.Level{Name: "l" + string(rune('0'+i))}
		for _, n := range names {
			if rapid.Bool().Draw(t, "uses "+n) {
				v := decimal.NewFromInt(rapid.Int64Range(0, 20).Draw(t, "min"))
				lv.Requirements = append(lv.Requirements, ladder.Requirement{Metric: n, Min: &v})
			}
		}
		if len(lv.Requirements) > 0 {
			lv.Need = rapid.IntRange(0, len(lv.Requirements)).Draw(t, "need")
		}
		lv.LowWater = decimal.New(rapid.Int64Range(0, 10).Draw(t, "low_water"), -1)
		lv.MinStay = qun.Days(rapid.IntRange(0, 1).Draw(t, "stays") * rapid.IntRange(1, 30).Draw(t, "min_stay"))
		lv.Validity = qun.Days(rapid.IntRange(0, 3).Draw(t, "valid") / 3 * rapid.IntRange(1, 60).Draw(t, "validity"))
		lv.Lifetime = rapid.IntRange(0, 7).Draw(t, "lifetime") == 0
		l.Levels = append(l.Levels, lv)
	}
	return l
}

// genMetrics draws metrics for l: each a value at, just below or just
// above one of the ladder's thresholds on it (where levels change),
// anywhere up to one (above or below its low-water mark), or any value.
func genMetrics(t *rapid.T, l ladder.Ladder, label string) ladder.Metrics {
	m := ladder.Metrics{}
	for _, n := range []string{"a", "b", "c"} {
		var near []int64
		for _, lv := range l.Levels {
			for _, r := range lv.Requirements {
				if r.Metric == n {
					near = append(near, r.Min.IntPart())
				}
			}
		}
		v := rapid.Int64Range(0, 24).Draw(t, label+" "+n)
		if len(near) > 0 {
			th := rapid.SampledFrom(near).Draw(t, label+" "+n+" threshold")
			switch rapid.IntRange(0, 2).Draw(t, label+" "+n+" how") {
			case 0: // at the threshold, or one off
				v = max(0, th+rapid.Int64Range(-1, 1).Draw(t, label+" "+n+" off by"))
			case 1: // anywhere up to it: above or below a low-water mark
				v = rapid.Int64Range(0, th+1).Draw(t, label+" "+n+" up to")
			}
		}
		m[n] = decimal.NewFromInt(v)
	}
	return m
}

func levelIndex(e *ladder.Engine, name string) int {
	for i, n := range e.Levels() {
		if n == name {
			return i
		}
	}
	return -1
}

// TestMonotone: at upgrade time, more of every metric never gives a lower
// level, whatever the level before; and Evaluate never lowers a level.
func TestMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := genLadder(t)
		e, err := ladder.Compile(l)
		if err != nil {
			t.Fatal(err)
		}
		// Often a new member, whose level is what the metrics earn.
		cur := "l0"
		if rapid.Bool().Draw(t, "placed") {
			cur = rapid.SampledFrom(e.Levels()).Draw(t, "current")
		}
		s := ladder.State{Level: cur, Since: t0}
		lo := genMetrics(t, l, "low")
		hi := ladder.Metrics{}
		for k, v := range lo {
			hi[k] = v.Add(decimal.NewFromInt(rapid.Int64Range(0, 3).Draw(t, "more "+k)))
		}
		dlo, err := e.Evaluate(s, lo, t0)
		if err != nil {
			t.Fatal(err)
		}
		dhi, err := e.Evaluate(s, hi, t0)
		if err != nil {
			t.Fatal(err)
		}
		if levelIndex(e, dhi.To) < levelIndex(e, dlo.To) {
			t.Fatalf("more metrics gave a lower level: %s with %v, %s with %v", dlo.To, lo, dhi.To, hi)
		}
		if levelIndex(e, dlo.To) < levelIndex(e, cur) {
			t.Fatalf("Evaluate lowered the level: %s", dlo.Explain())
		}
	})
}

// TestNoEarlyDowngrade: a review never lowers a level within its minimum
// stay, within its validity, from a lifetime level, nor while enough
// metrics stay at or above their low-water marks; and a member who falls
// lands no lower than a lifetime level below, nor more than max_drop
// levels down.
func TestNoEarlyDowngrade(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := genLadder(t)
		cur := rapid.IntRange(1, len(l.Levels)-1).Draw(t, "current")
		if cur >= 2 && rapid.Bool().Draw(t, "a lifetime level below") {
			l.Levels[rapid.IntRange(1, cur-1).Draw(t, "lifetime level")].Lifetime = true
		}
		lv := &l.Levels[cur]
		// One protection at a time, often none but the low-water marks,
		// so that each is tested on its own.
		lv.MinStay, lv.Validity, lv.Lifetime = 0, 0, false
		switch rapid.SampledFrom([]string{"low water", "min stay", "validity", "lifetime"}).Draw(t, "protection") {
		case "min stay":
			lv.MinStay = qun.Days(rapid.IntRange(1, 30).Draw(t, "min_stay"))
		case "validity":
			lv.Validity = qun.Days(rapid.IntRange(1, 30).Draw(t, "validity"))
		case "lifetime":
			lv.Lifetime = true
		}
		e, err := ladder.Compile(l)
		if err != nil {
			t.Fatal(err)
		}
		since := t0
		now := since.Add(days(rapid.IntRange(0, 40).Draw(t, "days at the level")))
		s := ladder.State{Level: lv.Name, Since: since}
		m := genMetrics(t, l, "metrics")
		met, need := 0, lv.Need
		if need == 0 {
			need = len(lv.Requirements)
		}
		for _, r := range lv.Requirements {
			f := lv.LowWater
			if f.IsZero() {
				f = decimal.NewFromInt(1)
			}
			if m[r.Metric].GreaterThanOrEqual(r.Min.Mul(f)) {
				met++
			}
		}
		aboveLowWater := met >= need
		d, err := e.Review(s, m, now)
		if err != nil {
			t.Fatal(err)
		}
		if d.Change != ladder.Down {
			return
		}
		to := levelIndex(e, d.To)
		switch {
		case lv.MinStay > 0 && now.Before(since.Add(time.Duration(lv.MinStay))):
			t.Fatalf("downgraded within the minimum stay: %s", d.Explain())
		case lv.Validity > 0 && now.Before(since.Add(time.Duration(lv.Validity))):
			t.Fatalf("downgraded within the validity: %s", d.Explain())
		case aboveLowWater:
			t.Fatalf("downgraded above the low-water marks: %s", d.Explain())
		case lv.Lifetime:
			t.Fatalf("downgraded from a lifetime level: %s", d.Explain())
		case l.MaxDrop > 0 && cur-to > l.MaxDrop:
			t.Fatalf("dropped more than max_drop: %s", d.Explain())
		}
		for i := to + 1; i < cur; i++ {
			if l.Levels[i].Lifetime {
				t.Fatalf("dropped below the lifetime level %s: %s", l.Levels[i].Name, d.Explain())
			}
		}
	})
}

func TestReasonsJSON(t *testing.T) {
	e := compile(t, loyalty())
	d, _ := e.Evaluate(ladder.State{}, metrics("1200", "1"), t0)
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"code":"qualified"`) || !strings.Contains(string(data), `"change":"up"`) {
		t.Errorf("decision JSON: %s", data)
	}
	var back ladder.Decision
	if err := json.Unmarshal(data, &back); err != nil || back.To != "silver" {
		t.Errorf("decision does not read back: %v", err)
	}
}

// FuzzState reads a state as a host's storage might hold it, and reviews
// it: no panic, and an error only for levels the ladder does not have.
func FuzzState(f *testing.F) {
	f.Add([]byte(`{"level":"regular","since":"2026-03-01T09:00:00+08:00"}`))
	f.Add([]byte(`{"level":"gold","valid_until":"2027-03-01T09:00:00+08:00","lock":{"level":"member","floor":true,"until":"2026-01-01T00:00:00Z"}}`))
	f.Add([]byte(`{"lock":{"level":"regular"}}`))
	e, _ := ladder.Compile(ladder.Discourse())
	f.Fuzz(func(t *testing.T, data []byte) {
		var s ladder.State
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		if _, err := e.Review(s, regularMetrics(), t0); err != nil && !errors.Is(err, ladder.ErrUnknownLevel) {
			t.Fatalf("review: %v", err)
		}
	})
}
