package rrule

import (
	"math/bits"
	"slices"
	"time"

	"github.com/qunkit/qun"
)

// The expansion follows RFC 5545 §3.3.10 in two ways, by frequency.
//
// DAILY, WEEKLY, MONTHLY and YEARLY rules expand in wall clock time: each
// period (a day, a week beginning on WKST, a month, a year) yields the days
// that pass the day-level parts, each at the times of day the BYHOUR,
// BYMINUTE and BYSECOND parts give; BYSETPOS picks from that set; the wall
// readings then become instants through the resolver, which reads a time
// skipped by DST with the offset before the gap and a repeated time as its
// first occurrence (§3.3.5). Two readings can become one instant, and a
// reading in a gap can become an instant later than the next reading, so
// resolved instants wait in a small sorted buffer until no later reading
// can come before them, and equal instants are counted once.
//
// SECONDLY, MINUTELY and HOURLY rules step in elapsed time from the start:
// every hour of a HOURLY rule is an hour of real time, so a fall-back night
// has both 01:00s and a spring-forward night goes from 01:00 to 03:00, with
// no instant skipped or doubled. Their BYxxx limits test the wall reading
// of each instant.

// compiledRule is a Rule compiled against its start: parts turned into bit
// masks, defaults taken from the start.
type compiledRule struct {
	freq      Freq
	interval  int64
	count     int64
	until     int64
	hasUntil  bool
	start     DateTime
	startWall int64
	startDay  int64
	wkst      time.Weekday

	// Day-level parts. dayFiltered is false when every day passes.
	dayFiltered bool
	months      uint16 // bit m for month m; 0 for all
	weekNo      bool
	weekNoPos   uint64 // bit n for week n
	weekNoNeg   uint64 // bit n for week -n
	yearDay     bool
	yearDayPos  [6]uint64
	yearDayNeg  [6]uint64
	monthDay    bool
	monthDayPos uint64
	monthDayNeg uint64
	byDay       bool
	dayPlain    uint8 // bit w for every weekday w
	dayOrds     []ordDay
	ordInYear   bool

	// Time-level parts: masks for limits, lists for expansion.
	hours   uint32
	minutes uint64
	seconds uint64
	times   []int32 // seconds of the day, sorted (DAILY and longer)
	offsets []int32 // seconds from a period's start, sorted (sub-daily)
	step    int64   // elapsed seconds between periods (sub-daily)
	trunc   int64   // seconds from the start back to its period's start

	setPos []int
}

type ordDay struct {
	n  int
	wd time.Weekday
}

