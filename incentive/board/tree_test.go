package board

import (
	"fmt"
	"slices"
	"testing"

	"github.com/qunkit/qun"

	"pgregory.net/rapid"
)

// checkTree verifies the tree's structure: every node within its bounds
// and capacity, counts equal to subtree sizes, keys in order and within
// their separators, and the size right.
func checkTree(t rapid.TB, tr *tree) {
	t.Helper()
	var walk func(x int32, h int, lo, hi *key, parent int32) int
	walk = func(x int32, h int, lo, hi *key, parent int32) int {
		isRoot := parent == none
		if h == 0 {
			l := &tr.leaves[x]
			if !isRoot && l.n < 1 {
				t.Fatalf("empty leaf %d", x)
			}
			if l.parent != parent {
				t.Fatalf("leaf %d has parent %d, not %d", x, l.parent, parent)
			}
			if l.hasLo != (lo != nil) || lo != nil && l.lo != *lo || l.hasHi != (hi != nil) || hi != nil && l.hi != *hi {
				t.Fatalf("leaf %d keeps bounds other than its separators", x)
			}
			for i := 0; i < int(l.n); i++ {
				k := l.k.get(i)
				for j := 0; j < i; j++ {
					if tr.cmpAt(&l.k, j, &k) == 0 {
						t.Fatalf("leaf %d holds a key twice", x)
					}
				}
				if tr.byID && (tr.ents[k.id].leaf != x || tr.ents[k.id].pos != int32(i)) {
					t.Fatalf("key %d is in leaf %d at %d, ents say %d at %d", k.id, x, i, tr.ents[k.id].leaf, tr.ents[k.id].pos)
				}
				if lo != nil && tr.cmp(lo, &k) > 0 || hi != nil && tr.cmp(&k, hi) >= 0 {
					t.Fatalf("leaf %d key %d outside its separators", x, i)
				}
			}
			return int(l.n)
		}
		in := &tr.inners[x]
		if in.n < 2 && !isRoot || in.n < 1 {
			t.Fatalf("inner %d has %d children", x, in.n)
		}
		if in.parent != parent {
			t.Fatalf("inner %d has parent %d, not %d", x, in.parent, parent)
		}
		total := 0
		for i := 0; i < int(in.n); i++ {
			clo, chi := lo, hi
			if i > 0 {
				s := in.sep.get(i)
				clo = &s
				if i > 1 && tr.cmpAt(&in.sep, i-1, &s) >= 0 {
					t.Fatalf("inner %d separators out of order", x)
				}
			}
			if i+1 < int(in.n) {
				s := in.sep.get(i + 1)
				chi = &s
			}
			n := walk(in.kid[i], h-1, clo, chi, x)
			if n != int(in.cnt[i]) {
				t.Fatalf("inner %d child %d counts %d, holds %d", x, i, in.cnt[i], n)
			}
			total += n
		}
		return total
	}
	if n := walk(tr.root, tr.height, nil, nil, none); n != tr.size {
		t.Fatalf("tree holds %d keys, size says %d", n, tr.size)
	}
}

// TestTreeModel runs long random sequences of inserts, deletes and
// replaces, enough to split and merge nodes at every level, against a
// sorted slice, checking the structure, every position and every
// selection.
func TestTreeModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ids := []string{}
		// Small nodes, so that a few hundred keys split and merge nodes at
		// several levels.
		tr := newTreeCap(&ids, true, rapid.Int32Range(4, 16).Draw(t, "leaf"), rapid.Int32Range(8, 16).Draw(t, "inner"))
		var model []key
		byID := map[int32]key{}
		cmp := func(a, b key) int { return tr.cmp(&a, &b) }
		// Scores from a small range, so that ties on score are common, and
		// times from a small range, so that ties on time are too.
		scoreRange := rapid.Int64Range(1, 5000).Draw(t, "scores")
		genKey := func(id int32) key {
			return key{
				num: rapid.Int64Range(-scoreRange, scoreRange).Draw(t, "num"),
				at:  rapid.Int64Range(0, 3).Draw(t, "at"),
				den: 1, id: id,
			}
		}
		n := rapid.IntRange(0, 1500).Draw(t, "ops")
		for range n {
			switch op := rapid.IntRange(0, 9).Draw(t, "op"); {
			case op < 5 || len(byID) == 0: // insert a new entry
				id := int32(len(ids))
				ids = append(ids, fmt.Sprintf("m%d-%d", rapid.IntRange(0, 99).Draw(t, "name"), id))
				k := genKey(id)
				tr.insert(k)
				byID[id] = k
				i, _ := slices.BinarySearchFunc(model, k, cmp)
				model = slices.Insert(model, i, k)
			case op < 7: // delete one
				id := rapid.SampledFrom(sortedIDs(byID)).Draw(t, "victim")
				k := byID[id]
				if !tr.delete(&k) {
					t.Fatalf("delete of a held key failed")
				}
				delete(byID, id)
				i, _ := slices.BinarySearchFunc(model, k, cmp)
				model = slices.Delete(model, i, i+1)
			default: // replace one, often by a small step
				id := rapid.SampledFrom(sortedIDs(byID)).Draw(t, "moved")
				old := byID[id]
				nw := old
				nw.num += rapid.Int64Range(-3, 3).Draw(t, "step")
				nw.at = rapid.Int64Range(0, 3).Draw(t, "at")
				if old.num == nw.num {
					continue // put keeps an unchanged value as it is
				}
				tr.put(nw)
				byID[id] = nw
				i, _ := slices.BinarySearchFunc(model, old, cmp)
				model = slices.Delete(model, i, i+1)
				j, _ := slices.BinarySearchFunc(model, nw, cmp)
				model = slices.Insert(model, j, nw)
			}
		}
		checkTree(t, &tr)
		if tr.size != len(model) {
			t.Fatalf("size %d, model %d", tr.size, len(model))
		}
		for i, k := range model {
			if r := tr.rank(&k); r != i {
				t.Fatalf("rank of model[%d] is %d", i, r)
			}
			x, pos := tr.at(i)
			if tr.ents[k.id].leaf != x || tr.before(&tr.leaves[x], &k) != pos {
				t.Fatalf("at(%d) = leaf %d position %d, but the key is in leaf %d", i, x, pos, tr.ents[k.id].leaf)
			}
			better := 0
			for better < len(model) && model[better].num > k.num {
				better++
			}
			if c := tr.countBetter(k.num, 1); c != better {
				t.Fatalf("countBetter(%d) = %d, want %d", k.num, c, better)
			}
		}
		var walked []key
		tr.ascend(0, func(k key) bool { walked = append(walked, k); return true })
		if !slices.Equal(walked, model) {
			t.Fatalf("ascend differs from the model")
		}
	})
}

