package badge

import (
	"cmp"
	"slices"
)

// Census counts who holds which badge, for rarity: the share of members
// holding each badge and each grade ("held by 3% of members"), which
// products show beside a badge. A host counts its members once with
// [Census.Count], then keeps the census current with [Census.Change] as
// holdings change. The zero Census is empty and ready.
type Census struct {
	// Members is the number of members counted.
	Members int64
	// Holders holds, for each badge and grade level (from 1), the number
	// of members who hold it; a member at gold holds bronze and silver
	// too.
	Holders map[Level]int64
}

// Level names a badge's grade by its place, from 1.
type Level struct {
	// Badge is the badge's ID.
	Badge string
	// Level is the grade's place, from 1.
	Level int
}

// Count adds a member with the given holdings. A holding's grade beyond
// the 10 grades a badge can have, which only a damaged store holds,
// counts as the tenth, in Count, Change and Leave alike.
func (c *Census) Count(hs []Holding) {
	c.Members++
	c.add(hs, 1)
}

// Change applies a member's change of holdings, from before to after (an
// evaluation's or a grant's).
func (c *Census) Change(before, after []Holding) {
	c.add(before, -1)
	c.add(after, 1)
}

// Leave removes a member with the given holdings.
func (c *Census) Leave(hs []Holding) {
	c.Members--
	c.add(hs, -1)
}

func (c *Census) add(hs []Holding, d int64) {
	if c.Holders == nil {
		c.Holders = map[Level]int64{}
	}
	for _, h := range hs {
		levels := min(h.Grade, maxGrades)
		if h.Grants > 0 {
			levels = max(levels, 1)
		}
		for l := 1; l <= levels; l++ {
			k := Level{h.Badge, l}
			c.Holders[k] += d
			if c.Holders[k] == 0 {
				delete(c.Holders, k)
			}
		}
	}
}

// Rarity is how many members hold a badge's grade, and their share.
type Rarity struct {
	// Badge and Level name the badge's grade, Level from 1.
	Badge string `json:"badge"`
	Level int    `json:"level"`
	// Holders is the number of members who hold it.
	Holders int64 `json:"holders"`
	// Share is Holders over the members counted, from 0 to 1.
	Share float64 `json:"share"`
}

// Rarity returns the share of members who hold the badge at the level
// (1 for any grade), from 0 to 1; 0 when no member is counted.
func (c *Census) Rarity(badge string, level int) float64 {
	if c.Members <= 0 {
		return 0
	}
	return float64(c.Holders[Level{badge, level}]) / float64(c.Members)
}

// Rarities returns every badge grade held by anyone, rarest first (then
// by badge and level).
func (c *Census) Rarities() []Rarity {
	out := make([]Rarity, 0, len(c.Holders))
	for k, n := range c.Holders {
		out = append(out, Rarity{Badge: k.Badge, Level: k.Level, Holders: n, Share: c.Rarity(k.Badge, k.Level)})
	}
	slices.SortFunc(out, func(a, b Rarity) int {
		return cmp.Or(cmp.Compare(a.Holders, b.Holders), cmp.Compare(a.Badge, b.Badge), cmp.Compare(a.Level, b.Level))
	})
	return out
}
