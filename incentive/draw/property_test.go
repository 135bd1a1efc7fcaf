package draw_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/draw"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The property tests run random pools through random sequences of
// entries (new, replayed, decided and applied, decided and dropped) at
// times that never go back, and check after every step that:
//
//   - no prize is won more often than its stock;
//   - no member makes more entries in a period than a limit allows;
//   - no member's run of draws without a pity prize passes the guarantee
//     while a pity prize is in stock;
//   - a replayed key returns the same result, flagged Duplicate;
//   - deciding and applying gives the same results as entering;
//
// and at the end that Verify accepts the draw's results, and rejects them
// with another seed, or with any one result's outcome, guarantee or run
// changed. (A result moved to another member is rejected unless the seed
// happens to give that member the same outcome and run; the unit test
// TestVerifyRejectsTampering moves one where it does not.)

func genPool(t *rapid.T) draw.Pool {
	p := draw.Pool{ID: "prop", Calendar: calSH}
	n := rapid.IntRange(1, 4).Draw(t, "prizes")
	for i := range n {
		pr := draw.Prize{ID: fmt.Sprint("p", i), Weight: int64(rapid.IntRange(1, 20).Draw(t, "weight"))}
		if rapid.IntRange(0, 3).Draw(t, "unlimited") == 0 {
			pr.Unlimited = true
		} else {
			pr.Stock = int64(rapid.IntRange(1, 6).Draw(t, "stock"))
		}
		p.Prizes = append(p.Prizes, pr)
	}
	p.Blank = int64(rapid.IntRange(0, 40).Draw(t, "blank"))
	p.StockOut = draw.StockOut(rapid.IntRange(0, 1).Draw(t, "stock out"))
	if rapid.Bool().Draw(t, "day limit") {
		p.Limits = append(p.Limits, draw.Limit{Per: qun.Day, Entries: int64(rapid.IntRange(1, 4).Draw(t, "per day"))})
	}
	if rapid.Bool().Draw(t, "draw limit") {
		p.Limits = append(p.Limits, draw.Limit{Entries: int64(rapid.IntRange(1, 12).Draw(t, "per draw"))})
	}
	if rapid.Bool().Draw(t, "pity") {
		p.Pity = &draw.Pity{After: int64(rapid.IntRange(1, 5).Draw(t, "after"))}
		for _, pr := range p.Prizes {
			if rapid.Bool().Draw(t, "in pity") {
				p.Pity.Prizes = append(p.Pity.Prizes, pr.ID)
			}
		}
	}
	return p
}

var members = []qun.MemberID{"a", "b", "c", "d"}

