package funnel

import (
	"slices"
	"strconv"

	"github.com/qunkit/qun"
)

// periods maps instants to consecutive calendar periods of one grain in a
// calendar, by binary search over the periods' start instants, which
// qun.Calendar computes once, right across DST. Looking a period up costs
// a few comparisons instead of a time zone conversion per event.
type periods struct {
	cal    qun.Calendar
	grain  qun.Grain
	first  qun.Period
	starts []int64 // starts[i] is the first microsecond of period i; one more than there are periods
}

// newPeriods covers the periods from the one holding day from to the one
// holding day to.
func newPeriods(cal qun.Calendar, g qun.Grain, from, to qun.Date) *periods {
	loc := cal.Location()
	p := &periods{cal: cal, grain: g, first: cal.PeriodOn(g, from)}
	last := cal.PeriodOn(g, to)
	for q := p.first; ; q = q.Next() {
		p.starts = append(p.starts, q.Start(loc).UnixMicro())
		if q == last {
			p.starts = append(p.starts, q.End(loc).UnixMicro())
			break
		}
	}
	return p
}

// len returns the number of periods covered.
func (p *periods) len() int { return len(p.starts) - 1 }

// of returns the index of the period holding us: -1 before the first, len()
// after the last.
func (p *periods) of(us int64) int {
	i, found := slices.BinarySearch(p.starts, us)
	if !found {
		i--
	}
	return min(i, p.len())
}

// after returns the index of the period holding us, given the index i of
// the period of an instant not after us (or -2 when there is none yet): a
// member's events come in time order, so this mostly steps forward once or
// not at all instead of searching.
func (p *periods) after(i int, us int64) int {
	if i < 0 || i >= p.len() {
		return p.of(us)
	}
	for i < p.len() && p.starts[i+1] <= us {
		i++
	}
	return i
}

// period returns the i-th period.
func (p *periods) period(i int) qun.Period { return p.first.Add(i) }

// filterSet tells whether an event meets any of a list of filters; an
// empty list lets every event through.
type filterSet struct {
	any   bool
	keep  []bool              // per name ID: some filter names it
	conds map[uint32][][]cond // per name ID: the conditions of each filter with that name
}

func newFilterSet(t *Table, filters []qun.EventFilter) filterSet {
	if len(filters) == 0 {
		return filterSet{any: true}
	}
	fs := filterSet{keep: make([]bool, len(t.names.strs)), conds: map[uint32][][]cond{}}
	for _, f := range filters {
		id, ok := t.names.lookup(f.Name)
		if !ok {
			continue
		}
		fs.keep[id] = true
		fs.conds[id] = append(fs.conds[id], resolve(t, f.Where))
	}
	return fs
}

// keepNames returns the names a grouper must keep, nil for all.
func (fs *filterSet) keepNames() []bool {
	if fs.any {
		return nil
	}
	return fs.keep
}

// match reports whether event i of run r meets the set.
func (fs *filterSet) match(t *Table, r *memberRun, i int) bool {
	if fs.any {
		return true
	}
	name := r.names[i]
	if !fs.keep[name] {
		return false
	}
	for _, cs := range fs.conds[name] {
		if holdsAll(cs, t, r.page, r.rows[i]) {
			return true
		}
	}
	return false
}

// validateFilters validates a list of filters under a field name.
func validateFilters(field string, fs []qun.EventFilter) []error {
	var errs []error
	for i, f := range fs {
		errs = append(errs, qun.Within(field+"["+strconv.Itoa(i)+"]", f.Validate()))
	}
	return errs
}
