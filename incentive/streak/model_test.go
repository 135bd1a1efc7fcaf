package streak_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/streak"
	"pgregory.net/rapid"
)

// model is a streak kept the plain way: every day checked in and every day
// kept, forever, with runs recomputed from them. The engine's runs, pruned
// to what a make-up can reach, must agree with it.
type model struct {
	active, kept     map[int]bool
	last             int
	has              bool
	freezes, makeUps int
	used             map[qun.Period]int
	total            int
	reached          map[int][]int // milestone day → the days it was reached on
}

// runAt returns the first day and the days checked in of the run of kept
// days that ends at day.
func (m *model) runAt(day int) (from, active int) {
	from = day
	for d := day; m.kept[d]; d-- {
		from = d
		if m.active[d] {
			active++
		}
	}
	return from, active
}

func (m *model) longest() int {
	best := 0
	for d := range m.kept {
		if !m.kept[d+1] {
			_, a := m.runAt(d)
			best = max(best, a)
		}
	}
	return best
}

// advance mirrors the freeze rule for a new day d after the last.
func (m *model) advance(d int) {
	if !m.has {
		return
	}
	missed := d - m.last - 1
	use := min(missed, m.freezes)
	for i := 1; i <= use; i++ {
		m.kept[m.last+i] = true
	}
	m.freezes -= use
}

func (m *model) count(d int) {
	m.active[d], m.kept[d] = true, true
	m.total++
}

// pay returns the milestone payout keys the current run earns.
func (m *model) pay(base qun.Date, ms []streak.Milestone) []string {
	from, active := m.runAt(m.last)
	sorted := slices.Clone(ms)
	slices.SortFunc(sorted, func(a, b streak.Milestone) int { return a.Day - b.Day })
	var keys []string
	for _, x := range sorted {
		if active < x.Day {
			break
		}
		days := m.reached[x.Day]
		inRun := slices.ContainsFunc(days, func(d int) bool { return d >= from && d <= m.last })
		if len(days) > 0 && (!x.Repeat || inRun) {
			continue
		}
		m.reached[x.Day] = append(days, m.last)
		key := "streak/check-in/day-" + strconv.Itoa(x.Day)
		if x.Repeat {
			key += "/" + base.AddDays(m.last).String()
		}
		keys = append(keys, key)
	}
	return keys
}

func TestStreakModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := rules()
		r.MakeUps.DaysBack = rapid.IntRange(1, 10).Draw(t, "days_back")
		e := compile(t, r)
		base := date(2026, 10, 20)
		zone := shanghai
		cal := qun.Calendar{Zone: zone}
		m := &model{active: map[int]bool{}, kept: map[int]bool{}, used: map[qun.Period]int{}, reached: map[int][]int{}}
		var s streak.State
		today := 0
		instant := func(day int) time.Time {
			return base.AddDays(day).At(rapid.IntRange(0, 23).Draw(t, "hour"), 0, 0, 0, zone.Location())
		}
		keysOf := func(res streak.Result) []string {
			var k []string
			for _, p := range res.Payouts {
				k = append(k, p.Key)
			}
			return k
		}
		t.Repeat(map[string]func(*rapid.T){
			"check in": func(t *rapid.T) {
				today += rapid.IntRange(0, 3).Draw(t, "days later")
				var res streak.Result
				var err error
				s, res, err = e.CheckIn(s, "lin", instant(today), zone)
				if err != nil {
					t.Fatal(err)
				}
				if m.has && today <= m.last {
					if !res.Duplicate || res.Counted {
						t.Fatalf("a second check-in on day %d counted", today)
					}
					return
				}
				m.advance(today)
				m.count(today)
				m.last, m.has = today, true
				if want := m.pay(base, r.Milestones); !slices.Equal(want, keysOf(res)) {
					t.Fatalf("payouts %v, model %v", keysOf(res), want)
				}
			},
			"make up": func(t *rapid.T) {
				back := rapid.IntRange(0, 12).Draw(t, "days back")
				d := today - back
				now := instant(today)
				var res streak.Result
				var err error
				s2, res, err := e.MakeUp(s, "lin", base.AddDays(d), now, zone)
				period := cal.PeriodOn(qun.Month, base.AddDays(today))
				var want error
				switch {
				case m.makeUps <= 0:
					want = streak.ErrNoMakeUps
				case d >= today:
					want = streak.ErrNotMissed
				case back > r.MakeUps.DaysBack:
					want = streak.ErrTooFarBack
				case m.used[period] >= r.MakeUps.Limit:
					want = streak.ErrMakeUpLimit
				case m.kept[d]:
					want = streak.ErrNotMissed
				}
				if !errors.Is(err, want) || (want == nil) != (err == nil) {
					t.Fatalf("make up day %d on day %d: %v, model %v", d, today, err, want)
				}
				if err != nil {
					return
				}
				s = s2
				if !m.has || d > m.last {
					m.advance(d)
					m.last, m.has = d, true
				}
				m.count(d)
				m.makeUps--
				m.used[period]++
				if want := m.pay(base, r.Milestones); !slices.Equal(want, keysOf(res)) {
					t.Fatalf("payouts %v, model %v", keysOf(res), want)
				}
			},
			"wait": func(t *rapid.T) {
				today += rapid.IntRange(1, 4).Draw(t, "days")
				st := e.Status(s, instant(today), zone)
				want := 0
				if m.has {
					missed := today - m.last - 1
					if missed < 0 || missed <= m.freezes {
						_, want = m.runAt(m.last)
					}
				}
				if st.Current != want {
					t.Fatalf("status on day %d: current %d, model %d", today, st.Current, want)
				}
			},
			"grant": func(t *rapid.T) {
				n := rapid.IntRange(0, 3).Draw(t, "n")
				var g int
				if rapid.Bool().Draw(t, "freezes") {
					s, g = e.GrantFreezes(s, n)
					m.freezes += g
				} else {
					s, g = e.GrantMakeUps(s, n)
					m.makeUps += g
				}
			},
			"": func(t *rapid.T) {
				cur := 0
				if m.has {
					_, cur = m.runAt(m.last)
				}
				if s.Current() != cur || s.Longest != m.longest() || s.Total != m.total ||
					s.Freezes != m.freezes || s.MakeUps != m.makeUps {
					t.Fatalf("state current %d longest %d total %d freezes %d make-ups %d; model %d %d %d %d %d\nruns %+v",
						s.Current(), s.Longest, s.Total, s.Freezes, s.MakeUps, cur, m.longest(), m.total, m.freezes, m.makeUps, s.Runs)
				}
				if s.Freezes > r.Freezes.MaxHeld || s.MakeUps > r.MakeUps.MaxHeld {
					t.Fatalf("holds more tokens than allowed: %+v", s)
				}
			},
		})
	})
}
