package incentive_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// decide evaluates ev for the member of acct on the state the store holds
// now, as a host that applies decisions itself does, and returns the earn
// requests.
func decide(t testing.TB, l *incentive.Ledger, ev qun.Event, now time.Time) []incentive.EarnRequest {
	t.Helper()
	snap, err := l.Store.Load(ctx, incentive.LoadParams{Account: acct("points")})
	if err != nil {
		t.Fatal(err)
	}
	d := l.Engine.Evaluate(ev, incentive.Member{}, incentive.RuleState{Usage: snap.Account.Usage}, now)
	return d.EarnRequests("wine-club", ev)
}

// Two workers evaluate two check-ins on the same state, and each applies
// its decision through Ledger.Earn, as Decision.EarnRequests recommends:
// the second is refused at write time, so the daily cap holds.
func TestEarnRechecksCapsAtWriteTime(t *testing.T) {
	day := time.Date(2026, 11, 10, 8, 0, 0, 0, shanghai.Location())
	cases := []struct {
		name string
		rule incentive.Rule
		// second is when the second event is made and earned.
		second time.Duration
		// after is the balance once the second event is evaluated again.
		after string
	}{
		{"daily cap", incentive.Rule{ID: "r", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"),
			Caps: incentive.Caps{Day: incentive.Cap(dec("10"))}}, time.Minute, "10"},
		{"weekly cap", incentive.Rule{ID: "r", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"),
			Caps: incentive.Caps{Week: incentive.Cap(dec("15"))}}, 24 * time.Hour, "15"},
		{"monthly cap", incentive.Rule{ID: "r", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"),
			Caps: incentive.Caps{Month: incentive.Cap(dec("10"))}}, 24 * time.Hour, "10"},
		{"lifetime cap", incentive.Rule{ID: "r", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"),
			Caps: incentive.Caps{Lifetime: incentive.Cap(dec("19"))}}, 48 * time.Hour, "19"},
		{"cooldown", incentive.Rule{ID: "r", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"),
			Cooldown: qun.Duration(time.Hour)}, time.Minute, "10"},
		{"first-time bonus", incentive.Rule{ID: "r", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("1"),
			FirstTimeBonus: dec("9")}, time.Minute, "11"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLedger(t, []incentive.Kind{spendable("points")}, c.rule)
			e1, e2 := event("check_in", day, ""), event("check_in", day.Add(c.second), "")
			r1, r2 := decide(t, l, e1, e1.Time), decide(t, l, e2, e2.Time) // both on the empty account
			if len(r1) != 1 || len(r2) != 1 {
				t.Fatalf("decisions: %+v, %+v", r1, r2)
			}
			must[incentive.Result](t)(l.Earn(ctx, r1[0], e1.Time))
			_, err := l.Earn(ctx, r2[0], e2.Time)
			if !errors.Is(err, incentive.ErrStaleDecision) || errors.Is(err, incentive.ErrConflict) {
				t.Fatalf("a decision made on stale usage: err = %v, want ErrStaleDecision", err)
			}
			before := mustBalance(t, l, acct("points"), e2.Time)
			// Evaluated again on fresh state, the event earns what is left.
			r2 = decide(t, l, e2, e2.Time)
			for _, r := range r2 {
				must[incentive.Result](t)(l.Earn(ctx, r, e2.Time))
			}
			after := mustBalance(t, l, acct("points"), e2.Time)
			if !before.Net.Equal(r1[0].Points) {
				t.Errorf("the refused earn wrote something: balance %s", before.Net)
			}
			if !after.Net.Equal(dec(c.after)) {
				t.Errorf("after the second event evaluated again: %s, want %s", after.Net, c.after)
			}
		})
	}
}

