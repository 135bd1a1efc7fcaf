package calendar

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/calendar/rrule"
)

// Item is a piece of content waiting in the backlog: what kind it is, its
// topics, the segment it is for, and the days it may go out on.
type Item struct {
	// ID names the item in [Post.Item] and [Unscheduled.Item]. It must not
	// be empty; Fill does not check that IDs are distinct, so two items
	// with one ID are two items that report under the same name.
	ID string `json:"id"`
	// Kind is what the item is (news, tutorial, ..., promotion): the kind
	// a slot's Kinds, the mix's shares and period limits and KindGap
	// count it as. It must be a valid [Kind]; in JSON it is the kind's
	// name, "promotion".
	Kind Kind `json:"kind"`
	// Topics are the item's subjects, compared exactly (case and all)
	// with those of other posts for the mix's TopicGap, and with the
	// day's [Holiday.Name] and the month's [Season.Theme]: an item with
	// one of those among its topics goes first that day. None is fine.
	Topics []string `json:"topics,omitempty"`
	// Segment is the segment the item is written for. An item for a
	// segment fits a slot for that segment or a slot for anyone; an item
	// with no segment ("") fits only slots for anyone (see
	// [Slot.Segment]).
	Segment string `json:"segment,omitempty"`
	// Earliest and Latest are the first and last days the item may go out
	// on, both included, as days of the plan's calendar. A zero Date
	// leaves that side open; Latest before Earliest is refused.
	Earliest qun.Date `json:"earliest,omitzero"`
	Latest   qun.Date `json:"latest,omitzero"`
}

// Validate reports whether the item has an ID and a kind, and a date range
// that is not empty.
func (it Item) Validate() error {
	var errs []error
	if it.ID == "" {
		errs = append(errs, qun.Invalid("id", "must not be empty"))
	}
	if !it.Kind.IsValid() {
		errs = append(errs, qun.Invalid("kind", "must be a kind of content"))
	}
	if !it.Earliest.IsZero() && !it.Latest.IsZero() && it.Latest.Before(it.Earliest) {
		errs = append(errs, qun.Invalid("latest", "must not be before earliest"))
	}
	return errors.Join(errs...)
}

// Slot is a recurring place in the calendar for one post: "weekdays at
// 20:00", "Saturday morning". It may take only some kinds, or content for
// one segment. A holiday slot is used only on holidays, to raise the
// cadence (see [Holiday]).
type Slot struct {
	// Name names the slot in [Post.Slot], [EmptySlot.Slot] and the
	// reasons. It must not be empty, and no two slots of a plan may
	// share one.
	Name string `json:"name"`
	// When is the slot's recurrence: each occurrence in [FillParams]'
	// [From, To) is a place for one post. Its zone sets the wall time of
	// the occurrences; the plan's calendar decides which day each falls
	// on (for holidays, blackouts, item dates and the mix). In JSON it is
	// the recurrence's text, "DTSTART;TZID=Asia/Shanghai:20261123T200000\nRRULE:FREQ=DAILY".
	When rrule.Recurrence `json:"when"`
	// Kinds, if any, are the only kinds of item the slot takes; none
	// takes every kind.
	Kinds []Kind `json:"kinds,omitempty"`
	// Segment, if set, makes the slot take only items for that segment
	// ([Item.Segment] equal to it); "" takes items for any segment or
	// none.
	Segment string `json:"segment,omitempty"`
	// Holiday makes the slot a holiday slot, used only to add posts on a
	// holiday whose [Holiday.Multiplier] is above 1: its occurrences that
	// day are taken in time order, with those of other holiday slots,
	// until the day has its multiplied number of posts. On other days,
	// and on holidays that need no extra posts, its occurrences are not
	// used and not reported as empty. The extra is a multiple of the
	// day's regular occurrences, so a holiday with none (a Sunday, for a
	// plan of weekday slots) gets no holiday slots either.
	Holiday bool `json:"holiday,omitempty"`
}

