package board_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/board"
	"github.com/shopspring/decimal"

	gocmp "github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	calSH    = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	// monday is the start of a week in Shanghai.
	monday = time.Date(2026, 11, 16, 0, 0, 0, 0, shanghai.Location())
)

func mustBoard(t rapid.TB, c board.Config) *board.Board {
	t.Helper()
	b, err := board.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func must(t rapid.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestRankings shows the three rankings on scores 100, 90, 90, 80, where
// b reached 90 before c.
func TestRankings(t *testing.T) {
	for _, tc := range []struct {
		ranking board.Ranking
		ranks   []int64
	}{
		{board.Competition, []int64{1, 2, 2, 4}},
		{board.Dense, []int64{1, 2, 2, 3}},
		{board.Row, []int64{1, 2, 3, 4}},
	} {
		t.Run(tc.ranking.String(), func(t *testing.T) {
			b := mustBoard(t, board.Config{ID: "b", Ranking: tc.ranking})
			at := monday
			for _, s := range []struct {
				m     qun.MemberID
				score int64
			}{{"d", 80}, {"c", 90}, {"a", 100}, {"b", 90}} {
				at = at.Add(time.Minute)
				must(t, b.Set(s.m, s.score, at))
			}
			// c reaches 90 again later: an unchanged score keeps its time.
			must(t, b.Set("c", 90, at.Add(time.Hour)))
			// b's 90 is moved to after c's by reaching it again.
			must(t, b.Add("b", 1, at.Add(2*time.Hour)))
			must(t, b.Add("b", -1, at.Add(3*time.Hour)))
			s := b.Standings(qun.Period{})
			var ids []string
			var ranks []int64
			for e := range s.All() {
				ids = append(ids, e.ID)
				ranks = append(ranks, e.Rank)
				if r, _ := s.Rank(e.ID); r != e.Rank {
					t.Errorf("Rank(%s) = %d, listed as %d", e.ID, r, e.Rank)
				}
			}
			if diff := gocmp.Diff([]string{"a", "c", "b", "d"}, ids); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			if diff := gocmp.Diff(tc.ranks, ranks); diff != "" {
				t.Errorf("ranks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWeeksInZone checks that a weekly board's weeks begin on Monday at
// midnight in its zone, across a DST change in another zone.
func TestWeeksInZone(t *testing.T) {
	b := mustBoard(t, board.Config{ID: "w", Period: qun.Week, Calendar: calSH})
	sunday := monday.Add(-time.Second) // 23:59:59 on Sunday, Shanghai
	must(t, b.Add("lin", 5, sunday))
	must(t, b.Add("lin", 7, monday))
	if got := b.At(sunday).Len(); got != 1 {
		t.Fatalf("last week's board has %d entries", got)
	}
	prev, _ := b.At(sunday).Lookup("lin")
	cur, _ := b.At(monday).Lookup("lin")
	if prev.Units != 5 || cur.Units != 7 {
		t.Errorf("last week %d, this week %d; want 5 and 7", prev.Units, cur.Units)
	}
	want := []qun.Period{{Grain: qun.Week, First: qun.Date{Year: 2026, Month: 11, Day: 9}}, {Grain: qun.Week, First: qun.Date{Year: 2026, Month: 11, Day: 16}}}
	if diff := gocmp.Diff(want, b.Periods()); diff != "" {
		t.Errorf("periods (-want +got):\n%s", diff)
	}
	// A third week drops the first (keep 2), and a late update for it is
	// refused.
	must(t, b.Add("lin", 1, monday.AddDate(0, 0, 7)))
	if err := b.Add("lin", 1, sunday); !errors.Is(err, board.ErrClosed) {
		t.Errorf("late update: %v, want ErrClosed", err)
	}

	ny := qun.MustLoadZone("America/New_York")
	nb := mustBoard(t, board.Config{ID: "d", Period: qun.Day, Calendar: qun.Calendar{Zone: ny}})
	// 2026-11-01 is 25 hours long in New York.
	before := time.Date(2026, 11, 1, 23, 30, 0, 0, ny.Location())
	must(t, nb.Add("sam", 1, time.Date(2026, 11, 1, 0, 30, 0, 0, ny.Location())))
	must(t, nb.Add("sam", 1, before))
	if e, _ := nb.At(before).Lookup("sam"); e.Units != 2 {
		t.Errorf("the long day holds %d, want 2", e.Units)
	}
}

func TestDecimalScores(t *testing.T) {
	b := mustBoard(t, board.Config{ID: "spend", Scale: 2})
	must(t, b.AddScore("lin", decimal.RequireFromString("99.50"), monday))
	must(t, b.AddScore("lin", decimal.RequireFromString("0.25"), monday.Add(time.Second)))
	e, _ := b.Standings(qun.Period{}).Lookup("lin")
	if !e.Score().Equal(decimal.RequireFromString("99.75")) || e.Units != 9975 {
		t.Errorf("score %s (%d units), want 99.75", e.Score(), e.Units)
	}
	if err := b.AddScore("lin", decimal.RequireFromString("0.001"), monday); !errors.Is(err, board.ErrScale) || !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("finer than the scale: %v", err)
	}
	for _, big := range []decimal.Decimal{dec("1e30"), dec("-1e30"), dec("92233720368547758.08"), decimal.New(7, 1<<30)} {
		if err := b.AddScore("lin", big, monday); !errors.Is(err, board.ErrOverflow) {
			t.Errorf("%s: too large: %v", big, err)
		}
	}
	for _, fine := range []decimal.Decimal{dec("0.001"), dec("1.234"), decimal.New(7, -1<<30), decimal.New(-3, -40)} {
		if err := b.AddScore("lin", fine, monday); !errors.Is(err, board.ErrScale) {
			t.Errorf("%s: finer than the scale: %v", fine.Coefficient(), err)
		}
	}
	for _, zero := range []string{"0e50", "0.000e-40", "-0"} {
		must(t, b.AddScore("lin", decimal.RequireFromString(zero), monday.Add(time.Minute)))
	}
	must(t, b.SetScore("lin", decimal.RequireFromString("92233720368547758.07"), monday.Add(time.Minute)))
	must(t, b.Set("max", math.MaxInt64, monday))
	if err := b.Add("max", 1, monday); !errors.Is(err, board.ErrOverflow) {
		t.Errorf("overflow: %v", err)
	}
	if err := b.Add("", 1, monday); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("empty member: %v", err)
	}
	if err := b.Add("lin", 1, time.Time{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("zero time: %v", err)
	}
}

// TestTeams runs a small PK: teams sum or average their members' scores,
// and a member who changes team takes their score along.
func TestTeams(t *testing.T) {
	for _, agg := range []board.Aggregate{board.Sum, board.Average} {
		t.Run(agg.String(), func(t *testing.T) {
			b := mustBoard(t, board.Config{ID: "pk", Period: qun.Week, Calendar: calSH, Teams: agg})
			at := monday.Add(time.Hour)
			for m, team := range map[qun.MemberID]string{"a1": "red", "a2": "red", "a3": "red", "b1": "blue"} {
				must(t, b.Join(m, team, at))
			}
			must(t, b.Add("a1", 30, at.Add(time.Minute)))
			must(t, b.Add("a2", 30, at.Add(2*time.Minute)))
			must(t, b.Add("b1", 50, at.Add(3*time.Minute)))
			teams := b.TeamsAt(at)
			got := map[string]string{}
			for e := range teams.All() {
				got[e.ID] = fmt.Sprintf("%d %s", e.Rank, e.Score())
			}
			want := map[string]string{"red": "1 60", "blue": "2 50"}
			if agg == board.Average {
				want = map[string]string{"blue": "1 50", "red": "2 20"}
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("teams (-want +got):\n%s", diff)
			}
			must(t, b.Join("a1", "blue", at.Add(time.Hour)))
			red, _ := teams.Lookup("red")
			blue, _ := teams.Lookup("blue")
			if red.Units != 30 || blue.Units != 80 {
				t.Errorf("after a1 moves: red %d, blue %d; want 30 and 80", red.Units, blue.Units)
			}
			if team, _ := b.Team("a1"); team != "blue" {
				t.Errorf("a1 is on %q", team)
			}
			b.Remove("a2", at.Add(2*time.Hour))
			if red, _ := teams.Lookup("red"); red.Units != 0 {
				t.Errorf("after a2 leaves: red %d", red.Units)
			}
			// A new week lists every team, at zero.
			next := b.TeamsAt(at.AddDate(0, 0, 7))
			if next != nil {
				t.Fatalf("next week exists before any update")
			}
			must(t, b.Add("b1", 1, at.AddDate(0, 0, 7)))
			if n := b.TeamsAt(at.AddDate(0, 0, 7)).Len(); n != 2 {
				t.Errorf("next week lists %d teams, want 2", n)
			}
		})
	}
}

func TestNeighbours(t *testing.T) {
	b := mustBoard(t, board.Config{ID: "b", Ranking: board.Row})
	for i := range 10 {
		must(t, b.Set(qun.MemberID(fmt.Sprint("m", i)), int64(100-i), monday.Add(time.Duration(i)*time.Second)))
	}
	s := b.Standings(qun.Period{})
	var got []string
	for _, e := range s.Around("m5", 2) {
		got = append(got, fmt.Sprintf("%d:%s", e.Row, e.ID))
	}
	if diff := gocmp.Diff([]string{"4:m3", "5:m4", "6:m5", "7:m6", "8:m7"}, got); diff != "" {
		t.Errorf("around (-want +got):\n%s", diff)
	}
	if got := s.Around("m0", 2); len(got) != 3 || got[0].ID != "m0" {
		t.Errorf("around the top: %v", got)
	}
	if got := s.Range(8, 5); len(got) != 2 || got[1].ID != "m9" {
		t.Errorf("last page: %v", got)
	}
	if s.Around("nobody", 2) != nil || s.Range(20, 5) != nil {
		t.Errorf("missing entries give entries")
	}
}

// TestMissingPeriod: the standings of a period the board does not keep
// are nil, and read as an empty board; a handle the board did not give is
// refused, not a panic.
func TestMissingPeriod(t *testing.T) {
	b := mustBoard(t, board.Config{ID: "w", Period: qun.Week, Calendar: calSH})
	must(t, b.Add("lin", 5, monday))
	gone := b.PeriodOf(monday.Add(-7 * 24 * time.Hour))
	for _, s := range []*board.Standings{b.Standings(gone), b.Teams(gone), b.At(monday.Add(-time.Hour))} {
		if s != nil {
			t.Fatalf("standings of a period not kept: %v", s)
		}
		if _, ok := s.Period(); ok || s.Len() != 0 || s.Top(3) != nil || s.Range(0, 3) != nil || s.Around("lin", 1) != nil {
			t.Errorf("nil standings are not empty")
		}
		if _, ok := s.Rank("lin"); ok {
			t.Errorf("nil standings rank lin")
		}
		if _, ok := s.RankOf(0); ok {
			t.Errorf("nil standings rank a handle")
		}
		if _, ok := s.Lookup("lin"); ok {
			t.Errorf("nil standings look lin up")
		}
		for e := range s.All() {
			t.Errorf("nil standings list %v", e)
		}
	}
	s := b.At(monday)
	for _, r := range []board.Ref{-1, 1, math.MaxInt32} {
		if _, ok := s.RankOf(r); ok {
			t.Errorf("RankOf(%d) ranks a handle the board did not give", r)
		}
		if err := b.AddRef(r, 1, monday); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("AddRef(%d): %v", r, err)
		}
		if _, ok := b.Member(r); ok {
			t.Errorf("Member(%d) names a member", r)
		}
	}
}

func TestConfigJSON(t *testing.T) {
	c, err := board.ParseConfig([]byte(`{"id":"weekly-reading","period":"week",
		"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
		"scale":2,"ranking":"dense","teams":"average","keep":4}`))
	must(t, err)
	want := board.Config{ID: "weekly-reading", Period: qun.Week, Calendar: calSH, Scale: 2, Ranking: board.Dense, Teams: board.Average, Keep: 4}
	if diff := gocmp.Diff(want, c, gocmp.Comparer(func(a, b qun.Calendar) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("parse (-want +got):\n%s", diff)
	}
	data, err := jsonMarshal(c)
	must(t, err)
	back, err := board.ParseConfig(data)
	must(t, err)
	if diff := gocmp.Diff(c, back, gocmp.Comparer(func(a, b qun.Calendar) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ in, field string }{
		{`{"id":""}`, "id"},
		{`{"id":"x","scale":12}`, "scale"},
		{`{"id":"x","keep":-1}`, "keep"},
		{`{"id":"x","ranking":"olympic"}`, "ranking"},
		{`{"id":"x","teams":"max"}`, "teams"},
		{`{"id":"x","perod":"week"}`, "perod"},
		{`{"id":"x","period":"fortnight"}`, "period"},
	} {
		_, err := board.ParseConfig([]byte(tc.in))
		var ve *qun.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v, want an error at %q", tc.in, err, tc.field)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"id":"weekly","period":"week","calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"scale":2,"ranking":"dense","teams":"average","keep":4}`))
	f.Add([]byte(`{"id":"all-time"}`))
	f.Add([]byte(`{"id":"x","keep":1e3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := board.ParseConfig(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error %v does not match qun.ErrInvalid", err)
			}
			return
		}
		out, err := jsonMarshal(c)
		if err != nil {
			t.Fatalf("marshal a parsed config: %v", err)
		}
		if _, err := board.ParseConfig(out); err != nil {
			t.Fatalf("a written config does not read back: %v\n%s", err, out)
		}
		if _, err := board.New(c); err != nil {
			t.Fatalf("New refuses a parsed config: %v", err)
		}
	})
}

// modelEntry is a member's score in the model.
type modelEntry struct {
	units int64
	at    int64
}

// TestBoardModel checks, after every step of random updates, that each
// period's standings list members in the documented order (higher score,
// then earlier achiever, then ID) with the ranks a full sort gives under
// the board's ranking, and that team standings hold their members' sums
// or averages in the same order.
func TestBoardModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ranking := rapid.SampledFrom([]board.Ranking{board.Competition, board.Dense, board.Row}).Draw(t, "ranking")
		agg := rapid.SampledFrom([]board.Aggregate{board.Sum, board.Average}).Draw(t, "teams")
		b := mustBoard(t, board.Config{ID: "m", Period: qun.Day, Calendar: calSH, Ranking: ranking, Teams: agg, Keep: 3})
		members := []qun.MemberID{"a", "b", "c", "d", "e", "f", "g", "h"}
		teamNames := []string{"red", "blue", "green"}
		model := map[int64]map[qun.MemberID]modelEntry{} // day index → scores
		teamOf := map[qun.MemberID]string{}
		var days []int64
		now := monday.Add(9 * time.Hour)
		step := func(t *rapid.T) time.Time {
			// Time moves on by whole minutes, often not at all (ties).
			now = now.Add(time.Duration(rapid.IntRange(0, 2).Draw(t, "minutes")) * time.Minute)
			if rapid.IntRange(0, 20).Draw(t, "next day") == 0 {
				now = now.Add(24 * time.Hour)
			}
			return now
		}
		dayOf := func(at time.Time) int64 { return calSH.Index(qun.Day, at) }
		ensure := func(at time.Time) map[qun.MemberID]modelEntry {
			d := dayOf(at)
			if _, ok := model[d]; !ok {
				model[d] = map[qun.MemberID]modelEntry{}
				days = append(days, d)
				slices.Sort(days)
				for len(days) > 3 {
					delete(model, days[0])
					days = days[1:]
				}
			}
			return model[d]
		}
		t.Repeat(map[string]func(*rapid.T){
			"add": func(t *rapid.T) {
				m := rapid.SampledFrom(members).Draw(t, "member")
				delta := rapid.Int64Range(-5, 10).Draw(t, "delta")
				at := step(t)
				must(t, b.Add(m, delta, at))
				day := ensure(at)
				e, had := day[m]
				if !had || delta != 0 {
					e = modelEntry{e.units + delta, at.UnixNano()}
				}
				day[m] = e
			},
			"set": func(t *rapid.T) {
				m := rapid.SampledFrom(members).Draw(t, "member")
				units := rapid.Int64Range(0, 6).Draw(t, "units")
				at := step(t)
				must(t, b.Set(m, units, at))
				day := ensure(at)
				if e, had := day[m]; !had || e.units != units {
					day[m] = modelEntry{units, at.UnixNano()}
				}
			},
			"join": func(t *rapid.T) {
				m := rapid.SampledFrom(members).Draw(t, "member")
				team := rapid.SampledFrom(teamNames).Draw(t, "team")
				must(t, b.Join(m, team, step(t)))
				teamOf[m] = team
			},
			"leave": func(t *rapid.T) {
				m := rapid.SampledFrom(members).Draw(t, "member")
				b.Leave(m, step(t))
				delete(teamOf, m)
			},
			"remove": func(t *rapid.T) {
				m := rapid.SampledFrom(members).Draw(t, "member")
				b.Remove(m, step(t))
				delete(teamOf, m)
				for _, day := range model {
					delete(day, m)
				}
			},
			"": func(t *rapid.T) {
				for _, d := range days {
					p := calSH.PeriodAt(qun.Day, d)
					checkStandings(t, ranking, b.Standings(p), model[d])
					checkTeams(t, agg, b.Teams(p), model[d], teamOf)
				}
			},
		})
	})
}

type row struct {
	ID    string
	Units int64
	At    int64
	Rank  int64
}

// expectRanks ranks rows already in order by value, under r.
func expectRanks(rows []row, r board.Ranking, same func(a, b row) bool) {
	dense := int64(0)
	for i := range rows {
		switch {
		case i > 0 && same(rows[i-1], rows[i]) && r != board.Row:
			rows[i].Rank = rows[i-1].Rank
			continue
		case r == board.Dense:
			dense++
			rows[i].Rank = dense
		default:
			rows[i].Rank = int64(i) + 1
		}
	}
}

func checkStandings(t *rapid.T, r board.Ranking, s *board.Standings, day map[qun.MemberID]modelEntry) {
	var want []row
	for m, e := range day {
		want = append(want, row{ID: string(m), Units: e.units, At: e.at})
	}
	slices.SortFunc(want, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.Units, a.Units), cmp.Compare(a.At, b.At), cmp.Compare(a.ID, b.ID))
	})
	expectRanks(want, r, func(a, b row) bool { return a.Units == b.Units })
	var got []row
	for e := range s.All() {
		got = append(got, row{ID: e.ID, Units: e.Units, At: e.At.UnixNano(), Rank: e.Rank})
		if rk, ok := s.Rank(e.ID); !ok || rk != e.Rank {
			t.Fatalf("Rank(%s) = %d, %v; listed as %d", e.ID, rk, ok, e.Rank)
		}
		if l, ok := s.Lookup(e.ID); !ok || l != e {
			t.Fatalf("Lookup(%s) = %+v, listed as %+v", e.ID, l, e)
		}
	}
	if diff := gocmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("standings (-model +board):\n%s", diff)
	}
}

