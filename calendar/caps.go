package calendar

import (
	"cmp"
	"errors"
	"slices"
	"time"

	"github.com/qunkit/qun"
)

// Cap limits how many messages one member receives: on one channel, or on
// all channels together when Channel is empty; at most Limit per calendar
// period in the member's own zone (Per: a day, week, month, quarter or
// year), or at most Limit within any rolling window of elapsed time
// (Window: "7d"). Exactly one of Per and Window is set.
//
// These are Braze's global frequency caps (braze.com/docs/user_guide/
// messaging/messaging_fundamentals/frequency_capping): counted across every
// message, per channel, "per day" by the user's calendar day in the user's
// time zone, not by rolling 24 hours; when several sends compete for what
// is left, the first one processed counts and the rest are capped.
//
// A rolling window is at most [MaxWindow] long.
//
// Its JSON form is {"channel":"wechat","limit":2,"per":"day"} or
// {"limit":5,"window":"7d"}.
type Cap struct {
	// Channel is the channel whose sends the cap counts and limits,
	// matched exactly against [Message.Channel] ("wechat", "sms"); ""
	// counts the member's sends on every channel together and limits
	// each of them.
	Channel string `json:"channel,omitempty"`
	// Limit is the most sends the cap allows in one period or window; a
	// send that would be one more is refused. It must be at least 1.
	Limit int `json:"limit"`
	// Per is the calendar period counted: "day", "week", "month",
	// "quarter" or "year", in the member's zone with the policy's week
	// start, so that "2 per day" restarts at each member's midnight.
	// The zero Grain means no period; then Window must be set.
	Per qun.Grain `json:"per,omitzero"`
	// Window is the rolling window counted, in elapsed time ("7d"): no
	// span [a, a+Window) may hold more than Limit sends, so a send
	// exactly Window after another no longer counts with it. Sends are
	// counted to the whole second, and a Window with a fraction of a
	// second is rounded up to the next whole second. It must be zero when
	// Per is set, and otherwise positive and at most [MaxWindow].
	Window qun.Duration `json:"window,omitzero"`
}

// MaxWindow is the longest rolling window a [Cap] may have: ten years of
// 366 days. No frequency cap needs more (Google's Display & Video 360
// allows at most two months: developers.google.com/display-video/api/
// reference/rest/v1/FrequencyCap), and the bound keeps every sum of an
// instant and a window far inside int64, so no cap can be silently
// disabled by overflow.
const MaxWindow = qun.Duration(10 * 366 * 24 * time.Hour)

// Validate reports whether the cap has a positive limit and exactly one of
// a period and a positive window of at most [MaxWindow].
func (c Cap) Validate() error {
	var errs []error
	if c.Limit < 1 {
		errs = append(errs, qun.Invalid("limit", "must be at least 1"))
	}
	switch {
	case c.Per != 0 && c.Window != 0:
		errs = append(errs, qun.Invalid("window", "must not be given with per"))
	case c.Per == 0 && c.Window == 0:
		errs = append(errs, qun.Invalid("per", "give a calendar period (per) or a rolling window"))
	case c.Per != 0 && !c.Per.IsValid():
		errs = append(errs, qun.Invalid("per", "must be day, week, month, quarter or year"))
	case c.Window < 0:
		errs = append(errs, qun.Invalid("window", "must be positive"))
	case c.Window > MaxWindow:
		errs = append(errs, qun.Invalid("window", "must be at most %s", MaxWindow))
	}
	return errors.Join(errs...)
}

// applies reports whether the cap counts sends on channel.
func (c Cap) applies(channel string) bool { return c.Channel == "" || c.Channel == channel }

