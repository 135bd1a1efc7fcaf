package groups_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/segment"
	"github.com/qunkit/qun/segment/groups"
)

// The wine magazine invites members who keep reading about Italian wine,
// or attend Italian tastings, into its "Italian wine fans" groups (知味意粉).
// Groups hold at most 4 members here (500 on WeChat); members already in
// a group stay where they are, and new fans fill the open group, then a
// new one. Members who love wine but are not Italian wine fans go to the
// next pool. New members are taken in a stable hashed order.
func Example_italianWineFans() {
	schema := segment.Schema{Tags: []string{"wine/italian", "wine/french"}}
	set, err := segment.Compile(schema, []segment.Segment{
		{Name: "italian_wine_fans", Version: 1, Rule: segment.MustParse(
			`has_tag("wine/italian", 3) or count("attend_tasting" where region in ["italy", "piedmont"], 90d) >= 2`)},
		{Name: "wine_lovers", Version: 1, Rule: segment.MustParse(`has_tag("wine")`)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var records []*segment.Record
	add := func(id qun.MemberID, tag string, weight float64, tastings int) {
		r := set.NewRecord(id)
		_ = r.AddTag(segment.Tag{Name: tag, Weight: weight, Source: segment.SourceBehaviour})
		for i := range tastings {
			_ = r.AddEvent(qun.Event{Member: id, Name: "attend_tasting", Time: now.AddDate(0, 0, -7*(i+1)), Props: map[string]string{"region": "piedmont"}})
		}
		records = append(records, r)
	}
	add("lin", "wine/italian", 5, 0)
	add("zhou", "wine/italian", 1, 2)
	add("wang", "wine/italian", 3.5, 0)
	add("chen", "wine/french", 4, 0)
	add("li", "wine/italian", 4, 3)
	add("zhao", "wine/italian", 6, 0)
	add("sun", "wine/italian", 2, 0)

	snap, err := set.Evaluate(func(yield func(*segment.Record) bool) {
		for _, r := range records {
			if !yield(r) {
				return
			}
		}
	}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	router := groups.Router{Pools: []groups.Pool{
		{Segment: "italian_wine_fans", Capacity: 4, Prefix: "知味意粉"},
		{Segment: "wine_lovers", Capacity: 4, Prefix: "wine-lovers"},
	}}
	existing := []groups.Group{{ID: "知味意粉-1", Pool: "italian_wine_fans", Members: []qun.MemberID{"lin", "wang"}}}
	plan, err := router.RouteSnapshot(existing, snap)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range plan.Assignments {
		fmt.Printf("%s → %s\n", a.Member, a.Group)
	}
	for _, g := range plan.Opened {
		fmt.Printf("open %s with %v\n", g.ID, g.Members)
	}
	// Output:
	// zhou → 知味意粉-1
	// zhao → 知味意粉-1
	// li → 知味意粉-2
	// sun → wine-lovers-1
	// chen → wine-lovers-1
	// open 知味意粉-2 with [li]
	// open wine-lovers-1 with [sun chen]
}

// A group of Italian wine lovers admits members who meet at least three
// of four conditions, or who paid the entry fee; the decision says why.
func ExampleAdmission_Admit() {
	schema := segment.Schema{
		Attributes: []segment.Attribute{
			{Name: "city", Type: segment.TypeString},
			{Name: "profession", Type: segment.TypeString},
			{Name: "age", Type: segment.TypeNumber},
		},
		Tags: []string{"wine/italian"},
	}
	threshold := groups.AtLeast(3,
		segment.MustParse(`city = "Shanghai"`),
		segment.MustParse(`has_tag("wine/italian")`),
		segment.MustParse(`profession in ["sommelier", "importer"]`),
		segment.MustParse(`age between 25 and 45`),
	)
	set, _ := segment.Compile(schema, []segment.Segment{{Name: "italian_threshold", Version: 1, Rule: threshold}})
	r := set.NewRecord("zhou")
	_ = r.SetString("city", "Shanghai")
	_ = r.SetString("profession", "teacher")
	_ = r.SetNumber("age", 31)

	admission := groups.Admission{Threshold: "italian_threshold", Paid: true}
	e := set.At(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	for _, entry := range []groups.Entry{{}, {Paid: true}} {
		d, _ := admission.Admit(e, r, entry)
		fmt.Printf("paid=%v: admitted %v via %v\n", entry.Paid, d.Admitted, d.Via)
	}
	d, _ := admission.Admit(e, r, groups.Entry{})
	fmt.Println(d.Threshold)
	// Output:
	// paid=false: admitted false via []
	// paid=true: admitted true via [paid]
	// ✗ at_least(3, [city = "Shanghai", has_tag("wine/italian"), profession in ["sommelier", "importer"], age between 25 and 45])  saw 2 of 4 held
	//   ✓ city = "Shanghai"  saw "Shanghai"
	//   ✗ has_tag("wine/italian")  saw "wine/italian": not held
	//   ✗ profession in ["sommelier", "importer"]  saw "teacher"
	//   ✓ age between 25 and 45  saw 31
}
