package funnel

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

func TestTableAppendRefusesAndRollsBack(t *testing.T) {
	tab := mustTable(t, []qun.Event{e("a", "join", 5)})
	bad := []qun.Event{e("b", "join", 1), e("c", "post", 0), {Member: "d", Name: "", Time: at(2)}}
	err := tab.Append(slices.Values(bad))
	var ve *qun.ValidationError
	if !errors.As(err, &ve) || ve.Field != "events[2].name" || !errors.Is(err, qun.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	if tab.Len() != 1 || tab.Members() != 1 {
		t.Fatalf("after a refused append: %d events, %d members", tab.Len(), tab.Members())
	}
	// The table still works, and takes the good events later.
	if err := tab.Append(slices.Values(bad[:2])); err != nil {
		t.Fatal(err)
	}
	res := run(t, Funnel{Steps: steps("join", "post")}, tab)
	if diff := cmp.Diff([]int64{2, 0}, counts(res)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	first, last := tab.Span()
	if !first.Equal(at(0)) || !last.Equal(at(5)) {
		t.Errorf("span %v %v", first, last)
	}
	for _, ev := range []qun.Event{{Name: "x", Time: at(0)}, {Member: "m", Name: "x"}, {Member: "m", Name: "x", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}} {
		if err := tab.Append(slices.Values([]qun.Event{ev})); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%+v accepted: %v", ev, err)
		}
	}
	if err := tab.AddProfiles(slices.Values([]Profile{{Member: ""}})); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("empty member profile: %v", err)
	}
	var zero Table
	if err := zero.Append(slices.Values([]qun.Event{e("a", "join", 0)})); err != nil || zero.Len() != 1 {
		t.Errorf("zero Table: %v", err)
	}
}

// A table larger than a page, in time order and shuffled, gives the same
// answers.
func TestTableManyPages(t *testing.T) {
	var evs []qun.Event
	for i := range 3 * PageMembers {
		m := fmt.Sprint("m", i)
		evs = append(evs, e(m, "join", float64(i%100)), e(m, "post", float64(i%100)+float64(i%7)))
	}
	ordered := slices.Clone(evs)
	slices.SortStableFunc(ordered, func(a, b qun.Event) int { return a.Time.Compare(b.Time) })
	f := Funnel{Steps: steps("join", "post"), Window: Within(qun.Duration(5 * time.Minute))}
	want := run(t, f, mustTable(t, evs))
	if got := run(t, f, mustTable(t, ordered)); !cmp.Equal(want, got) {
		t.Errorf("time-ordered input differs:\n%v", cmp.Diff(want, got))
	}
	if c := counts(want); c[0] != int64(3*PageMembers) || c[1] != int64(3*PageMembers)*6/7+1 {
		t.Errorf("counts %v", c)
	}
}

// Explain tells each member's path, and the paths add up to Run's counts.
func TestPropertyExplainAgreesWithRun(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFunnel(t)
		evs := genPropEvents(t)
		tab := mustTable(t, evs)
		q, err := f.Compile()
		if err != nil {
			t.Fatal(err)
		}
		res := q.Run(tab, Range{})
		sum := make([]int64, len(f.Steps))
		var dropped int64
		for _, m := range tab.members {
			p, ok := q.Explain(tab, m, Range{})
			if !ok {
				t.Fatalf("no path for %s", m)
			}
			if p.Dropped {
				dropped++
				continue
			}
			if len(p.Times) != p.Reached {
				t.Fatalf("%s: %d times for %d steps", m, len(p.Times), p.Reached)
			}
			for k := range p.Reached {
				sum[k]++
			}
		}
		if !slices.Equal(sum, counts(res)) || dropped != res.Dropped {
			t.Fatalf("paths add up to %v (%d dropped), Run counts %v (%d)", sum, dropped, counts(res), res.Dropped)
		}
	})
	if _, ok := (&Query{}).Explain(NewTable(), "nobody", Range{}); ok {
		t.Error("explained a member the table does not have")
	}
}

