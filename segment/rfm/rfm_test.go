package rfm

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// The table maps every one of the 125 codes to exactly one segment, with
// the sizes of the documented table.
func TestTable(t *testing.T) {
	sizes := map[Segment]int{
		Champions: 7, Loyal: 8, PotentialLoyalist: 24, New: 7, Promising: 16, NeedAttention: 8,
		AboutToSleep: 8, AtRisk: 22, CantLoseThem: 8, Hibernating: 11, Lost: 6,
	}
	seen := map[string]Segment{}
	for s := Champions; s <= Lost; s++ {
		codes := Codes(s)
		if len(codes) != sizes[s] {
			t.Errorf("%s has %d codes, want %d", s, len(codes), sizes[s])
		}
		for _, c := range codes {
			if prev, dup := seen[c]; dup {
				t.Errorf("code %s is in %s and %s", c, prev, s)
			}
			seen[c] = s
			if got := Classify(int(c[0]-'0'), int(c[1]-'0'), int(c[2]-'0')); got != s {
				t.Errorf("Classify(%s) = %s, want %s", c, got, s)
			}
		}
	}
	if len(seen) != 125 {
		t.Errorf("%d codes mapped, want 125", len(seen))
	}
	for _, bad := range [][3]int{{0, 1, 1}, {6, 1, 1}, {1, 1, -1}} {
		if got := Classify(bad[0], bad[1], bad[2]); got != 0 {
			t.Errorf("Classify(%v) = %v, want 0", bad, got)
		}
	}
	// Spot checks against the table in the documentation.
	for code, want := range map[string]Segment{"555": Champions, "111": Lost, "155": CantLoseThem, "511": New, "333": PotentialLoyalist, "231": AboutToSleep} {
		if got := Classify(int(code[0]-'0'), int(code[1]-'0'), int(code[2]-'0')); got != want {
			t.Errorf("Classify(%s) = %s, want %s", code, got, want)
		}
	}
}

func TestSegmentText(t *testing.T) {
	for s := Champions; s <= Lost; s++ {
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Segment
		if err := json.Unmarshal(data, &back); err != nil || back != s {
			t.Errorf("round trip of %s: %v, %v", data, back, err)
		}
	}
	if CantLoseThem.Label() != "Can't Lose Them" || CantLoseThem.String() != "cant_lose_them" {
		t.Errorf("names of CantLoseThem: %q, %q", CantLoseThem.Label(), CantLoseThem.String())
	}
	var s Segment
	if err := s.UnmarshalText([]byte("whales")); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("unknown segment: %v", err)
	}
	if _, err := Segment(0).MarshalText(); err == nil {
		t.Error("marshal of the zero segment")
	}
}

func customer(id string, daysAgo int, frequency int64, monetary string) Customer {
	return Customer{ID: qun.MemberID(id), Last: now.AddDate(0, 0, -daysAgo), Frequency: frequency, Monetary: decimal.RequireFromString(monetary)}
}

func TestScore(t *testing.T) {
	customers := []Customer{
		customer("a", 1, 12, "1500.00"),
		customer("b", 3, 1, "99.5"),
		customer("c", 3, 1, "99.50"), // ties b on every measure
		customer("d", 40, 6, "800"),
		customer("e", 200, 9, "2400.10"),
		customer("f", 400, 1, "15"),
		customer("g", 10, 2, "150"),
		customer("h", 60, 3, "300"),
		customer("i", 90, 1, "40"),
		customer("j", 20, 4, "500"),
	}
	scores, err := Model{}.Score(customers, now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range scores {
		got[string(s.ID)] = s.Code() + " " + s.Segment.String()
	}
	// A score is 1+⌊5b/10⌋, b being the number strictly worse. Recency,
	// worst first: f 400 (b 0), e 200 (1), i 90 (2), h 60 (3), d 40 (4),
	// j 20 (5), g 10 (6), b = c 3 (7), a 1 (9). Frequency: b = c = f = i
	// 1 (0), g 2 (4), h 3 (5), j 4 (6), d 6 (7), e 9 (8), a 12 (9).
	// Spend: f 15 (0), i 40 (1), b = c 99.5 (2), g 150 (4), h 300 (5),
	// j 500 (6), d 800 (7), a 1500 (8), e 2400.10 (9).
	want := map[string]string{
		"a": "555 champions",
		"b": "412 new",
		"c": "412 new",
		"d": "344 loyal",
		"e": "155 cant_lose_them",
		"f": "111 lost",
		"g": "433 potential_loyalist",
		"h": "233 hibernating",
		"i": "211 hibernating",
		"j": "344 loyal",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
}

func TestScoreRefuses(t *testing.T) {
	_, err := Model{}.Score([]Customer{
		customer("a", 1, 1, "1"),
		customer("a", 1, 1, "1"),
		{ID: "", Frequency: 0},
	}, now)
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ve *qun.ValidationError
		if errors.As(e, &ve) {
			got = append(got, ve.Field)
		}
	}
	want := []string{"customers[1].id", "customers[2].id", "customers[2].last", "customers[2].frequency"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
	}
	if _, err := (Model{RecencyUnit: -1}).Score(nil, now); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("negative unit: %v", err)
	}
}

