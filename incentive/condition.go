package incentive

import (
	"strconv"
	"strings"

	"github.com/qunkit/qun"
)

// Rules for one event tend to test the same few things: the channel, the
// city, the store. So the engine compiles each distinct condition of the
// program once, and an evaluation tests each at most once, however many
// rules and multipliers share it, remembering the outcome in a bitset: a
// rule that fails on a condition another rule already tested costs a bit
// test, not a map lookup and a string comparison.

// cond is one distinct condition of the program: on an event property or
// on a member attribute, with the slot of that property or attribute in
// an evaluation's cache of values.
type cond struct {
	c      qun.Condition
	member bool // tests a member attribute, not an event property
	slot   int  // -1: not cached
	// one is the value of an exact or is_not condition with one value,
	// the usual kind, which test compares itself.
	one   string
	shape shape
}

// shape says how test tests a condition.
type shape uint8

const (
	general  shape = iota // by qun.Condition.Holds
	exactOne              // the property is one
	isNotOne              // the property is missing or not one
)

// compileCond compiles c, on a member attribute if member is set.
func compileCond(c qun.Condition, member bool, slot int) cond {
	k := cond{c: c, member: member, slot: slot}
	if len(c.Values) == 1 {
		switch c.Op {
		case qun.OpExact:
			k.shape, k.one = exactOne, c.Values[0]
		case qun.OpIsNot:
			k.shape, k.one = isNotOne, c.Values[0]
		}
	}
	return k
}

// condTable assigns the program's distinct conditions their indexes, at
// compile time.
type condTable struct {
	conds []cond
	index map[string]int32  // a condition's key → its index
	slots [2]map[string]int // property, attribute → slot
}

// add returns the indexes of conds, on member attributes if member is set
// and on event properties if not, adding those not seen before.
func (t *condTable) add(conds []qun.Condition, member bool) []int32 {
	if t.index == nil {
		t.index = map[string]int32{}
		t.slots = [2]map[string]int{{}, {}}
	}
	out := make([]int32, len(conds))
	for i, c := range conds {
		key := condKey(c, member)
		id, ok := t.index[key]
		if !ok {
			id = int32(len(t.conds))
			t.index[key] = id
			t.conds = append(t.conds, compileCond(c, member, t.slot(c.Prop, member)))
		}
		out[i] = id
	}
	return out
}