func compileRule(r Rule, start DateTime) compiledRule {
	c := compiledRule{
		freq:      r.Freq,
		interval:  max(1, int64(r.Interval)),
		count:     int64(r.Count),
		start:     start,
		startWall: start.wall(),
		startDay:  dayNumber(start.Date),
		wkst:      r.WeekStart.Weekday(),
		setPos:    slices.Clone(r.BySetPos),
	}
	if !r.Until.IsZero() {
		c.hasUntil, c.until = true, r.Until.Unix()
	}
	byDay, byMonthDay, byMonth := r.ByDay, r.ByMonthDay, r.ByMonth
	startWeekday := Weekday{Day: DayOf(start.Date.Weekday())}
	// What the rule leaves out comes from the start (§3.3.10).
	switch r.Freq {
	case Weekly:
		if len(byDay) == 0 {
			byDay = []Weekday{startWeekday}
		}
	case Monthly:
		if len(byDay) == 0 && len(byMonthDay) == 0 {
			byMonthDay = []int{start.Date.Day}
		}
	case Yearly:
		if len(byDay) == 0 && len(byMonthDay) == 0 && len(r.ByYearDay) == 0 {
			switch {
			case len(r.ByWeekNo) > 0:
				byDay = []Weekday{startWeekday}
			case len(byMonth) == 0:
				byMonth = []time.Month{start.Date.Month}
				byMonthDay = []int{start.Date.Day}
			default:
				byMonthDay = []int{start.Date.Day}
			}
		}
	}
	for _, m := range byMonth {
		c.months |= 1 << m
	}
	for _, n := range r.ByWeekNo {
		c.weekNo = true
		if n > 0 {
			c.weekNoPos |= 1 << n
		} else {
			c.weekNoNeg |= 1 << -n
		}
	}
	for _, n := range r.ByYearDay {
		c.yearDay = true
		if n > 0 {
			c.yearDayPos[n/64] |= 1 << (n % 64)
		} else {
			c.yearDayNeg[-n/64] |= 1 << (-n % 64)
		}
	}
	for _, n := range byMonthDay {
		c.monthDay = true
		if n > 0 {
			c.monthDayPos |= 1 << n
		} else {
			c.monthDayNeg |= 1 << -n
		}
	}
	for _, w := range byDay {
		c.byDay = true
		if w.N == 0 {
			c.dayPlain |= 1 << w.Day.Weekday()
		} else {
			c.dayOrds = append(c.dayOrds, ordDay{w.N, w.Day.Weekday()})
		}
	}
	c.ordInYear = r.Freq == Yearly && len(byMonth) == 0
	c.dayFiltered = c.months != 0 || c.weekNo || c.yearDay || c.monthDay || c.byDay

	for _, h := range r.ByHour {
		c.hours |= 1 << h
	}
	for _, m := range r.ByMinute {
		c.minutes |= 1 << m
	}
	for _, s := range r.BySecond {
		c.seconds |= 1 << s
	}
	or := func(list []int, def int) []int {
		if len(list) == 0 {
			return []int{def}
		}
		return list
	}
	switch r.Freq {
	case Secondly:
		c.step, c.offsets = 1, []int32{0}
	case Minutely:
		c.step, c.trunc = 60, int64(start.Second)
		for _, s := range or(r.BySecond, start.Second) {
			c.offsets = append(c.offsets, int32(s))
		}
		c.seconds = 0 // BYSECOND expands here
	case Hourly:
		c.step, c.trunc = 3600, int64(start.Minute*60+start.Second)
		for _, m := range or(r.ByMinute, start.Minute) {
			for _, s := range or(r.BySecond, start.Second) {
				c.offsets = append(c.offsets, int32(m*60+s))
			}
		}
		c.minutes, c.seconds = 0, 0 // they expand here
	default:
		for _, h := range or(r.ByHour, start.Hour) {
			for _, m := range or(r.ByMinute, start.Minute) {
				for _, s := range or(r.BySecond, start.Second) {
					c.times = append(c.times, int32(h*3600+m*60+s))
				}
			}
		}
		c.hours, c.minutes, c.seconds = 0, 0, 0 // they expand here
	}
	c.step *= c.interval
	slices.Sort(c.offsets)
	c.offsets = slices.Compact(c.offsets)
	slices.Sort(c.times)
	c.times = slices.Compact(c.times)
	return c
}

// maxDay is the last day expansion reaches, 9999-12-31.
var maxDay = dayNumber(qun.Date{Year: 9999, Month: time.December, Day: 31})

// emptyLimit is how many periods in a row a sub-daily rule may examine
// without an occurrence before it is taken to have none left. Whole days,
// hours and minutes that fail a limit are skipped at once, so only a rule
// whose INTERVAL never lands on its BYxxx values gets near it.
const emptyLimit = 1 << 20

// ruleCursor expands one rule, in time order, from a period on.
type ruleCursor struct {
	r   *compiledRule
	res resolver
	k   int64 // the next period to generate
	// pend holds resolved instants, sorted from head on, that wait until
	// bound: every instant generated later is at or after bound.
	pend    []int64
	head    int
	bound   int64
	pendBuf [8]int64
	buf     []int64 // a period's candidates, when BYSETPOS picks from them
	pick    []int64
	bufArr  [32]int64
	pickArr [8]int64
	ym      yearMask

	startInstant int64
	limit        int64 // instants from here on are not wanted
	emitted      int64
	last         int64
	started      bool
	exhausted    bool // no period is left to generate
	done         bool // nothing is left at all
	empty        int64
}