func TestExplain(t *testing.T) {
	tab := mustTable(t, []qun.Event{e("a", "join", 0), e("a", "post", 30), e("a", "join", 40)})
	q, _ := Funnel{Steps: steps("join", "post", "buy")}.Compile()
	p, _ := q.Explain(tab, "a", Range{})
	want := Path{Member: "a", Reached: 2, Times: []time.Time{at(0), at(30)}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The query allocates per run, never per event: ten times the events cost
// no more allocations beyond the chunks of time-to-convert samples.
func TestQueryAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tables of 100,000 events")
	}
	build := func(members int) *Table {
		evs := make([]qun.Event, 0, 10*members)
		for i := range members {
			m := qun.MemberID(fmt.Sprint("m", i))
			for j := range 10 {
				evs = append(evs, qun.Event{Member: m, Name: []string{"visit", "join", "post", "check_in", "buy", "like"}[(i+j)%6], Time: at(j*10 + i%7)})
			}
		}
		return mustTable(t, evs)
	}
	small, large := build(1000), build(10000)
	base := Funnel{Steps: steps("visit", "join", "post", "check_in", "buy"), Window: Within(qun.Days(7))}
	for _, mode := range []struct {
		name string
		edit func(*Funnel)
	}{
		{"ordered", func(*Funnel) {}},
		{"strict", func(f *Funnel) { f.Order = Strict }},
		{"unordered", func(f *Funnel) { f.Order = Unordered }},
		{"exclusion", func(f *Funnel) { f.Exclusions = []Exclusion{{Event: qun.EventFilter{Name: "like"}, From: 1, To: 3}} }},
		{"breakdown", func(f *Funnel) { f.Breakdown = &Breakdown{Prop: "channel"} }},
		{"first ever", func(f *Funnel) { f.Steps[0].Occurrence = FirstEver }},
	} {
		f := base
		f.Steps = slices.Clone(base.Steps)
		mode.edit(&f)
		q, err := f.Compile()
		if err != nil {
			t.Fatal(err)
		}
		a := testing.AllocsPerRun(3, func() { q.Run(small, Range{}) })
		b := testing.AllocsPerRun(3, func() { q.Run(large, Range{}) })
		if perEvent := (b - a) / float64(large.Len()-small.Len()); perEvent > 0.001 {
			t.Errorf("%s: %.0f allocations for %d events, %.0f for %d: %.4f per event", mode.name, a, small.Len(), b, large.Len(), perEvent)
		}
	}
}

func FuzzFunnelJSON(f *testing.F) {
	f.Add(`{"steps":[{"name":"join"},{"name":"buy","within":"1d"}],"order":"strict","window":"1mo","exclusions":[{"event":{"name":"refund"},"from":0,"to":1}],"breakdown":{"prop":"channel","attribution":"last_touch"},"zone":"Asia/Shanghai","bins":5}`)
	f.Add(`{"steps":[{"name":"a","where":[{"prop":"p","op":"gte","values":["1.5"]}],"occurrence":"first_matching"}],"order":"unordered"}`)
	f.Add(`{"steps":[{"name":"a"},{"name":"a"}],"strict_order":true,"strict_dedup":true,"strict_increase":true}`)
	f.Add(`{"steps":[]}`)
	f.Add(`nonsense`)
	tab := mustTable(f, []qun.Event{e("a", "join", 0, "channel", "ads"), e("a", "buy", 1), e("a", "refund", 2), e("b", "a", 0, "p", "2")})
	f.Fuzz(func(t *testing.T, data string) {
		var fn Funnel
		if err := json.Unmarshal([]byte(data), &fn); err != nil {
			if !refused(err) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		q, err := fn.Compile()
		if err != nil {
			t.Fatalf("decoded funnel does not compile: %v", err)
		}
		q.Run(tab, Range{})
		out, err := json.Marshal(fn)
		if err != nil {
			t.Fatal(err)
		}
		var back Funnel
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s does not read back: %v", out, err)
		}
	})
}

func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"14d", "3mo", "1h30m", "0", "", "mo", "-1d", "99999999999mo", "1.5w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWindow(s)
		if err != nil {
			var se *qun.SyntaxError
			if !errors.Is(err, qun.ErrInvalid) || !errors.As(err, &se) {
				t.Fatalf("error %v is not a positioned syntax error", err)
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("%q parsed to invalid %+v: %v", s, w, err)
		}
		back, err := ParseWindow(w.String())
		if err != nil || back != w {
			t.Fatalf("%q -> %v -> %v, %v", s, w, back, err)
		}
	})
}