// A spend with an absurd exponent is refused: ranking it exactly against
// a spend of more than 18 digits once took minutes and gigabytes.
func TestScoreRefusesAbsurdSpend(t *testing.T) {
	big := customer("big", 1, 1, "123456789012345678901234567890")
	tiny := Customer{ID: "tiny", Last: now, Frequency: 1, Monetary: decimal.New(1, -200000000)}
	huge := Customer{ID: "huge", Last: now, Frequency: 1, Monetary: decimal.New(1, 65)}
	_, err := Model{}.Score([]Customer{big, tiny, huge}, now)
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ve *qun.ValidationError
		if errors.As(e, &ve) {
			got = append(got, ve.Field)
		}
	}
	if diff := cmp.Diff([]string{"customers[1].monetary", "customers[2].monetary"}, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
	}
	edge := Customer{ID: "edge", Last: now, Frequency: 1, Monetary: decimal.New(1, -64)}
	if _, err := (Model{}).Score([]Customer{big, edge}, now); err != nil {
		t.Errorf("a spend at the bound: %v", err)
	}
}

func TestRecencyUnit(t *testing.T) {
	// Bought 30 and 50 hours ago: the same day count, different hours.
	cs := []Customer{
		{ID: "a", Last: now.Add(-30 * time.Hour), Frequency: 1, Monetary: decimal.Zero},
		{ID: "b", Last: now.Add(-50 * time.Hour), Frequency: 1, Monetary: decimal.Zero},
		{ID: "c", Last: now.Add(time.Hour), Frequency: 1, Monetary: decimal.Zero}, // after now: recency 0
	}
	days, _ := Model{}.Score(cs, now)
	hours, _ := Model{RecencyUnit: qun.Duration(time.Hour)}.Score(cs, now)
	if days[0].Recency != 1 || days[1].Recency != 2 || days[2].Recency != 0 || hours[1].Recency != 50 {
		t.Errorf("recency in days %v, in hours %v", days, hours)
	}
}

