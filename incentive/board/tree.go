package board

import (
	"math/bits"
	"slices"
	"strings"
)

// The standings of a board are kept in a counted B+tree: an order-statistic
// tree whose inner nodes know how many entries each child holds, so that
// adding, removing and moving an entry, finding an entry's position and
// finding the entry at a position all take O(log n).
//
// It is shaped for memory, which is what a board of a million members
// waits on (a cache miss costs as much as a hundred comparisons):
//
//   - Nodes live in two slices and refer to each other by index, so the
//     garbage collector has nothing to scan however large a board grows.
//   - Scores are stored in a column of their own, so a search over scores
//     reads the scores alone, a few cache lines; the rest of each key
//     (time, ID) sits beside it in a second column.
//   - Leaves are unordered bags: adding appends, removing moves the last
//     key into the gap, and an entry's position within its leaf is counted
//     by one sequential scan, which the processor prefetches. Only inner
//     nodes keep their separators sorted.
//   - The tree remembers the leaf and the position of every entry, every
//     leaf the range of keys it may hold, and every node its parent. An
//     update whose new score still belongs in the entry's leaf (most small
//     changes) writes the key in place and touches nothing else; a rank
//     climbs from the leaf to the root, adding the counts of the children
//     to the left.

// ent is what a tree by ID knows of each ID: its key, less the ID, and its
// leaf. It is one cache line's worth of lookups for an update.
type ent struct {
	num  int64
	at   int64
	den  int32
	leaf int32
	pos  int32
}

// key is an entry's place in the order: its value (num/den: a score, a
// team's sum, or a team's sum over its size for averages), when it reached
// that value, and its ID, which breaks the last ties.
type key struct {
	num int64 // the score in units, or a team's sum
	at  int64 // when the value was reached, Unix nanoseconds: earlier first
	den int32 // 1, or a team's size for averages
	id  int32 // the index of the entry's ID
}

const (
	// nodeCap is the number of keys in a leaf and of children of an
	// inner node. A node below a quarter of its capacity borrows from a
	// sibling or merges with it.
	nodeCap = 128
	// maxHeight bounds the levels of inner nodes: with at least 32
	// children per inner node and 32 keys per leaf, six levels hold more
	// than the 2^31 entries an int32 ID can name. Tests shrink the nodes,
	// and need more.
	maxHeight = 24
	none      = -1 // no node: the parent of the root
)

// block holds up to nodeCap keys in two columns: the scores, and the
// rest.
type block struct {
	num [nodeCap]int64
	tl  [nodeCap]tail
}

// tail is a key less its score.
type tail struct {
	at  int64
	den int32
	id  int32
}

func (b *block) get(i int) key {
	t := &b.tl[i]
	return key{num: b.num[i], at: t.at, den: t.den, id: t.id}
}

func (b *block) set(i int, k key) { b.num[i], b.tl[i] = k.num, tail{k.at, k.den, k.id} }

// copyFrom copies n keys from src, at j, to b, at i; src may be b.
func (b *block) copyFrom(i int, src *block, j, n int) {
	copy(b.num[i:i+n], src.num[j:j+n])
	copy(b.tl[i:i+n], src.tl[j:j+n])
}

// leafNode is an unordered bag of keys, with the range they lie in: at or
// after lo, and before hi, where the leaf has them (the first leaf has no
// lo, the last no hi).
type leafNode struct {
	n            int32
	parent       int32
	hasLo, hasHi bool
	lo, hi       key
	k            block
}

// innerNode holds its children in order.
type innerNode struct {
	n      int32
	parent int32
	cnt    [nodeCap]int32 // entries under each child
	kid    [nodeCap]int32 // children: leaves at height 1, inner nodes above
	// sep[i] is at or before every key under kid[i], and after every key
	// under kid[i-1]; sep[0] is not used.
	sep block
}

// tree is the counted B+tree. Its zero value is not ready: use newTree.
type tree struct {
	leaves []leafNode
	inners []innerNode
	freeL  []int32
	freeI  []int32
	root   int32
	height int // levels of inner nodes above the leaves
	size   int
	ids    *[]string // the ID of each key.id, for the last tie-break
	// byID says the keys have distinct IDs, and ents holds, for each ID,
	// its key and its leaf (none if it is not in the tree). A tree of bare
	// values (for dense ranking) has no ents, and finds keys by descent.
	byID bool
	ents []ent
	// The capacities in use: nodeCap, but for tests, which shrink them to
	// reach every split and merge with few keys.
	lmax, imax int32
}