// Many workers apply decisions made on whatever state they last read:
// none passes the cap, whichever order the writes land in.
func TestConcurrentHostEarnsRespectCaps(t *testing.T) {
	l := newLedger(t, []incentive.Kind{spendable("points")},
		incentive.Rule{ID: "post", Kind: "points", Event: qun.EventFilter{Name: "post"}, Points: dec("3"), Caps: incentive.Caps{Day: incentive.Cap(dec("20"))}})
	l.Attempts = 1000
	day := time.Date(2026, 11, 10, 8, 0, 0, 0, shanghai.Location())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				ev := qun.Event{ID: fmt.Sprint("post-", g, "-", i), Member: "lin", Name: "post", Time: day}
				for {
					reqs := decide(t, l, ev, day)
					var err error
					for _, r := range reqs {
						_, err = l.Earn(ctx, r, day)
					}
					if !errors.Is(err, incentive.ErrStaleDecision) {
						if err != nil {
							t.Error(err)
						}
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	if b := mustBalance(t, l, acct("points"), day); !b.Net.Equal(dec("20")) {
		t.Errorf("points = %s, want the daily cap of 20", b.Net)
	}
}

// failingStore refuses appends to one kind's accounts with err.
type failingStore struct {
	incentive.Store
	kind string
	err  error
}

func (s *failingStore) Append(ctx context.Context, p incentive.AppendParams) error {
	if p.Account.Kind == s.kind && s.err != nil {
		return s.err
	}
	return s.Store.Append(ctx, p)
}

// EarnEvent writes one account per kind. When it fails part way, the
// result it returns says what was earned, the error says why it stopped,
// and calling it again completes the event without earning anything
// twice.
func TestEarnEventFailsPartWay(t *testing.T) {
	rules := []incentive.Rule{
		{ID: "buy", Kind: "points", Event: qun.EventFilter{Name: "purchase"}, Points: dec("10")},
		{ID: "buy-growth", Kind: "growth", Event: qun.EventFilter{Name: "purchase"}, Points: dec("1")},
	}
	for _, cause := range []error{fmt.Errorf("busy: %w", incentive.ErrConflict), errors.New("connection reset")} {
		t.Run(cause.Error(), func(t *testing.T) {
			l := newLedger(t, []incentive.Kind{spendable("points"), {Name: "growth"}}, rules...)
			fs := &failingStore{Store: l.Store, kind: "growth", err: cause}
			l.Store = fs
			ev := event("purchase", t0, "1")
			res, err := l.EarnEvent(ctx, "wine-club", ev, incentive.Member{}, t0)
			if err == nil || !errors.Is(err, incentive.ErrConflict) && !errors.Is(err, cause) {
				t.Fatalf("err = %v, want one that says why", err)
			}
			if len(res.Results) != 1 || res.Results[0].Account.Kind != "points" || !res.Results[0].Points().Equal(dec("10")) {
				t.Fatalf("partial result = %+v, want the points earned", res.Results)
			}
			fs.err = nil // the store recovers; the host retries the event
			again := must[incentive.EventResult](t)(l.EarnEvent(ctx, "wine-club", ev, incentive.Member{}, t0.Add(time.Minute)))
			if len(again.Results) != 2 || !again.Results[0].Duplicate || again.Results[1].Duplicate {
				t.Fatalf("retry: %+v, want points a duplicate and growth earned", again.Results)
			}
			if b := mustBalance(t, l, acct("points"), t0.Add(time.Hour)); !b.Net.Equal(dec("10")) {
				t.Errorf("points = %s, want 10: earned once", b.Net)
			}
			if b := mustBalance(t, l, acct("growth"), t0.Add(time.Hour)); !b.Net.Equal(dec("1")) {
				t.Errorf("growth = %s, want 1", b.Net)
			}
			if got := views(again.Decision); len(got) != 2 || got[0].Points != "10" || got[1].Points != "1" {
				t.Errorf("decision = %+v, want both awards as earned", got)
			}
		})
	}
}

// A redelivered event explains what it earned, not what the rules would
// give it now that its own award has filled the cap.
func TestEarnEventDuplicateExplainsWhatItEarned(t *testing.T) {
	l := newLedger(t, []incentive.Kind{spendable("points")},
		incentive.Rule{ID: "post", Kind: "points", Event: qun.EventFilter{Name: "post"}, Points: dec("5"), FirstTimeBonus: dec("20"),
			Caps: incentive.Caps{Day: incentive.Cap(dec("25"))}})
	ev := event("post", t0, "")
	first := must[incentive.EventResult](t)(l.EarnEvent(ctx, "wine-club", ev, incentive.Member{}, t0))
	again := must[incentive.EventResult](t)(l.EarnEvent(ctx, "wine-club", ev, incentive.Member{}, t0.Add(time.Minute)))
	if len(first.Decision.Awards) != 1 || len(again.Decision.Awards) != 1 || len(again.Results) != 1 {
		t.Fatalf("first %+v, redelivery %+v; want one award and one result each", first, again)
	}
	if got, want := again.Decision.Awards[0].Explain(), "post: 5 + 20 first-time bonus = 25"; got != want || first.Decision.Awards[0].Explain() != want {
		t.Errorf("first explained %q, the redelivery %q; want %q both", first.Decision.Awards[0].Explain(), got, want)
	}
	if !again.Results[0].Duplicate || !again.Results[0].Points().Equal(dec("25")) {
		t.Errorf("redelivery result = %+v", again.Results[0])
	}
}

// countingStore counts appends.
type countingStore struct {
	incentive.Store
	mu      sync.Mutex
	appends int
	before  func() // runs before the first append, once
}

func (s *countingStore) Append(ctx context.Context, p incentive.AppendParams) error {
	s.mu.Lock()
	s.appends++
	before := s.before
	s.before = nil
	s.mu.Unlock()
	if before != nil {
		before()
	}
	return s.Store.Append(ctx, p)
}

// A decision made while the campaign budget had room, applied after other
// members drew it down, fails with ErrBudgetExhausted at once: retrying
// the same draw cannot succeed.
func TestExhaustedBudgetIsNotRetried(t *testing.T) {
	rule := incentive.Rule{ID: "launch", Kind: "points", Event: qun.EventFilter{Name: "join"}, Points: dec("40"),
		Caps: incentive.Caps{Budget: incentive.BudgetCap{Name: "launch", Limit: dec("40")}}}
	l := newLedger(t, []incentive.Kind{spendable("points")}, rule)
	cs := &countingStore{Store: l.Store}
	l.Store = cs
	var reqs []incentive.EarnRequest
	for _, m := range []qun.MemberID{"a", "b"} {
		ev := qun.Event{ID: "join-" + string(m), Member: m, Name: "join", Time: t0}
		reqs = append(reqs, l.Engine.Evaluate(ev, incentive.Member{}, incentive.RuleState{}, t0).EarnRequests("c", ev)...)
	}
	must[incentive.Result](t)(l.Earn(ctx, reqs[0], t0))
	cs.appends = 0
	_, err := l.Earn(ctx, reqs[1], t0)
	if !errors.Is(err, incentive.ErrBudgetExhausted) || !errors.Is(err, incentive.ErrStaleDecision) || errors.Is(err, incentive.ErrConflict) {
		t.Errorf("err = %v, want ErrBudgetExhausted (a stale decision, not a conflict)", err)
	}
	if cs.appends != 1 {
		t.Errorf("%d appends, want 1: an exhausted budget is not retried", cs.appends)
	}
}

// EarnEvent evaluates again when the budget ran out between its
// evaluation and its append, and earns what is left (here nothing).
func TestEarnEventReevaluatesAnExhaustedBudget(t *testing.T) {
	rule := incentive.Rule{ID: "launch", Kind: "points", Event: qun.EventFilter{Name: "join"}, Points: dec("40"),
		Caps: incentive.Caps{Budget: incentive.BudgetCap{Name: "launch", Limit: dec("60")}}}
	l := newLedger(t, []incentive.Kind{spendable("points")}, rule)
	cs := &countingStore{Store: l.Store}
	l.Store = cs
	other := &incentive.Ledger{Store: cs.Store, Engine: l.Engine}
	cs.before = func() { // another member joins first
		ev := qun.Event{ID: "join-wei", Member: "wei", Name: "join", Time: t0}
		must[incentive.EventResult](t)(other.EarnEvent(ctx, "wine-club", ev, incentive.Member{}, t0))
	}
	res, err := l.EarnEvent(ctx, "wine-club", qun.Event{ID: "join-lin", Member: "lin", Name: "join", Time: t0}, incentive.Member{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got := views(res.Decision); len(got) != 1 || got[0].Points != "20" || got[0].Limit != "budget" {
		t.Errorf("decision = %+v, want 20 left by the budget", got)
	}
	if b := mustBalance(t, l, acct("points"), t0); !b.Net.Equal(dec("20")) {
		t.Errorf("points = %s, want 20", b.Net)
	}
}

// The same key with other awards is another request: the awards decide
// the usage and budget draws the earn records.
func TestIdempotencyCoversAwards(t *testing.T) {
	rules := []incentive.Rule{
		{ID: "a", Kind: "points", Event: qun.EventFilter{Name: "e"}, Points: dec("10")},
		{ID: "b", Kind: "points", Event: qun.EventFilter{Name: "e"}, Points: dec("10")},
	}
	l := newLedger(t, []incentive.Kind{spendable("points")}, rules...)
	req := incentive.EarnRequest{Account: acct("points"), Key: "k", Points: dec("10"),
		Awards: []incentive.Award{{Rule: "a", Kind: "points", Points: dec("10")}}}
	must[incentive.Result](t)(l.Earn(ctx, req, t0))
	other := req
	other.Awards = []incentive.Award{{Rule: "b", Kind: "points", Points: dec("10")}}
	if _, err := l.Earn(ctx, other, t0); !errors.Is(err, incentive.ErrIdempotencyConflict) {
		t.Errorf("same key, other awards: err = %v, want ErrIdempotencyConflict", err)
	}
	if again := must[incentive.Result](t)(l.Earn(ctx, req, t0)); !again.Duplicate {
		t.Errorf("same key, same awards: %+v, want a duplicate", again)
	}
}

// A host that earns events itself (Evaluate, EarnRequests, Ledger.Earn)
// and EarnEvent agree on what a redelivered event is: a duplicate, even
// though the rules would now decide otherwise.
func TestHostEarnsAndEarnEventInteroperate(t *testing.T) {
	l := newLedger(t, []incentive.Kind{spendable("points")},
		incentive.Rule{ID: "check-in", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"), Caps: incentive.Caps{Day: incentive.Cap(dec("10"))}})
	ev := event("check_in", t0, "")
	for _, r := range decide(t, l, ev, t0) {
		must[incentive.Result](t)(l.Earn(ctx, r, t0))
	}
	res := must[incentive.EventResult](t)(l.EarnEvent(ctx, "wine-club", ev, incentive.Member{}, t0.Add(time.Minute)))
	if len(res.Results) != 1 || !res.Results[0].Duplicate {
		t.Errorf("EarnEvent of an event the host earned: %+v, want a duplicate", res.Results)
	}
	// And the other way round: the host re-evaluates a redelivered event,
	// which the cap now cuts to nothing; the earn it would send is still a
	// duplicate of the first.
	ev2 := event("check_in", t0.Add(24*time.Hour), "")
	must[incentive.EventResult](t)(l.EarnEvent(ctx, "wine-club", ev2, incentive.Member{}, ev2.Time))
	d := l.Engine.Evaluate(ev2, incentive.Member{}, incentive.RuleState{}, ev2.Time) // as if usage were unknown
	for _, r := range d.EarnRequests("wine-club", ev2) {
		if got := must[incentive.Result](t)(l.Earn(ctx, r, ev2.Time)); !got.Duplicate {
			t.Errorf("host earn of an event EarnEvent earned: %+v, want a duplicate", got)
		}
	}
	if b := mustBalance(t, l, acct("points"), ev2.Time); !b.Net.Equal(dec("20")) {
		t.Errorf("points = %s, want 20", b.Net)
	}
}

// A Ledger without its parts refuses to work, with an error, instead of
// panicking; NewLedger refuses to make one.
func TestLedgerNeedsItsParts(t *testing.T) {
	eng := compile(t, []incentive.Kind{spendable("points")})
	if _, err := incentive.NewLedger(nil, eng); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("NewLedger without a store: err = %v", err)
	}
	if _, err := incentive.NewLedger(incentive.NewMemoryStore(), nil); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("NewLedger without an engine: err = %v", err)
	}
	var nilStore *incentive.MemoryStore
	if _, err := incentive.NewLedger(nilStore, eng); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("NewLedger with a nil *MemoryStore: err = %v", err)
	}
	l, err := incentive.NewLedger(incentive.NewMemoryStore(), eng)
	if err != nil || l.Store == nil || l.Engine != eng {
		t.Fatalf("NewLedger = %+v, %v", l, err)
	}
	for _, bad := range []*incentive.Ledger{nil, {}, {Engine: eng}, {Store: incentive.NewMemoryStore()}} {
		id := acct("points")
		checks := map[string]error{}
		_, checks["Earn"] = bad.Earn(ctx, incentive.EarnRequest{Account: id, Key: "k", Points: dec("1")}, t0)
		_, checks["Spend"] = bad.Spend(ctx, incentive.SpendRequest{Account: id, Key: "k", Points: dec("1")}, t0)
		_, checks["Reverse"] = bad.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "k", Earn: "e"}, t0)
		_, checks["Adjust"] = bad.Adjust(ctx, incentive.AdjustRequest{Account: id, Key: "k", Points: dec("1"), Reason: "r"}, t0)
		_, checks["Expire"] = bad.Expire(ctx, incentive.ExpireRequest{Account: id, Key: "k"}, t0)
		_, checks["Balance"] = bad.Balance(ctx, id, t0, 0)
		_, checks["Operation"] = bad.Operation(ctx, id, "k")
		_, checks["EarnEvent"] = bad.EarnEvent(ctx, "c", event("e", t0, ""), incentive.Member{}, t0)
		for _, err := range bad.Statement(ctx, id) {
			checks["Statement"] = err
		}
		for name, err := range checks {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Errorf("%s on %+v: err = %v, want one matching qun.ErrInvalid", name, bad, err)
			}
		}
	}
}