// Share is a kind's place in the mix over the rolling window: Target is
// the share the plan steers toward (kinds furthest below their target go
// first); Max, when above zero, is a share the kind never exceeds
// (promotion at most 0.1).
//
// Max is a trailing-window rule, checked for each post of the kind as it
// is placed: the post goes only if, counting it, the kind is at most Max
// of the posts on the WindowDays days ending with its own day. It holds in
// the finished plan for the window ending on the day of every post of the
// kind, counting every post on those days: published history in full, and
// posts placed later that same day, since those of other kinds only add to
// the total and those of the kind are checked themselves. It does not
// promise the share in windows ending on other days: once the posts that
// made room for a promotion roll out of the window, a later day that posts
// less (a blackout, an empty slot) can see a larger share. Holding it in
// every window would mean knowing, at the promotion, how many posts the
// following days will have, which the planner, filling in time order,
// cannot; the rule is the operator's question at each post ("would this
// make promotion more than one post in ten of the last 30 days?").
type Share struct {
	// Kind is the kind the share is for; a plan lists each kind once.
	Kind Kind `json:"kind"`
	// Target is the share of the window's posts the plan steers the kind
	// toward, from 0 to 1: among items that fit a slot, those whose kind
	// is furthest below its target (Target less the kind's share of the
	// window's posts so far, or Target itself in an empty window) go
	// first. A kind with no Share ranks as if exactly on target, so a
	// kind above its target (or with a Target of 0 and posts in the
	// window) ranks below it. 0 is no target; targets need not add up
	// to 1.
	Target float64 `json:"target,omitempty"`
	// Max, from 0 to 1, is the most of the window's posts the kind may
	// be, counting the post being placed, as described above: 0.1 is "at
	// most one post in ten". 0 means no maximum, and 1 limits nothing.
	Max float64 `json:"max,omitempty"`
}

// PeriodLimit allows at most Max posts of a kind per calendar period:
// {"kind":"promotion","per":"week","max":1} is "no two promotions in a
// week".
type PeriodLimit struct {
	// Kind is the kind whose posts are counted. A kind may have several
	// limits (per week and per month); each applies.
	Kind Kind `json:"kind"`
	// Per is the period: "day", "week", "month", "quarter" or "year" of
	// the plan's calendar (its zone, and its week start for weeks). A
	// post is counted in the period its day falls in.
	Per qun.Grain `json:"per"`
	// Max is the most posts of the kind in one period, counting the
	// published posts (all of the period, even those after the slot
	// being filled) and those already placed. It must not be negative;
	// 0 places none of the kind, and is not "no limit".
	Max int `json:"max"`
}

// Mix is the rules that keep content varied.
type Mix struct {
	// WindowDays is the length of the rolling window shares are counted
	// over, in calendar days ending on the day of the post.
	WindowDays int `json:"window_days,omitempty"`
	// Shares are the kinds' target and maximum shares of the posts in
	// the window; a kind with none has no maximum. When Shares are given,
	// WindowDays must be at least 1.
	Shares []Share `json:"shares,omitempty"`
	// KindGap and TopicGap are the least time between two posts of the
	// same kind, or sharing a topic.
	KindGap  qun.Duration `json:"kind_gap,omitzero"`
	TopicGap qun.Duration `json:"topic_gap,omitzero"`
	// Limits cap the posts of a kind per calendar period ("no two
	// promotions in a week"); all of them apply.
	Limits []PeriodLimit `json:"limits,omitempty"`
}