// newTree returns a tree of entries with distinct IDs, or, if byID is
// false, of bare values.
func newTree(ids *[]string, byID bool) tree { return newTreeCap(ids, byID, nodeCap, nodeCap) }

func newTreeCap(ids *[]string, byID bool, lmax, imax int32) tree {
	t := tree{ids: ids, lmax: lmax, imax: imax}
	t.byID = byID
	t.root = t.newLeaf()
	t.leaves[t.root].parent = none
	return t
}

// cmp orders keys: a higher value first, then the earlier time, then the
// ID in byte order. It returns -1 when a comes first.
func (t *tree) cmp(a, b *key) int {
	if a.den == b.den {
		if a.num != b.num {
			if a.num > b.num {
				return -1
			}
			return 1
		}
	} else if c := cmpRatio(a.num, int64(a.den), b.num, int64(b.den)); c != 0 {
		return -c
	}
	if a.at != b.at {
		if a.at < b.at {
			return -1
		}
		return 1
	}
	if a.id == b.id {
		return 0
	}
	ids := *t.ids
	return strings.Compare(ids[a.id], ids[b.id])
}

// cmpAt is cmp for the key at i in b, read in place.
func (t *tree) cmpAt(b *block, i int, k *key) int {
	tl := &b.tl[i]
	if d := tl.den; d == k.den {
		if n := b.num[i]; n != k.num {
			if n > k.num {
				return -1
			}
			return 1
		}
	} else if c := cmpRatio(b.num[i], int64(d), k.num, int64(k.den)); c != 0 {
		return -c
	}
	if a := tl.at; a != k.at {
		if a < k.at {
			return -1
		}
		return 1
	}
	if id := tl.id; id != k.id {
		ids := *t.ids
		return strings.Compare(ids[id], ids[k.id])
	}
	return 0
}

// betterAt reports whether the value of the key at i in b is higher than
// num/den.
func betterAt(b *block, i int, num int64, den int32) bool {
	d := b.tl[i].den
	if d == den {
		return b.num[i] > num
	}
	return cmpRatio(b.num[i], int64(d), num, int64(den)) > 0
}

// cmpRatio compares an/ad with bn/bd, for positive denominators, exactly:
// the cross products are compared in 128 bits.
func cmpRatio(an, ad, bn, bd int64) int {
	l := mul128(an, bd)
	r := mul128(bn, ad)
	return l.cmp(r)
}

// i128 is a signed 128-bit integer as a sign and a magnitude.
type i128 struct {
	neg    bool
	hi, lo uint64
}

func mul128(a, b int64) i128 {
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = -ua
	}
	if b < 0 {
		ub = -ub
	}
	hi, lo := bits.Mul64(ua, ub)
	return i128{neg: (a < 0) != (b < 0) && hi|lo != 0, hi: hi, lo: lo}
}