// A cap of zero awards nothing; a cap left out is no cap.
func TestZeroCapIsACap(t *testing.T) {
	p, err := incentive.ParseProgram([]byte(`{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
	  "kinds":[{"name":"points","spendable":true}],
	  "rules":[{"id":"paused","kind":"points","event":{"name":"e"},"points":"5","caps":{"day":"0"}},
	           {"id":"open","kind":"points","event":{"name":"e"},"points":"7","caps":{"day":null}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := incentive.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	d := eng.Evaluate(event("e", t0, ""), incentive.Member{}, incentive.RuleState{}, t0)
	want := []awardView{
		{Rule: "paused", Base: "5", Factor: "1", Bonus: "0", Wanted: "5", Points: "0", Limit: "day"},
		{Rule: "open", Base: "7", Factor: "1", Bonus: "0", Wanted: "7", Points: "7"},
	}
	if diff := cmp.Diff(want, views(d)); diff != "" {
		t.Errorf("awards (-want +got):\n%s", diff)
	}
	if p.Rules[0].Caps.Day.Valid != true || p.Rules[1].Caps.Day.Valid {
		t.Errorf("caps read as %+v and %+v", p.Rules[0].Caps, p.Rules[1].Caps)
	}
}

// Balance.Available is what a spend can take, even while debt from a
// reversal is waiting for points to become available and repay it.
func TestBalanceAvailableUnderDebt(t *testing.T) {
	k := spendable("points")
	k.Pending = qun.Days(7)
	k.Reversal = incentive.Debt
	l := newLedger(t, []incentive.Kind{k})
	id := acct("points")
	ok := must[incentive.Result](t)
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "A", Points: dec("50")}, t0))
	ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s1", Points: dec("50")}, t0.Add(days(7))))
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "P", Points: dec("100")}, t0.Add(days(7)+time.Hour)))
	ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "refund-A", Earn: "A"}, t0.Add(days(7)+2*time.Hour)))
	// P was pending when the refund left 50 of debt; once P is available
	// it repays the debt first.
	now := t0.Add(days(15))
	b := mustBalance(t, l, id, now)
	if got, want := view(b), (balances{"50", "0", "0", "50", "100"}); got != want {
		t.Errorf("balance = %+v, want %+v", got, want)
	}
	ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s2", Points: b.Available}, now))
	if _, err := l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s3", Points: dec("1")}, now); !errors.Is(err, incentive.ErrInsufficientPoints) {
		t.Errorf("spend beyond Available: err = %v", err)
	}
}

// Expiry counts from the earn by default, and from availability when the
// kind says so.
func TestExpiryOrigin(t *testing.T) {
	for _, c := range []struct {
		name    string
		expiry  incentive.Expiry
		expires time.Time
	}{
		{"30 days after earning", incentive.Expiry{After: qun.Days(30)}, t0.Add(days(30))},
		{"30 days after becoming available", incentive.Expiry{After: qun.Days(30), From: incentive.ExpiryFromAvailable}, t0.Add(days(37))},
		{"end of next year after earning", incentive.Expiry{End: qun.Year, Periods: 1}, time.Date(2028, 1, 1, 0, 0, 0, 0, shanghai.Location())},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := spendable("points")
			k.Pending = qun.Days(7)
			k.Expiry = c.expiry
			l := newLedger(t, []incentive.Kind{k})
			id := acct("points")
			must[incentive.Result](t)(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "e", Points: dec("10")}, t0))
			if b := mustBalance(t, l, id, c.expires.Add(-time.Nanosecond)); !b.Available.Equal(dec("10")) {
				t.Errorf("just before %v: available %s, want 10", c.expires, b.Available)
			}
			if b := mustBalance(t, l, id, c.expires); !b.Available.IsZero() {
				t.Errorf("at %v: available %s, want 0", c.expires, b.Available)
			}
		})
	}
}

// A policy under which points could expire before they can be spent is
// refused.
func TestExpiryBeforeAvailabilityIsRefused(t *testing.T) {
	for _, c := range []struct {
		pending qun.Duration
		expiry  incentive.Expiry
		valid   bool
	}{
		{qun.Days(7), incentive.Expiry{After: qun.Days(7)}, false},
		{qun.Days(7), incentive.Expiry{After: qun.Days(7) + 1}, true},
		{qun.Days(7), incentive.Expiry{End: qun.Year}, false},  // earned on 31 December: gone before 7 January
		{qun.Days(7), incentive.Expiry{End: qun.Month}, false}, // likewise at each month's end
		{qun.Days(7), incentive.Expiry{End: qun.Day, Periods: 7}, false},
		{qun.Days(7), incentive.Expiry{End: qun.Day, Periods: 9}, true},
		{qun.Days(7), incentive.Expiry{End: qun.Year, Periods: 1}, true},
		{qun.Days(7), incentive.Expiry{End: qun.Year, From: incentive.ExpiryFromAvailable}, true},
		{0, incentive.Expiry{End: qun.Day}, true},
		{0, incentive.Expiry{From: incentive.ExpiryFromAvailable}, false}, // a start without an expiry
	} {
		k := spendable("points")
		k.Pending, k.Expiry = c.pending, c.expiry
		if err := k.Validate(); (err == nil) != c.valid {
			t.Errorf("pending %v, expiry %+v: err = %v, want valid %v", c.pending, c.expiry, err, c.valid)
		} else if err != nil && !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("err = %v, want one matching qun.ErrInvalid", err)
		}
	}
}

// Reversing a lot whose remainder expired charges what was spent from it,
// and only that.
func TestReverseExpiredLot(t *testing.T) {
	k := spendable("points")
	k.Expiry = incentive.Expiry{After: qun.Days(30)}
	l := newLedger(t, []incentive.Kind{k})
	id := acct("points")
	ok := must[incentive.Result](t)
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "A", Points: dec("100")}, t0))
	ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s", Points: dec("30")}, t0.Add(time.Hour)))
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "B", Points: dec("50")}, t0.Add(days(31)))) // A's 70 expire
	res := ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "refund-A", Earn: "A"}, t0.Add(days(32))))
	if !res.Points().Equal(dec("-30")) || !res.Shortfall().IsZero() {
		t.Errorf("reversal took %s (shortfall %s), want the 30 spent from A", res.Points(), res.Shortfall())
	}
	again := ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "refund-A-2", Earn: "A"}, t0.Add(days(33))))
	if len(again.Entries) != 0 {
		t.Errorf("a lot with nothing left to reverse: %+v", again.Entries)
	}
	if b := mustBalance(t, l, id, t0.Add(days(33))); !b.Available.Equal(dec("20")) {
		t.Errorf("available = %s, want 20", b.Available)
	}
}

// Explain shows the arithmetic a member can check: the unrounded base,
// the product, and the rounding.
func TestExplainShowsRounding(t *testing.T) {
	gold := []incentive.Multiplier{{Name: "gold", Factor: dec("3"), Tiers: []string{"gold"}}}
	for _, c := range []struct {
		rule incentive.Rule
		kind incentive.Kind
		tier string
		want string
	}{
		{incentive.Rule{Points: dec("1"), Per: dec("10"), Multipliers: gold}, spendable("points"), "gold", "buy: 9.95 × 3 (gold) = 29.85 → 29"},
		{incentive.Rule{Points: dec("1"), Per: dec("10")}, spendable("points"), "", "buy: 9.95 → 9"},
		{incentive.Rule{Points: dec("1"), Per: dec("10"), WholeUnits: true, Multipliers: gold}, spendable("points"), "gold", "buy: 9 × 3 (gold) = 27"},
		{incentive.Rule{Points: dec("1"), Per: dec("10"), FirstTimeBonus: dec("5"), Caps: incentive.Caps{Day: incentive.Cap(dec("12"))}}, spendable("points"), "",
			"buy: 9.95 → 9 + 5 first-time bonus = 14, cut to 12 by the daily cap"},
		{incentive.Rule{Points: dec("1"), Per: dec("3")}, spendable("points"), "", "buy: 33.166666666 → 33"},
		{incentive.Rule{Points: dec("3"), Multipliers: []incentive.Multiplier{{Name: "half", Factor: dec("0.5")}}}, spendable("points"), "", "buy: 3 × 0.5 (half) = 1.5 → 1"},
	} {
		r := c.rule
		r.ID, r.Kind, r.Event = "buy", c.kind.Name, qun.EventFilter{Name: "purchase"}
		eng := compile(t, []incentive.Kind{c.kind}, r)
		d := eng.Evaluate(event("purchase", t0, "99.50"), incentive.Member{Tier: c.tier}, incentive.RuleState{}, t0)
		if got := d.Awards[0].Explain(); got != c.want {
			t.Errorf("Explain = %q, want %q", got, c.want)
		}
	}
}

// Validate refuses amounts a kind's scale would round away on every
// award.
func TestAmountsFinerThanTheScale(t *testing.T) {
	for _, c := range []struct {
		rule  incentive.Rule
		field string
	}{
		{incentive.Rule{FirstTimeBonus: dec("0.5")}, "rules[0].first_time_bonus"},
		{incentive.Rule{Points: dec("0.4")}, "rules[0].points"},
		{incentive.Rule{Points: dec("1"), FirstTimeBonus: dec("2.5")}, "rules[0].first_time_bonus"},
	} {
		r := c.rule
		r.ID, r.Kind, r.Event = "r", "points", qun.EventFilter{Name: "e"}
		err := incentive.Program{Calendar: calSH, Kinds: []incentive.Kind{spendable("points")}, Rules: []incentive.Rule{r}}.Validate()
		if !hasField(err, c.field) {
			t.Errorf("%+v: err = %v, want one naming %s", c.rule, err, c.field)
		}
	}
	// A rate may be finer: it is rounded once per award.
	ok := incentive.Rule{ID: "r", Kind: "points", Event: qun.EventFilter{Name: "e"}, Points: dec("0.5"), Per: dec("1")}
	if err := (incentive.Program{Calendar: calSH, Kinds: []incentive.Kind{spendable("points")}, Rules: []incentive.Rule{ok}}).Validate(); err != nil {
		t.Errorf("a fractional rate: %v", err)
	}
}

// Awards that pass a cap on their own are refused too, even on an account
// the rule never awarded into: no request gets past a cap.
func TestEarnRefusesAwardsOverACap(t *testing.T) {
	l := newLedger(t, []incentive.Kind{spendable("points")},
		incentive.Rule{ID: "check-in", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"), Caps: incentive.Caps{Day: incentive.Cap(dec("10"))}})
	req := incentive.EarnRequest{Account: acct("points"), Key: "k", Points: dec("50"),
		Awards: []incentive.Award{{Rule: "check-in", Kind: "points", Points: dec("50")}}}
	if _, err := l.Earn(ctx, req, t0); !errors.Is(err, incentive.ErrStaleDecision) {
		t.Errorf("an award of 50 under a daily cap of 10: err = %v, want ErrStaleDecision", err)
	}
	if b := mustBalance(t, l, acct("points"), t0); !b.Net.IsZero() {
		t.Errorf("balance = %s, want 0", b.Net)
	}
}
