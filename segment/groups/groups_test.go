package groups

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/segment"
	"pgregory.net/rapid"
)

func ids(prefix string, n int) []qun.MemberID {
	out := make([]qun.MemberID, n)
	for i := range out {
		out[i] = qun.MemberID(fmt.Sprintf("%s%02d", prefix, i))
	}
	return out
}

func candidates(list []qun.MemberID, segments ...string) []Candidate {
	out := make([]Candidate, len(list))
	for i, id := range list {
		out[i] = Candidate{ID: id, Segments: segments}
	}
	return out
}

// sizes returns the size of each group after the plan, by ID.
func sizes(groups []Group, plan Plan) map[string]int {
	out := map[string]int{}
	for _, g := range groups {
		out[g.ID] = len(g.Members)
	}
	for _, a := range plan.Assignments {
		out[a.Group]++
	}
	return out
}

func TestRouteFill(t *testing.T) {
	r := Router{Pools: []Pool{{Segment: "wine", Capacity: 3, Prefix: "wine"}}}
	existing := []Group{{ID: "wine-1", Pool: "wine", Members: []qun.MemberID{"old1", "old2"}}}
	plan, err := r.Route(existing, append(candidates(ids("m", 7), "wine"), Candidate{ID: "old1", Segments: []string{"wine"}}))
	if err != nil {
		t.Fatal(err)
	}
	// wine-1 has one place; then wine-2 and wine-3 are opened (wine-1 is
	// taken, so numbering skips it) and filled in turn.
	if diff := cmp.Diff(map[string]int{"wine-1": 3, "wine-2": 3, "wine-3": 3}, sizes(existing, plan)); diff != "" {
		t.Errorf("sizes (-want +got):\n%s", diff)
	}
	if len(plan.Opened) != 2 || plan.Opened[0].ID != "wine-2" || len(plan.Opened[1].Members) != 3 {
		t.Errorf("opened %+v", plan.Opened)
	}
	if diff := cmp.Diff([]Assignment{{Member: "old2", Group: "wine-1", Pool: "wine"}}, plan.Unqualified); diff != "" {
		t.Errorf("unqualified (-want +got):\n%s", diff)
	}
}

func TestRouteBalance(t *testing.T) {
	r := Router{Pools: []Pool{{Segment: "wine", Capacity: 500, Prefix: "wine"}}, Balance: true}
	plan, err := r.Route(nil, candidates(ids("m", 600), "wine"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"wine-1": 300, "wine-2": 300}, sizes(nil, plan)); diff != "" {
		t.Errorf("balanced sizes (-want +got):\n%s", diff)
	}
	fill := r
	fill.Balance = false
	plan, _ = fill.Route(nil, candidates(ids("m", 600), "wine"))
	if diff := cmp.Diff(map[string]int{"wine-1": 500, "wine-2": 100}, sizes(nil, plan)); diff != "" {
		t.Errorf("filled sizes (-want +got):\n%s", diff)
	}
	// Balancing evens out existing groups too, without moving anyone.
	existing := []Group{{ID: "a", Pool: "wine", Members: ids("x", 10)}, {ID: "b", Pool: "wine", Members: ids("y", 2)}}
	plan, _ = r.Route(existing, candidates(ids("m", 10), "wine"))
	if diff := cmp.Diff(map[string]int{"a": 11, "b": 11}, sizes(existing, plan)); diff != "" {
		t.Errorf("balanced into existing (-want +got):\n%s", diff)
	}
}

func TestRoutePriorityAndWaitlist(t *testing.T) {
	r := Router{Pools: []Pool{
		{Segment: "vip", Capacity: 2, Prefix: "vip", MaxGroups: 1},
		{Segment: "wine", Capacity: 2, Prefix: "wine", MaxGroups: 1},
	}}
	cands := append(candidates(ids("v", 3), "vip", "wine"), candidates(ids("w", 2), "wine")...)
	cands = append(cands, Candidate{ID: "nobody", Segments: []string{"beer"}})
	plan, err := r.Route(nil, cands)
	if err != nil {
		t.Fatal(err)
	}
	pool := map[qun.MemberID]string{}
	for _, a := range plan.Assignments {
		pool[a.Member] = a.Pool
	}
	vips := 0
	for _, id := range ids("v", 3) {
		if pool[id] == "vip" {
			vips++
		}
	}
	// Two VIPs fit the VIP group and two more members the wine group; in
	// the hashed order the fifth finds both full and waits.
	if vips != 2 || len(plan.Assignments) != 4 || len(plan.Waitlisted) != 1 {
		t.Errorf("plan %+v", plan)
	}
	if _, routed := pool["nobody"]; routed || slices.Contains(plan.Waitlisted, "nobody") {
		t.Error("a member of no pool's segment was routed or waitlisted")
	}
}

