package scoring_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring"
	"pgregory.net/rapid"
)

// plainRules are the weekly rules without the kind that tests properties,
// so that a Table can be scored.
func plainRules(cal qun.Calendar) scoring.EngagementRules {
	r := weekly(cal)
	r.Kinds = r.Kinds[1:]
	return r
}

// A table scores as the events it holds do.
func TestScoreTableEqualsScoreEvents(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRules(t)
		r.Kinds = r.Kinds[1:]
		m := mustCompile(t, r)
		events := byTime(genEvents(t, "events"))
		var tab scoring.Table
		for _, e := range events {
			if err := tab.Append(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := tab.Validate(); err != nil {
			t.Fatal(err)
		}
		now := t0.Add(time.Duration(rapid.IntRange(0, 30*48).Draw(t, "now")) * 30 * time.Minute)
		var got scoring.Scores
		if err := m.ScoreTable(&tab, now, &got); err != nil {
			t.Fatal(err)
		}
		want, err := m.ScoreEvents(slices.Values(events), now)
		if err != nil {
			t.Fatal(err)
		}
		gotMap, wantMap := got.Map(), want.Map()
		for member, v := range wantMap {
			if gotMap[member] != v {
				t.Fatalf("member %s: table %v, events %v", member, gotMap[member], v)
			}
		}
		for member, v := range gotMap {
			if _, ok := wantMap[member]; !ok && v != 0 {
				t.Fatalf("member %s: table %v without scored events", member, v)
			}
		}
	})
}

func TestScoreTableRefuses(t *testing.T) {
	cal := qun.Calendar{Zone: shanghai}
	plain := mustCompile(t, plainRules(cal))
	conditional := mustCompile(t, weekly(cal))
	var tab scoring.Table
	for _, e := range []qun.Event{ev("a", "post", t0.Add(time.Hour)), ev("b", "reply", t0)} {
		if err := tab.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	var s scoring.Scores
	if err := plain.ScoreTable(&tab, t0.Add(day(1)), &s); !errors.Is(err, scoring.ErrUnsorted) {
		t.Errorf("unsorted table: %v, want ErrUnsorted", err)
	}
	tab.SortByTime()
	if diff := cmp.Diff([]uint32{1, 0}, tab.Member); diff != "" {
		t.Errorf("sorted member column (-want +got):\n%s", diff)
	}
	if err := plain.ScoreTable(&tab, t0.Add(day(1)), &s); err != nil {
		t.Errorf("sorted table: %v", err)
	}
	if err := conditional.ScoreTable(&tab, t0.Add(day(1)), &s); !errors.Is(err, scoring.ErrConditions) {
		t.Errorf("rules with conditions: %v, want ErrConditions", err)
	}
	broken := tab
	broken.Member = []uint32{0, 7}
	if err := broken.Validate(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Validate of an index out of range: %v", err)
	}
	if err := plain.ScoreTable(&broken, t0.Add(day(1)), &s); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ScoreTable of an index out of range: %v", err)
	}
	broken.Member = []uint32{0}
	if err := broken.Validate(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Validate of short column: %v", err)
	}
	if err := tab.Append(ev("c", "post", time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC))); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Append of a time before 1678: %v", err)
	}
	if _, err := plain.ScoreEvents(slices.Values([]qun.Event{ev("c", "post", time.Time{})}), t0); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ScoreEvents of a zero time: %v", err)
	}
	if err := plain.ScoreTable(nil, t0, &s); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ScoreTable of a nil table: %v", err)
	}
	if err := plain.ScoreTable(&tab, t0, nil); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ScoreTable into nil Scores: %v", err)
	}
	// An Engagement not made by Compile has no kinds: refused, not a hang.
	var zero scoring.Engagement
	if err := zero.ScoreTable(&tab, t0, &s); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ScoreTable of a zero Engagement: %v", err)
	}
	if _, err := zero.ScoreEvents(slices.Values([]qun.Event{ev("c", "post", t0)}), t0); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ScoreEvents of a zero Engagement: %v", err)
	}
}

