package groups

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/segment"
	"pgregory.net/rapid"
)

// invalidFields returns the field paths of the validation errors in err.
func invalidFields(err error) []string {
	var out []string
	for _, ve := range qun.ValidationErrors(err) {
		out = append(out, ve.Field)
	}
	return out
}

// The audit's case: two entries for one chat group. Counted as two
// groups, each with room, the chat would be routed past its capacity.
func TestRouteRefusesRepeatedGroup(t *testing.T) {
	r := Router{Pools: []Pool{{Segment: "wine", Capacity: 3, Prefix: "wine"}}}
	existing := []Group{
		{ID: "wine-1", Pool: "wine", Members: []qun.MemberID{"a", "b"}},
		{ID: "wine-1", Pool: "wine", Members: []qun.MemberID{"c", "d"}},
	}
	plan, err := r.Route(existing, candidates(ids("m", 2), "wine"))
	if !errors.Is(err, qun.ErrInvalid) {
		t.Fatalf("Route with a repeated group: %v, plan %+v", err, plan)
	}
	if diff := cmp.Diff([]string{"groups[1].id"}, invalidFields(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Plan{}, plan); diff != "" {
		t.Errorf("a refused routing returned a plan:\n%s", diff)
	}
}

func TestRouteRefusesInvalidInput(t *testing.T) {
	r := Router{Pools: []Pool{{Segment: "wine", Capacity: 3, Prefix: "wine"}}}
	ok := []Group{{ID: "g", Pool: "wine", Members: []qun.MemberID{"a"}}}
	okCands := []Candidate{{ID: "m", Segments: []string{"wine"}}}
	tests := []struct {
		name   string
		groups []Group
		cands  []Candidate
		fields []string
	}{
		{"empty group id", []Group{{ID: "", Pool: "wine"}}, okCands, []string{"groups[0].id"}},
		{"control character in group id", []Group{{ID: "g\n", Pool: "wine"}}, okCands, []string{"groups[0].id"}},
		{"repeated group id", append(slices.Clone(ok), Group{ID: "g", Pool: "other"}), okCands, []string{"groups[1].id"}},
		{"empty pool", []Group{{ID: "g", Pool: ""}}, okCands, []string{"groups[0].pool"}},
		{"empty member", []Group{{ID: "g", Pool: "wine", Members: []qun.MemberID{"a", ""}}}, okCands, []string{"groups[0].members[1]"}},
		{"member too long", []Group{{ID: "g", Pool: "wine", Members: []qun.MemberID{qun.MemberID(strings.Repeat("x", 257))}}}, okCands, []string{"groups[0].members[0]"}},
		{"member twice in a group", []Group{{ID: "g", Pool: "wine", Members: []qun.MemberID{"a", "b", "a"}}}, okCands, []string{"groups[0].members[2]"}},
		{"empty candidate", ok, []Candidate{{ID: "m", Segments: []string{"wine"}}, {ID: "", Segments: []string{"wine"}}}, []string{"candidates[1].id"}},
		{"invalid UTF-8 candidate", ok, []Candidate{{ID: "\xff", Segments: []string{"wine"}}}, []string{"candidates[0].id"}},
		{"empty segment", ok, []Candidate{{ID: "m", Segments: []string{"wine", ""}}}, []string{"candidates[0].segments[1]"}},
		{"several at once", []Group{{ID: "", Pool: "wine", Members: []qun.MemberID{""}}}, []Candidate{{ID: ""}}, []string{"groups[0].id", "groups[0].members[0]", "candidates[0].id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := r.Route(tt.groups, tt.cands)
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("Route = %v, want an error matching qun.ErrInvalid", err)
			}
			if diff := cmp.Diff(tt.fields, invalidFields(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(Plan{}, plan); diff != "" {
				t.Errorf("a refused routing returned a plan:\n%s", diff)
			}
		})
	}
	// A member in two groups, of one pool or of two, is valid: a person
	// may be in several chats.
	twice := []Group{{ID: "g1", Pool: "wine", Members: []qun.MemberID{"a"}}, {ID: "g2", Pool: "wine", Members: []qun.MemberID{"a"}}}
	if _, err := r.Route(twice, okCands); err != nil {
		t.Errorf("a member in two groups: %v", err)
	}
}

// Nil inputs do not panic: a nil snapshot is an empty population, and an
// admission asked to evaluate its threshold with no evaluator or no
// record refuses with an error matching qun.ErrInvalid.
func TestNilInputs(t *testing.T) {
	r := Router{Pools: []Pool{{Segment: "wine", Capacity: 3, Prefix: "wine"}}}
	plan, err := r.RouteSnapshot(nil, nil)
	want := Plan{Assignments: []Assignment{}, Opened: []Group{}, Waitlisted: []qun.MemberID{}, Unqualified: []Assignment{}}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, plan); diff != "" {
		t.Errorf("RouteSnapshot(nil, nil) (-want +got):\n%s", diff)
	}
	// Members of existing groups are unqualified against an empty
	// population, as against any population they are not in.
	plan, err = r.RouteSnapshot([]Group{{ID: "g", Pool: "wine", Members: []qun.MemberID{"a"}}}, nil)
	if err != nil || len(plan.Unqualified) != 1 {
		t.Errorf("RouteSnapshot(groups, nil) = %+v, %v", plan, err)
	}

	set, err := segment.Compile(admissionSchema, []segment.Segment{{Name: "t", Version: 1, Rule: segment.MustParse(`age >= 18`)}})
	if err != nil {
		t.Fatal(err)
	}
	a := Admission{Threshold: "t", Paid: true}
	if _, err := a.Admit(nil, set.NewRecord("m"), Entry{Paid: true}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Admit with a nil evaluator = %v", err)
	}
	if _, err := a.Admit(set.At(time.Time{}), nil, Entry{Paid: true}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Admit of a nil record = %v", err)
	}
	if _, err := a.Admit(new(segment.Evaluator), new(segment.Record), Entry{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Admit with zero values = %v", err)
	}
	// Without a threshold there is nothing to evaluate, and no need for
	// an evaluator or a record.
	d, err := Admission{Paid: true}.Admit(nil, nil, Entry{Paid: true})
	if err != nil || !d.Admitted {
		t.Errorf("Admit by payment alone = %+v, %v", d, err)
	}
}

// validInput is the rule Route's inputs must follow, written out
// independently of Route: group IDs valid and distinct, pools valid
// names, members valid and not repeated within a group, candidates'
// IDs and segments valid names.
func validInput(groups []Group, cands []Candidate) bool {
	seen := map[string]bool{}
	for _, g := range groups {
		if qun.ValidateName(g.ID) != nil || seen[g.ID] || qun.ValidateName(g.Pool) != nil {
			return false
		}
		seen[g.ID] = true
		for i, m := range g.Members {
			if m.Validate() != nil || slices.Contains(g.Members[:i], m) {
				return false
			}
		}
	}
	for _, c := range cands {
		if c.ID.Validate() != nil {
			return false
		}
		for _, s := range c.Segments {
			if qun.ValidateName(s) != nil {
				return false
			}
		}
	}
	return true
}

// For any input the types allow, Route either refuses it, with an error
// matching qun.ErrInvalid that names fields of its arguments and no plan,
// or its plan puts no group over its pool's capacity: a group gains
// members only while it has room, so a group already over capacity (its
// pool's capacity was lowered) gains none.
func TestRouteAnyInput(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		segs := []string{"vip", "wine", "course"}
		var r Router
		for i, s := range rapid.SliceOfNDistinct(rapid.SampledFrom(segs), 1, 3, rapid.ID).Draw(t, "pools") {
			r.Pools = append(r.Pools, Pool{
				Segment:   s,
				Capacity:  rapid.IntRange(1, 3).Draw(t, "capacity"),
				Prefix:    fmt.Sprint("p", i),
				MaxGroups: rapid.IntRange(0, 3).Draw(t, "max"),
			})
		}
		r.Balance = rapid.Bool().Draw(t, "balance")
		// Good names that repeat, and in half the runs a bad one now and
		// then.
		dirty := rapid.Bool().Draw(t, "dirty")
		pick := func(good, bad []string) *rapid.Generator[string] {
			return rapid.Custom(func(t *rapid.T) string {
				if dirty && rapid.IntRange(0, 9).Draw(t, "bad") == 0 {
					return rapid.SampledFrom(bad).Draw(t, "bad_name")
				}
				return rapid.SampledFrom(good).Draw(t, "name")
			})
		}
		badNames := []string{"", "\x00", "a\nb", "\xff"}
		var people []string
		for i := range 20 {
			people = append(people, fmt.Sprint("m", i))
		}
		member := rapid.Map(pick(people, []string{"", "\t", strings.Repeat("m", 257)}), func(s string) qun.MemberID { return qun.MemberID(s) })
		// Group IDs repeat in dirty runs; in clean ones each is drawn once.
		groupIDs := []string{"p0-1", "p0-2", "p1-1", "p2-1", "x", "y", "z"}
		var groups []Group
		for i := range rapid.IntRange(0, 4).Draw(t, "groups") {
			id := groupIDs[i]
			if dirty {
				id = pick(groupIDs, badNames).Draw(t, "id")
			}
			g := Group{ID: id, Pool: pick(append(segs, "other"), badNames).Draw(t, "pool")}
			// Members are distinct within a group in clean runs.
			if dirty {
				g.Members = rapid.SliceOfN(member, 0, 4).Draw(t, "members")
			} else {
				g.Members = rapid.SliceOfNDistinct(member, 0, 4, rapid.ID).Draw(t, "members")
			}
			groups = append(groups, g)
		}
		// Every person may be a candidate, in some segments, and some more
		// than once.
		var cands []Candidate
		segments := pick(append(segs, "beer"), badNames)
		for range rapid.IntRange(0, 30).Draw(t, "candidates") {
			cands = append(cands, Candidate{ID: member.Draw(t, "id"), Segments: rapid.SliceOfN(segments, 1, 3).Draw(t, "segments")})
		}

		plan, err := r.Route(groups, cands)
		if !validInput(groups, cands) {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("invalid input accepted: err %v, plan %+v", err, plan)
			}
			for _, f := range invalidFields(err) {
				if !strings.HasPrefix(f, "groups[") && !strings.HasPrefix(f, "candidates[") {
					t.Fatalf("error at field %q, not in the arguments: %v", f, err)
				}
			}
			if diff := cmp.Diff(Plan{}, plan); diff != "" {
				t.Fatalf("a refused routing returned a plan:\n%s", diff)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid input refused: %v", err)
		}
		capacity := map[string]int{}
		for _, p := range r.Pools {
			capacity[p.Segment] = p.Capacity
		}
		before, pool := map[string]int{}, map[string]string{}
		placed := map[qun.MemberID]bool{}
		for _, g := range groups {
			before[g.ID], pool[g.ID] = len(g.Members), g.Pool
			for _, m := range g.Members {
				placed[m] = true
			}
		}
		for _, g := range plan.Opened {
			if _, clash := pool[g.ID]; clash {
				t.Fatalf("opened group %s clashes with another", g.ID)
			}
			pool[g.ID] = g.Pool
		}
		added := map[string]int{}
		for _, a := range plan.Assignments {
			if placed[a.Member] {
				t.Fatalf("placed member %s routed again, to %s", a.Member, a.Group)
			}
			placed[a.Member] = true
			if pool[a.Group] != a.Pool {
				t.Fatalf("%s assigned to %s of pool %q as pool %q", a.Member, a.Group, pool[a.Group], a.Pool)
			}
			added[a.Group]++
		}
		for id, n := range added {
			if c := capacity[pool[id]]; before[id]+n > c {
				t.Fatalf("group %s of pool %s has %d+%d members, capacity %d", id, pool[id], before[id], n, c)
			}
		}
	})
}
