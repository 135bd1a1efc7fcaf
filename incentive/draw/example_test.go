package draw_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/draw"
)

// A tea community's Spring Festival draw (新春抽奖): a few big red
// envelopes of points, tins of tea, small points for many, and a guarantee
// (保底) of a red envelope or a tin after nine draws without one. The host
// publishes the odds and a commitment to its secret seed before the draw
// opens, members draw, and after the draw closes the host reveals the seed
// so that anyone can check every result.
func Example() {
	pool, err := draw.ParsePool([]byte(`{
	  "id": "spring-festival-2027",
	  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	  "opens": "2027-02-05T00:00:00+08:00",
	  "closes": "2027-02-12T00:00:00+08:00",
	  "prizes": [
	    {"id": "red-envelope", "name": "888 points", "weight": 2, "stock": 5,
	     "points": {"kind": "points", "points": "888"}},
	    {"id": "tea", "name": "a tin of Longjing", "weight": 6, "stock": 30},
	    {"id": "points-8", "name": "8 points", "weight": 40, "unlimited": true,
	     "points": {"kind": "points", "points": "8"}}
	  ],
	  "blank": 52,
	  "limits": [{"per": "day", "entries": 12}],
	  "pity": {"after": 9, "prizes": ["red-envelope", "tea"]}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	// A real host draws the seed and the salt from crypto/rand and keeps
	// them secret until the draw closes.
	reveal := draw.Reveal{Seed: draw.Seed{27, 2, 1}, Salt: draw.Salt("tea-community-27")}
	commitment, err := draw.Commit(pool, reveal)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("commitment %s…\n", commitment.Hash[:16])
	odds := pool.Odds()
	for _, p := range odds.Prizes {
		fmt.Printf("%-12s %6.2f%% a draw, %6.2f%% with the guarantee\n", p.Prize, 100*p.Chance, 100*p.Overall)
	}
	fmt.Printf("a red envelope or a tin by draw %d at the latest, every %.1f draws on average\n", odds.Pity.After+1, odds.Pity.Mean)

	d, err := draw.New("tea-club", pool, reveal.Seed)
	if err != nil {
		fmt.Println(err)
		return
	}
	eve := time.Date(2027, 2, 5, 20, 0, 0, 0, pool.Calendar.Location())
	for k := range 12 {
		r, err := d.Enter(draw.Entry{Key: fmt.Sprintf("lin-%d", k), Member: "lin"}, eve.Add(time.Duration(k)*time.Minute))
		if err != nil {
			fmt.Println(err)
			return
		}
		won := r.Prize
		if won == "" {
			won = "nothing"
		}
		if r.Guaranteed {
			won += " (guaranteed)"
		}
		if r.Earn != nil {
			won += fmt.Sprintf(", earn %s points", r.Earn.Points)
		}
		fmt.Printf("lin, draw %2d: %s\n", k+1, won)
	}
	if _, err := d.Enter(draw.Entry{Key: "lin-12", Member: "lin"}, eve.Add(time.Hour)); err != nil {
		fmt.Println("lin, draw 13:", err)
	}
	for m := range 40 {
		for k := range 5 {
			member := qun.MemberID(fmt.Sprintf("member-%02d", m))
			if _, err := d.Enter(draw.Entry{Key: fmt.Sprintf("%s-%d", member, k), Member: member}, eve.Add(time.Duration(m)*time.Hour)); err != nil {
				fmt.Println(err)
				return
			}
		}
	}
	left, _ := d.Remaining("red-envelope")
	fmt.Printf("red envelopes left: %d\n", left)

	// After the draw closes: the seed and salt are revealed, and anyone
	// checks the published results against the commitment.
	results := slices.Collect(d.Results())
	if err := draw.Verify(pool, commitment, reveal, results); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("verified %d results\n", len(results))
	// Output:
	// commitment 65f5f2cdb4932ae7…
	// red-envelope   2.00% a draw,   3.54% with the guarantee
	// tea            6.00% a draw,  10.61% with the guarantee
	// points-8      40.00% a draw,  37.33% with the guarantee
	// a red envelope or a tin by draw 10 at the latest, every 7.1 draws on average
	// lin, draw  1: nothing
	// lin, draw  2: nothing
	// lin, draw  3: points-8, earn 8 points
	// lin, draw  4: nothing
	// lin, draw  5: nothing
	// lin, draw  6: points-8, earn 8 points
	// lin, draw  7: points-8, earn 8 points
	// lin, draw  8: points-8, earn 8 points
	// lin, draw  9: points-8, earn 8 points
	// lin, draw 10: tea (guaranteed)
	// lin, draw 11: points-8, earn 8 points
	// lin, draw 12: points-8, earn 8 points
	// lin, draw 13: draw spring-festival-2027: lin has made 12 entries in a day: draw: entry limit reached
	// red envelopes left: 4
	// verified 212 results
}