func TestFromEvents(t *testing.T) {
	money := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	events := []qun.Event{
		{Member: "lin", Name: "purchase", Time: now.AddDate(0, 0, -3), Value: money("299.00")},
		{Member: "zhou", Name: "purchase", Time: now.AddDate(0, 0, -1), Value: money("50")},
		{Member: "lin", Name: "purchase", Time: now.AddDate(0, 0, -10), Value: money("0.5")},
		{Member: "lin", Name: "refund", Time: now.AddDate(0, 0, -2), Value: money("100")},
		{Member: "zhou", Name: "purchase", Time: now.AddDate(0, 0, 1), Value: money("9999")}, // after until
		{Member: "wang", Name: "purchase", Time: now.AddDate(0, 0, -5)},                      // no value
	}
	got := FromEvents(slices.Values(events), qun.EventFilter{Name: "purchase"}, now)
	want := []Customer{
		{ID: "lin", Last: now.AddDate(0, 0, -3), Frequency: 2, Monetary: decimal.RequireFromString("299.5")},
		{ID: "wang", Last: now.AddDate(0, 0, -5), Frequency: 1},
		{ID: "zhou", Last: now.AddDate(0, 0, -1), Frequency: 1, Monetary: decimal.RequireFromString("50")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FromEvents (-want +got):\n%s", diff)
	}
}

// A nil stream of events is empty: no customers, and no panic.
func TestFromNoEvents(t *testing.T) {
	got := FromEvents(nil, qun.EventFilter{Name: "purchase"}, now)
	if diff := cmp.Diff([]Customer{}, got); diff != "" {
		t.Errorf("FromEvents(nil) (-want +got):\n%s", diff)
	}
	scores, err := Model{}.Score(got, now)
	if err != nil || len(scores) != 0 {
		t.Errorf("Score of no customers = %v, %v", scores, err)
	}
}

// Scores are 1 to 5; equal values share a score; a strictly better value
// never scores lower; with distinct values the five scores are as even as
// can be; and the order customers come in changes nothing.
func TestScoreProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(t, "n")
		cs := make([]Customer, n)
		for i := range cs {
			cs[i] = Customer{
				ID:        qun.MemberID(fmt.Sprint("c", i)),
				Last:      now.AddDate(0, 0, -rapid.IntRange(0, 30).Draw(t, "days")),
				Frequency: rapid.Int64Range(1, 8).Draw(t, "frequency"),
				Monetary:  decimal.New(rapid.Int64Range(-100, 2000).Draw(t, "cents"), int32(-rapid.IntRange(0, 3).Draw(t, "places"))),
			}
		}
		scores, err := Model{}.Score(cs, now)
		if err != nil {
			t.Fatal(err)
		}
		type measure struct {
			name  string
			score func(Score) int
			cmp   func(a, b Customer) int // > 0 when a is better
		}
		measures := []measure{
			{"R", func(s Score) int { return s.R }, func(a, b Customer) int { return a.Last.Compare(b.Last) }},
			{"F", func(s Score) int { return s.F }, func(a, b Customer) int { return int(a.Frequency - b.Frequency) }},
			{"M", func(s Score) int { return s.M }, func(a, b Customer) int { return a.Monetary.Cmp(b.Monetary) }},
		}
		for _, m := range measures {
			for i := range cs {
				si := m.score(scores[i])
				if si < 1 || si > 5 {
					t.Fatalf("%s score %d", m.name, si)
				}
				for j := range cs {
					sj := m.score(scores[j])
					c := m.cmp(cs[i], cs[j])
					if m.name == "R" {
						c = int(scores[j].Recency - scores[i].Recency) // whole days decide recency
					}
					if c == 0 && si != sj || c > 0 && si < sj {
						t.Fatalf("%s: customers %d and %d compare %d, score %d and %d", m.name, i, j, c, si, sj)
					}
				}
			}
		}
		// Distinct frequencies spread evenly.
		distinct := make([]Customer, n)
		for i := range distinct {
			distinct[i] = cs[i]
			distinct[i].Frequency = int64(i + 1)
		}
		ds, _ := Model{}.Score(distinct, now)
		counts := map[int]int{}
		for _, s := range ds {
			counts[s.F]++
		}
		for f, c := range counts {
			if c < n/5 || c > (n+4)/5 {
				t.Fatalf("with %d distinct frequencies, score %d has %d customers", n, f, c)
			}
		}
		// Order does not matter.
		perm := rapid.Permutation(cs).Draw(t, "perm")
		ps, _ := Model{}.Score(perm, now)
		byID := map[qun.MemberID]Score{}
		for _, s := range scores {
			byID[s.ID] = s
		}
		for _, s := range ps {
			if byID[s.ID] != s {
				t.Fatalf("%s scores %v in one order, %v in another", s.ID, byID[s.ID], s)
			}
		}
	})
}

// Spends beyond int64 coefficients compare exactly too.
func TestScoreHugeSpend(t *testing.T) {
	cs := []Customer{
		customer("a", 1, 1, "123456789012345678901234567890.01"),
		customer("b", 1, 1, "123456789012345678901234567890.02"),
		customer("c", 1, 1, "0.001"),
	}
	scores, err := Model{}.Score(cs, now)
	if err != nil {
		t.Fatal(err)
	}
	if scores[2].M != 1 || scores[0].M != 2 || scores[1].M != 4 {
		t.Errorf("M scores %d %d %d", scores[0].M, scores[1].M, scores[2].M)
	}
}

