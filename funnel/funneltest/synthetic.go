// Package funneltest holds what tests and benchmarks of package funnel
// share with hosts and with the side-by-side benchmarks of the examples
// module: a deterministic generator of community events, in time order, the
// funnel the benchmarks run over them, and its answer, [BenchCounts]. The
// same seed gives the same events everywhere, so a peer (DuckDB, ClickHouse)
// loading them must find the same step counts.
//
// A peer benchmark loads [Synthetic.Rows] (member index, name code, second
// from Start: three integer columns, or the strings of [MemberID] and
// [Names]) into its own table once, outside the timer, and times the
// funnel query alone, as BenchmarkFunnel times [funnel.Query.Run] on a
// table built beforehand: in both, grouping events by member is part of
// the query.
package funneltest

import (
	"cmp"
	"errors"
	"iter"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/funnel"
)

// Synthetic describes a synthetic community: how many members, how many
// events in all, over how many days from Start. Each member arrives on a
// day (a "visit"), and may then join, post for the first time, check in and
// buy, each with a delay; the rest of their events are likes, shares and
// visits spread over the remaining days.
//
// A Synthetic that does not validate (see [Synthetic.Validate]), the zero
// Synthetic among them, generates nothing: Rows and IDs return nil.
type Synthetic struct {
	// Members is the number of members, from 0 to 2^32 (a Row's Member
	// is a uint32). They are numbered from 0 in [Row].Member, and
	// [MemberID] names member i "m<i>".
	Members int
	// Events is the number of events in all, shared out evenly: each member
	// has Events/Members of them, and the first Events%Members members one
	// more. Every member has at least their arriving visit, so Events is
	// at least Members (and 0 when Members is), and at most 2^32.
	Events int
	// Days is the length of the community's history in days from Start:
	// members arrive at instants spread uniformly over it, and no event
	// falls after it. It is 1 to [MaxDays].
	Days int
	// Start is the instant the history begins: an event's time is Start
	// plus its [Row].Second. It must not be the zero time, and the whole
	// history must lie within the years 0001 to 9999, where events do.
	Start time.Time
	// Seed seeds the generator's random source (a PCG): the same Synthetic
	// always gives the same events ([BenchCounts] pins the answer for
	// [Bench]), and another Seed another community of the same shape.
	Seed uint64
}

// MaxDays is the longest history a Synthetic generates: Days × 86,400
// seconds must fit in a Row's Second, a uint32 (about 136 years).
const MaxDays = (1<<32 - 1) / 86400

// Validate reports every problem with s, joined, each a
// [*qun.ValidationError] naming the field by its Go name.
func (s Synthetic) Validate() error {
	var errs []error
	if s.Members < 0 || int64(s.Members) > 1<<32 {
		errs = append(errs, qun.Invalid("Members", "must be 0 to 2^32, got %d", s.Members))
	}
	switch {
	case s.Events < s.Members:
		errs = append(errs, qun.Invalid("Events", "every member arrives with a visit: want at least Members (%d) events, got %d", s.Members, s.Events))
	case s.Members == 0 && s.Events != 0:
		errs = append(errs, qun.Invalid("Events", "%d events need members", s.Events))
	case int64(s.Events) > 1<<32:
		errs = append(errs, qun.Invalid("Events", "must be at most 2^32, got %d", s.Events))
	}
	if s.Days < 1 || s.Days > MaxDays {
		errs = append(errs, qun.Invalid("Days", "must be 1 to %d, got %d", MaxDays, s.Days))
	}
	// The last second the history holds: rows count whole seconds from
	// Start, fewer than Days × 86,400 of them.
	last := s.Start.Add(time.Duration(max(min(s.Days, MaxDays), 1))*24*time.Hour - time.Second)
	switch {
	case s.Start.IsZero():
		errs = append(errs, qun.Invalid("Start", "must be set"))
	case s.Start.Year() < 1 || last.Year() > 9999:
		errs = append(errs, qun.Invalid("Start", "the history, %v to %v, must lie within the years 0001 to 9999", s.Start, last))
	}
	return errors.Join(errs...)
}

// Bench is the community of the package's benchmark: 10,000,000 events over
// 1,000,000 members and 30 days.
var Bench = Synthetic{Members: 1_000_000, Events: 10_000_000, Days: 30, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Seed: 8}

// BenchFunnel is the funnel of the package's benchmark: visit → join →
// first_post → check_in → purchase, ordered, within 7 days.
func BenchFunnel() funnel.Funnel {
	steps := []string{"visit", "join", "first_post", "check_in", "purchase"}
	f := funnel.Funnel{Window: funnel.Within(qun.Days(7))}
	for _, s := range steps {
		f.Steps = append(f.Steps, funnel.Step{EventFilter: qun.EventFilter{Name: s}})
	}
	return f
}