func FuzzMeasureJSON(f *testing.F) {
	f.Add(`{"start":{"name":"join"},"return":{"name":"check_in"},"grain":"week","calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"periods":8}`)
	f.Add(`{"from_joined":true,"grain":"day","on_or_after":true}`)
	f.Add(`{"events":[{"name":"post"}],"grain":"month","new_from_first_activity":true}`)
	f.Add(`{"events":[{"name":"post"}],"calendar":{"zone":"UTC","week_start":"sunday"}}`)
	f.Add(`{"invites":3,"conversion":0.2,"cycle_time":"2d","churn":0.05}`)
	tab := mustTable(f, []qun.Event{e("a", "join", 0), e("a", "check_in", 2*day), e("a", "post", 9*day)})
	from, to := qun.Date{Year: 2026, Month: 11, Day: 1}, qun.Date{Year: 2026, Month: 11, Day: 20}
	f.Fuzz(func(t *testing.T, data string) {
		var r Retention
		if err := json.Unmarshal([]byte(data), &r); err == nil {
			if _, err := r.Run(tab, from, to, time.Time{}); err != nil {
				t.Fatalf("decoded retention does not run: %v", err)
			}
		} else if !refused(err) {
			t.Fatalf("retention error %v", err)
		}
		var l Lifecycle
		if err := json.Unmarshal([]byte(data), &l); err == nil {
			if _, err := l.Run(tab, from, to); err != nil {
				t.Fatalf("decoded lifecycle does not run: %v", err)
			}
		} else if !refused(err) {
			t.Fatalf("lifecycle error %v", err)
		}
		var a Activity
		if err := json.Unmarshal([]byte(data), &a); err == nil {
			if _, err := a.Daily(tab, from, to); err != nil {
				t.Fatalf("decoded activity does not run: %v", err)
			}
		} else if !refused(err) {
			t.Fatalf("activity error %v", err)
		}
		var v Viral
		if err := json.Unmarshal([]byte(data), &v); err == nil {
			v.Project(10, 5)
			_, _ = v.KFor(10, 100, 30*24*time.Hour)
		} else if !refused(err) {
			t.Fatalf("viral error %v", err)
		}
	})
}

// refused reports whether err refuses bad input as it should: invalid JSON
// syntax (found by encoding/json before any UnmarshalJSON runs) or an error
// that matches qun.ErrInvalid.
func refused(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, qun.ErrInvalid)
}

func TestRuns(t *testing.T) {
	tab := mustTable(t, []qun.Event{e("b", "post", 3, "topic", "wine"), e("a", "join", 2), e("b", "join", 1)})
	type ev struct {
		Member qun.MemberID
		Name   string
		Time   time.Time
		Topic  string
	}
	var got []ev
	for r := range tab.Runs() {
		for i := range r.Len() {
			topic, _ := r.Prop(i, "topic")
			if r.Micros(i) != r.Time(i).UnixMicro() {
				t.Error("Micros and Time disagree")
			}
			got = append(got, ev{r.Member(), r.Name(i), r.Time(i), topic})
		}
	}
	want := []ev{{"b", "join", at(1), ""}, {"b", "post", at(3), "wine"}, {"a", "join", at(2), ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	n := 0
	for range tab.Runs() {
		n++
		break
	}
	if n != 1 {
		t.Error("Runs did not stop")
	}
}

// A built table may be read by queries at once (run with -race).
func TestConcurrentQueries(t *testing.T) {
	tab := mustTable(t, []qun.Event{e("a", "join", 0), e("a", "post", 1), e("b", "join", 2)})
	q, _ := Funnel{Steps: steps("join", "post")}.Compile()
	done := make(chan Result)
	for range 4 {
		go func() { done <- q.Run(tab, Range{}) }()
	}
	for range 4 {
		if got := counts(<-done); !slices.Equal(got, []int64{2, 1}) {
			t.Errorf("counts %v", got)
		}
	}
}