// Quota limits a channel's sends to all members together: at most Limit
// per calendar period of the policy's calendar. It is the platform's own
// limit (a WeChat official account's broadcasts, an SMS budget), where a
// Cap is the member's.
//
// A Quota counts the sends on its channel in its period that a [Ledger]
// holds as the policy's: those [Sender.PlanDay] and [Sender.Record] put
// there. [Ledger.Record], which knows no policy, counts against member caps
// only, so a host restoring a ledger from its send log records through
// [Sender.Record] to restore the quotas too. Quotas are counted by channel
// and period, not by their place in [Policy.Quotas]: reordering them, or
// giving two quotas the same channel and period, counts the same sends.
type Quota struct {
	// Channel is the channel limited, matched exactly against
	// [Message.Channel]. It must not be empty. Several quotas may limit
	// one channel (per day and per month); each applies.
	Channel string `json:"channel"`
	// Limit is the most sends on the channel, to all members together,
	// in one period. It must be at least 1.
	Limit int64 `json:"limit"`
	// Per is the period: "day", "week", "month", "quarter" or "year" of
	// the policy's calendar (the community's zone and week start), the
	// same for every member. It must be given.
	Per qun.Grain `json:"per"`
}

// Validate reports whether the quota names a channel, a positive limit and
// a period.
func (q Quota) Validate() error {
	var errs []error
	if q.Channel == "" {
		errs = append(errs, qun.Invalid("channel", "must not be empty"))
	}
	if q.Limit < 1 {
		errs = append(errs, qun.Invalid("limit", "must be at least 1"))
	}
	if !q.Per.IsValid() {
		errs = append(errs, qun.Invalid("per", "must be day, week, month, quarter or year"))
	}
	return errors.Join(errs...)
}

// Ledger is what caps count: the sends each member has been given, and the
// sends each channel quota has used. It is state the host owns: it records
// what it delivered (from its send log, with [Sender.Record], or with
// [Ledger.Record] when it has no quotas) and passes the Ledger to planning,
// which records every send it admits. The zero
// Ledger is empty and ready to use, as is [NewLedger]'s; a nil *Ledger
// has no sends to count but nowhere to record one. A Ledger is not safe
// for concurrent use.
type Ledger struct {
	index    map[qun.MemberID]int32
	logs     [][]sent // by index: each member's sends in time order
	channels map[string]int32
	quotas   map[quotaKey]int64
	arena    []sent // room for members' first sends, carved four at a time
}

// sent is one send in a member's log: an instant and a channel, interned,
// so that logs hold no pointers for the collector to scan.
type sent struct {
	at      int64 // Unix seconds, within ±2⁶² (unixOf)
	channel int32 // by Ledger.channels
}

// quotaKey names what a quota counts: the sends on one channel (by
// Ledger.channels) in one period of the policy's calendar.
type quotaKey struct {
	channel int32
	per     qun.Grain
	period  int64
}

// NewLedger returns an empty Ledger.
func NewLedger() *Ledger {
	return &Ledger{index: map[qun.MemberID]int32{}, quotas: map[quotaKey]int64{}}
}

// Record counts a send the host made to a member on a channel at an
// instant, against member caps; [Sender.Record] counts it against the
// policy's channel quotas as well. Sends are kept in time order, whatever
// order they are recorded in. It needs a Ledger to record in: calling it
// on a nil *Ledger is a programming error, and panics as any write
// through a nil pointer does.
func (l *Ledger) Record(member qun.MemberID, channel string, at time.Time) {
	l.record(l.slot(member), l.channel(channel), unixOf(at))
}

// channel returns the channel's number in the ledger, giving it one if
// need be.
func (l *Ledger) channel(name string) int32 {
	c, ok := l.channels[name]
	if !ok {
		if l.channels == nil {
			l.channels = map[string]int32{}
		}
		c = int32(len(l.channels))
		l.channels[name] = c
	}
	return c
}

// slot returns the member's index, making one if need be.
func (l *Ledger) slot(member qun.MemberID) int32 {
	i, ok := l.index[member]
	if !ok {
		if l.index == nil {
			l.index = map[qun.MemberID]int32{}
		}
		i = int32(len(l.logs))
		l.index[member] = i
		l.logs = append(l.logs, nil)
	}
	return i
}