// Names are the event names the generator uses, by their small codes.
var Names = []string{"visit", "join", "first_post", "check_in", "purchase", "like", "share"}

// Row is one generated event in compact form: the member's index, the
// code of its name in Names, and its time in seconds from Start.
type Row struct {
	// Member is the member's index, from 0 to Synthetic.Members − 1.
	Member uint32
	// Name is the code of the event's name: its index in [Names].
	Name uint8
	// Second is the event's time in whole seconds after Synthetic.Start,
	// less than Synthetic.Days × 86,400.
	Second uint32
}

// Rows generates the events in time order (by second; within a second, in
// a fixed order), as compact rows; nil when s does not validate.
func (s Synthetic) Rows() []Row {
	if s.Validate() != nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15))
	span := uint32(s.Days * 86400)
	rows := make([]Row, 0, s.Events)
	per := s.Events / max(s.Members, 1)
	extra := s.Events - per*s.Members
	noise := []uint8{0, 5, 6}                          // visit, like, share
	delays := []float64{3600, 86400, 86400, 2 * 86400} // mean seconds before each step
	for m := range s.Members {
		count := per
		if m < extra {
			count++
		}
		at := uint32(rng.Float64() * float64(span))
		rows = append(rows, Row{Member: uint32(m), Name: 0, Second: at})
		made := 1
		for step := 1; step < 5 && made < count; step++ {
			if rng.Float64() >= 0.6 {
				break
			}
			// Past the end of the history, in float64 so that no sum
			// wraps around a uint32 near MaxDays.
			delay := rng.ExpFloat64() * delays[step-1]
			if delay >= float64(span-at) {
				break
			}
			at += uint32(delay)
			rows = append(rows, Row{Member: uint32(m), Name: uint8(step), Second: at})
			made++
		}
		first := rows[len(rows)-made].Second
		for ; made < count; made++ {
			t := first + uint32(rng.Float64()*float64(span-first))
			rows = append(rows, Row{Member: uint32(m), Name: noise[rng.IntN(len(noise))], Second: t})
		}
	}
	return sortBySecond(rows, span)
}

// sortBySecond orders rows by time, stably, so ties keep the order they
// were generated in: with a counting sort, linear, when there are not far
// fewer rows than seconds, and otherwise with a comparison sort, which
// gives the same order without a count per second of a long history.
func sortBySecond(rows []Row, span uint32) []Row {
	if uint64(span) > 4*uint64(len(rows))+1<<20 {
		slices.SortStableFunc(rows, func(a, b Row) int { return cmp.Compare(a.Second, b.Second) })
		return rows
	}
	counts := make([]uint32, uint64(span)+1)
	for _, r := range rows {
		counts[r.Second+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	out := make([]Row, len(rows))
	for _, r := range rows {
		out[counts[r.Second]] = r
		counts[r.Second]++
	}
	return out
}

// MemberID returns the ID of the member with index i.
func MemberID(i uint32) qun.MemberID { return qun.MemberID("m" + strconv.FormatUint(uint64(i), 10)) }

// IDs returns the member IDs, by member index; nil when s does not
// validate.
func (s Synthetic) IDs() []qun.MemberID {
	if s.Validate() != nil {
		return nil
	}
	ids := make([]qun.MemberID, s.Members)
	for i := range ids {
		ids[i] = MemberID(uint32(i))
	}
	return ids
}

// EventsOf turns rows into events, with one member ID string per member.
func (s Synthetic) EventsOf(rows []Row) iter.Seq[qun.Event] { return s.EventsWith(rows, s.IDs()) }

// EventsWith turns rows into events with the given member IDs (from IDs),
// allocating nothing: what a benchmark of building a table times.
//
// A row whose Member has no ID in ids, or whose Name is not a code in
// [Names], still yields its event, with an empty member or name, which
// [funnel.Table.Append] and qun.Event's Validate refuse, naming its
// position: the events stay one per row.
func (s Synthetic) EventsWith(rows []Row, ids []qun.MemberID) iter.Seq[qun.Event] {
	return func(yield func(qun.Event) bool) {
		for _, r := range rows {
			e := qun.Event{Time: s.Start.Add(time.Duration(r.Second) * time.Second)}
			if int64(r.Member) < int64(len(ids)) {
				e.Member = ids[r.Member]
			}
			if int(r.Name) < len(Names) {
				e.Name = Names[r.Name]
			}
			if !yield(e) {
				return
			}
		}
	}
}

// All generates the community's events in time order; none when s does
// not validate.
func (s Synthetic) All() iter.Seq[qun.Event] { return s.EventsOf(s.Rows()) }

// BenchCounts is the answer to BenchFunnel over Bench: the members who
// reached each step. A peer running the same funnel on the same events must
// find the same counts.
var BenchCounts = []int64{1_000_000, 599_227, 347_524, 200_322, 101_630}
