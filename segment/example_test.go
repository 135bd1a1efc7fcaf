package segment_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/segment"
	"github.com/shopspring/decimal"
)

// A wine club segments its members: Italian wine fans in Shanghai and
// Hangzhou, and members ready for the intermediate course. The host
// builds a record per member, evaluates the segments over the
// population, and the next day acts on who entered and who exited.
func Example() {
	schema := segment.Schema{
		Attributes: []segment.Attribute{
			{Name: "city", Type: segment.TypeString},
			{Name: "lifecycle", Type: segment.TypeString},
			{Name: "spend", Type: segment.TypeDecimal},
		},
		Tags: []string{"wine/italian", "wine/french", "course/beginner"},
	}
	segments := []segment.Segment{
		{Name: "italian_wine_fans", Version: 1, Rule: segment.MustParse(
			`has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]`)},
		{Name: "ready_for_intermediate", Version: 1, Rule: segment.MustParse(
			`count("finish_course" where level = "beginner") >= 1 and lifecycle != "churned"`)},
	}
	set, err := segment.Compile(schema, segments)
	if err != nil {
		fmt.Println(err)
		return
	}

	day := func(d int) time.Time { return time.Date(2026, 11, d, 20, 0, 0, 0, time.UTC) }
	type member struct {
		id     qun.MemberID
		city   string
		tags   []segment.Tag
		events []qun.Event
	}
	members := []member{
		{id: "lin", city: "Shanghai",
			tags:   []segment.Tag{{Name: "wine/italian", Weight: 4, Source: segment.SourceBehaviour}},
			events: []qun.Event{{Member: "lin", Name: "attend_tasting", Time: day(20)}}},
		{id: "zhou", city: "Hangzhou",
			tags:   []segment.Tag{{Name: "wine/italian", Weight: 3.5, Source: segment.SourceManual}},
			events: []qun.Event{{Member: "zhou", Name: "finish_course", Time: day(21), Props: map[string]string{"level": "beginner"}}}},
		{id: "wang", city: "Beijing",
			tags: []segment.Tag{{Name: "wine/italian", Weight: 5, Source: segment.SourceBehaviour}}},
	}
	// One record, reused for every member as the population streams by.
	population := func(extra map[qun.MemberID]qun.Event) func(func(*segment.Record) bool) {
		return func(yield func(*segment.Record) bool) {
			r := set.NewRecord("")
			for _, m := range members {
				r.Reset(m.id)
				_ = r.SetString("city", m.city)
				_ = r.SetString("lifecycle", "active")
				_ = r.AddTags(m.tags...)
				for _, e := range m.events {
					_ = r.AddEvent(e)
				}
				if e, ok := extra[m.id]; ok {
					_ = r.AddEvent(e)
				}
				if !yield(r) {
					return
				}
			}
		}
	}

	monday, _ := set.Evaluate(population(nil), day(22))
	for _, s := range monday.Segments() {
		fmt.Println(s.Name, monday.Members(s.Name))
	}

	// Tuesday: zhou attends a tasting.
	tasting := qun.Event{Member: "zhou", Name: "attend_tasting", Time: day(23)}
	tuesday, _ := set.Evaluate(population(map[qun.MemberID]qun.Event{"zhou": tasting}), day(23))
	for _, ch := range segment.Diff(monday, tuesday) {
		fmt.Printf("%s: entered %v, exited %v\n", ch.Segment, ch.Entered, ch.Exited)
	}
	// Output:
	// italian_wine_fans [lin]
	// ready_for_intermediate [zhou]
	// italian_wine_fans: entered [zhou], exited []
}

// Why is a member not in a segment? Explain shows each clause, whether
// it held, and what it saw.
func ExampleEvaluator_Explain() {
	schema := segment.Schema{
		Attributes: []segment.Attribute{{Name: "city", Type: segment.TypeString}},
		Tags:       []string{"wine/italian"},
	}
	set, _ := segment.Compile(schema, []segment.Segment{{Name: "italian_wine_fans", Version: 1, Rule: segment.MustParse(
		`has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]`)}})

	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	r := set.NewRecord("wang")
	_ = r.SetString("city", "Beijing")
	_ = r.AddTag(segment.Tag{Name: "wine/italian/barolo", Weight: 4.5, Source: segment.SourceBehaviour})
	_ = r.AddEvent(qun.Event{Member: "wang", Name: "attend_tasting", Time: now.AddDate(0, -4, 0)})

	why, _ := set.At(now).Explain(r, "italian_wine_fans")
	fmt.Println(why)
	// Output:
	// ✗ has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]
	//   ✓ has_tag("wine/italian", 3)  saw "wine/italian": weight 4.5
	//   ✗ count("attend_tasting", 90d) >= 1  saw 0
	//   ✗ city in ["Shanghai", "Hangzhou"]  saw "Beijing"
}

