package draw_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/draw"
)

// benchPool is a holiday draw as operators run them: a few stocked
// prizes, unlimited small ones, a blank, a daily limit and a guarantee.
func benchPool() draw.Pool {
	return draw.Pool{
		ID: "bench", Calendar: calSH,
		Prizes: []draw.Prize{
			{ID: "magnum", Weight: 1, Stock: 100},
			{ID: "glass", Weight: 20, Stock: 20_000},
			{ID: "coupon", Weight: 200, Unlimited: true},
			{ID: "points", Weight: 300, Unlimited: true},
		},
		Blank:  479,
		Limits: []draw.Limit{{Per: qun.Day, Entries: 20}},
		Pity:   &draw.Pity{After: 9, Prizes: []string{"magnum", "glass"}},
	}
}

// BenchmarkDraws makes a million draws by 100,000 members over a week,
// on a fresh draw each time: validation, idempotency, limits, the
// guarantee, stock and the randomness (an entry hash and ChaCha8).
func BenchmarkDraws(b *testing.B) {
	const n = 1_000_000
	keys := make([]string, n)
	members := make([]qun.MemberID, 100_000)
	for i := range keys {
		keys[i] = "order-" + strconv.Itoa(i)
	}
	for i := range members {
		members[i] = qun.MemberID("member-" + strconv.Itoa(i))
	}
	p := benchPool()
	b.ReportAllocs()
	for b.Loop() {
		d, err := draw.New("c", p, seedOf(1))
		if err != nil {
			b.Fatal(err)
		}
		d.Grow(n)
		for i, k := range keys {
			at := eve.Add(time.Duration(i) * 600 * time.Millisecond) // a week
			if _, err := d.Enter(draw.Entry{Key: k, Member: members[i%len(members)]}, at); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/draw")
}

// BenchmarkVerify verifies a million published results.
func BenchmarkVerify(b *testing.B) {
	const n = 1_000_000
	p := benchPool()
	rv := draw.Reveal{Seed: seedOf(1), Salt: draw.Salt("0123456789abcdef")}
	c, err := draw.Commit(p, rv)
	if err != nil {
		b.Fatal(err)
	}
	d, _ := draw.New("c", p, rv.Seed)
	results := make([]draw.Result, 0, n)
	for i := range n {
		r, err := d.Enter(draw.Entry{Key: "order-" + strconv.Itoa(i), Member: qun.MemberID("member-" + strconv.Itoa(i%100_000))}, eve.Add(time.Duration(i)*600*time.Millisecond))
		if err != nil {
			b.Fatal(err)
		}
		results = append(results, r)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := draw.Verify(p, c, rv, results); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/result")
}

// TestEnterDoesNotAllocate pins that a draw by a member the draw knows
// allocates nothing once the draw has room.
func TestEnterDoesNotAllocate(t *testing.T) {
	d, err := draw.New("c", benchPool(), seedOf(1))
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	d.Grow(n + 10)
	keys := make([]string, n+10)
	for i := range keys {
		keys[i] = "order-" + strconv.Itoa(i)
	}
	if _, err := d.Enter(draw.Entry{Key: keys[n+1], Member: "lin"}, eve); err != nil {
		t.Fatal(err)
	}
	i := 0
	allocs := testing.AllocsPerRun(n, func() {
		at := eve.Add(time.Duration(i) * 2 * time.Hour)
		if _, err := d.Enter(draw.Entry{Key: keys[i], Member: "lin"}, at); err != nil {
			t.Fatal(err)
		}
		i++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per draw, want 0", allocs)
	}
}
