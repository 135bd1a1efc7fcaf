package scoring

import (
	"cmp"
	"container/heap"
	"iter"
	"slices"

	"github.com/qunkit/qun/scoring/internal/check"
)

// Term is one line of a score's explanation: a named part of the score,
// how many events it counted, the weight each carried and the value it
// added. A score's terms add up to the score. Operators read them to see
// why a member scored what they did ("12 replies received × 3 = 36"), and
// members read them to see what counts.
type Term struct {
	// Name says what the term counts: an event kind, a rule's name, a
	// signal.
	Name string `json:"name"`
	// Count is the number of events the term counted.
	Count int64 `json:"count"`
	// Weight is what each event is worth before any decay or cap.
	Weight float64 `json:"weight"`
	// Value is what the term adds to the score.
	Value float64 `json:"value"`
}

// sortTerms orders terms by value, highest first, and by name among equal
// values, so that an explanation reads from what mattered most.
func sortTerms(terms []Term) {
	slices.SortStableFunc(terms, func(a, b Term) int {
		if c := cmp.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

// Top returns the k best items of seq, best first, where cmp(a, b) < 0
// means a ranks before b. It keeps k items at a time (O(n log k)), so a
// host can pick the 100 KOL candidates or the 50 likeliest buyers out of
// millions of members. cmp must be a strict total order for the result to
// be deterministic: break ties by a stable key such as the member ID. A k
// of zero or less, a nil seq and a nil cmp give nil.
func Top[T any](seq iter.Seq[T], k int, cmp func(a, b T) int) []T {
	if k <= 0 || seq == nil || cmp == nil {
		return nil
	}
	h := &worstFirst[T]{cmp: cmp}
	for item := range seq {
		if len(h.items) < k {
			heap.Push(h, item)
			continue
		}
		// The root is the worst of the kept items: replace it if item
		// ranks before it.
		if cmp(item, h.items[0]) < 0 {
			h.items[0] = item
			heap.Fix(h, 0)
		}
	}
	slices.SortFunc(h.items, cmp)
	return h.items
}

// worstFirst is a heap whose root is the item that ranks last.
type worstFirst[T any] struct {
	items []T
	cmp   func(a, b T) int
}

// Len, Less, Swap, Push and Pop implement heap.Interface.
func (h *worstFirst[T]) Len() int { return len(h.items) }

// Less puts the item that ranks last at the root.
func (h *worstFirst[T]) Less(i, j int) bool { return h.cmp(h.items[i], h.items[j]) > 0 }

// Swap swaps two items.
func (h *worstFirst[T]) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }

// Push adds an item.
func (h *worstFirst[T]) Push(x any) { h.items = append(h.items, x.(T)) }

// Pop removes the last item.
func (h *worstFirst[T]) Pop() any {
	n := len(h.items) - 1
	x := h.items[n]
	h.items = h.items[:n]
	return x
}

// nameProblem returns why s is not a valid name, or "".
func nameProblem(s string) string { return check.NameProblem(s) }

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return check.Finite(x) }
