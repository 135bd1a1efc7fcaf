package draw

import "math"

// Odds is the disclosure of a draw's odds (概率公示), computed from the
// pool's configuration and the stock that remains: what the host
// publishes next to the draw, as Chinese rules on prize promotions ask
// (规范促销行为暂行规定, SAMR Order No. 32 of 2020, 第十三条: the prizes and
// their number or odds, before the draw; and, for online games, the
// Ministry of Culture's 文市发〔2016〕32号 notice: the odds of every item a
// random draw can give).
//
// Each prize has three numbers. Chance is its probability in an ordinary
// draw: its weight over the pool's total. Guaranteed is its probability in
// a draw made under the guarantee (保底), among the pity prizes still in
// stock. Overall is its long-run share of all draws, counting the
// guaranteed ones (the "consolidated probability" games disclose next to
// the base rate): a member's draws run in cycles that each end with a pity
// prize, at the latest on the guaranteed draw after N losing ones, so by
// the renewal-reward theorem a pity prize comes once in E[T] draws, where
//
//	E[T] = 1 + (1-p) + (1-p)² + … + (1-p)^N,  p = the pity prizes' Chance
//
// and the share of draws made under the guarantee is (1-p)^N / E[T].
// Overall is then (1 - that share) × Chance + that share × Guaranteed.
//
// Stock changes the odds, and Odds says how. Under Lose, a prize that has
// run out has Chance 0, and landing on it wins nothing, so every prize in
// stock keeps exactly its disclosed Chance to the last, and Nothing
// grows. Under Redistribute, the prizes that have run out leave the pool
// and the others' Chance grows in proportion. A pity prize that has run
// out leaves the guaranteed draw; when none is left, Pity.Lapsed is set
// and guaranteed draws are ordinary ones. All of this assumes the stock
// stays as it is; [Draw.Odds] tells the odds in force after each draw.
type Odds struct {
	// Draw is the pool's ID.
	Draw string `json:"draw"`
	// Total is the sum of the weights an ordinary draw draws from: every
	// prize's and the blank's under Lose, those in stock and the blank's
	// under Redistribute.
	Total int64 `json:"total"`
	// Prizes are the prizes' odds, in the pool's order.
	Prizes []PrizeOdds `json:"prizes"`
	// Nothing is the chance an ordinary draw wins nothing, and
	// NothingOverall its long-run share of all draws.
	Nothing        float64 `json:"nothing"`
	NothingOverall float64 `json:"nothing_overall"`
	// Pity describes the guarantee, if the pool has one.
	Pity *PityOdds `json:"pity,omitempty"`
}

// PrizeOdds are one prize's odds.
type PrizeOdds struct {
	// Prize is the prize's ID, and Name its description, as in the pool.
	Prize string `json:"prize"`
	Name  string `json:"name,omitempty"`
	// Weight is the prize's weight: Chance is Weight / Total exactly while
	// the prize is in stock.
	Weight int64 `json:"weight"`
	// Remaining is how many are left, or -1 for an unlimited prize.
	Remaining int64 `json:"remaining"`
	// Chance, Guaranteed and Overall are as described on [Odds].
	Chance     float64 `json:"chance"`
	Guaranteed float64 `json:"guaranteed"`
	Overall    float64 `json:"overall"`
}

// PityOdds describe the guarantee.
type PityOdds struct {
	// After is the run of draws without a pity prize after which the next
	// draw is guaranteed.
	After int64 `json:"after"`
	// Chance is the chance of a pity prize in an ordinary draw (p).
	Chance float64 `json:"chance"`
	// Mean is E[T], the mean number of draws per pity prize, guarantee
	// included; Rate is its inverse, the long-run share of draws that win
	// a pity prize.
	Mean float64 `json:"mean"`
	Rate float64 `json:"rate"`
	// Guaranteed is the long-run share of draws made under the guarantee.
	Guaranteed float64 `json:"guaranteed"`
	// Lapsed reports that every pity prize has run out: the guarantee
	// cannot be kept, and the other numbers are zero.
	Lapsed bool `json:"lapsed,omitempty"`
}

// Odds returns the pool's odds with its full stock: what the host
// discloses before the draw opens.
func (p Pool) Odds() Odds {
	stock := make([]int64, len(p.Prizes))
	for i, pr := range p.Prizes {
		stock[i] = pr.Stock
		if pr.Unlimited {
			stock[i] = -1
		}
	}
	return odds(&p, stock, p.inPity())
}

// Odds returns the odds in force now, with the stock that remains.
func (d *Draw) Odds() Odds { return odds(&d.pool, d.stock, d.pity) }

func odds(p *Pool, stock []int64, pity []bool) Odds {
	o := Odds{Draw: p.ID, Prizes: make([]PrizeOdds, len(p.Prizes))}
	total, won, pityTotal := p.Blank, int64(0), int64(0)
	for i, pr := range p.Prizes {
		if stock[i] != 0 {
			won += pr.Weight
			if pity[i] {
				pityTotal += pr.Weight
			}
		}
		if stock[i] != 0 || p.StockOut == Lose {
			total += pr.Weight
		}
	}
	o.Total = total
	var pChance float64
	for i, pr := range p.Prizes {
		po := PrizeOdds{Prize: pr.ID, Name: pr.Name, Weight: pr.Weight, Remaining: stock[i]}
		if stock[i] != 0 && total > 0 {
			po.Chance = float64(pr.Weight) / float64(total)
			if pity[i] {
				pChance += po.Chance
				po.Guaranteed = float64(pr.Weight) / float64(pityTotal)
			}
		}
		o.Prizes[i] = po
	}
	if total > 0 {
		o.Nothing = float64(total-won) / float64(total)
	}
	share := 0.0 // of draws made under the guarantee
	if p.Pity != nil {
		po := &PityOdds{After: p.Pity.After}
		if pityTotal == 0 {
			po.Lapsed = true
			for i := range o.Prizes {
				o.Prizes[i].Guaranteed = 0
			}
		} else {
			q := 1 - pChance
			tail := math.Pow(q, float64(p.Pity.After)) // (1-p)^N
			var ordinary float64                       // E[D] = Σ_{k<N} (1-p)^k
			if pChance > 0 {
				ordinary = (1 - tail) / pChance
			} else {
				ordinary = float64(p.Pity.After)
			}
			po.Chance = pChance
			po.Mean = ordinary + tail
			po.Rate = 1 / po.Mean
			po.Guaranteed = tail / po.Mean
			share = po.Guaranteed
		}
		o.Pity = po
	}
	for i := range o.Prizes {
		po := &o.Prizes[i]
		po.Overall = (1-share)*po.Chance + share*po.Guaranteed
	}
	o.NothingOverall = (1 - share) * o.Nothing
	return o
}