func (x i128) cmp(y i128) int {
	if x.neg != y.neg {
		if x.neg {
			return -1
		}
		return 1
	}
	c := cmpU(x.lo, y.lo)
	if x.hi != y.hi {
		c = cmpU(x.hi, y.hi)
	}
	if x.neg {
		return -c
	}
	return c
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// before returns the number of keys of l that come before k, by one scan.
func (t *tree) before(l *leafNode, k *key) int {
	n := int(l.n)
	c := 0
	if t.byID && k.den == 1 {
		// A board of members: every key has den 1. Count the higher
		// scores branch-free; compare in full only on equal scores.
		nums := l.k.num[:n]
		for i, v := range nums {
			if v > k.num {
				c++
			} else if v == k.num && t.cmpAt(&l.k, i, k) < 0 {
				c++
			}
		}
		return c
	}
	for i := range n {
		if t.cmpAt(&l.k, i, k) < 0 {
			c++
		}
	}
	return c
}

// find returns the position of k in the leaf l, or -1.
func (t *tree) find(l *leafNode, k *key) int {
	if t.byID {
		if e := &t.ents[k.id]; e.leaf >= 0 && &t.leaves[e.leaf] == l {
			return int(e.pos)
		}
		return -1
	}
	for i := range int(l.n) {
		if t.cmpAt(&l.k, i, k) == 0 {
			return i
		}
	}
	return -1
}

// child returns the slot of the child of in whose range holds k.
func (t *tree) child(in *innerNode, k *key) int {
	lo, hi := 1, int(in.n)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.cmpAt(&in.sep, m, k) <= 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// slotOf returns the slot of the child x in the inner node p.
func (t *tree) slotOf(p, x int32) int {
	in := &t.inners[p]
	for i, k := range in.kid[:in.n] {
		if k == x {
			return i
		}
	}
	panic("board: tree corrupt: a child is missing from its parent")
}

func (t *tree) newLeaf() int32 {
	if n := len(t.freeL); n > 0 {
		x := t.freeL[n-1]
		t.freeL = t.freeL[:n-1]
		t.leaves[x].n = 0
		return x
	}
	t.leaves = append(t.leaves, leafNode{})
	return int32(len(t.leaves) - 1)
}

func (t *tree) newInner() int32 {
	if n := len(t.freeI); n > 0 {
		x := t.freeI[n-1]
		t.freeI = t.freeI[:n-1]
		t.inners[x].n = 0
		return x
	}
	t.inners = append(t.inners, innerNode{})
	return int32(len(t.inners) - 1)
}

// setParent records p as the parent of the child x at height h-1.
func (t *tree) setParent(x int32, h int, p int32) {
	if h == 1 {
		t.leaves[x].parent = p
	} else {
		t.inners[x].parent = p
	}
}

// moveIn copies n children of src, from j, into in at i (in may be src).
func (in *innerNode) moveIn(i int, src *innerNode, j, n int) {
	in.sep.copyFrom(i, &src.sep, j, n)
	copy(in.kid[i:i+n], src.kid[j:j+n])
	copy(in.cnt[i:i+n], src.cnt[j:j+n])
}

func (in *innerNode) insertAt(i int, sep key, kid, cnt int32) {
	in.moveIn(i+1, in, i, int(in.n)-i)
	in.sep.set(i, sep)
	in.kid[i], in.cnt[i] = kid, cnt
	in.n++
}

func (in *innerNode) removeAt(i int) {
	in.moveIn(i, in, i+1, int(in.n)-i-1)
	in.n--
}

func (in *innerNode) total() int32 {
	var s int32
	for _, c := range in.cnt[:in.n] {
		s += c
	}
	return s
}

// insert adds k, which the tree must not hold.
func (t *tree) insert(k key) {
	for {
		var path [maxHeight + 1]step
		x := t.root
		for h := t.height; h > 0; h-- {
			i := t.child(&t.inners[x], &k)
			path[h] = step{x, int32(i)}
			x = t.inners[x].kid[i]
		}
		l := &t.leaves[x]
		if l.n == t.lmax {
			t.splitLeaf(&path, x)
			continue // the tree changed: descend again
		}
		for h := 1; h <= t.height; h++ {
			t.inners[path[h].node].cnt[path[h].slot]++
		}
		l.k.set(int(l.n), k)
		if t.byID {
			t.grow(k.id)
			t.ents[k.id] = ent{num: k.num, at: k.at, den: k.den, leaf: x, pos: l.n}
		}
		l.n++
		t.size++
		return
	}
}

type step struct {
	node int32
	slot int32
}

// sortKeys sorts the first n keys of b.
func (t *tree) sortKeys(b *block, n int) {
	var buf [nodeCap]key
	for i := range n {
		buf[i] = b.get(i)
	}
	slices.SortFunc(buf[:n], func(x, y key) int { return t.cmp(&x, &y) })
	for i := range n {
		b.set(i, buf[i])
	}
}

// place records, for a tree by ID, where the keys of the leaf x from
// position from on now are.
func (t *tree) place(x int32, from int) {
	if !t.byID {
		return
	}
	l := &t.leaves[x]
	for i := from; i < int(l.n); i++ {
		e := &t.ents[l.k.tl[i].id]
		e.leaf, e.pos = x, int32(i)
	}
}

// splitLeaf splits the full leaf x, the child of path[1], into two halves
// of its keys in order, and hangs the upper half after it.
func (t *tree) splitLeaf(path *[maxHeight + 1]step, x int32) {
	r := t.newLeaf()
	l, rl := &t.leaves[x], &t.leaves[r]
	n := int(l.n)
	t.sortKeys(&l.k, n)
	half := n / 2
	rl.k.copyFrom(0, &l.k, half, n-half)
	rl.n, l.n = int32(n-half), int32(half)
	rl.parent = l.parent
	sep := rl.k.get(0)
	rl.hasLo, rl.lo, rl.hasHi, rl.hi = true, sep, l.hasHi, l.hi
	l.hasHi, l.hi = true, sep
	t.place(x, 0)
	t.place(r, 0)
	t.split(path, 1, x, l.n, sep, r, rl.n)
}

// split hangs right, a new sibling of left (a child of path[h]), after
// it, with the separator sep, splitting ancestors that overflow.
func (t *tree) split(path *[maxHeight + 1]step, h int, left, ls int32, sep key, right, rs int32) {
	for {
		if h > t.height {
			root := t.newInner()
			in := &t.inners[root]
			in.n, in.parent = 2, none
			in.kid[0], in.cnt[0] = left, ls
			in.kid[1], in.cnt[1] = right, rs
			in.sep.set(1, sep)
			t.setParent(left, h, root)
			t.setParent(right, h, root)
			t.root = root
			t.height++
			return
		}
		p := path[h]
		in := &t.inners[p.node]
		s := int(p.slot)
		in.cnt[s] = ls
		if in.n < t.imax {
			in.insertAt(s+1, sep, right, rs)
			t.setParent(right, h, p.node)
			return
		}
		r := t.newInner()
		in, rn := &t.inners[p.node], &t.inners[r]
		half := int(t.imax / 2)
		rn.moveIn(0, in, half, int(in.n)-half)
		rn.n, in.n = in.n-int32(half), int32(half)
		rn.parent = in.parent
		up := rn.sep.get(0)
		if s+1 <= half {
			in.insertAt(s+1, sep, right, rs)
			t.setParent(right, h, p.node)
		} else {
			rn.insertAt(s+1-half, sep, right, rs)
		}
		for _, kid := range rn.kid[:rn.n] {
			t.setParent(kid, h, r)
		}
		left, ls, sep, right, rs = p.node, in.total(), up, r, rn.total()
		h++
	}
}

// remove takes the key at position pos out of the leaf x, updates the
// counts above it, and rebalances.
func (t *tree) remove(x int32, pos int) {
	l := &t.leaves[x]
	if t.byID {
		t.ents[l.k.tl[pos].id].leaf = none
	}
	last := int(l.n) - 1
	if pos != last {
		l.k.set(pos, l.k.get(last))
		if t.byID {
			t.ents[l.k.tl[pos].id].pos = int32(pos)
		}
	}
	l.n--
	t.size--
	child, p := x, l.parent
	for p != none {
		t.inners[p].cnt[t.slotOf(p, child)]--
		child, p = p, t.inners[p].parent
	}
	if l.n < t.lmax/4 && t.height > 0 {
		t.fixLeaf(x)
	}
}

// delete removes k and reports whether the tree held it.
func (t *tree) delete(k *key) bool {
	var x int32
	if t.byID {
		if int(k.id) >= len(t.ents) || t.ents[k.id].leaf == none {
			return false
		}
		x = t.ents[k.id].leaf
	} else {
		x = t.root
		for h := t.height; h > 0; h-- {
			in := &t.inners[x]
			x = in.kid[t.child(in, k)]
		}
	}
	pos := t.find(&t.leaves[x], k)
	if pos < 0 || t.cmpAt(&t.leaves[x].k, pos, k) != 0 {
		return false
	}
	t.remove(x, pos)
	return true
}

// fixLeaf rebalances the leaf x, which fell below a quarter, with a
// sibling: it merges the two when they fit in three quarters of a leaf,
// and shares their keys evenly otherwise.
func (t *tree) fixLeaf(x int32) {
	p := t.leaves[x].parent
	in := &t.inners[p]
	if in.n < 2 {
		return
	}
	a := t.slotOf(p, x)
	if a == int(in.n)-1 {
		a--
	}
	b := a + 1
	xa, xb := in.kid[a], in.kid[b]
	la, lb := &t.leaves[xa], &t.leaves[xb]
	total := int(la.n + lb.n)
	if total <= int(t.lmax*3/4) {
		from := int(la.n)
		la.k.copyFrom(from, &lb.k, 0, int(lb.n))
		la.n = int32(total)
		la.hasHi, la.hi = lb.hasHi, lb.hi
		t.place(xa, from)
		t.freeL = append(t.freeL, xb)
		in.cnt[a] = int32(total)
		in.removeAt(b)
		t.fixInner(p)
		return
	}
	// Share evenly: the lower half of their keys, in order, to a.
	var buf [2 * nodeCap]key
	for i := range int(la.n) {
		buf[i] = la.k.get(i)
	}
	for i := range int(lb.n) {
		buf[int(la.n)+i] = lb.k.get(i)
	}
	keys := buf[:total]
	slices.SortFunc(keys, func(u, v key) int { return t.cmp(&u, &v) })
	na := total / 2
	for i, k := range keys[:na] {
		la.k.set(i, k)
	}
	for i, k := range keys[na:] {
		lb.k.set(i, k)
	}
	la.n, lb.n = int32(na), int32(total-na)
	t.place(xa, 0)
	t.place(xb, 0)
	in.cnt[a], in.cnt[b] = la.n, lb.n
	in.sep.set(b, keys[na])
	la.hasHi, la.hi = true, keys[na]
	lb.hasLo, lb.lo = true, keys[na]
}

// fixInner rebalances the inner node x if it fell below a quarter, and
// collapses a root left with one child.
func (t *tree) fixInner(x int32) {
	for h := 1; ; h++ {
		in := &t.inners[x]
		if in.parent == none { // the root
			if in.n == 1 {
				t.freeI = append(t.freeI, x)
				t.root = in.kid[0]
				t.height--
				t.setParent(t.root, h, none)
			}
			return
		}
		if in.n >= t.imax/4 {
			return
		}
		p := in.parent
		pn := &t.inners[p]
		if pn.n < 2 {
			return
		}
		a := t.slotOf(p, x)
		if a == int(pn.n)-1 {
			a--
		}
		b := a + 1
		xa, xb := pn.kid[a], pn.kid[b]
		na, nb := &t.inners[xa], &t.inners[xb]
		total := na.n + nb.n
		// b's first child takes the parent's separator for b wherever it
		// goes.
		nb.sep.set(0, pn.sep.get(b))
		if total <= t.imax*3/4 {
			for _, kid := range nb.kid[:nb.n] {
				t.setParent(kid, h, xa)
			}
			na.moveIn(int(na.n), nb, 0, int(nb.n))
			na.n = total
			t.freeI = append(t.freeI, xb)
			pn.cnt[a] += pn.cnt[b]
			pn.removeAt(b)
			x = p
			continue
		}
		half := total / 2
		if na.n < half { // rotate b's first children into a
			m := int(half - na.n)
			for _, kid := range nb.kid[:m] {
				t.setParent(kid, h, xa)
			}
			na.moveIn(int(na.n), nb, 0, m)
			nb.moveIn(0, nb, m, int(nb.n)-m)
		} else { // rotate a's last children into b
			m := int(na.n - half)
			for _, kid := range na.kid[half:na.n] {
				t.setParent(kid, h, xb)
			}
			nb.moveIn(m, nb, 0, int(nb.n))
			nb.moveIn(0, na, int(half), m)
		}
		na.n, nb.n = half, total-half
		pn.sep.set(b, nb.sep.get(0))
		pn.cnt[a], pn.cnt[b] = na.total(), nb.total()
		return
	}
}

// put sets the key of nw.id to nw, adding it if the tree does not hold
// it, for a tree by ID. When the new key still belongs in the leaf of the
// old one (a small change of score, the usual case), it is written in
// place; otherwise the old key is removed and the new one inserted. A key
// whose value is unchanged is left as it is, time and all, so that an
// entry keeps its place among equal scores.
func (t *tree) put(nw key) {
	t.grow(nw.id)
	e := &t.ents[nw.id]
	if e.leaf == none {
		t.insert(nw)
		return
	}
	if e.num == nw.num && e.den == nw.den {
		return
	}
	x, pos := e.leaf, int(e.pos)
	if l := &t.leaves[x]; (!l.hasLo || t.cmp(&l.lo, &nw) <= 0) && (!l.hasHi || t.cmp(&nw, &l.hi) < 0) {
		l.k.set(pos, nw)
		e.num, e.at, e.den = nw.num, nw.at, nw.den
		return
	}
	t.remove(x, pos)
	t.insert(nw)
}

// grow makes room in ents for id.
func (t *tree) grow(id int32) {
	if n := int(id) + 1; n > len(t.ents) {
		t.ents = slices.Grow(t.ents, n-len(t.ents))
		for len(t.ents) < n {
			t.ents = append(t.ents, ent{leaf: none})
		}
	}
}

// lookup returns the key of id, for a tree by ID, and whether the tree
// holds it.
func (t *tree) lookup(id int32) (key, bool) {
	if id < 0 || int(id) >= len(t.ents) || t.ents[id].leaf == none {
		return key{}, false
	}
	e := &t.ents[id]
	return key{num: e.num, at: e.at, den: e.den, id: id}, true
}

// drop removes the key of id, for a tree by ID.
func (t *tree) drop(id int32) {
	if k, ok := t.lookup(id); ok {
		t.delete(&k)
	}
}

// rank returns the number of keys before k: for a tree by ID, k must be
// the key the tree holds for k.id; a tree of values need not hold k.
func (t *tree) rank(k *key) int {
	if !t.byID {
		r := 0
		x := t.root
		for h := t.height; h > 0; h-- {
			in := &t.inners[x]
			i := t.child(in, k)
			for _, c := range in.cnt[:i] {
				r += int(c)
			}
			x = in.kid[i]
		}
		return r + t.before(&t.leaves[x], k)
	}
	x := t.ents[k.id].leaf
	r := t.before(&t.leaves[x], k)
	child, p := x, t.leaves[x].parent
	for p != none {
		in := &t.inners[p]
		for _, c := range in.cnt[:t.slotOf(p, child)] {
			r += int(c)
		}
		child, p = p, in.parent
	}
	return r
}

// countBetter returns the number of keys whose value is higher than
// num/den.
func (t *tree) countBetter(num int64, den int32) int {
	r := 0
	x := t.root
	for h := t.height; h > 0; h-- {
		in := &t.inners[x]
		lo, hi := 1, int(in.n)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if betterAt(&in.sep, m, num, den) {
				lo = m + 1
			} else {
				hi = m
			}
		}
		i := lo - 1
		for _, c := range in.cnt[:i] {
			r += int(c)
		}
		x = in.kid[i]
	}
	l := &t.leaves[x]
	for i := range int(l.n) {
		if betterAt(&l.k, i, num, den) {
			r++
		}
	}
	return r
}

// at returns the leaf holding the key at position i, for 0 <= i < size,
// and the key's position among the leaf's keys in order.
func (t *tree) at(i int) (int32, int) {
	x := t.root
	for h := t.height; h > 0; h-- {
		in := &t.inners[x]
		j := 0
		for j < int(in.n)-1 && i >= int(in.cnt[j]) {
			i -= int(in.cnt[j])
			j++
		}
		x = in.kid[j]
	}
	return x, i
}

// ascend calls yield with the keys from position from on, in order, until
// yield returns false. It sorts a copy of each leaf it reads, so it does
// not change the tree.
func (t *tree) ascend(from int, yield func(key) bool) {
	var buf [nodeCap]key
	for from < t.size {
		x, pos := t.at(from)
		l := &t.leaves[x]
		n := int(l.n)
		for i := range n {
			buf[i] = l.k.get(i)
		}
		keys := buf[:n]
		slices.SortFunc(keys, func(u, v key) int { return t.cmp(&u, &v) })
		for _, k := range keys[pos:] {
			if !yield(k) {
				return
			}
			from++
		}
	}
}