// slot returns the cache slot of a property (or attribute), taking a new
// one while there are free ones.
func (t *condTable) slot(prop string, member bool) int {
	slots := t.slots[b2i(member)]
	slot, ok := slots[prop]
	if !ok {
		slot = -1
		if len(slots) < maxSlots {
			slot = len(slots)
			slots[prop] = slot
		}
	}
	return slot
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// condKey names a condition uniquely: what it tests, how, and against
// which values, each part quoted so that no two conditions share a key.
func condKey(c qun.Condition, member bool) string {
	var b strings.Builder
	if member {
		b.WriteString("member ")
	} else {
		b.WriteString("event ")
	}
	b.WriteString(strconv.Quote(c.Prop))
	b.WriteString(" " + strconv.Itoa(int(c.Op)))
	for _, v := range c.Values {
		b.WriteString(" " + strconv.Quote(v))
	}
	return b.String()
}

// exactIndexMin is how many exact conditions of one value must test one
// cached property or attribute before the engine decides them all from a
// single lookup of its value, instead of comparing the value with each.
// A program that sends each SKU or store its own rule has dozens.
const exactIndexMin = 8

// exactGroup is the exact conditions on one cached property (or
// attribute) whose outcome the memo holds, when there are at least
// exactIndexMin: the first time an evaluation tests one, it decides them
// all, failing every one and then passing those whose value is the
// property's, found in byValue.
type exactGroup struct {
	ids     []int32
	byValue map[string][]int32
}

// exactGroups are the groups by slot, for event properties and for member
// attributes.
type exactGroups [2][maxSlots]*exactGroup

// exactGroups returns the groups of the table's conditions.
func (t *condTable) exactGroups() exactGroups {
	var g exactGroups
	var ids [2][maxSlots][]int32
	for id, c := range t.conds {
		if c.shape == exactOne && c.slot >= 0 && id < maxMemo {
			ids[b2i(c.member)][c.slot] = append(ids[b2i(c.member)][c.slot], int32(id))
		}
	}
	for m := range ids {
		for slot, list := range ids[m] {
			if len(list) < exactIndexMin {
				continue
			}
			grp := &exactGroup{ids: list, byValue: map[string][]int32{}}
			for _, id := range list {
				one := t.conds[id].one
				grp.byValue[one] = append(grp.byValue[one], id)
			}
			g[m][slot] = grp
		}
	}
	return g
}

// maxMemo is how many distinct conditions an evaluation remembers the
// outcome of; a program with more tests the rest each time.
const maxMemo = 128

// condMemo is what one evaluation knows of the program's first maxMemo
// conditions: 0 for not tested yet, 1 for held, -1 for failed.
type condMemo [maxMemo]int8

// holds reports whether condition id holds for the event and the member.
// It is small enough to inline, so that a remembered outcome costs a
// load and a comparison.
func (x *evalContext) holds(id int32) bool {
	if uint32(id) < maxMemo && x.memo[id] != 0 {
		return x.memo[id] > 0
	}
	return x.testOnce(id)
}

// testOnce tests condition id, and remembers the outcome. An exact
// condition of a large group decides the whole group.
func (x *evalContext) testOnce(id int32) bool {
	if c := &x.e.conds[id]; c.shape == exactOne && c.slot >= 0 && uint32(id) < maxMemo {
		if g := x.e.exact[b2i(c.member)][c.slot]; g != nil {
			v, ok := x.value1(c)
			for _, j := range g.ids {
				x.memo[j] = -1
			}
			if ok {
				for _, j := range g.byValue[v] {
					x.memo[j] = 1
				}
			}
			return x.memo[id] > 0
		}
	}
	held := x.test(id)
	if uint32(id) < maxMemo {
		x.memo[id] = -1
		if held {
			x.memo[id] = 1
		}
	}
	return held
}

// allHold reports whether every condition in ids holds.
func (x *evalContext) allHold(ids []int32) bool {
	for _, id := range ids {
		if !x.holds(id) {
			return false
		}
	}
	return true
}

// value1 returns the value of the event property or member attribute
// that c tests, and whether it is present.
func (x *evalContext) value1(c *cond) (string, bool) {
	if c.member {
		return x.attrs.get(c.slot, c.c.Prop, x.m.Attrs)
	}
	return x.props.get(c.slot, c.c.Prop, x.ev.Props)
}

// test tests condition id on the event's properties or the member's
// attributes.
func (x *evalContext) test(id int32) bool {
	c := &x.e.conds[id]
	v, ok := x.value1(c)
	switch c.shape {
	case exactOne:
		return ok && v == c.one
	case isNotOne:
		return !ok || v != c.one
	}
	return c.c.Holds(v, ok)
}

// maxSlots is how many event properties, and how many member attributes,
// an evaluation caches: rules tend to test the same few, and each is then
// looked up in its map once per evaluation, however many distinct
// conditions test it.
const maxSlots = 8

// slots caches the values of properties (or attributes) by slot.
type slots struct {
	seen   uint8
	ok     [maxSlots]bool
	values [maxSlots]string
}

// get returns the value of the property name, which has the given slot,
// from the cache or from m.
func (s *slots) get(slot int, name string, m map[string]string) (string, bool) {
	if slot < 0 {
		v, ok := m[name]
		return v, ok
	}
	if bit := uint8(1) << slot; s.seen&bit == 0 {
		s.values[slot], s.ok[slot] = m[name]
		s.seen |= bit
	}
	return s.values[slot], s.ok[slot]
}
