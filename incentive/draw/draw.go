package draw

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// The refusals a caller branches on. Each is a result of the draw's rules,
// not bad data, so none matches [qun.ErrInvalid]; nothing was drawn.
var (
	// ErrClosed refuses an entry before the pool opens or after it closes.
	ErrClosed = errors.New("draw: the draw is not open")
	// ErrLimit refuses an entry beyond one of the member's entry limits.
	ErrLimit = errors.New("draw: entry limit reached")
	// ErrSoldOut refuses an entry when every prize has run out: a draw
	// that can only lose is not offered.
	ErrSoldOut = errors.New("draw: every prize has run out")
)

// Entry is one member's entry in a draw.
type Entry struct {
	// Key is the entry's idempotency key: the request or order that paid
	// for it. A replay of the key returns the same result, flagged
	// Duplicate.
	Key string `json:"key"`
	// Member is who enters.
	Member qun.MemberID `json:"member"`
}

// Result is the outcome of one entry: what it won, if anything, and why.
// The results of a draw, in order, are its audit trail: with the pool and
// the revealed seed, [Verify] recomputes each one.
type Result struct {
	// Draw is the pool's ID, and Seq the entry's place among the draw's
	// accepted entries, from 1.
	Draw string `json:"draw"`
	Seq  int64  `json:"seq"`
	// Key, Member and Time are the entry's.
	Key    string       `json:"key"`
	Member qun.MemberID `json:"member"`
	Time   time.Time    `json:"time"`
	// Prize is the prize won, or empty for nothing.
	Prize string `json:"prize,omitempty"`
	// Landed is the prize the draw landed on when it had run out and the
	// pool's StockOut is Lose: the member is told what they drew.
	Landed string `json:"landed,omitempty"`
	// Guaranteed reports a draw made under the guarantee (保底).
	Guaranteed bool `json:"guaranteed,omitempty"`
	// Pity is the member's run of draws without a pity prize, after this
	// one; the next draw is guaranteed when it reaches the pool's After.
	Pity int64 `json:"pity"`
	// Earn is the ledger's earn request for a points prize, and Spend the
	// spend request for the entry's cost, if the pool has one. The host
	// applies both with the result, in one transaction.
	Earn  *incentive.EarnRequest  `json:"earn,omitempty"`
	Spend *incentive.SpendRequest `json:"spend,omitempty"`
	// Duplicate reports a replayed key: this is the result of the first
	// entry under it, and nothing changed now.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Draw is a pool in play: its remaining stock, each member's entries and
// run of losing draws, and the results so far. It decides each entry with
// randomness from the seed alone, so the same seed and the same entries in
// the same order, at the same times, give the same results, always.
//
// Entering is two steps, so that a host can apply a result together with
// what it costs: [Draw.Decide] computes the result of an entry without
// changing the draw, the host writes the result (and the points it spends
// and earns) in one transaction, then [Draw.Apply] records it. [Draw.Enter]
// does both for a host with nothing else to write. A host restores a draw
// after a restart by creating it anew with the same seed and applying its
// stored results in order, which also checks them.
//
// A Draw is not safe for concurrent use; a host serializes the entries of
// one draw (one goroutine, or a lock on the draw's row).
//
// The zero Draw, not made with [New], refuses every entry and result with
// an error matching [qun.ErrInvalid], and reads as a draw of no prizes.
type Draw struct {
	community string
	pool      Pool
	pity      []bool  // per prize: one of the pity prizes
	stock     []int64 // per prize: remaining, -1 for unlimited
	live      int     // prizes with stock left
	rng       rand.ChaCha8
	seq       int64
	members   map[qun.MemberID]int32
	names     []qun.MemberID
	runs      []int64 // per member: draws without a pity prize
	tallies   []tally // per member, one per limit
	keys      map[string]int32
	records   []record
	pending   pending
}

type tally struct {
	period  int64
	entries int64
}

// record is one applied result, compactly.
type record struct {
	key        string
	member     int32
	prize      int16 // -1 for nothing
	landed     int16 // -1 for none
	guaranteed bool
	at         time.Time
	pity       int64
}

// pending is the last decision of Decide, for Apply to install.
type pending struct {
	ok  bool
	r   Result
	o   outcome
	rng rand.ChaCha8
}

// outcome is what a decision changes.
type outcome struct {
	member     int32 // -1 for a new member
	prize      int   // -1 for nothing
	landed     int
	guaranteed bool
	pity       int64
	periods    [maxLimits]int64
}

// New returns the pool in play for the community, with randomness from
// the seed. The pool must be valid.
func New(community string, p Pool, seed Seed) (*Draw, error) {
	if err := qun.ValidateName(community); err != nil {
		return nil, fmt.Errorf("draw: new: %w", qun.Within("community", err))
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("draw: new: %w", err)
	}
	d := &Draw{
		community: community,
		pool:      p,
		pity:      p.inPity(),
		stock:     make([]int64, len(p.Prizes)),
		rng:       stream(p.ID, seed),
		members:   make(map[qun.MemberID]int32),
		keys:      make(map[string]int32),
	}
	for i, pr := range p.Prizes {
		d.stock[i] = pr.Stock
		if pr.Unlimited {
			d.stock[i] = -1
		}
	}
	d.live = len(p.Prizes)
	return d, nil
}

// Grow makes room for at least n more entries and members, so that a
// long draw does not grow its tables piecemeal. It ignores an n that would
// take the draw past the 2^31−1 entries it can number, as it does an n of
// zero or less.
func (d *Draw) Grow(n int) {
	if n <= 0 || n > math.MaxInt32-len(d.records) {
		return
	}
	if len(d.keys) == 0 {
		d.keys = make(map[string]int32, n)
	}
	if len(d.members) == 0 {
		d.members = make(map[qun.MemberID]int32, n)
	}
	d.records = append(make([]record, 0, len(d.records)+n), d.records...)
}

// Pool returns the draw's pool.
func (d *Draw) Pool() Pool { return d.pool }

// Remaining returns how many of the prize remain, or -1 for an unlimited
// prize, and false for a prize the pool does not have.
func (d *Draw) Remaining(prize string) (int64, bool) {
	for i, pr := range d.pool.Prizes {
		if pr.ID == prize {
			return d.stock[i], true
		}
	}
	return 0, false
}

// Decide returns the result of the entry at now, without changing the
// draw: the host applies it with [Draw.Apply] once it has written it. A
// key already applied returns its result flagged Duplicate; the same key
// for another member fails with [incentive.ErrIdempotencyConflict]. An
// entry the rules refuse fails with ErrClosed, ErrLimit or ErrSoldOut.
func (d *Draw) Decide(e Entry, now time.Time) (Result, error) {
	if r, done, err := d.duplicate(e, now); done {
		return r, err
	}
	d.pending.rng = d.rng
	o, err := d.decide(e, now, &d.pending.rng)
	if err != nil {
		d.pending.ok = false
		return Result{}, err
	}
	r := d.result(d.seq+1, e.Key, e.Member, now, o)
	d.pending.ok, d.pending.r, d.pending.o = true, r, o
	return r, nil
}

// Apply records a result: the one [Draw.Decide] just returned, or one
// from the host's log when restoring the draw, which Apply recomputes and
// refuses (with an error wrapping ErrTampered) if it is not what the seed
// gives for the entry, or not the next result of the draw. Applying a
// result already applied changes nothing.
func (d *Draw) Apply(r Result) error {
	if err := d.made(); err != nil {
		return err
	}
	if i, ok := d.keys[r.Key]; ok {
		if !same(d.recordResult(i), r) {
			return fmt.Errorf("draw: apply %q: the key was applied with another result: %w", r.Key, incentive.ErrIdempotencyConflict)
		}
		return nil
	}
	if d.pending.ok && same(d.pending.r, r) {
		d.rng = d.pending.rng
		d.install(Entry{Key: r.Key, Member: r.Member}, r.Time, d.pending.o)
		return nil
	}
	return d.replay(r)
}

// Enter decides the entry at now and applies it at once: what a host does
// when it has nothing else to write with the result.
func (d *Draw) Enter(e Entry, now time.Time) (Result, error) {
	if r, done, err := d.duplicate(e, now); done {
		return r, err
	}
	o, err := d.decide(e, now, &d.rng)
	if err != nil {
		return Result{}, err
	}
	d.install(e, now, o)
	return d.result(d.seq, e.Key, e.Member, now, o), nil
}

// replay recomputes a result from its entry, and applies it if it is the
// same.
func (d *Draw) replay(r Result) error {
	if i, ok := d.keys[r.Key]; ok && same(d.recordResult(i), r) {
		return nil
	}
	if r.Seq != d.seq+1 {
		return fmt.Errorf("%w: result %d of %q is not the next one, %d", ErrTampered, r.Seq, r.Key, d.seq+1)
	}
	e := Entry{Key: r.Key, Member: r.Member}
	if err := validEntry(e, r.Time); err != nil {
		return fmt.Errorf("%w: %w", ErrTampered, err)
	}
	d.pending.ok = false
	d.pending.rng = d.rng // scratch: the draw's generator stays as it is until the result checks out
	o, err := d.decide(e, r.Time, &d.pending.rng)
	if err != nil {
		return fmt.Errorf("%w: entry %q of %s at %s: %w", ErrTampered, r.Key, r.Member, r.Time, err)
	}
	if want := d.result(d.seq+1, r.Key, r.Member, r.Time, o); !same(want, r) {
		return fmt.Errorf("%w: entry %q of %s: the seed gives %s, the result says %s", ErrTampered, r.Key, r.Member, want.describe(), r.describe())
	}
	d.rng = d.pending.rng
	d.install(e, r.Time, o)
	return nil
}

// duplicate handles an entry whose key was applied before, and refuses an
// invalid entry or a zero Draw: done reports either, with the result or
// the error to return.
func (d *Draw) duplicate(e Entry, now time.Time) (r Result, done bool, err error) {
	if err := d.made(); err != nil {
		return Result{}, true, err
	}
	if err := validEntry(e, now); err != nil {
		return Result{}, true, err
	}
	i, ok := d.keys[e.Key]
	if !ok {
		return Result{}, false, nil
	}
	r = d.recordResult(i)
	if r.Member != e.Member {
		return Result{}, true, fmt.Errorf("draw: entry %q of %s: the key was used by %s: %w", e.Key, e.Member, r.Member, incentive.ErrIdempotencyConflict)
	}
	r.Duplicate = true
	return r, true, nil
}

// made refuses a zero Draw, which has no community.
func (d *Draw) made() error {
	if d.community == "" {
		return fmt.Errorf("draw: %w", qun.Invalid("", "the Draw was not made with New"))
	}
	return nil
}

func validEntry(e Entry, now time.Time) error {
	if err := qun.ValidateName(e.Key); err != nil {
		return fmt.Errorf("draw: entry: %w", qun.Within("key", err))
	}
	if err := e.Member.Validate(); err != nil {
		return fmt.Errorf("draw: entry: %w", qun.Within("member", err))
	}
	if now.IsZero() {
		return fmt.Errorf("draw: entry: %w", qun.Invalid("now", "must not be zero"))
	}
	return nil
}

// decide judges an entry and draws its outcome from rng, which it
// advances only if the entry is accepted.
func (d *Draw) decide(e Entry, now time.Time, rng *rand.ChaCha8) (outcome, error) {
	p := &d.pool
	if !p.Opens.IsZero() && now.Before(p.Opens) || !p.Closes.IsZero() && !now.Before(p.Closes) {
		return outcome{}, fmt.Errorf("draw %s: entry %q at %s: %w", p.ID, e.Key, now.Format(time.RFC3339), ErrClosed)
	}
	if d.live == 0 {
		return outcome{}, fmt.Errorf("draw %s: entry %q: %w", p.ID, e.Key, ErrSoldOut)
	}
	o := outcome{member: -1, prize: -1, landed: -1}
	var run int64
	if mi, ok := d.members[e.Member]; ok {
		o.member = mi
		run = d.runs[mi]
	}
	for li, l := range p.Limits {
		var period int64
		if l.Per != 0 {
			period = p.Calendar.Index(l.Per, now)
		}
		var t tally
		if o.member >= 0 {
			t = d.tallies[int(o.member)*len(p.Limits)+li]
		}
		if period < t.period {
			period = t.period // a clock gone back counts in the latest period
		}
		if period == t.period && t.entries >= l.Entries {
			what := "the draw"
			if l.Per != 0 {
				what = "a " + l.Per.String()
			}
			return outcome{}, fmt.Errorf("draw %s: %s has made %d entries in %s: %w", p.ID, e.Member, t.entries, what, ErrLimit)
		}
		o.periods[li] = period
	}
	src := &source{rng: rng, mix: entryHash(e.Key, e.Member)}
	if p.Pity != nil && run >= p.Pity.After {
		o.prize = d.spinAmong(src, d.pity)
		o.guaranteed = o.prize >= 0
	}
	if !o.guaranteed {
		o.prize, o.landed = d.spin(src)
	}
	if o.prize >= 0 && d.pity[o.prize] {
		o.pity = 0
	} else {
		o.pity = run + 1
	}
	return o, nil
}

// spin makes an ordinary draw: it returns the prize won, or -1, and the
// prize landed on when it had run out. It draws x = uniform(total) and
// walks the prizes in the pool's order, the blank last: the prize whose
// weight x falls in (x < weight; otherwise x -= weight and on). Under Lose
// the walk covers every prize and total is all the weights; under
// Redistribute it skips the prizes that have run out, and total is the
// weights of the others and the blank's.
func (d *Draw) spin(rng *source) (prize, landed int) {
	p := &d.pool
	if p.StockOut == Redistribute {
		var total uint64 = uint64(p.Blank)
		for i := range p.Prizes {
			if d.stock[i] != 0 {
				total += uint64(p.Prizes[i].Weight)
			}
		}
		x := uniform(rng, total)
		for i := range p.Prizes {
			if d.stock[i] == 0 {
				continue
			}
			if w := uint64(p.Prizes[i].Weight); x < w {
				return i, -1
			} else {
				x -= w
			}
		}
		return -1, -1
	}
	total := uint64(p.Blank)
	for i := range p.Prizes {
		total += uint64(p.Prizes[i].Weight)
	}
	x := uniform(rng, total)
	for i := range p.Prizes {
		if w := uint64(p.Prizes[i].Weight); x < w {
			if d.stock[i] == 0 {
				return -1, i
			}
			return i, -1
		} else {
			x -= w
		}
	}
	return -1, -1
}

// spinAmong draws among the prizes in the set that are in stock, by their
// weights, walking them in the pool's order as spin does, or returns -1,
// drawing nothing, if none is. A guaranteed draw is spinAmong over the
// pity prizes; when it returns -1 the entry makes an ordinary draw.
func (d *Draw) spinAmong(rng *source, set []bool) int {
	var total uint64
	for i, in := range set {
		if in && d.stock[i] != 0 {
			total += uint64(d.pool.Prizes[i].Weight)
		}
	}
	if total == 0 {
		return -1
	}
	x := uniform(rng, total)
	for i, in := range set {
		if !in || d.stock[i] == 0 {
			continue
		}
		if w := uint64(d.pool.Prizes[i].Weight); x < w {
			return i
		} else {
			x -= w
		}
	}
	return -1 // unreachable: x < total
}

// install applies a decided outcome.
func (d *Draw) install(e Entry, now time.Time, o outcome) {
	d.pending.ok = false
	mi := o.member
	if mi < 0 {
		mi = int32(len(d.names))
		d.members[e.Member] = mi
		d.names = append(d.names, e.Member)
		d.runs = append(d.runs, 0)
		for range d.pool.Limits {
			d.tallies = append(d.tallies, tally{})
		}
	}
	for li := range d.pool.Limits {
		t := &d.tallies[int(mi)*len(d.pool.Limits)+li]
		if t.period != o.periods[li] {
			*t = tally{period: o.periods[li]}
		}
		t.entries++
	}
	d.runs[mi] = o.pity
	if o.prize >= 0 && d.stock[o.prize] > 0 {
		if d.stock[o.prize]--; d.stock[o.prize] == 0 {
			d.live--
		}
	}
	d.seq++
	d.keys[e.Key] = int32(len(d.records))
	d.records = append(d.records, record{
		key: e.Key, member: mi, prize: int16(o.prize), landed: int16(o.landed),
		guaranteed: o.guaranteed, at: now, pity: o.pity,
	})
}

// result builds the Result of an outcome.
func (d *Draw) result(seq int64, key string, member qun.MemberID, now time.Time, o outcome) Result {
	p := &d.pool
	r := Result{Draw: p.ID, Seq: seq, Key: key, Member: member, Time: now, Guaranteed: o.guaranteed, Pity: o.pity}
	if o.prize >= 0 {
		pr := &p.Prizes[o.prize]
		r.Prize = pr.ID
		if pr.Points != nil {
			r.Earn = &incentive.EarnRequest{
				Account: incentive.AccountID{Community: d.community, Member: member, Kind: pr.Points.Kind},
				Key:     ledgerKey(p.ID, key, "prize"), Points: pr.Points.Points,
				Reason: "draw " + p.ID + ": " + pr.ID,
			}
		}
	}
	if o.landed >= 0 {
		r.Landed = p.Prizes[o.landed].ID
	}
	if p.Cost != nil {
		r.Spend = &incentive.SpendRequest{
			Account: incentive.AccountID{Community: d.community, Member: member, Kind: p.Cost.Kind},
			Key:     ledgerKey(p.ID, key, "entry"), Points: p.Cost.Points,
			Reason: "draw " + p.ID + ": entry",
		}
	}
	return r
}

// recordResult rebuilds the result of the i-th record.
func (d *Draw) recordResult(i int32) Result {
	rec := &d.records[i]
	o := outcome{member: rec.member, prize: int(rec.prize), landed: int(rec.landed), guaranteed: rec.guaranteed, pity: rec.pity}
	return d.result(int64(i)+1, rec.key, d.names[rec.member], rec.at, o)
}

// Results returns the draw's results in order: its audit trail, for the
// host to publish with the reveal.
func (d *Draw) Results() iter.Seq[Result] {
	return func(yield func(Result) bool) {
		for i := range d.records {
			if !yield(d.recordResult(int32(i))) {
				return
			}
		}
	}
}

// same reports whether two results are the same draw: the same entry at
// the same instant, with the same outcome. The ledger requests follow from
// these, and Duplicate is not part of a result's identity.
func same(a, b Result) bool {
	return a.Draw == b.Draw && a.Seq == b.Seq && a.Key == b.Key && a.Member == b.Member &&
		a.Time.Equal(b.Time) && a.Prize == b.Prize && a.Landed == b.Landed &&
		a.Guaranteed == b.Guaranteed && a.Pity == b.Pity
}

// describe says what a result won, for errors.
func (r Result) describe() string {
	var b strings.Builder
	switch {
	case r.Prize != "":
		b.WriteString("prize " + strconv.Quote(r.Prize))
	case r.Landed != "":
		b.WriteString("nothing (landed on " + strconv.Quote(r.Landed) + ")")
	default:
		b.WriteString("nothing")
	}
	if r.Guaranteed {
		b.WriteString(", guaranteed")
	}
	fmt.Fprintf(&b, ", run %d, seq %d", r.Pity, r.Seq)
	return b.String()
}

// ledgerKey returns the idempotency key of a ledger request of an entry:
// "draw/<draw>/<entry>/<what>", or, when a part holds a slash or the key
// would be too long, "draw/" and the hex SHA-256 of the length-prefixed
// parts, so that no two entries share a key.
func ledgerKey(draw, entry, what string) string {
	if !strings.Contains(draw, "/") && !strings.Contains(entry, "/") &&
		len("draw/")+len(draw)+1+len(entry)+1+len(what) <= qun.MaxNameLen {
		return "draw/" + draw + "/" + entry + "/" + what
	}
	h := sha256.New()
	for _, part := range []string{draw, entry, what} {
		h.Write([]byte(strconv.Itoa(len(part)) + ":" + part))
	}
	return "draw/" + hex.EncodeToString(h.Sum(nil))
}