func (c *ruleCursor) init(r *compiledRule, loc *time.Location, from, limit int64) {
	c.r = r
	c.limit = limit
	c.res = newResolver(loc)
	c.pend = c.pendBuf[:0]
	c.buf, c.pick = c.bufArr[:0], c.pickArr[:0]
	c.bound = minInt64
	c.startInstant = c.res.resolve(r.startWall)
	// The start is always the first instance of the set (RFC 5545
	// §3.8.5.3), and counts as one for COUNT.
	c.pend = append(c.pend, c.startInstant)
	if r.count == 0 && from > c.startInstant {
		c.k = c.skipTo(from)
	}
}

// single sets c up to yield the start alone: a recurrence without a rule.
func (c *ruleCursor) single(start DateTime, loc *time.Location) {
	c.res = newResolver(loc)
	c.pend = append(c.pendBuf[:0], c.res.resolve(start.wall()))
	c.bound = maxInt64
	c.exhausted = true
	c.r = &compiledRule{}
}

// skipTo returns the first period that can hold an instant at or after
// from; periods before it need not be generated when nothing is counted.
func (c *ruleCursor) skipTo(from int64) int64 {
	r := c.r
	if r.freq.subDaily() {
		p0 := c.startInstant - r.trunc
		return max(0, floorDiv(from-p0, r.step)-1)
	}
	// A day's margin covers any UTC offset change.
	day := floorDiv(c.res.wallOf(from), 86400) - 1
	switch r.freq {
	case Daily:
		return max(0, floorDiv(day-r.startDay, r.interval))
	case Weekly:
		return max(0, floorDiv(day-c.weekStart0(), 7*r.interval))
	}
	d := dateOfDay(day)
	months := int64(d.Year-r.start.Date.Year)*12 + int64(d.Month-r.start.Date.Month)
	if r.freq == Monthly {
		return max(0, floorDiv(months, r.interval))
	}
	return max(0, floorDiv(int64(d.Year-r.start.Date.Year), r.interval))
}

func (c *ruleCursor) weekStart0() int64 {
	r := c.r
	return r.startDay - floorMod(weekdayOf(r.startDay)-int64(r.wkst), 7)
}

// next returns the next instant of the rule, or false when there is none.
func (c *ruleCursor) next() (int64, bool) {
	r := c.r
	for !c.done {
		if c.head < len(c.pend) && c.pend[c.head] < c.bound {
			t := c.pend[c.head]
			c.head++
			if c.started && t <= c.last {
				continue
			}
			c.started, c.last = true, t
			if r.hasUntil && t > r.until {
				c.done = true
				break
			}
			c.emitted++
			if r.count > 0 && c.emitted >= r.count {
				c.done = true
			}
			return t, true
		}
		if c.head == len(c.pend) {
			c.pend, c.head = c.pend[:0], 0
		}
		if c.exhausted {
			if c.head < len(c.pend) {
				c.bound = maxInt64
				continue
			}
			c.done = true
			break
		}
		if r.freq.subDaily() {
			c.generateElapsed()
		} else {
			c.generateWall()
		}
		if r.hasUntil && c.bound > r.until || c.bound >= c.limit {
			c.exhausted = true
		}
	}
	return 0, false
}

// push adds an instant to the pending buffer, keeping it sorted.
func (c *ruleCursor) push(t int64) {
	c.pend = append(c.pend, t)
	for i := len(c.pend) - 1; i > c.head && c.pend[i-1] > t; i-- {
		c.pend[i-1], c.pend[i] = t, c.pend[i-1]
	}
}