func BenchmarkScore(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(3, 4))
	cs := make([]Customer, n)
	for i := range cs {
		cs[i] = Customer{
			ID:        qun.MemberID(fmt.Sprintf("c%07d", i)),
			Last:      now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))),
			Frequency: 1 + rng.Int64N(20),
			Monetary:  decimal.New(rng.Int64N(1_000_000), -2),
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Model{}).Score(cs, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/customer")
}

func ExampleModel_Score() {
	// A small shop's customers: when they last bought, how often, how much.
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ago := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	money := decimal.RequireFromString
	customers := []Customer{
		{ID: "lin", Last: ago(2), Frequency: 14, Monetary: money("4280.00")},
		{ID: "zhou", Last: ago(5), Frequency: 1, Monetary: money("59.90")},
		{ID: "wang", Last: ago(240), Frequency: 9, Monetary: money("3150.50")},
		{ID: "chen", Last: ago(30), Frequency: 4, Monetary: money("820.00")},
		{ID: "li", Last: ago(400), Frequency: 1, Monetary: money("25.00")},
		{ID: "zhao", Last: ago(12), Frequency: 2, Monetary: money("188.00")},
		{ID: "sun", Last: ago(95), Frequency: 3, Monetary: money("410.00")},
		{ID: "wu", Last: ago(60), Frequency: 6, Monetary: money("1230.00")},
		{ID: "zheng", Last: ago(150), Frequency: 1, Monetary: money("99.00")},
		{ID: "feng", Last: ago(8), Frequency: 1, Monetary: money("320.00")},
	}
	scores, err := Model{}.Score(customers, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range scores {
		fmt.Printf("%-5s R%d F%d M%d  %s\n", s.ID, s.R, s.F, s.M, s.Segment.Label())
	}
	// Output:
	// lin   R5 F5 M5  Champions
	// zhou  R5 F1 M1  New
	// wang  R1 F5 M5  Can't Lose Them
	// chen  R3 F4 M4  Loyal
	// li    R1 F1 M1  Lost
	// zhao  R4 F3 M2  Potential Loyalist
	// sun   R2 F3 M3  Hibernating
	// wu    R3 F4 M4  Loyal
	// zheng R2 F1 M2  Hibernating
	// feng  R4 F1 M3  Promising
}

// A model is read strictly: a misspelt, unknown or repeated field is
// refused with its name, as qun.UnmarshalStrict refuses it.
func TestModelJSON(t *testing.T) {
	var m Model
	if err := json.Unmarshal([]byte(`{"recency_unit":"12h"}`), &m); err != nil || m.RecencyUnit != qun.Duration(12*time.Hour) {
		t.Fatalf("Unmarshal = %+v, %v", m, err)
	}
	for _, bad := range []string{
		`{"recency_unit":"1d","recency_unit":"2d"}`,
		`{"Recency_unit":"1d"}`,
		`{"unit":"1d"}`,
		`{"recency_unit":"-1d"}`,
		`{"recency_unit":3}`,
		`[]`,
	} {
		m := Model{RecencyUnit: 7}
		err := json.Unmarshal([]byte(bad), &m)
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("Unmarshal(%s) = %v, want an error matching qun.ErrInvalid", bad, err)
		}
		if m.RecencyUnit != 7 {
			t.Errorf("Unmarshal(%s) changed the model to %+v", bad, m)
		}
	}
}

func FuzzModelJSON(f *testing.F) {
	for _, s := range []string{`{"recency_unit":"1d"}`, `{}`, `{"recency_unit":"-1h"}`, `{"unit":"1d"}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Model
		if err := json.Unmarshal(data, &m); err != nil {
			var syntax *json.SyntaxError
			if !errors.Is(err, qun.ErrInvalid) && !errors.As(err, &syntax) {
				t.Fatalf("Unmarshal(%s) = %v, which does not match qun.ErrInvalid", data, err)
			}
			return
		}
		out, _ := json.Marshal(m)
		var back Model
		if err := json.Unmarshal(out, &back); err != nil || back != m {
			t.Fatalf("round trip of %s: %v, %v", out, back, err)
		}
	})
}