// Holiday is a day the host marks: its name, and a multiplier of the day's
// cadence. A multiplier of 2 doubles the day's posts, taking the extra
// from holiday slots in time order; 0.5 halves them, keeping the earliest;
// 1 (or 0, unset) changes nothing. Items whose topics include the
// holiday's name go first that day.
type Holiday struct {
	// Date is the holiday, a day of the plan's calendar, "2026-10-01" in
	// JSON. No two holidays of a plan share a date.
	Date qun.Date `json:"date"`
	// Name names the holiday in [Post.Holiday] and the reasons, and is
	// the topic that puts an item first that day (see [Item.Topics]). It
	// may be empty, when it puts no item first.
	Name string `json:"name"`
	// Multiplier scales the number of the day's posts, from 0 to 100:
	// the day's regular slot occurrences times Multiplier, rounded to the
	// nearest whole number (halves away from zero). Above 1 the extra
	// posts come from holiday slots; below 1 the latest occurrences are
	// left empty, with the holiday as their reason; 0 (unset) and 1 change
	// nothing. To post nothing on a day, make it a blackout.
	Multiplier float64 `json:"multiplier,omitempty"`
}

// Season is a theme for some months: items whose topics include the theme
// go first in them.
type Season struct {
	// Months are the months of the season, 1 to 12 (in JSON, numbers:
	// [12,1,2]), read from each slot's day in the plan's calendar. No
	// month is in two seasons.
	Months []time.Month `json:"months"`
	// Theme is the topic that puts an item first in those months (see
	// [Item.Topics]), and is reported in [Post.Theme]. It must not be
	// empty.
	Theme string `json:"theme"`
}

// Plan is a content calendar: slots to fill, the mix rules, holidays,
// seasons and blackout dates, in a calendar (the community's zone and week
// start). It compiles into a [Planner].
type Plan struct {
	// Calendar is the community's calendar: the zone in which each slot
	// occurrence's day is read (for holidays, blackouts, seasons, item
	// dates and the mix window), whose periods, with its week start,
	// the period limits count, and in which [Post.At] is given. The zero
	// Calendar is UTC with weeks beginning on Sunday.
	Calendar qun.Calendar `json:"calendar"`
	// Slots are the recurring places for posts; there must be at least
	// one. Occurrences of two slots at the same instant are filled in
	// the order of the slots here.
	Slots []Slot `json:"slots"`
	// Mix holds the rules that keep the content varied; the zero Mix has
	// none, so any item that fits a slot's kinds and segment and its own
	// dates may fill it.
	Mix Mix `json:"mix"`
	// Holidays are the host's holiday calendar: the days whose cadence
	// changes and whose name puts items first.
	Holidays []Holiday `json:"holidays,omitempty"`
	// Seasons are the themes by month.
	Seasons []Season `json:"seasons,omitempty"`
	// Blackouts are days of the plan's calendar on which nothing is
	// posted: each slot occurrence on one is left empty with the reason
	// "blackout date", and holiday slots are not used on it.
	Blackouts []qun.Date `json:"blackouts,omitempty"`
}

