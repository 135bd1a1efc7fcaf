package board

import (
	"iter"
	"math"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Standings is one period of a board: its entries, members or teams, in
// rank order. A [Board] keeps one Standings of members, and one of teams,
// for each period it keeps; read them with [Board.Standings] and
// [Board.Teams]. Looking up an entry's rank costs O(log n), and so does
// each update the Board makes.
//
// A Standings is not safe for concurrent use, and changes when its Board
// is updated: read it from the goroutine that updates the Board, or under
// the same lock.
//
// A nil *Standings, which [Board.Standings] and [Board.Teams] return for a
// period the board does not keep, reads as an empty board: no entries,
// no ranks; so does the zero Standings.
type Standings struct {
	period  qun.Period // the zero Period for an all-time board
	ranking Ranking
	scale   int32
	names   *names
	tree    tree
	// For dense ranking: the distinct values held, and how many entries
	// hold each.
	values *tree
	holds  map[value]int32
}

// names interns the IDs of members, or of teams, board-wide, so that the
// standings of every period index them alike.
type names struct {
	ids   []string
	index map[string]int32
}

func (n *names) intern(id string) int32 {
	if i, ok := n.index[id]; ok {
		return i
	}
	i := int32(len(n.ids))
	n.ids = append(n.ids, id)
	n.index[id] = i
	return i
}

// value is a score as a reduced fraction, for counting distinct scores.
type value struct {
	num int64
	den int32
}

func newStandings(p qun.Period, r Ranking, scale int32, n *names) *Standings {
	s := &Standings{period: p, ranking: r, scale: scale, names: n}
	s.tree = newTree(&n.ids, true)
	if r == Dense {
		v := newTree(&n.ids, false)
		s.values = &v
		s.holds = map[value]int32{}
	}
	return s
}

// Period returns the period the standings are for, and false for an
// all-time board.
func (s *Standings) Period() (qun.Period, bool) {
	if s == nil {
		return qun.Period{}, false
	}
	return s.period, s.period.Grain != 0
}

// Len returns the number of entries.
func (s *Standings) Len() int {
	if s == nil {
		return 0
	}
	return s.tree.size
}

// Entry is one line of a board: who, their rank, their score, and when they
// reached it.
type Entry struct {
	// ID is the member's ID, or the team's.
	ID string `json:"id"`
	// Rank is the entry's rank under the board's ranking: 1 for the top.
	Rank int64 `json:"rank"`
	// Row is the entry's position in the board's order, from 1: equal
	// scores are ordered by who reached them first, then by ID.
	Row int64 `json:"row"`
	// Units is the score in units of 10^-scale: for a team that averages,
	// the sum of its members' scores.
	Units int64 `json:"units"`
	// Size is what Units is divided by: a team's roster for averages, 1
	// otherwise.
	Size int64 `json:"size"`
	// At is when the entry reached its score, in UTC.
	At time.Time `json:"at"`
	// Scale is the number of decimal places of the score.
	Scale int32 `json:"scale"`
}

// Score returns the entry's score as a decimal: Units × 10^-Scale, exact;
// for a team that averages, divided by Size and rounded half away from
// zero to Scale+2 places for display (the board compares averages exactly,
// as fractions). An Entry made by hand with a Scale outside 0 to
// [MaxScale] is read at the nearest of the two.
func (e Entry) Score() decimal.Decimal {
	scale := min(max(e.Scale, 0), MaxScale)
	d := decimal.New(e.Units, -scale)
	if e.Size > 1 {
		return d.DivRound(decimal.NewFromInt(e.Size), scale+2)
	}
	return d
}

// Lookup returns the entry with the given ID, and false if it has none.
func (s *Standings) Lookup(id string) (Entry, bool) {
	if s == nil || s.names == nil {
		return Entry{}, false
	}
	i, ok := s.names.index[id]
	if !ok {
		return Entry{}, false
	}
	k, ok := s.tree.lookup(i)
	if !ok {
		return Entry{}, false
	}
	row := s.tree.rank(&k)
	return s.entry(&k, int64(row)+1, s.rankOf(&k, row)), true
}

// Rank returns the rank of the entry with the given ID under the board's
// ranking, and false if it has none. It does not allocate.
func (s *Standings) Rank(id string) (int64, bool) {
	if s == nil || s.names == nil {
		return 0, false
	}
	i, ok := s.names.index[id]
	if !ok {
		return 0, false
	}
	return s.rankIndex(i)
}

// RankOf returns the rank of the member with the handle r (see
// [Board.Ref]), and false if they have no entry. It does not allocate and
// makes no map lookup: the fast path for a host that keeps handles.
func (s *Standings) RankOf(r Ref) (int64, bool) {
	if s == nil {
		return 0, false
	}
	return s.rankIndex(int32(r))
}

func (s *Standings) rankIndex(i int32) (int64, bool) {
	k, ok := s.tree.lookup(i)
	if !ok {
		return 0, false
	}
	if s.ranking == Competition {
		return int64(s.tree.countBetter(k.num, k.den)) + 1, true
	}
	return s.rankOf(&k, s.tree.rank(&k)), true
}

// rankOf returns the rank of k, which is at position row.
func (s *Standings) rankOf(k *key, row int) int64 {
	switch s.ranking {
	case Row:
		return int64(row) + 1
	case Dense:
		v := reduce(k.num, k.den)
		return int64(s.values.countBetter(v.num, v.den)) + 1
	}
	return int64(s.tree.countBetter(k.num, k.den)) + 1
}

// Top returns the first n entries (fewer if the board is shorter).
func (s *Standings) Top(n int) []Entry { return s.Range(0, n) }

// Range returns up to n entries from the position from (0 for the top):
// a page of the board.
func (s *Standings) Range(from, n int) []Entry {
	from = max(from, 0)
	if s == nil || n <= 0 || from >= s.tree.size {
		return nil
	}
	out := make([]Entry, 0, min(n, s.tree.size-from))
	for e := range s.from(from) {
		out = append(out, e)
		if len(out) == n {
			break
		}
	}
	return out
}

// Around returns the entry with the given ID and up to k entries on either
// side of it: a member's neighbours on the board. It returns nil if the
// board has no such entry.
func (s *Standings) Around(id string, k int) []Entry {
	if s == nil || s.names == nil {
		return nil
	}
	i, ok := s.names.index[id]
	if !ok {
		return nil
	}
	key, ok := s.tree.lookup(i)
	if !ok {
		return nil
	}
	row := s.tree.rank(&key)
	k = min(max(k, 0), s.tree.size) // no more neighbours than entries, and no overflow
	from := max(row-k, 0)
	return s.Range(from, row-from+k+1)
}

// All returns every entry in order.
func (s *Standings) All() iter.Seq[Entry] { return s.from(0) }

// from returns the entries from position from on, with their ranks.
func (s *Standings) from(from int) iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		if s == nil {
			return
		}
		row := from
		var rank int64
		var prev value
		first := true
		s.tree.ascend(from, func(k key) bool {
			v := reduce(k.num, k.den)
			switch {
			case first:
				rank = s.rankOf(&k, row)
			case v != prev:
				if s.ranking == Dense {
					rank++
				} else {
					rank = int64(row) + 1
				}
			case s.ranking == Row:
				rank = int64(row) + 1
			}
			first, prev = false, v
			row++
			return yield(s.entry(&k, int64(row), rank))
		})
	}
}