func checkTeams(t *rapid.T, agg board.Aggregate, s *board.Standings, day map[qun.MemberID]modelEntry, teamOf map[qun.MemberID]string) {
	sums := map[string]int64{}
	sizes := map[string]int64{}
	for m, team := range teamOf {
		sums[team] += day[m].units
		sizes[team]++
	}
	var got []board.Entry
	for e := range s.All() {
		got = append(got, e)
		want := sums[e.ID]
		if e.Units != want {
			t.Fatalf("team %s sums %d, want %d", e.ID, e.Units, want)
		}
		if agg == board.Average && sizes[e.ID] > 0 && e.Size != sizes[e.ID] {
			t.Fatalf("team %s averages over %d, roster %d", e.ID, e.Size, sizes[e.ID])
		}
	}
	for team := range sizes {
		if _, ok := s.Lookup(team); !ok {
			t.Fatalf("team %s with members is not listed", team)
		}
	}
	// The listed order is value (exactly, as fractions), then time, then ID.
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		c := new(big.Int).Mul(big.NewInt(a.Units), big.NewInt(b.Size)).Cmp(new(big.Int).Mul(big.NewInt(b.Units), big.NewInt(a.Size)))
		if c < 0 || c == 0 && (a.At.After(b.At) || a.At.Equal(b.At) && a.ID > b.ID) {
			t.Fatalf("teams out of order: %+v before %+v", a, b)
		}
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// TestNoAllocs pins the hot paths at zero allocations: an update of a
// member already on the board, and a rank lookup by ID or by handle.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	b := mustBoard(t, board.Config{ID: "a", Period: qun.Week, Calendar: calSH, Ranking: board.Dense})
	refs := make([]board.Ref, 1000)
	for i := range refs {
		var err error
		refs[i], err = b.Ref(qun.MemberID(fmt.Sprint("m", i)))
		must(t, err)
		must(t, b.AddRef(refs[i], int64(i%97), monday.Add(time.Duration(i)*time.Second)))
	}
	s := b.At(monday)
	i := 0
	at := monday.Add(time.Hour)
	if n := testing.AllocsPerRun(1000, func() {
		i = (i + 7) % len(refs)
		at = at.Add(time.Second)
		if err := b.AddRef(refs[i], int64(i%5)-2, at); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("AddRef allocates %v times", n)
	}
	if n := testing.AllocsPerRun(1000, func() {
		i = (i + 7) % len(refs)
		s.RankOf(refs[i])
		s.Rank("m17")
	}); n != 0 {
		t.Errorf("a rank lookup allocates %v times", n)
	}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// FuzzScore feeds decimal scores as a host might pass them: each is set
// exactly or refused as invalid, never a panic, and never slow however
// large or fine its exponent.
func FuzzScore(f *testing.F) {
	for _, s := range []string{"99.75", "-0.5", "0.001", "1e30", "7e-9000", "92233720368547758.07", "0e50"} {
		f.Add(s, int32(2))
	}
	f.Fuzz(func(t *testing.T, s string, scale int32) {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return
		}
		b, err := board.New(board.Config{ID: "f", Scale: max(0, min(scale, board.MaxScale))})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.SetScore("lin", d, monday); err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("%s: %v does not match qun.ErrInvalid", s, err)
			}
			return
		}
		e, ok := b.Standings(qun.Period{}).Lookup("lin")
		if !ok || !e.Score().Equal(d) {
			t.Fatalf("%s: set, reads back %s", s, e.Score())
		}
	})
}