// Validate reports every problem with p, joined, with field paths.
func (p Plan) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("calendar", p.Calendar.Validate()))
	if len(p.Slots) == 0 {
		errs = append(errs, qun.Invalid("slots", "must not be empty"))
	}
	slotNames := map[string]bool{}
	for i, s := range p.Slots {
		f := "slots[" + strconv.Itoa(i) + "]"
		if s.Name == "" {
			errs = append(errs, qun.Invalid(f+".name", "must not be empty"))
		} else if slotNames[s.Name] {
			errs = append(errs, qun.Invalid(f+".name", "%q names another slot too", s.Name))
		}
		slotNames[s.Name] = true
		errs = append(errs, qun.Within(f+".when", s.When.Validate()))
		for j, k := range s.Kinds {
			if !k.IsValid() {
				errs = append(errs, qun.Invalid(f+".kinds["+strconv.Itoa(j)+"]", "must be a kind of content"))
			}
		}
	}
	m := p.Mix
	if m.WindowDays < 0 || len(m.Shares) > 0 && m.WindowDays == 0 {
		errs = append(errs, qun.Invalid("mix.window_days", "must be at least 1 when shares are given"))
	}
	shareKinds := map[Kind]bool{}
	for i, s := range m.Shares {
		f := "mix.shares[" + strconv.Itoa(i) + "]"
		if !s.Kind.IsValid() {
			errs = append(errs, qun.Invalid(f+".kind", "must be a kind of content"))
		} else if shareKinds[s.Kind] {
			errs = append(errs, qun.Invalid(f+".kind", "%s has a share above already", s.Kind))
		}
		shareKinds[s.Kind] = true
		if !(s.Target >= 0 && s.Target <= 1) {
			errs = append(errs, qun.Invalid(f+".target", "must be a share from 0 to 1"))
		}
		if !(s.Max >= 0 && s.Max <= 1) {
			errs = append(errs, qun.Invalid(f+".max", "must be a share from 0 to 1"))
		}
	}
	if m.KindGap < 0 {
		errs = append(errs, qun.Invalid("mix.kind_gap", "must not be negative"))
	}
	if m.TopicGap < 0 {
		errs = append(errs, qun.Invalid("mix.topic_gap", "must not be negative"))
	}
	for i, l := range m.Limits {
		f := "mix.limits[" + strconv.Itoa(i) + "]"
		if !l.Kind.IsValid() {
			errs = append(errs, qun.Invalid(f+".kind", "must be a kind of content"))
		}
		if !l.Per.IsValid() {
			errs = append(errs, qun.Invalid(f+".per", "must be day, week, month, quarter or year"))
		}
		if l.Max < 0 {
			errs = append(errs, qun.Invalid(f+".max", "must not be negative"))
		}
	}
	holidayDates := map[qun.Date]bool{}
	for i, h := range p.Holidays {
		f := "holidays[" + strconv.Itoa(i) + "]"
		if !h.Date.IsValid() {
			errs = append(errs, qun.Invalid(f+".date", "must be a date"))
		} else if holidayDates[h.Date] {
			errs = append(errs, qun.Invalid(f+".date", "%s is another holiday's date too", h.Date))
		}
		holidayDates[h.Date] = true
		if !(h.Multiplier >= 0) || math.IsInf(h.Multiplier, 0) || h.Multiplier > 100 {
			errs = append(errs, qun.Invalid(f+".multiplier", "must be from 0 to 100"))
		}
	}
	var seasonMonths [13]bool
	for i, s := range p.Seasons {
		f := "seasons[" + strconv.Itoa(i) + "]"
		if s.Theme == "" {
			errs = append(errs, qun.Invalid(f+".theme", "must not be empty"))
		}
		for j, mo := range s.Months {
			if mo < time.January || mo > time.December {
				errs = append(errs, qun.Invalid(f+".months["+strconv.Itoa(j)+"]", "must be 1 to 12"))
			} else if seasonMonths[mo] {
				errs = append(errs, qun.Invalid(f+".months["+strconv.Itoa(j)+"]", "%s is in another season too", mo))
			}
			if mo >= time.January && mo <= time.December {
				seasonMonths[mo] = true
			}
		}
	}
	for i, d := range p.Blackouts {
		if !d.IsValid() {
			errs = append(errs, qun.Invalid("blackouts["+strconv.Itoa(i)+"]", "must be a date"))
		}
	}
	return errors.Join(errs...)
}

// Planner is a compiled [Plan]. It is immutable and safe for concurrent
// use.
type Planner struct {
	p     Plan
	slots []*rrule.Schedule
}

// Compile validates p and compiles its slots.
func (p Plan) Compile() (*Planner, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("calendar: compile plan: %w", err)
	}
	pl := &Planner{p: p}
	for _, s := range p.Slots {
		sched, err := s.When.Compile()
		if err != nil {
			return nil, fmt.Errorf("calendar: compile plan: slot %s: %w", s.Name, err)
		}
		pl.slots = append(pl.slots, sched)
	}
	return pl, nil
}