func TestPropertyDraw(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPool(t)
		seed := draw.Seed{byte(rapid.IntRange(0, 255).Draw(t, "seed"))}
		entered, err := draw.New("c", p, seed) // entries by Enter
		if err != nil {
			t.Fatal(err)
		}
		twoStep, _ := draw.New("c", p, seed) // the same by Decide and Apply
		inPity := map[string]bool{}
		if p.Pity != nil {
			for _, pr := range p.Prizes {
				inPity[pr.ID] = len(p.Pity.Prizes) == 0 || slices.Contains(p.Pity.Prizes, pr.ID)
			}
		}
		now := eve
		won := map[string]int64{}
		type use struct {
			member qun.MemberID
			limit  int
			period int64
		}
		used := map[use]int64{}
		var results []draw.Result
		runs := map[qun.MemberID]int64{}

		t.Repeat(map[string]func(*rapid.T){
			"": func(t *rapid.T) {
				for _, pr := range p.Prizes {
					if !pr.Unlimited && won[pr.ID] > pr.Stock {
						t.Fatalf("prize %s won %d times, stock %d", pr.ID, won[pr.ID], pr.Stock)
					}
				}
				for u, n := range used {
					if n > p.Limits[u.limit].Entries {
						t.Fatalf("%s made %d entries in period %d, limit %+v", u.member, n, u.period, p.Limits[u.limit])
					}
				}
			},
			"tick": func(t *rapid.T) {
				now = now.Add(time.Duration(rapid.IntRange(1, 30).Draw(t, "hours")) * time.Hour)
			},
			"enter": func(t *rapid.T) {
				e := draw.Entry{Key: fmt.Sprint("k", len(results)), Member: rapid.SampledFrom(members).Draw(t, "member")}
				pityInStock := false
				for _, pr := range p.Prizes {
					if inPity[pr.ID] {
						left, _ := entered.Remaining(pr.ID)
						pityInStock = pityInStock || left != 0
					}
				}
				r, err := entered.Enter(e, now)
				// The same entry in two steps, sometimes dropped first.
				if rapid.IntRange(0, 4).Draw(t, "drop") == 0 {
					_, _ = twoStep.Decide(e, now)
				}
				r2, err2 := twoStep.Decide(e, now)
				if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
					t.Fatalf("Enter: %v; Decide: %v", err, err2)
				}
				if err != nil {
					if !errors.Is(err, draw.ErrLimit) && !errors.Is(err, draw.ErrSoldOut) {
						t.Fatal(err)
					}
					return
				}
				if err := twoStep.Apply(r2); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(r, r2, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
					t.Fatalf("Enter and Decide differ (-enter +decide):\n%s", diff)
				}
				if r.Duplicate || r.Seq != int64(len(results)+1) {
					t.Fatalf("result %+v after %d results", r, len(results))
				}
				if r.Prize != "" {
					won[r.Prize]++
				}
				for li, l := range p.Limits {
					var period int64
					if l.Per != 0 {
						period = p.Calendar.Index(l.Per, now)
					}
					used[use{e.Member, li, period}]++
				}
				// The run is the member's draws since their last pity prize,
				// and a draw is guaranteed exactly when the run before it
				// reached After and a pity prize was in stock.
				wantRun := runs[e.Member] + 1
				if inPity[r.Prize] {
					wantRun = 0
				}
				if r.Pity != wantRun {
					t.Fatalf("run after %+v is %d, want %d", r, r.Pity, wantRun)
				}
				if owed := p.Pity != nil && pityInStock && runs[e.Member] >= p.Pity.After; r.Guaranteed != owed {
					t.Fatalf("guaranteed %v after a run of %d: %+v", r.Guaranteed, runs[e.Member], r)
				}
				runs[e.Member] = wantRun
				if p.Pity != nil && pityInStock && r.Pity > p.Pity.After {
					t.Fatalf("a run of %d draws without a pity prize, guarantee after %d: %+v", r.Pity, p.Pity.After, r)
				}
				if r.Guaranteed && !inPity[r.Prize] {
					t.Fatalf("a guaranteed draw won %q", r.Prize)
				}
				results = append(results, r)
			},
			"replay": func(t *rapid.T) {
				if len(results) == 0 {
					t.Skip("nothing to replay")
				}
				first := rapid.SampledFrom(results).Draw(t, "replayed")
				again, err := entered.Enter(draw.Entry{Key: first.Key, Member: first.Member}, now)
				if err != nil {
					t.Fatal(err)
				}
				if !again.Duplicate {
					t.Fatalf("replay of %s not flagged", first.Key)
				}
				again.Duplicate = false
				if diff := cmp.Diff(first, again, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
					t.Fatalf("replay (-first +again):\n%s", diff)
				}
			},
		})

		rv := draw.Reveal{Seed: seed, Salt: draw.Salt("0123456789abcdef")}
		c, err := draw.Commit(p, rv)
		if err != nil {
			t.Fatal(err)
		}
		if err := draw.Verify(p, c, rv, results); err != nil {
			t.Fatalf("an honest draw does not verify: %v", err)
		}
		if len(results) == 0 {
			return
		}
		bad := slices.Clone(results)
		i := rapid.IntRange(0, len(bad)-1).Draw(t, "tampered")
		switch rapid.IntRange(0, 3).Draw(t, "how") {
		case 0: // another outcome
			choices := []string{""}
			for _, pr := range p.Prizes {
				choices = append(choices, pr.ID)
			}
			choices = slices.DeleteFunc(choices, func(s string) bool { return s == bad[i].Prize })
			bad[i].Prize = rapid.SampledFrom(choices).Draw(t, "prize")
			bad[i].Landed = ""
		case 1: // another run (a member's claim to be owed a guarantee)
			bad[i].Pity++
		case 2: // a guarantee claimed or denied
			bad[i].Guaranteed = !bad[i].Guaranteed
		case 3: // another seed
			other := rv
			other.Seed[31] ^= 1
			if err := draw.Verify(p, c, other, results); !errors.Is(err, draw.ErrTampered) {
				t.Fatalf("another seed verifies: %v", err)
			}
			return
		}
		if err := draw.Verify(p, c, rv, bad); !errors.Is(err, draw.ErrTampered) {
			t.Fatalf("result %d tampered (%+v for %+v) verifies: %v", i, bad[i], results[i], err)
		}
	})
}