// generateWall generates period k of a DAILY, WEEKLY, MONTHLY or YEARLY
// rule.
func (c *ruleCursor) generateWall() {
	r := c.r
	k := c.k
	c.k++
	var first, end int64 // the period's days, [first, end)
	switch r.freq {
	case Daily:
		first = r.startDay + k*r.interval
		end = first + 1
	case Weekly:
		first = c.weekStart0() + 7*k*r.interval
		end = first + 7
	case Monthly:
		mi := int64(r.start.Date.Year)*12 + int64(r.start.Date.Month) - 1 + k*r.interval
		y, m := floorDiv(mi, 12), floorMod(mi, 12)
		if y > 9999 {
			c.exhausted = true
			return
		}
		if c.ym.n == 0 || int64(c.ym.year) != y {
			c.ym.compute(r, int(y))
		}
		first = c.ym.first + c.ym.monthStart[m]
		end = c.ym.first + c.ym.monthStart[m+1]
	case Yearly:
		y := int64(r.start.Date.Year) + k*r.interval
		if y > 9999 {
			c.exhausted = true
			return
		}
		first = dayNumber(qun.Date{Year: int(y), Month: time.January, Day: 1})
		end = dayNumber(qun.Date{Year: int(y) + 1, Month: time.January, Day: 1})
	}
	if first > maxDay {
		c.exhausted = true
		return
	}
	end = min(end, maxDay+1)
	// The next period begins no earlier than end, so no instant generated
	// later comes before the floor of its midnight.
	c.bound = c.res.floor(end * 86400)
	setPos := len(r.setPos) > 0
	if setPos {
		c.buf = c.buf[:0]
	}
	for day := first; day < end; day++ {
		if r.dayFiltered {
			if !c.ym.covers(day) {
				c.ym.compute(r, dateOfDay(day).Year)
			}
			if !c.ym.has(day) {
				// Skip to the next day that passes within this year.
				nd := c.ym.nextFrom(day, min(end, c.ym.first+c.ym.n))
				if nd < 0 {
					day = min(end, c.ym.first+c.ym.n) - 1
					continue
				}
				day = nd
			}
		}
		base := day * 86400
		for _, sod := range r.times {
			w := base + int64(sod)
			if setPos {
				c.buf = append(c.buf, w)
			} else if w >= r.startWall {
				c.push(c.res.resolve(w))
			}
		}
	}
	if setPos {
		for _, w := range c.pickSetPos(c.buf) {
			if w >= r.startWall {
				c.push(c.res.resolve(w))
			}
		}
	}
}

// pickSetPos returns the members of set (sorted) at the BYSETPOS positions,
// sorted and without duplicates.
func (c *ruleCursor) pickSetPos(set []int64) []int64 {
	c.pick = c.pick[:0]
	n := len(set)
	for _, p := range c.r.setPos {
		i := p - 1
		if p < 0 {
			i = n + p
		}
		if i >= 0 && i < n {
			c.pick = append(c.pick, set[i])
		}
	}
	slices.Sort(c.pick)
	return slices.Compact(c.pick)
}

// generateElapsed generates period k of a SECONDLY, MINUTELY or HOURLY
// rule, or skips ahead past a day, hour or minute that fails a limit.
func (c *ruleCursor) generateElapsed() {
	r := c.r
	p0 := c.startInstant - r.trunc
	p := p0 + c.k*r.step
	w := c.res.wallOf(p)
	if floorDiv(w, 86400) > maxDay || c.empty > emptyLimit {
		c.exhausted = true
		return
	}
	// jump moves to the period holding the instant target (or the next
	// period, if that is this one) when this one cannot yield anything.
	jump := func(target int64) {
		kn := floorDiv(target-p0, r.step)
		c.k = max(kn, c.k+1)
		c.bound = p0 + c.k*r.step
		c.empty++
	}
	day := floorDiv(w, 86400)
	sod := w - day*86400
	if r.dayFiltered && !c.dayPasses(day) {
		next := c.nextPassingDay(day + 1)
		if next > maxDay {
			c.exhausted = true
			return
		}
		jump(c.res.floor(next * 86400))
		return
	}
	if r.hours != 0 && r.hours&(1<<(sod/3600)) == 0 && r.freq != Hourly {
		jump(p + 3600 - sod%3600)
		return
	}
	if r.minutes != 0 && r.minutes&(1<<(sod/60%60)) == 0 && r.freq == Secondly {
		jump(p + 60 - sod%60)
		return
	}
	c.k++
	c.bound = p0 + c.k*r.step
	setPos := len(r.setPos) > 0
	c.buf = c.buf[:0]
	for _, off := range r.offsets {
		t := p + int64(off)
		if !c.passesLimits(t) {
			continue
		}
		if setPos {
			c.buf = append(c.buf, t)
		} else if t >= c.startInstant {
			c.push(t)
			c.empty = 0
		}
	}
	if setPos {
		for _, t := range c.pickSetPos(c.buf) {
			if t >= c.startInstant {
				c.push(t)
				c.empty = 0
			}
		}
	}
	if len(c.pend) == c.head {
		c.empty++
	}
}