func TestRouterValidate(t *testing.T) {
	bad := Router{Pools: []Pool{
		{Segment: "", Capacity: 0, Prefix: ""},
		{Segment: "a", Capacity: 1, Prefix: "p", MaxGroups: -1},
		{Segment: "a", Capacity: 1, Prefix: "p"},
	}}
	var got []string
	for _, e := range bad.Validate().(interface{ Unwrap() []error }).Unwrap() {
		got = append(got, e.(*qun.ValidationError).Field)
	}
	want := []string{"pools[0].segment", "pools[0].capacity", "pools[0].prefix", "pools[1].max_groups", "pools[2].segment", "pools[2].prefix"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if _, err := (Router{}).Route(nil, nil); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("routing with no pools: %v", err)
	}
}

// Routing never overfills a group, never moves a placed member, places or
// waitlists every unplaced qualifying member as the rules say, and gives
// the same plan whatever the order of its inputs.
func TestRouteProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		segs := []string{"vip", "wine", "course"}
		var r Router
		for i, s := range rapid.SliceOfNDistinct(rapid.SampledFrom(segs), 1, 3, rapid.ID).Draw(t, "pools") {
			r.Pools = append(r.Pools, Pool{
				Segment:   s,
				Capacity:  rapid.IntRange(1, 5).Draw(t, "capacity"),
				Prefix:    fmt.Sprint("p", i),
				MaxGroups: rapid.IntRange(0, 3).Draw(t, "max"),
			})
		}
		r.Balance = rapid.Bool().Draw(t, "balance")
		people := ids("m", 30)
		var existing []Group
		placed := map[qun.MemberID]bool{}
		for i := range rapid.IntRange(0, 4).Draw(t, "groups") {
			g := Group{ID: rapid.SampledFrom([]string{"p0-1", "p1-2", "x", "p0-3", fmt.Sprint("g", i)}).Draw(t, "id"), Pool: rapid.SampledFrom(segs).Draw(t, "pool")}
			if slices.ContainsFunc(existing, func(e Group) bool { return e.ID == g.ID }) {
				continue
			}
			for _, m := range rapid.SliceOfNDistinct(rapid.SampledFrom(people), 0, 6, rapid.ID).Draw(t, "members") {
				if !placed[m] {
					placed[m] = true
					g.Members = append(g.Members, m)
				}
			}
			existing = append(existing, g)
		}
		var cands []Candidate
		for _, m := range people {
			if in := rapid.SliceOfNDistinct(rapid.SampledFrom(segs), 0, 3, rapid.ID).Draw(t, "in"); len(in) > 0 {
				cands = append(cands, Candidate{ID: m, Segments: in})
			}
		}
		plan, err := r.Route(existing, cands)
		if err != nil {
			t.Fatal(err)
		}
		capacity := map[string]int{}
		for _, p := range r.Pools {
			capacity[p.Segment] = p.Capacity
		}
		before := map[string]int{}
		for _, g := range existing {
			before[g.ID] = len(g.Members)
		}
		after := sizes(existing, plan)
		for id, n := range after {
			if n > before[id] && n > capacityOf(r, existing, plan, id) {
				t.Fatalf("group %s has %d members, capacity %d", id, n, capacityOf(r, existing, plan, id))
			}
		}
		seen := map[qun.MemberID]bool{}
		segsOf := map[qun.MemberID][]string{}
		for _, c := range cands {
			segsOf[c.ID] = c.Segments
		}
		for _, a := range plan.Assignments {
			if placed[a.Member] {
				t.Fatalf("placed member %s moved to %s", a.Member, a.Group)
			}
			if seen[a.Member] {
				t.Fatalf("%s assigned twice", a.Member)
			}
			seen[a.Member] = true
			if !slices.Contains(segsOf[a.Member], a.Pool) {
				t.Fatalf("%s assigned to pool %s it is not in", a.Member, a.Pool)
			}
		}
		for _, c := range cands {
			qualifies := slices.ContainsFunc(r.Pools, func(p Pool) bool { return slices.Contains(c.Segments, p.Segment) })
			if placed[c.ID] || !qualifies {
				continue
			}
			if !seen[c.ID] && !slices.Contains(plan.Waitlisted, c.ID) {
				t.Fatalf("qualifying member %s was neither placed nor waitlisted", c.ID)
			}
		}
		for _, w := range plan.Waitlisted {
			for _, p := range r.Pools {
				if !slices.Contains(segsOf[w], p.Segment) {
					continue
				}
				if p.MaxGroups == 0 {
					t.Fatalf("%s waitlisted though pool %s has no cap on groups", w, p.Segment)
				}
				groups, members := 0, 0
				for id, n := range after {
					if poolOf(existing, plan, id) == p.Segment {
						groups++
						members += min(n, p.Capacity)
					}
				}
				if groups < p.MaxGroups || members < groups*p.Capacity {
					t.Fatalf("%s waitlisted though pool %s has room (%d groups, %d members)", w, p.Segment, groups, members)
				}
			}
		}
		ids := map[string]bool{}
		for _, g := range existing {
			ids[g.ID] = true
		}
		for _, g := range plan.Opened {
			if ids[g.ID] {
				t.Fatalf("opened group %s clashes with another", g.ID)
			}
			ids[g.ID] = true
		}
		// Inputs in another order give the same plan.
		again, _ := r.Route(existing, rapid.Permutation(cands).Draw(t, "shuffled"))
		if diff := cmp.Diff(plan, again); diff != "" {
			t.Fatalf("the plan depends on the order of candidates:\n%s", diff)
		}
	})
}