// benchTable builds a table of n events of members over 90 days, in time
// order: a community's quarter.
func benchTable(n, members int) *scoring.Table {
	rng := rand.New(rand.NewPCG(1, 2))
	tab := &scoring.Table{Names: []string{"post", "check_in", "like", "reply", "view"}}
	for i := range members {
		tab.Members = append(tab.Members, qun.MemberID("m"+itoa(i)))
	}
	tab.Member = make([]uint32, n)
	tab.Name = make([]uint32, n)
	tab.Time = make([]int64, n)
	start := t0.UnixNano()
	step := int64(90*24*time.Hour) / int64(n)
	for i := range n {
		tab.Member[i] = uint32(rng.IntN(members))
		tab.Name[i] = uint32(rng.IntN(len(tab.Names)))
		tab.Time[i] = start + int64(i)*step
	}
	return tab
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// Bulk scoring allocates nothing once its Scores has grown: no allocation
// per event, nor per call.
func TestScoreTableAllocations(t *testing.T) {
	m := mustCompile(t, plainRules(qun.Calendar{Zone: shanghai}))
	tab := benchTable(100_000, 1_000)
	var s scoring.Scores
	now := t0.Add(day(90))
	if err := m.ScoreTable(tab, now, &s); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		if err := m.ScoreTable(tab, now, &s); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ScoreTable allocates %v times per call of 100,000 rows", allocs)
	}
}

// The recall list: members whose score fell below the threshold.
func TestFell(t *testing.T) {
	before := &scoring.Scores{Members: []qun.MemberID{"a", "b", "c", "d"}, Values: []float64{10, 12, 3, 8}}
	after := &scoring.Scores{Members: []qun.MemberID{"d", "c", "b"}, Values: []float64{4, 1, 9}}
	got := scoring.Fell(before, after, 5)
	want := []scoring.Drop{{Member: "a", Before: 10, After: 0}, {Member: "d", Before: 8, After: 4}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fell (-want +got):\n%s", diff)
	}
}

// BenchmarkScoreTable scores ten million events of a quarter, in time
// order, for communities of 20,000, 200,000 and a million members.
func BenchmarkScoreTable(b *testing.B) {
	const n = 10_000_000
	m := mustCompile(b, plainRules(qun.Calendar{Zone: shanghai, WeekStart: time.Monday}))
	for _, members := range []int{20_000, 200_000, 1_000_000} {
		b.Run("members="+itoa(members), func(b *testing.B) {
			tab := benchTable(n, members)
			var s scoring.Scores
			now := t0.Add(day(90))
			// Grow s first: hosts reuse their Scores, and the first call's
			// allocations are not per event.
			if err := m.ScoreTable(tab, now, &s); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := m.ScoreTable(tab, now, &s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/event")
		})
	}
}

// BenchmarkScoreEvents scores a million events from an iter.Seq, out of
// order: gathering, sorting and scoring.
func BenchmarkScoreEvents(b *testing.B) {
	const n = 1_000_000
	m := mustCompile(b, weekly(qun.Calendar{Zone: shanghai, WeekStart: time.Monday}))
	tab := benchTable(n, 20_000)
	events := make([]qun.Event, n)
	for i := range events {
		// Reverse order: the worst case for the sort.
		j := n - 1 - i
		events[i] = qun.Event{Member: tab.Members[tab.Member[j]], Name: tab.Names[tab.Name[j]], Time: time.Unix(0, tab.Time[j])}
	}
	now := t0.Add(day(90))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.ScoreEvents(slices.Values(events), now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/event")
}

// With more members than one cache block, the rows are partitioned by
// block first; the scores are still bit for bit those of Add.
func TestScoreTablePartitioned(t *testing.T) {
	m := mustCompile(t, plainRules(qun.Calendar{Zone: newYork, WeekStart: time.Monday}))
	tab := benchTable(30_000, 5_000)
	var s scoring.Scores
	now := t0.Add(day(60)) // some rows are later
	if err := m.ScoreTable(tab, now, &s); err != nil {
		t.Fatal(err)
	}
	scores := make([]scoring.Score, len(tab.Members))
	for i, at := range tab.Time {
		e := qun.Event{Member: tab.Members[tab.Member[i]], Name: tab.Names[tab.Name[i]], Time: time.Unix(0, at)}
		if !e.Time.After(now) {
			m.Add(&scores[tab.Member[i]], e)
		}
	}
	for i := range scores {
		if got, want := s.Values[i], m.Value(scores[i], now); got != want {
			t.Fatalf("member %s: bulk %v, incremental %v", tab.Members[i], got, want)
		}
	}
	allocs := testing.AllocsPerRun(3, func() {
		if err := m.ScoreTable(tab, now, &s); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("partitioned ScoreTable allocates %v times per call", allocs)
	}
}
