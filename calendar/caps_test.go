package calendar

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

type attempt struct {
	member  qun.MemberID
	channel string
	at      time.Time
}

// breaks reports, by brute force, whether the sends break a cap: some
// member has more than Limit sends that the cap counts in one calendar
// period of the member's zone, or in one rolling window.
func breaks(caps []Cap, sends []attempt, cal func(qun.MemberID) qun.Calendar) bool {
	for _, c := range caps {
		for _, a := range sends {
			if !c.applies(a.channel) {
				continue
			}
			n := 0
			for _, b := range sends {
				if b.member != a.member || !c.applies(b.channel) {
					continue
				}
				if c.Per != 0 {
					mc := cal(a.member)
					if mc.Period(c.Per, a.at) == mc.Period(c.Per, b.at) {
						n++
					}
				} else if !b.at.Before(a.at) && b.at.Sub(a.at) < time.Duration(c.Window) {
					n++ // windows that start at a send are the fullest
				}
			}
			if n > c.Limit {
				return true
			}
		}
	}
	return false
}

// TestCapsModel: sends are attempted in a random order (not time order);
// the ledger admits a send exactly when admitting it keeps every cap, so
// caps are never exceeded in any window and nothing is refused without
// cause: the first processed wins.
func TestCapsModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var caps []Cap
		for range rapid.IntRange(1, 3).Draw(t, "caps") {
			c := Cap{Limit: rapid.IntRange(1, 3).Draw(t, "limit"), Channel: rapid.SampledFrom([]string{"", "wechat", "sms"}).Draw(t, "channel")}
			if rapid.Bool().Draw(t, "rolling") {
				c.Window = qun.Duration(time.Duration(rapid.IntRange(1, 7*24).Draw(t, "window_hours")) * time.Hour)
			} else {
				c.Per = rapid.SampledFrom([]qun.Grain{qun.Day, qun.Week}).Draw(t, "per")
			}
			caps = append(caps, c)
		}
		zones := map[qun.MemberID]qun.Zone{
			"a": qun.MustLoadZone("America/New_York"),
			"b": qun.MustLoadZone("Asia/Shanghai"),
			"c": qun.MustLoadZone("Australia/Lord_Howe"),
		}
		cal := func(m qun.MemberID) qun.Calendar { return qun.Calendar{Zone: zones[m], WeekStart: time.Monday} }
		ledger := NewLedger()
		var admitted []attempt
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) // across March's DST changes
		t.Repeat(map[string]func(*rapid.T){
			"send": func(t *rapid.T) {
				a := attempt{
					member:  rapid.SampledFrom([]qun.MemberID{"a", "b", "c"}).Draw(t, "member"),
					channel: rapid.SampledFrom([]string{"wechat", "sms"}).Draw(t, "channel"),
					at:      base.Add(time.Duration(rapid.IntRange(0, 40*24*4).Draw(t, "quarter_hours")) * 15 * time.Minute),
				}
				i := ledger.capped(caps, ledger.slot(a.member), a.channel, a.at, cal(a.member))
				wouldBreak := breaks(caps, append(append([]attempt(nil), admitted...), a), cal)
				if (i >= 0) != wouldBreak {
					t.Fatalf("capped = %d, but admitting would break a cap: %v (caps %+v)", i, wouldBreak, caps)
				}
				if i < 0 {
					ledger.Record(a.member, a.channel, a.at)
					admitted = append(admitted, a)
				}
			},
			"": func(t *rapid.T) {
				if breaks(caps, admitted, cal) {
					t.Fatalf("admitted sends break a cap")
				}
			},
		})
	})
}

// TestCapPerCalendarDay: a per-day cap counts the member's calendar day,
// not a rolling 24 hours: with one a day, 23:00 and 00:00 the next day
// both go (Braze's example).
func TestCapPerCalendarDay(t *testing.T) {
	sh := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai")}
	loc := sh.Location()
	caps := []Cap{{Limit: 1, Per: qun.Day}}
	l := NewLedger()
	l.Record("u", "wechat", time.Date(2026, 11, 22, 23, 0, 0, 0, loc))
	if i := l.capped(caps, l.slot("u"), "wechat", time.Date(2026, 11, 23, 0, 0, 0, 0, loc), sh); i != -1 {
		t.Errorf("the next calendar day is capped")
	}
	if i := l.capped(caps, l.slot("u"), "sms", time.Date(2026, 11, 22, 23, 30, 0, 0, loc), sh); i != 0 {
		t.Errorf("a second send the same day is not capped")
	}
	rolling := []Cap{{Limit: 1, Window: qun.Days(1)}}
	if i := l.capped(rolling, l.slot("u"), "wechat", time.Date(2026, 11, 23, 0, 0, 0, 0, loc), sh); i != 0 {
		t.Errorf("a rolling day does not cap an hour later")
	}
	perChannel := []Cap{{Channel: "sms", Limit: 1, Per: qun.Day}}
	if i := l.capped(perChannel, l.slot("u"), "sms", time.Date(2026, 11, 22, 23, 30, 0, 0, loc), sh); i != -1 {
		t.Errorf("a cap on sms counts a wechat send")
	}
}

// TestCapWindowBound: a rolling window up to MaxWindow is accepted and
// caps (a send nearly MaxWindow after another is still capped, one at
// MaxWindow is not); a longer one is refused at its field, so that no
// window's arithmetic can overflow and silently disable the cap. Instants
// at the ends of time.Time's range do not overflow either.
func TestCapWindowBound(t *testing.T) {
	p := Policy{Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai")}, BestTime: BestTime{Fallback: Clock{20, 0}}}
	for _, tt := range []struct {
		window qun.Duration
		ok     bool
	}{
		{MaxWindow, true},
		{MaxWindow + 1, false},
		{qun.Duration(math.MaxInt64), false},
		{qun.Duration(math.MaxInt64 - int64(time.Second) + 2), false},
		{-1, false},
	} {
		p.Caps = []Cap{{Limit: 1, Window: tt.window}}
		err := p.Validate()
		var ve *qun.ValidationError
		if tt.ok != (err == nil) || !tt.ok && (!errors.As(err, &ve) || ve.Field != "caps[0].window" || !errors.Is(err, qun.ErrInvalid)) {
			t.Errorf("window %v: %v", time.Duration(tt.window), err)
		}
	}
	caps := []Cap{{Limit: 1, Window: MaxWindow}}
	cal := qun.Calendar{}
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLedger()
	l.Record("u", "sms", first)
	if i := l.capped(caps, 0, "sms", first.Add(time.Duration(MaxWindow)-time.Second), cal); i != 0 {
		t.Errorf("a send within the window is not capped")
	}
	if i := l.capped(caps, 0, "sms", first.Add(time.Duration(MaxWindow)), cal); i != -1 {
		t.Errorf("a send a window later is capped")
	}
	// The far ends of time: no overflow in the window or the search.
	for _, at := range []time.Time{time.Unix(math.MaxInt64, 0), time.Unix(math.MinInt64, 0), time.Unix(math.MaxInt64-100, 0), {}} {
		l := NewLedger()
		l.Record("u", "sms", at)
		l.Record("u", "sms", first)
		for _, c := range [][]Cap{caps, {{Limit: 1, Per: qun.Day}}} {
			if i := l.capped(c, 0, "sms", at, cal); i != 0 {
				t.Errorf("%v: a second send at the same instant is not capped by %+v", at, c)
			}
		}
	}
}