// passesLimits reports whether the wall reading of instant t passes the
// day-level parts and the BYHOUR, BYMINUTE and BYSECOND limits.
func (c *ruleCursor) passesLimits(t int64) bool {
	r := c.r
	w := c.res.wallOf(t)
	day := floorDiv(w, 86400)
	sod := w - day*86400
	if r.dayFiltered && !c.dayPasses(day) {
		return false
	}
	return (r.hours == 0 || r.hours&(1<<(sod/3600)) != 0) &&
		(r.minutes == 0 || r.minutes&(1<<(sod/60%60)) != 0) &&
		(r.seconds == 0 || r.seconds&(1<<(sod%60)) != 0)
}

// nextPassingDay returns the first day from day on that passes the
// day-level parts, or a day after maxDay if none does.
func (c *ruleCursor) nextPassingDay(day int64) int64 {
	for day <= maxDay {
		if !c.ym.covers(day) {
			c.ym.compute(c.r, dateOfDay(day).Year)
		}
		yearEnd := c.ym.first + c.ym.n
		if next := c.ym.nextFrom(day, yearEnd); next >= 0 {
			return next
		}
		day = yearEnd
	}
	return day
}

func (c *ruleCursor) dayPasses(day int64) bool {
	if !c.ym.covers(day) {
		c.ym.compute(c.r, dateOfDay(day).Year)
	}
	return c.ym.has(day)
}

// weekdayOf returns the weekday of a day number (1970-01-01 was a
// Thursday).
func weekdayOf(day int64) int64 { return floorMod(day+int64(time.Thursday), 7) }

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// yearMask is the set of days of one year that pass a rule's day-level
// parts, one bit a day.
type yearMask struct {
	year       int
	first      int64 // day number of January 1
	n          int64 // days in the year; 0 before the first compute
	bits       [6]uint64
	monthStart [13]int64 // day of the year (from 0) each month begins on, and n
}

// cumDays is the day of a common year each month begins on, from 0.
var cumDays = [13]int64{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}

func (m *yearMask) covers(day int64) bool { return m.n > 0 && day >= m.first && day < m.first+m.n }

func (m *yearMask) has(day int64) bool {
	i := day - m.first
	return m.bits[i/64]&(1<<(i%64)) != 0
}

// nextFrom returns the first day in [day, end) whose bit is set, or -1.
func (m *yearMask) nextFrom(day, end int64) int64 {
	for i := day - m.first; i < end-m.first; {
		word := m.bits[i/64] >> (i % 64)
		if word != 0 {
			j := i + int64(bits.TrailingZeros64(word))
			if j < end-m.first {
				return m.first + j
			}
			return -1
		}
		i = (i/64 + 1) * 64
	}
	return -1
}

func (m *yearMask) set(doy int64)   { m.bits[doy/64] |= 1 << (doy % 64) }
func (m *yearMask) clear(doy int64) { m.bits[doy/64] &^= 1 << (doy % 64) }

// keep clears the days [off, off+width) of the year whose bit in mask
// (bit 0 for day off) is clear; width is at most 64.
func (m *yearMask) keep(off, width int64, mask uint64) {
	drop := ^mask
	if width < 64 {
		drop &= 1<<width - 1
	}
	m.bits[off/64] &^= drop << (off % 64)
	if b := off % 64; b+width > 64 {
		m.bits[off/64+1] &^= drop >> (64 - b)
	}
}

// clearRange clears the days [lo, hi) of the year.
func (m *yearMask) clearRange(lo, hi int64) {
	for lo < hi {
		b := lo % 64
		n := min(64-b, hi-lo)
		mask := ^uint64(0)
		if n < 64 {
			mask = (1<<n - 1) << b
		}
		m.bits[lo/64] &^= mask
		lo += n
	}
}