func sortedIDs(m map[int32]key) []int32 {
	out := make([]int32, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// TestTreeShrinks checks that deleting everything merges the tree back to
// a single leaf, so that nodes are not leaked by churn.
func TestTreeShrinks(t *testing.T) {
	ids := make([]string, 20000)
	for _, byID := range []bool{true, false} {
		tr := newTree(&ids, byID)
		testShrinks(t, &tr, ids)
		small := newTreeCap(&ids, byID, 4, 8)
		testShrinks(t, &small, ids)
	}
}

func testShrinks(t *testing.T, tr *tree, ids []string) {
	keys := make([]key, len(ids))
	for i := range ids {
		ids[i] = fmt.Sprint(i)
		keys[i] = key{num: int64(i * 7919 % 10007), den: 1, id: int32(i)}
		tr.insert(keys[i])
	}
	checkTree(t, tr)
	if tr.height < 2 {
		t.Fatalf("height %d: the test should build at least two levels of inner nodes", tr.height)
	}
	for i := len(keys) - 1; i >= 0; i -= 2 {
		tr.delete(&keys[i])
	}
	checkTree(t, tr)
	for i := len(keys) - 2; i >= 0; i -= 2 {
		tr.delete(&keys[i])
	}
	checkTree(t, tr)
	if tr.size != 0 || tr.height != 0 {
		t.Fatalf("after deleting everything: size %d, height %d", tr.size, tr.height)
	}
	if live := len(tr.leaves) - len(tr.freeL); live != 1 {
		t.Fatalf("%d live leaves after deleting everything", live)
	}
}

func TestCmpRatio(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		an := rapid.Int64().Draw(t, "an")
		ad := rapid.Int64Range(1, 1<<31-1).Draw(t, "ad")
		bn := rapid.Int64().Draw(t, "bn")
		bd := rapid.Int64Range(1, 1<<31-1).Draw(t, "bd")
		got := cmpRatio(an, ad, bn, bd)
		// The reference, in float128-free exact arithmetic via big-ish
		// reasoning: compare with math/big.
		want := bigCmp(an, ad, bn, bd)
		if got != want {
			t.Fatalf("cmpRatio(%d/%d, %d/%d) = %d, want %d", an, ad, bn, bd, got, want)
		}
	})
}

// TestStandingsSmallNodes drives standings whose trees have small nodes,
// so that ranks (by ID, by value, and dense through the tree of values)
// are computed across many leaves and levels, against a brute-force count.
func TestStandingsSmallNodes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := &names{index: map[string]int32{}}
		for i := range 300 {
			n.intern(fmt.Sprintf("m%03d", i))
		}
		ranking := rapid.SampledFrom([]Ranking{Competition, Dense, Row}).Draw(t, "ranking")
		s := newStandings(qun.Period{}, ranking, 0, n)
		lmax, imax := rapid.Int32Range(4, 12).Draw(t, "leaf"), rapid.Int32Range(8, 12).Draw(t, "inner")
		s.tree = newTreeCap(&n.ids, true, lmax, imax)
		if s.values != nil {
			v := newTreeCap(&n.ids, false, lmax, imax)
			s.values = &v
		}
		model := map[int32]key{}
		ops := rapid.IntRange(300, 2000).Draw(t, "ops")
		for op := range ops {
			i := rapid.Int32Range(0, 299).Draw(t, "member")
			if rapid.IntRange(0, 9).Draw(t, "remove") == 0 {
				s.remove(i)
				delete(model, i)
				continue
			}
			num := rapid.Int64Range(0, 40).Draw(t, "units")
			s.put(i, num, 1, int64(op))
			if old, ok := model[i]; !ok || old.num != num {
				model[i] = key{num: num, at: int64(op), den: 1, id: i}
			}
		}
		checkTree(t, &s.tree)
		if s.values != nil {
			checkTree(t, s.values)
		}
		for i, k := range model {
			better, before := 0, 0
			distinct := map[int64]bool{}
			for _, o := range model {
				if o.num > k.num {
					better++
					distinct[o.num] = true
				}
				if s.tree.cmp(&o, &k) < 0 {
					before++
				}
			}
			want := int64(better) + 1
			switch ranking {
			case Dense:
				want = int64(len(distinct)) + 1
			case Row:
				want = int64(before) + 1
			}
			if got, _ := s.rankIndex(i); got != want {
				t.Fatalf("rank of %s = %d, want %d", n.ids[i], got, want)
			}
		}
	})
}