func (l *Ledger) record(slot, channel int32, at int64) {
	list := l.logs[slot]
	if list == nil {
		if cap(l.arena)-len(l.arena) < 4 {
			l.arena = make([]sent, 0, 4096)
		}
		n := len(l.arena)
		list = l.arena[n : n : n+4]
		l.arena = l.arena[:n+4]
	}
	i, _ := slices.BinarySearchFunc(list, at, bySentAt)
	l.logs[slot] = slices.Insert(list, i, sent{at, channel})
}

// reserve makes room for n members when the ledger is empty, so that a
// day's planning does not grow the map again and again.
func (l *Ledger) reserve(n int) {
	if len(l.index) == 0 && n > 0 {
		l.index = make(map[qun.MemberID]int32, n)
		l.logs = make([][]sent, 0, n)
	}
}

// Sends returns how many sends are recorded for a member; none in a nil
// Ledger.
func (l *Ledger) Sends(member qun.MemberID) int {
	if l == nil {
		return 0
	}
	if i, ok := l.index[member]; ok {
		return len(l.logs[i])
	}
	return 0
}

// capped returns the index of the first cap that a send on channel at t
// would break, given the member's sends (at slot; -1 for none), or -1.
func (l *Ledger) capped(caps []Cap, slot int32, channel string, t time.Time, cal qun.Calendar) int {
	if slot < 0 {
		return -1
	}
	list := l.logs[slot]
	if len(list) == 0 {
		return -1
	}
	at := unixOf(t)
	for i, c := range caps {
		if !c.applies(channel) {
			continue
		}
		// The sends the cap counts: all (ch < 0), or those on its
		// channel (none, if the ledger has never seen it).
		ch := int32(-1)
		if c.Channel != "" {
			var ok bool
			if ch, ok = l.channels[c.Channel]; !ok {
				continue
			}
		}
		if c.Per != 0 {
			// Periods are at most a year long: only sends within a year
			// and a day either side can share t's.
			p := cal.Period(c.Per, time.Unix(at, 0))
			n := 0
			for _, s := range window(list, at-367*86400, at+367*86400) {
				if (ch < 0 || s.channel == ch) && cal.Period(c.Per, time.Unix(s.at, 0)) == p {
					n++
				}
			}
			if n >= c.Limit {
				return i
			}
			continue
		}
		// Rolling: every window [a, a+w) that holds t must keep room for
		// it. The fullest such window starts at t or at a send in
		// (t-w, t]. The window is at most MaxWindow, a few hundred
		// million seconds, and instants are within ±2⁶² (unixOf): no
		// sum overflows.
		w := int64((time.Duration(min(c.Window, MaxWindow)) + time.Second - 1) / time.Second)
		near := window(list, at-w+1, at+w)
		best := 0
		count := func(a int64) int {
			n := 0
			for _, s := range near {
				if s.at >= a && s.at < a+w && (ch < 0 || s.channel == ch) {
					n++
				}
			}
			return n
		}
		best = count(at)
		for _, s := range near {
			if s.at > at {
				break
			}
			if ch < 0 || s.channel == ch {
				best = max(best, count(s.at))
			}
		}
		if best >= c.Limit {
			return i
		}
	}
	return -1
}

// window returns the sends in [lo, hi) of a sorted list.
func window(list []sent, lo, hi int64) []sent {
	i, _ := slices.BinarySearchFunc(list, lo, bySentAt)
	j := i
	for j < len(list) && list[j].at < hi {
		j++
	}
	return list[i:j]
}

// bySentAt orders sends by instant, for binary search.
func bySentAt(s sent, t int64) int { return cmp.Compare(s.at, t) }

// unixOf returns t in Unix seconds, held within ±2⁶² (some hundred
// billion years either way), so that an instant plus or minus any window
// or period never overflows int64. Instants past that are one instant.
func unixOf(t time.Time) int64 { return min(max(t.Unix(), -1<<62), 1<<62) }