// A rule has two forms, text for people and JSON for storage, and each
// reads back as the other.
func ExampleParse() {
	r, err := segment.Parse(`sum("purchase" where channel in ["mini_program", "app"], 30d) >= 299.00 and not segment("staff")`)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := json.Marshal(r)
	fmt.Println(string(data))
	fmt.Println(r)

	_, err = segment.Parse("city = \"Shanghai\" and\n  age >> 30")
	fmt.Println(err)
	// Output:
	// {"and":[{"agg":{"func":"sum","event":{"name":"purchase","where":[{"prop":"channel","op":"exact","values":["mini_program","app"]}]},"window":"30d"},"op":"\u003e=","values":[299.00]},{"not":{"segment":"staff"}}]}
	// sum("purchase" where channel in ["mini_program", "app"], 30d) >= 299.00 and not segment("staff")
	// segment: parse rule: line 2, column 8: want a value (a string, a number, true or false), not ">"
}

// A member who reads about Italian wine and attends Italian tastings
// grows an interest in wine/italian that fades with a half-life; the tag
// is held while the interest is above the threshold, and says when it
// will lapse.
func ExampleInterests() {
	interests := segment.Interests{
		Decay:     qun.Decay{HalfLife: qun.Days(30)},
		Threshold: 3,
		Rules: []segment.InterestRule{
			{Event: qun.EventFilter{Name: "read_article"}, TagProp: "topic", Prefix: "wine/", Weight: 1},
			{Event: qun.EventFilter{Name: "attend_tasting", Where: []qun.Condition{{Prop: "region", Op: qun.OpExact, Values: []string{"italy"}}}}, Tag: "wine/italian", Weight: 4},
		},
	}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var state []segment.Interest
	for _, e := range []qun.Event{
		{Member: "lin", Name: "read_article", Time: t0, Props: map[string]string{"topic": "italian"}},
		{Member: "lin", Name: "attend_tasting", Time: t0.AddDate(0, 0, 1), Props: map[string]string{"region": "italy"}},
	} {
		state = interests.Observe(state, e)
	}
	for _, when := range []time.Time{t0.AddDate(0, 0, 1), t0.AddDate(0, 1, 0)} {
		for _, tag := range interests.Tags(state, when) {
			fmt.Printf("%s: %s weight %.2f, lapses %s\n", when.Format(time.DateOnly), tag.Name, tag.Weight, tag.Expires.Format(time.DateOnly))
		}
	}
	// Output:
	// 2026-11-02: wine/italian weight 4.98, lapses 2026-11-23
}

// The portrait of a segment: who its members are.
func ExampleSet_Portrait() {
	schema := segment.Schema{Attributes: []segment.Attribute{
		{Name: "city", Type: segment.TypeString}, {Name: "age", Type: segment.TypeNumber}, {Name: "spend", Type: segment.TypeDecimal},
	}}
	set, _ := segment.Compile(schema, []segment.Segment{{Name: "spenders", Version: 1, Rule: segment.MustParse(`spend >= 100`)}})
	var records []*segment.Record
	for i, m := range []struct {
		city  string
		age   float64
		spend string
	}{{"Shanghai", 23, "120"}, {"Shanghai", 31, "980.50"}, {"Hangzhou", 45, "300"}, {"Beijing", 28, "20"}} {
		r := set.NewRecord(qun.MemberID(fmt.Sprint("m", i)))
		_ = r.SetString("city", m.city)
		_ = r.SetNumber("age", m.age)
		_ = r.SetDecimal("spend", decimal.RequireFromString(m.spend))
		records = append(records, r)
	}
	p, _ := set.Portrait("spenders", slices.Values(records), time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), segment.PortraitSpec{
		Histograms: []segment.HistogramSpec{{Attr: "age", Bounds: []float64{25, 35}}},
		Top:        []segment.TopSpec{{Attr: "city", K: 1}},
	})
	fmt.Println(p.Members, "members")
	fmt.Println("age <25, 25–35, 35+:", p.Histograms[0].Counts)
	fmt.Printf("top city %s (%d), %d others\n", p.Top[0].Values[0].Value, p.Top[0].Values[0].Count, p.Top[0].Others)
	// Output:
	// 3 members
	// age <25, 25–35, 35+: [1 1 1]
	// top city Shanghai (2), 1 others
}