func (s *Standings) entry(k *key, row, rank int64) Entry {
	return Entry{
		ID: s.names.ids[k.id], Rank: rank, Row: row, Units: k.num, Size: int64(k.den),
		At: time.Unix(0, k.at).UTC(), Scale: s.scale,
	}
}

// units returns the current units of the entry at index i, and false if
// it has none.
func (s *Standings) units(i int32) (int64, bool) {
	k, ok := s.tree.lookup(i)
	return k.num, ok
}

// put sets the value of the entry at index i to num/den, reached at the
// instant at, adding the entry if it is new. An unchanged value leaves the
// entry as it is, so that it keeps its place among equal scores.
func (s *Standings) put(i int32, num int64, den int32, at int64) {
	if s.values != nil {
		old, had := s.tree.lookup(i)
		if had && old.num == num && old.den == den {
			return
		}
		if had {
			s.hold(old, -1)
		}
		s.hold(key{num: num, den: den}, 1)
	}
	s.tree.put(key{num: num, at: at, den: den, id: i})
}

// remove takes the entry at index i off the board.
func (s *Standings) remove(i int32) {
	k, ok := s.tree.lookup(i)
	if !ok {
		return
	}
	s.tree.drop(i)
	if s.values != nil {
		s.hold(k, -1)
	}
}

// hold counts a value into (d = 1) or out of (d = -1) the distinct
// values, for dense ranking.
func (s *Standings) hold(k key, d int32) {
	v := reduce(k.num, k.den)
	n := s.holds[v] + d
	switch {
	case n == 0:
		delete(s.holds, v)
		vk := key{num: v.num, den: v.den}
		s.values.delete(&vk)
	case n == 1 && d == 1:
		s.holds[v] = n
		s.values.insert(key{num: v.num, den: v.den})
	default:
		s.holds[v] = n
	}
}

// reduce returns num/den in lowest terms.
func reduce(num int64, den int32) value {
	if den == 1 {
		return value{num, 1}
	}
	if num == 0 || den <= 0 {
		return value{0, 1}
	}
	g := gcd(absU(num), uint64(den))
	return value{num / int64(g), den / int32(g)}
}

func absU(x int64) uint64 {
	u := uint64(x)
	if x < 0 {
		u = -u
	}
	return u
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// unitsOf returns d in units of 10^-scale, and false if d has finer
// digits or does not fit in an int64. It never expands a decimal beyond
// its own digits: 7e1000000000 is refused without computing 10^1000000000.
func unitsOf(d decimal.Decimal, scale int32) (int64, bool) {
	switch {
	case d.IsZero():
		return 0, true
	case d.Exponent() > 19: // at least 10^19 in magnitude
		return 0, false
	case finer(d, scale):
		return 0, false
	}
	c := d.Shift(scale).Truncate(0).BigInt()
	if !c.IsInt64() {
		return 0, false
	}
	return c.Int64(), true
}

// finer reports whether d has nonzero digits beyond scale decimal places.
func finer(d decimal.Decimal, scale int32) bool {
	exp := int64(d.Exponent())
	if exp >= -int64(scale) || d.IsZero() {
		return false
	}
	if -int64(scale)-exp >= int64(d.NumDigits()) {
		// The coefficient, not zero, is below 10^(places to drop).
		return true
	}
	return !d.Equal(d.Truncate(scale))
}

// short writes d for an error message: in full, or as its coefficient
// and exponent when the full form would be long.
func short(d decimal.Decimal) string {
	if e := d.Exponent(); e > 30 || e < -30 {
		return d.Coefficient().String() + "e" + strconv.Itoa(int(e))
	}
	return d.String()
}

// nanos returns t as Unix nanoseconds, clamped to the range an int64
// holds (the years 1678 to 2262).
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)