func poolOf(existing []Group, plan Plan, id string) string {
	for _, g := range existing {
		if g.ID == id {
			return g.Pool
		}
	}
	for _, g := range plan.Opened {
		if g.ID == id {
			return g.Pool
		}
	}
	return ""
}

func capacityOf(r Router, existing []Group, plan Plan, id string) int {
	pool := poolOf(existing, plan, id)
	for _, p := range r.Pools {
		if p.Segment == pool {
			return p.Capacity
		}
	}
	return 0
}

var admissionSchema = segment.Schema{
	Attributes: []segment.Attribute{
		{Name: "city", Type: segment.TypeString},
		{Name: "profession", Type: segment.TypeString},
		{Name: "age", Type: segment.TypeNumber},
	},
	Tags: []string{"wine/italian"},
}

func TestAdmission(t *testing.T) {
	threshold := AtLeast(3,
		segment.MustParse(`city = "Shanghai"`),
		segment.MustParse(`has_tag("wine/italian")`),
		segment.MustParse(`profession in ["sommelier", "importer"]`),
		segment.MustParse(`age between 25 and 45`),
	)
	set, err := segment.Compile(admissionSchema, []segment.Segment{{Name: "italian_threshold", Version: 1, Rule: threshold}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	e := set.At(now)
	two := set.NewRecord("two")
	_ = two.SetString("city", "Shanghai")
	_ = two.SetNumber("age", 30)
	three := set.NewRecord("three")
	_ = three.SetString("city", "Shanghai")
	_ = three.SetNumber("age", 30)
	_ = three.AddTag(segment.Tag{Name: "wine/italian", Weight: 1, Source: segment.SourceManual})

	a := Admission{Threshold: "italian_threshold", Paid: true}
	tests := []struct {
		rec   *segment.Record
		entry Entry
		via   []Route
	}{
		{two, Entry{}, []Route{}},
		{two, Entry{Paid: true}, []Route{ByPayment}},
		{two, Entry{Approved: true}, []Route{}}, // approval is not a route of this admission
		{three, Entry{Paid: true}, []Route{ByThreshold, ByPayment}},
	}
	for _, tt := range tests {
		d, err := a.Admit(e, tt.rec, tt.entry)
		if err != nil {
			t.Fatal(err)
		}
		if d.Admitted != (len(tt.via) > 0) || !slices.Equal(d.Via, tt.via) {
			t.Errorf("%s %+v: admitted %v via %v, want via %v", tt.rec.ID(), tt.entry, d.Admitted, d.Via, tt.via)
		}
	}
	d, _ := a.Admit(e, two, Entry{})
	if d.Threshold == nil || d.Threshold.Saw != "2 of 4 held" || len(d.Threshold.Clauses) != 4 {
		t.Errorf("threshold explanation %+v", d.Threshold)
	}
	if _, err := (Admission{}).Admit(e, two, Entry{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("an admission with no route: %v", err)
	}
	if _, err := (Admission{Threshold: "nope"}).Admit(e, two, Entry{}); err == nil {
		t.Error("an unknown threshold segment")
	}
}