// Post is one item in one slot, and why it was chosen.
//
// As [FillParams.Published] history, only At, Kind and Topics are read.
type Post struct {
	// Slot is the [Slot.Name] of the slot filled.
	Slot string `json:"slot"`
	// At is the slot occurrence's instant, given in the plan calendar's
	// zone.
	At time.Time `json:"at"`
	// Item is the [Item.ID] of the item placed.
	Item string `json:"item"`
	// Kind is the item's kind.
	Kind Kind `json:"kind"`
	// Topics are the item's topics (the same slice as the item's).
	Topics []string `json:"topics,omitempty"`
	// Theme is the season theme of the post's month, "" when there is
	// none; it is set whether or not the item has the theme among its
	// topics.
	Theme string `json:"theme,omitempty"`
	// Holiday is the name of the post's day's holiday, "" when there is
	// none; like Theme, it is set whether or not the item has it as a
	// topic.
	Holiday string `json:"holiday,omitempty"`
	// Why explains the choice, reasons parted by "; ": the holiday or
	// season theme that put the item first, if one did; the kind's
	// posts in the window against its target, if it has a [Share]; and
	// the item's position in the backlog, from 1.
	Why string `json:"why,omitempty"`
}

// EmptySlot is a slot occurrence left empty, and why.
type EmptySlot struct {
	// Slot is the [Slot.Name] of the slot left empty.
	Slot string `json:"slot"`
	// At is the occurrence's instant, in the plan calendar's zone, as
	// [Post.At] is.
	At time.Time `json:"at"`
	// Reason says why: "blackout date 2026-10-01", "holiday National Day
	// runs at ×0.5 cadence", "no item left in the backlog", or "no item
	// fits" with the count of items refused for each reason, "(2
	// expired, 1 wrong kind)".
	Reason string `json:"reason"`
}

// Unscheduled is a backlog item left out, and why.
type Unscheduled struct {
	// Item is the [Item.ID] of the item left out.
	Item string `json:"item"`
	// Reason says why: the last rule about the item that refused it
	// ("expired: not after 2026-11-30", "share limit: ...", "period
	// limit: ..."); else "outranked: ..." when it fit some slot that
	// another item won; else the last slot that refused its kind or
	// segment ("wrong kind: ..."); or "no slot was open for it" when the
	// span had no open slot occurrence (none, or only ones a blackout or
	// a holiday's lower cadence closed).
	Reason string `json:"reason"`
}

// Filled is a filled plan: the posts in time order, the slots left empty
// and the items left out, each with its reason.
type Filled struct {
	// Posts are the posts placed, in time order; posts at the same
	// instant are in the order of their slots in the plan.
	Posts []Post `json:"posts"`
	// Empty are the slot occurrences left empty, in time order.
	Empty []EmptySlot `json:"empty,omitempty"`
	// Unscheduled are the backlog items not placed, in backlog order.
	Unscheduled []Unscheduled `json:"unscheduled,omitempty"`
}

// FillParams are the inputs of [Planner.Fill].
type FillParams struct {
	// Backlog is the content to place, in order of preference: among
	// items that fit equally, the earlier goes first.
	Backlog []Item
	// From and To bound the slot occurrences to fill: [From, To).
	From, To time.Time
	// Published are posts already out, in any order; they count for the
	// mix window, the gaps and the period limits, all of them on the days
	// they went out, even one later in the day than a slot being filled.
	Published []Post
}

// slotTime is one occurrence of one slot.
type slotTime struct {
	at   time.Time
	slot int
}

