package scoring

import (
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/qunkit/qun"
)

// Table is a compact, columnar table of events, the input of bulk scoring
// ([Engagement.ScoreTable]): one row per event, with the member and the
// event name interned as small integers and the time as Unix nanoseconds.
// Ten million events take 160 MB, and scoring reads them in one pass
// without allocating.
//
// Row i is the event named Names[Name[i]], done by Members[Member[i]] at
// Time[i] (Unix nanoseconds, so the years 1678 to 2262). A Table holds
// only what engagement scoring reads: no IDs, values or properties. A
// host fills it with [Table.Append], or builds the columns directly from
// its own storage (a column store, a Parquet file) and checks them with
// [Table.Validate].
type Table struct {
	// Members is the dictionary of members: Member[i] indexes it.
	Members []qun.MemberID
	// Names is the dictionary of event names: Name[i] indexes it.
	Names []string
	// Member is the column of members, as indexes into Members.
	Member []uint32
	// Name is the column of event names, as indexes into Names.
	Name []uint32
	// Time is the column of times, in Unix nanoseconds.
	Time []int64

	memberIndex map[qun.MemberID]uint32
	nameIndex   map[string]uint32
}

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.Time) }

// Append adds the event e as a row, interning its member and name. It
// refuses an event whose time Unix nanoseconds cannot hold (before 1678 or
// after 2262). Appending a member or name already seen does not allocate
// (beyond growing the columns).
func (t *Table) Append(e qun.Event) error {
	n, ok := nanos(e.Time)
	if !ok {
		return qun.Invalid("time", "must lie within the years 1678 to 2262 to be scored in bulk")
	}
	if t.memberIndex == nil {
		t.memberIndex = make(map[qun.MemberID]uint32, len(t.Members))
		for i, m := range t.Members {
			t.memberIndex[m] = uint32(i)
		}
		t.nameIndex = make(map[string]uint32, len(t.Names))
		for i, name := range t.Names {
			t.nameIndex[name] = uint32(i)
		}
	}
	t.Member = append(t.Member, intern(t.memberIndex, &t.Members, e.Member))
	t.Name = append(t.Name, intern(t.nameIndex, &t.Names, e.Name))
	t.Time = append(t.Time, n)
	return nil
}

func intern[K comparable](index map[K]uint32, dict *[]K, k K) uint32 {
	i, ok := index[k]
	if !ok {
		i = uint32(len(*dict))
		index[k] = i
		*dict = append(*dict, k)
	}
	return i
}

// Validate reports whether the columns have equal lengths and every index
// lies within its dictionary. It does not require time order.
func (t *Table) Validate() error {
	n := len(t.Time)
	if len(t.Member) != n || len(t.Name) != n {
		return qun.Invalid("", "columns differ in length: %d members, %d names, %d times", len(t.Member), len(t.Name), n)
	}
	if len(t.Members) > math.MaxUint32 || len(t.Names) > math.MaxUint32 {
		return qun.Invalid("", "dictionaries hold at most 2^32 entries")
	}
	for i := range n {
		if int(t.Member[i]) >= len(t.Members) {
			return qun.Invalid("member["+strconv.Itoa(i)+"]", "index %d is outside the %d members", t.Member[i], len(t.Members))
		}
		if int(t.Name[i]) >= len(t.Names) {
			return qun.Invalid("name["+strconv.Itoa(i)+"]", "index %d is outside the %d names", t.Name[i], len(t.Names))
		}
	}
	return nil
}

// Sorted reports whether the rows are in time order.
func (t *Table) Sorted() bool { return slices.IsSorted(t.Time) }

// SortByTime puts the rows in time order, keeping the order of rows with
// equal times. It allocates a permutation and new columns. A table whose
// columns differ in length is left as it is, for [Table.Validate] and
// [Engagement.ScoreTable] to report.
func (t *Table) SortByTime() {
	if t.Sorted() || len(t.Member) != len(t.Time) || len(t.Name) != len(t.Time) {
		return
	}
	perm := make([]uint32, len(t.Time))
	for i := range perm {
		perm[i] = uint32(i)
	}
	// Ties broken by row number: a stable order, at the speed of an
	// unstable sort.
	slices.SortFunc(perm, func(a, b uint32) int {
		ta, tb := t.Time[a], t.Time[b]
		switch {
		case ta < tb:
			return -1
		case ta > tb:
			return 1
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	t.Member = permute(t.Member, perm)
	t.Name = permute(t.Name, perm)
	t.Time = permute(t.Time, perm)
}

func permute[T any](col []T, perm []uint32) []T {
	out := make([]T, len(perm))
	for i, p := range perm {
		out[i] = col[p]
	}
	return out
}

// ErrUnsorted is returned by bulk scoring when a table's rows are not in
// time order; [Table.SortByTime] sorts them.
var ErrUnsorted = errors.New("scoring: table rows are not in time order")

// ErrConditions is returned by [Engagement.ScoreTable] when a kind of event
// in the table is told apart by its properties, which a [Table] does not
// carry; [Engagement.ScoreEvents] scores such events.
var ErrConditions = errors.New("scoring: the rules test event properties, which a table does not carry")