// compute fills m with the days of year y that pass the rule's parts.
func (m *yearMask) compute(r *compiledRule, y int) {
	m.year = y
	m.first = dayNumber(qun.Date{Year: y, Month: time.January, Day: 1})
	m.n = 365
	leap := y%4 == 0 && (y%100 != 0 || y%400 == 0)
	if leap {
		m.n = 366
	}
	for mo := range m.monthStart {
		m.monthStart[mo] = cumDays[mo]
		if leap && mo >= 2 {
			m.monthStart[mo]++
		}
	}
	monthStart := &m.monthStart
	m.bits = [6]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), 1<<(m.n-320) - 1}
	if r.months != 0 {
		for mo := 0; mo < 12; mo++ {
			if r.months&(1<<(mo+1)) == 0 {
				m.clearRange(monthStart[mo], monthStart[mo+1])
			}
		}
	}
	if r.yearDay {
		for i := int64(0); i < m.n; i++ {
			pos, neg := i+1, m.n-i
			if r.yearDayPos[pos/64]&(1<<(pos%64)) == 0 && r.yearDayNeg[neg/64]&(1<<(neg%64)) == 0 {
				m.clear(i)
			}
		}
	}
	if r.monthDay {
		for mo := 0; mo < 12; mo++ {
			dim := monthStart[mo+1] - monthStart[mo]
			// Bit d-1 for each day d of the month the parts allow.
			allowed := r.monthDayPos >> 1 & (1<<dim - 1)
			for neg := r.monthDayNeg; neg != 0; neg &= neg - 1 {
				if n := int64(bits.TrailingZeros64(neg)); n <= dim {
					allowed |= 1 << (dim - n)
				}
			}
			m.keep(monthStart[mo], dim, allowed)
		}
	}
	if r.weekNo {
		m.applyWeekNo(r, y)
	}
	if r.byDay {
		var days yearMask
		jan1 := weekdayOf(m.first)
		// Every day of a plain weekday.
		if r.dayPlain != 0 {
			for i := int64(0); i < m.n; i++ {
				if r.dayPlain&(1<<floorMod(jan1+i, 7)) != 0 {
					days.set(i)
				}
			}
		}
		// The nth of a weekday, in the year or in each month.
		mark := func(lo, hi int64) { // a span of days [lo, hi) of the year
			wdLo := floorMod(jan1+lo, 7)
			for _, o := range r.dayOrds {
				firstOf := lo + floorMod(int64(o.wd)-wdLo, 7)
				if firstOf >= hi {
					continue
				}
				count := (hi-1-firstOf)/7 + 1
				n := int64(o.n)
				if n < 0 {
					n += count + 1
				}
				if n >= 1 && n <= count {
					days.set(firstOf + 7*(n-1))
				}
			}
		}
		if len(r.dayOrds) > 0 {
			if r.ordInYear {
				mark(0, m.n)
			} else {
				for mo := 0; mo < 12; mo++ {
					mark(monthStart[mo], monthStart[mo+1])
				}
			}
		}
		for i := range m.bits {
			m.bits[i] &= days.bits[i]
		}
	}
}

// applyWeekNo keeps the days whose week, in their own week-numbering year,
// is listed in BYWEEKNO. Week 1 is the first week, beginning on WKST, with
// at least four days in its year (ISO 8601, as RFC 5545 says); a day late
// in December can be in week 1 of the next year and one early in January
// in the last week of the year before, as in python-dateutil.
func (m *yearMask) applyWeekNo(r *compiledRule, y int) {
	week1 := func(y int) int64 {
		jan1 := dayNumber(qun.Date{Year: y, Month: time.January, Day: 1})
		back := floorMod(weekdayOf(jan1)-int64(r.wkst), 7)
		if back <= 3 {
			return jan1 - back
		}
		return jan1 - back + 7
	}
	w0, w1, w2 := week1(y-1), week1(y), week1(y+1)
	w3 := week1(y + 2)
	for i := int64(0); i < m.n; i++ {
		day := m.first + i
		start, weeks := w1, (w2-w1)/7
		switch {
		case day < w1:
			start, weeks = w0, (w1-w0)/7
		case day >= w2:
			start, weeks = w2, (w3-w2)/7
		}
		n := (day-start)/7 + 1
		neg := weeks - n + 1
		if r.weekNoPos&(1<<n) == 0 && r.weekNoNeg&(1<<neg) == 0 {
			m.clear(i)
		}
	}
}