// Fill places backlog items into the slot occurrences in [From, To), in
// time order, deterministically. For each occurrence it takes, of the
// items that fit (the slot's kinds and segment, the item's dates, the
// gaps, the period limits, the maximum shares), the one whose topics
// include the day's holiday or season theme, then the one whose kind is
// furthest below its target share, then the earliest in the backlog.
func (pl *Planner) Fill(fp FillParams) (Filled, error) {
	for i, it := range fp.Backlog {
		if err := it.Validate(); err != nil {
			return Filled{}, fmt.Errorf("calendar: fill: %w", qun.Within("backlog["+strconv.Itoa(i)+"]", err))
		}
	}
	p := pl.p
	loc := p.Calendar.Location()
	var res Filled
	holidays := map[qun.Date]Holiday{}
	for _, h := range p.Holidays {
		holidays[h.Date] = h
	}
	blackout := map[qun.Date]bool{}
	for _, d := range p.Blackouts {
		blackout[d] = true
	}
	// Expand the slots, and group their occurrences by local day.
	var regular, extra []slotTime
	for i, sched := range pl.slots {
		for at := range sched.Between(fp.From, fp.To) {
			if p.Slots[i].Holiday {
				if _, ok := holidays[p.Calendar.Date(at)]; ok {
					extra = append(extra, slotTime{at, i})
				}
				continue
			}
			regular = append(regular, slotTime{at, i})
		}
	}
	byTime := func(a, b slotTime) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.slot, b.slot)
	}
	slices.SortFunc(regular, byTime)
	slices.SortFunc(extra, byTime)
	var active []slotTime
	for i := 0; i < len(regular); {
		day := p.Calendar.Date(regular[i].at)
		j := i
		for j < len(regular) && p.Calendar.Date(regular[j].at) == day {
			j++
		}
		today := regular[i:j]
		i = j
		if blackout[day] {
			for _, st := range today {
				res.Empty = append(res.Empty, EmptySlot{p.Slots[st.slot].Name, st.at.In(loc), "blackout date " + day.String()})
			}
			continue
		}
		h, isHoliday := holidays[day]
		if !isHoliday || h.Multiplier == 0 || h.Multiplier == 1 {
			active = append(active, today...)
			continue
		}
		target := int(math.Round(float64(len(today)) * h.Multiplier))
		keep := min(target, len(today))
		active = append(active, today[:keep]...)
		for _, st := range today[keep:] {
			res.Empty = append(res.Empty, EmptySlot{p.Slots[st.slot].Name, st.at.In(loc),
				fmt.Sprintf("holiday %s runs at ×%g cadence", h.Name, h.Multiplier)})
		}
		for _, st := range extra {
			if target <= len(today) {
				break
			}
			if p.Calendar.Date(st.at) == day {
				active = append(active, st)
				target--
			}
		}
	}
	// Blackouts and holidays can empty extra slots too; only those used
	// above are active.
	slices.SortFunc(active, byTime)

	st := newMixState(p, fp.Published)
	used := make([]bool, len(fp.Backlog))
	lastReason := make([]string, len(fp.Backlog))
	fit := make([]bool, len(fp.Backlog)) // fit some slot, but another item won it
	for _, occ := range active {
		slot := p.Slots[occ.slot]
		day := p.Calendar.Date(occ.at)
		theme := seasonTheme(p.Seasons, day.Month)
		holiday := holidays[day].Name
		best := -1
		var bestRank rank
		rejects := map[string]int{}
		for i, it := range fp.Backlog {
			if used[i] {
				continue
			}
			if reason := st.reject(slot, it, occ.at, day); reason != "" {
				// A slot's kinds or segment say nothing of the item
				// itself: keep a reason that does.
				if lastReason[i] == "" || !slotReason(reason) || slotReason(lastReason[i]) {
					lastReason[i] = reason
				}
				rejects[reasonClass(reason)]++
				continue
			}
			fit[i] = true
			r := rank{themed: hasTopic(it.Topics, holiday) || hasTopic(it.Topics, theme), deficit: st.deficit(it.Kind, day), order: i}
			if best < 0 || r.better(bestRank) {
				best, bestRank = i, r
			}
		}
		if best < 0 {
			res.Empty = append(res.Empty, EmptySlot{slot.Name, occ.at.In(loc), emptyReason(rejects)})
			continue
		}
		it := fp.Backlog[best]
		used[best] = true
		post := Post{
			Slot: slot.Name, At: occ.at.In(loc), Item: it.ID, Kind: it.Kind, Topics: it.Topics,
			Theme: theme, Holiday: holiday, Why: st.why(it, bestRank, day, theme, holiday),
		}
		st.add(post, day)
		res.Posts = append(res.Posts, post)
	}
	for i, it := range fp.Backlog {
		if used[i] {
			continue
		}
		reason := lastReason[i]
		switch {
		case fit[i] && (reason == "" || slotReason(reason)):
			reason = "outranked: each slot it fit went to an item whose kind was further below its target share, or earlier in the backlog"
		case reason == "":
			reason = "no slot was open for it"
		}
		res.Unscheduled = append(res.Unscheduled, Unscheduled{it.ID, reason})
	}
	slices.SortStableFunc(res.Empty, func(a, b EmptySlot) int { return a.At.Compare(b.At) })
	return res, nil
}

