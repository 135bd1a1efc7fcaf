package draw_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/draw"
	"github.com/shopspring/decimal"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	calSH    = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	eve      = time.Date(2026, 12, 24, 20, 0, 0, 0, shanghai.Location())
)

func newDraw(t testing.TB, p draw.Pool) *draw.Draw {
	t.Helper()
	d, err := draw.New("wine-club", p, seedOf(42))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func entry(key string, m qun.MemberID) draw.Entry { return draw.Entry{Key: key, Member: m} }

func TestWindowAndLimits(t *testing.T) {
	p := draw.Pool{
		ID: "holiday", Calendar: calSH,
		Opens: eve, Closes: eve.Add(48 * time.Hour),
		Prizes: []draw.Prize{{ID: "card", Weight: 1, Unlimited: true}},
		Blank:  1,
		Limits: []draw.Limit{{Per: qun.Day, Entries: 2}, {Entries: 3}},
	}
	d := newDraw(t, p)
	steps := []struct {
		key    string
		at     time.Time
		member qun.MemberID
		err    error
	}{
		{"early", eve.Add(-time.Second), "lin", draw.ErrClosed},
		{"k1", eve, "lin", nil},
		{"k2", eve.Add(time.Hour), "lin", nil},
		{"k3", eve.Add(2 * time.Hour), "lin", draw.ErrLimit}, // two a day (Dec 24, Shanghai)
		{"k4", eve.Add(2 * time.Hour), "wei", nil},           // another member
		{"k5", eve.Add(5 * time.Hour), "lin", nil},           // Dec 25 in Shanghai: a new day
		{"k6", eve.Add(6 * time.Hour), "lin", draw.ErrLimit}, // three over the draw
		{"late", eve.Add(48 * time.Hour), "wei", draw.ErrClosed},
	}
	for _, s := range steps {
		_, err := d.Enter(entry(s.key, s.member), s.at)
		if !errors.Is(err, s.err) || (s.err == nil) != (err == nil) {
			t.Errorf("entry %s of %s: err = %v, want %v", s.key, s.member, err, s.err)
		}
		if err != nil && errors.Is(err, qun.ErrInvalid) {
			t.Errorf("a refusal by the rules matches qun.ErrInvalid: %v", err)
		}
	}
}

func TestStockIsNeverOversold(t *testing.T) {
	for _, policy := range []draw.StockOut{draw.Lose, draw.Redistribute} {
		p := draw.Pool{
			ID:       "small",
			Prizes:   []draw.Prize{{ID: "a", Weight: 5, Stock: 3}, {ID: "b", Weight: 5, Stock: 2}},
			Blank:    1,
			StockOut: policy,
		}
		d := newDraw(t, p)
		won := map[string]int{}
		var err error
		var n int
		for n = 0; n < 1000; n++ {
			var r draw.Result
			r, err = d.Enter(entry(fmt.Sprint("k", n), "m"), eve)
			if err != nil {
				break
			}
			won[r.Prize]++
			if r.Landed != "" && policy == draw.Redistribute {
				t.Errorf("%v: landed on a sold-out prize: %+v", policy, r)
			}
		}
		if !errors.Is(err, draw.ErrSoldOut) {
			t.Errorf("%v: after %d entries: %v, want ErrSoldOut", policy, n, err)
		}
		if won["a"] != 3 || won["b"] != 2 {
			t.Errorf("%v: won %v", policy, won)
		}
		if left, ok := d.Remaining("a"); !ok || left != 0 {
			t.Errorf("%v: remaining a = %d, %v", policy, left, ok)
		}
	}
}

func TestLoseKeepsTheOdds(t *testing.T) {
	// Under Lose, a draw that lands on a sold-out prize says so and wins
	// nothing.
	p := draw.Pool{ID: "l", Prizes: []draw.Prize{{ID: "a", Weight: 50, Stock: 1}, {ID: "b", Weight: 50, Unlimited: true}}}
	d := newDraw(t, p)
	landed := 0
	for n := range 200 {
		r, err := d.Enter(entry(fmt.Sprint("k", n), "m"), eve)
		if err != nil {
			t.Fatal(err)
		}
		if r.Landed == "a" {
			landed++
			if r.Prize != "" {
				t.Fatalf("won on a sold-out prize: %+v", r)
			}
		}
	}
	if landed < 50 {
		t.Errorf("landed on the sold-out prize %d times in 200 draws of 50%%", landed)
	}
}

func TestGuarantee(t *testing.T) {
	p := draw.Pool{
		ID:     "pity",
		Prizes: []draw.Prize{{ID: "jade", Weight: 1, Stock: 2}, {ID: "sticker", Weight: 1, Unlimited: true}},
		Blank:  998,
		Pity:   &draw.Pity{After: 4, Prizes: []string{"jade"}},
	}
	d := newDraw(t, p)
	var got []string
	for n := range 15 {
		r, err := d.Enter(entry(fmt.Sprint("k", n), "lin"), eve)
		if err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf("%s/%d", r.Prize, r.Pity)
		if r.Guaranteed {
			s += "!"
		}
		got = append(got, s)
	}
	// Four losing draws, then the jade, guaranteed; again; then the jades
	// are gone and the guarantee lapses: the run grows on.
	want := []string{"/1", "/2", "/3", "/4", "jade/0!", "/1", "/2", "/3", "/4", "jade/0!", "/1", "/2", "/3", "/4", "/5"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("draws (-want +got):\n%s", diff)
	}
	if o := d.Odds(); !o.Pity.Lapsed {
		t.Errorf("odds after the jades ran out: %+v", o.Pity)
	}
}

func TestDuplicatesAndConflicts(t *testing.T) {
	p := draw.Pool{ID: "dup", Prizes: []draw.Prize{{ID: "a", Weight: 1, Stock: 1}}, Blank: 1, Limits: []draw.Limit{{Entries: 1}}}
	d := newDraw(t, p)
	first, err := d.Enter(entry("order-1", "lin"), eve)
	if err != nil {
		t.Fatal(err)
	}
	// A replay is the same result, flagged, even after the member's limit
	// is reached and at another time.
	again, err := d.Enter(entry("order-1", "lin"), eve.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate {
		t.Error("replay not flagged duplicate")
	}
	again.Duplicate = false
	if diff := cmp.Diff(first, again, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("replay (-first +replay):\n%s", diff)
	}
	if r, err := d.Decide(entry("order-1", "lin"), eve); err != nil || !r.Duplicate {
		t.Errorf("Decide of a replay: %+v, %v", r, err)
	}
	if _, err := d.Enter(entry("order-1", "wei"), eve); !errors.Is(err, incentive.ErrIdempotencyConflict) {
		t.Errorf("the key for another member: %v", err)
	}
	if _, err := d.Enter(entry("order-2", "lin"), eve); !errors.Is(err, draw.ErrLimit) {
		t.Errorf("a second entry: %v", err)
	}
}

func TestDecideThenApply(t *testing.T) {
	p := draw.Pool{
		ID: "two-step", Prizes: []draw.Prize{{ID: "a", Weight: 1, Stock: 50}, {ID: "b", Weight: 2, Unlimited: true}}, Blank: 3,
		Pity: &draw.Pity{After: 2}, Limits: []draw.Limit{{Per: qun.Day, Entries: 5}}, Calendar: calSH,
	}
	one, two := newDraw(t, p), newDraw(t, p)
	for n := range 60 {
		e := entry(fmt.Sprint("k", n), qun.MemberID(fmt.Sprint("m", n%7)))
		at := eve.Add(time.Duration(n) * time.Hour)
		want, err1 := one.Enter(e, at)
		// Decide changes nothing: deciding twice gives the same result.
		r1, err2 := two.Decide(e, at)
		r2, _ := two.Decide(e, at)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("entry %d: Enter %v, Decide %v", n, err1, err2)
		}
		if err1 != nil {
			continue
		}
		if diff := cmp.Diff(r1, r2, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
			t.Fatalf("entry %d: deciding twice (-first +second):\n%s", n, diff)
		}
		if n%5 == 3 {
			continue // the host's transaction failed: nothing applied
		}
		if diff := cmp.Diff(want, r1, cmp.Comparer(decimal.Decimal.Equal)); diff != "" && n < 3 {
			t.Fatalf("entry %d: Decide and Enter differ (-enter +decide):\n%s", n, diff)
		}
		if err := two.Apply(r1); err != nil {
			t.Fatalf("entry %d: %v", n, err)
		}
		if err := two.Apply(r1); err != nil {
			t.Fatalf("entry %d applied again: %v", n, err)
		}
	}
}

func TestApplyRefusesForeignResults(t *testing.T) {
	p := draw.Pool{ID: "a", Prizes: []draw.Prize{{ID: "x", Weight: 1, Unlimited: true}, {ID: "y", Weight: 1, Unlimited: true}}}
	d := newDraw(t, p)
	r, err := d.Decide(entry("k", "m"), eve)
	if err != nil {
		t.Fatal(err)
	}
	forged := r
	forged.Prize = map[string]string{"x": "y", "y": "x"}[r.Prize]
	if err := d.Apply(forged); !errors.Is(err, draw.ErrTampered) {
		t.Errorf("a forged result: %v", err)
	}
	skipped := r
	skipped.Seq = 2
	if err := d.Apply(skipped); !errors.Is(err, draw.ErrTampered) {
		t.Errorf("a result out of order: %v", err)
	}
	if err := d.Apply(r); err != nil {
		t.Fatal(err)
	}
	forged.Seq = 1
	if err := d.Apply(forged); !errors.Is(err, incentive.ErrIdempotencyConflict) {
		t.Errorf("another result for an applied key: %v", err)
	}
}

func TestLedgerRequests(t *testing.T) {
	p := draw.Pool{
		ID:     "points-draw",
		Prizes: []draw.Prize{{ID: "p100", Weight: 1, Unlimited: true, Points: &draw.Points{Kind: "points", Points: decimal.NewFromInt(100)}}},
		Cost:   &draw.Points{Kind: "points", Points: decimal.NewFromInt(10)},
	}
	d := newDraw(t, p)
	r, err := d.Enter(entry("order-9", "lin"), eve)
	if err != nil {
		t.Fatal(err)
	}
	acct := incentive.AccountID{Community: "wine-club", Member: "lin", Kind: "points"}
	wantEarn := &incentive.EarnRequest{Account: acct, Key: "draw/points-draw/order-9/prize", Points: decimal.NewFromInt(100), Reason: "draw points-draw: p100"}
	wantSpend := &incentive.SpendRequest{Account: acct, Key: "draw/points-draw/order-9/entry", Points: decimal.NewFromInt(10), Reason: "draw points-draw: entry"}
	opts := cmp.Comparer(decimal.Decimal.Equal)
	if diff := cmp.Diff(wantEarn, r.Earn, opts); diff != "" {
		t.Errorf("earn (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSpend, r.Spend, opts); diff != "" {
		t.Errorf("spend (-want +got):\n%s", diff)
	}
	// A key with a slash is hashed, so that keys stay unambiguous.
	r2, err := d.Enter(entry("order/10", "lin"), eve)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Earn.Key == r2.Spend.Key || len(r2.Earn.Key) != len("draw/")+64 {
		t.Errorf("keys of an entry with a slash: %q, %q", r2.Earn.Key, r2.Spend.Key)
	}
}

func TestResultsAndBadInput(t *testing.T) {
	p := draw.Pool{ID: "r", Prizes: []draw.Prize{{ID: "x", Weight: 1, Unlimited: true}}, Blank: 1}
	d := newDraw(t, p)
	var want []draw.Result
	for n := range 5 {
		r, err := d.Enter(entry(fmt.Sprint("k", n), "m"), eve)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	if diff := cmp.Diff(want, slices.Collect(d.Results())); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	for name, err := range map[string]error{
		"no key":    second(d.Enter(entry("", "m"), eve)),
		"no member": second(d.Enter(entry("k", ""), eve)),
		"no time":   second(d.Enter(entry("k9", "m"), time.Time{})),
		"decide":    second(d.Decide(entry("", "m"), eve)),
	} {
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := draw.New("", p, draw.Seed{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("a draw without a community: %v", err)
	}
	if _, err := draw.New("c", draw.Pool{}, draw.Seed{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("a draw of an invalid pool: %v", err)
	}
	if _, ok := d.Remaining("nope"); ok {
		t.Error("remaining of an unknown prize")
	}
}

func second[T any](_ T, err error) error { return err }