// rank orders the items that fit a slot.
type rank struct {
	themed  bool
	deficit float64
	order   int
}

func (r rank) better(o rank) bool {
	if r.themed != o.themed {
		return r.themed
	}
	if r.deficit != o.deficit {
		return r.deficit > o.deficit
	}
	return r.order < o.order
}

func hasTopic(topics []string, t string) bool { return t != "" && slices.Contains(topics, t) }

func seasonTheme(seasons []Season, m time.Month) string {
	for _, s := range seasons {
		if slices.Contains(s.Months, m) {
			return s.Theme
		}
	}
	return ""
}

// slotReason reports whether a reason is about the slot, not the item.
func slotReason(reason string) bool {
	return strings.HasPrefix(reason, "wrong kind") || strings.HasPrefix(reason, "wrong segment")
}

// reasonClass is the part of a reason before its details, for counting.
func reasonClass(reason string) string {
	c, _, _ := strings.Cut(reason, ":")
	return c
}

func emptyReason(rejects map[string]int) string {
	if len(rejects) == 0 {
		return "no item left in the backlog"
	}
	classes := slices.Sorted(func(yield func(string) bool) {
		for c := range rejects {
			if !yield(c) {
				return
			}
		}
	})
	parts := make([]string, len(classes))
	for i, c := range classes {
		parts[i] = fmt.Sprintf("%d %s", rejects[c], c)
	}
	return "no item fits (" + strings.Join(parts, ", ") + ")"
}

// mixState is the posts so far, for the mix rules.
type mixState struct {
	p     Plan
	posts []post // in time order
}

type post struct {
	at     time.Time
	day    qun.Date
	kind   Kind
	topics []string
}

func newMixState(p Plan, published []Post) *mixState {
	st := &mixState{p: p}
	for _, pb := range published {
		st.posts = append(st.posts, post{pb.At, p.Calendar.Date(pb.At), pb.Kind, pb.Topics})
	}
	slices.SortStableFunc(st.posts, func(a, b post) int { return a.at.Compare(b.at) })
	return st
}

func (st *mixState) add(p Post, day qun.Date) {
	// Keep time order even when published history runs past the posts
	// being planned: inWindow stops at the first post before its window.
	i, _ := slices.BinarySearchFunc(st.posts, p.At, func(q post, t time.Time) int {
		if q.at.After(t) {
			return 1
		}
		return -1
	})
	st.posts = slices.Insert(st.posts, i, post{p.At, day, p.Kind, p.Topics})
}

// inWindow returns the number of posts, and of posts of kind k, on the
// days of the window ending on day.
func (st *mixState) inWindow(k Kind, day qun.Date) (total, ofKind int) {
	first := day.AddDays(1 - st.p.Mix.WindowDays)
	for i := len(st.posts) - 1; i >= 0; i-- {
		d := st.posts[i].day
		if d.After(day) {
			continue
		}
		if d.Before(first) {
			break
		}
		total++
		if st.posts[i].kind == k {
			ofKind++
		}
	}
	return total, ofKind
}

func (st *mixState) share(k Kind) (Share, bool) {
	for _, s := range st.p.Mix.Shares {
		if s.Kind == k {
			return s, true
		}
	}
	return Share{}, false
}

// deficit is how far below its target share a kind stands in the window.
func (st *mixState) deficit(k Kind, day qun.Date) float64 {
	s, ok := st.share(k)
	if !ok || st.p.Mix.WindowDays == 0 {
		return 0
	}
	total, n := st.inWindow(k, day)
	if total == 0 {
		return s.Target
	}
	return s.Target - float64(n)/float64(total)
}

// reject returns why item cannot fill the slot at t, or "".
func (st *mixState) reject(slot Slot, it Item, t time.Time, day qun.Date) string {
	m := st.p.Mix
	if len(slot.Kinds) > 0 && !slices.Contains(slot.Kinds, it.Kind) {
		return fmt.Sprintf("wrong kind: slot %s takes %v", slot.Name, slot.Kinds)
	}
	if slot.Segment != "" && it.Segment != slot.Segment {
		return fmt.Sprintf("wrong segment: slot %s is for %s", slot.Name, slot.Segment)
	}
	if !it.Earliest.IsZero() && day.Before(it.Earliest) {
		return "too early: not before " + it.Earliest.String()
	}
	if !it.Latest.IsZero() && day.After(it.Latest) {
		return "expired: not after " + it.Latest.String()
	}
	for i := len(st.posts) - 1; i >= 0; i-- {
		q := st.posts[i]
		gap := t.Sub(q.at)
		if gap < 0 {
			gap = -gap
		}
		if m.KindGap > 0 && q.kind == it.Kind && gap < time.Duration(m.KindGap) {
			return fmt.Sprintf("too soon after the same kind: %s at %s", q.kind, q.at.Format(time.RFC3339))
		}
		if m.TopicGap > 0 && gap < time.Duration(m.TopicGap) {
			for _, topic := range it.Topics {
				if slices.Contains(q.topics, topic) {
					return fmt.Sprintf("too soon after the same topic: %s at %s", topic, q.at.Format(time.RFC3339))
				}
			}
		}
	}
	for _, l := range m.Limits {
		if l.Kind != it.Kind {
			continue
		}
		period := st.p.Calendar.PeriodOn(l.Per, day)
		n := 0
		for _, q := range st.posts {
			if q.kind == l.Kind && period.Contains(q.day) {
				n++
			}
		}
		if n >= l.Max {
			return fmt.Sprintf("period limit: at most %d %s per %s", l.Max, l.Kind, l.Per)
		}
	}
	if s, ok := st.share(it.Kind); ok && s.Max > 0 {
		total, n := st.inWindow(it.Kind, day)
		if float64(n+1) > s.Max*float64(total+1)+1e-9 {
			return fmt.Sprintf("share limit: %s would be %d of %d posts in %d days, over %g", it.Kind, n+1, total+1, m.WindowDays, s.Max)
		}
	}
	return ""
}

// why explains a choice.
func (st *mixState) why(it Item, r rank, day qun.Date, theme, holiday string) string {
	var parts []string
	if r.themed {
		if hasTopic(it.Topics, holiday) {
			parts = append(parts, "holiday "+holiday)
		} else {
			parts = append(parts, "season theme "+theme)
		}
	}
	if s, ok := st.share(it.Kind); ok && st.p.Mix.WindowDays > 0 {
		total, n := st.inWindow(it.Kind, day)
		parts = append(parts, fmt.Sprintf("%s was %d of %d posts in %d days, target %g", it.Kind, n, total, st.p.Mix.WindowDays, s.Target))
	}
	parts = append(parts, fmt.Sprintf("backlog position %d", r.order+1))
	return strings.Join(parts, "; ")
}
