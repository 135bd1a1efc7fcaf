package badge

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/qunkit/qun"
)

// Set is a community's badges (徽章) as data. Hosts keep it with their
// other rules and [Compile] it once.
//
// Its JSON form is
//
//	{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
//	 "badges":[
//	   {"id":"first-post","grades":[{"criteria":[{"counter":"posts","min":1}]}]},
//	   {"id":"reader","grades":[{"name":"bronze","criteria":[{"counter":"books","min":5}]},
//	                            {"name":"silver","criteria":[{"counter":"books","min":20}]},
//	                            {"name":"gold","criteria":[{"counter":"books","min":50}]}]},
//	   {"id":"weekly-champion","multiple":true,"per":"week",
//	    "grades":[{"criteria":[{"rank":"weekly-reading","top":1}]}]},
//	   {"id":"regular","revoke":true,"grades":[{"criteria":[{"streak":"check-in","min":30}]}]},
//	   {"id":"pioneer","grades":[{"criteria":[{"first":"join","top":100}]}]},
//	   {"id":"host","grades":[{}]}]}
type Set struct {
	// Calendar is where periods of badges granted once a period are
	// counted. It may be left out when no badge has Per.
	Calendar qun.Calendar `json:"calendar,omitzero"`
	// Badges are the badges, with distinct IDs.
	Badges []Badge `json:"badges"`
}

// Badge is one badge: the grades it comes in, what earns each, and how
// often it is granted.
type Badge struct {
	// ID names the badge: it is what an incentive.Reward grants.
	ID string `json:"id"`
	// Grades are the badge's grades, lowest first, 1 to 10: one for a
	// plain badge; bronze, silver and gold for a tiered one. A member
	// holds the highest grade whose criteria hold with those of every
	// grade below it; a grade without criteria is granted only by hand
	// ([Engine.Grant]) or by a quest.
	Grades []Grade `json:"grades"`
	// Multiple grants the badge again each time its criteria newly hold
	// (Discourse's multiple_grant), or, with Per, once each period they
	// hold: the weekly champion, every week they are champion. It applies
	// to badges of one grade.
	Multiple bool `json:"multiple,omitempty"`
	// Limit, with Multiple, is the most grants a member can have; zero is
	// no limit.
	Limit int `json:"limit,omitzero"`
	// Per, with Multiple, grants the badge at most once per period of
	// this grain, in the set's calendar.
	Per qun.Grain `json:"per,omitzero"`
	// Revoke takes the badge back, grade by grade, when its criteria stop
	// holding (Discourse's auto_revoke): the badge of a current state,
	// such as a 30-day streak kept alive. It applies to badges granted
	// once, with criteria.
	Revoke bool `json:"revoke,omitempty"`
}

// Grade is one grade of a badge.
type Grade struct {
	// Name names the grade: "bronze". A badge of one grade may leave it
	// out.
	Name string `json:"name,omitempty"`
	// Criteria must all hold for the grade; none means by hand only.
	Criteria []Criterion `json:"criteria,omitempty"`
}

// Criterion is one condition on a member's [Facts]. Exactly one of
// Counter, Streak, Tag, Rank and First is set:
//
//	{"counter":"posts","min":100}          the counter is at least Min
//	{"streak":"check-in","min":7}          the streak's current length is at least Min
//	{"streak":"check-in","min":30,"longest":true}   its longest ever
//	{"tag":"kol"}                          the member holds the tag
//	{"rank":"weekly-reading","top":3}      ranked 3rd or better on the board
//	{"first":"join","top":100}             among the first 100 to join
type Criterion struct {
	// Counter names a counter of [Facts.Counters], which must be at
	// least Min.
	Counter string `json:"counter,omitempty"`
	// Streak names a streak of [Facts.Streaks], whose current length
	// (or, with Longest, longest ever) must be at least Min.
	Streak  string `json:"streak,omitempty"`
	Longest bool   `json:"longest,omitempty"`
	// Min is the least a counter or a streak must reach, at least 1.
	Min int64 `json:"min,omitzero"`
	// Tag names a tag the member must hold ([Facts.Tags]).
	Tag string `json:"tag,omitempty"`
	// Rank names a board of [Facts.Ranks], on which the member must rank
	// Top or better.
	Rank string `json:"rank,omitempty"`
	// First names a first of [Facts.Firsts]: the member must be among
	// the first Top to do it.
	First string `json:"first,omitempty"`
	// Top is the lowest rank or place that holds, at least 1.
	Top int64 `json:"top,omitzero"`
}

// UnmarshalJSON reads a set strictly, as [qun.UnmarshalStrict] reads.
func (s *Set) UnmarshalJSON(data []byte) error {
	type plain Set
	return qun.UnmarshalStrict(data, (*plain)(s))
}

// Parse reads a set from its JSON form, strictly, and validates it.
func Parse(data []byte) (Set, error) {
	var s Set
	if err := s.UnmarshalJSON(data); err != nil {
		return Set{}, fmt.Errorf("badge: parse: %w", err)
	}
	if err := s.Validate(); err != nil {
		return Set{}, fmt.Errorf("badge: parse: %w", err)
	}
	return s, nil
}

// Validate reports every problem with s, joined, each naming its field:
// "badges[2].grades[0].criteria[1].top".
func (s Set) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("calendar", s.Calendar.Validate()))
	ids := map[string]bool{}
	for i, b := range s.Badges {
		field := "badges[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field, b.Validate()))
		if ids[b.ID] {
			errs = append(errs, qun.Invalid(field+".id", "%q names another badge too", b.ID))
		}
		ids[b.ID] = true
	}
	return errors.Join(errs...)
}

// maxGrades bounds a badge's grades.
const maxGrades = 10

// Validate reports every problem with b, joined, each naming its field.
func (b Badge) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("id", qun.ValidateName(b.ID)))
	if len(b.Grades) == 0 || len(b.Grades) > maxGrades {
		errs = append(errs, qun.Invalid("grades", "a badge has 1 to %d grades", maxGrades))
	}
	names := map[string]bool{}
	auto := true
	for i, g := range b.Grades {
		field := "grades[" + strconv.Itoa(i) + "]"
		if g.Name != "" || len(b.Grades) > 1 {
			errs = append(errs, qun.Within(field+".name", qun.ValidateName(g.Name)))
		}
		if names[g.Name] && g.Name != "" {
			errs = append(errs, qun.Invalid(field+".name", "%q names another grade too", g.Name))
		}
		names[g.Name] = true
		if len(g.Criteria) == 0 {
			auto = false
		}
		for j, c := range g.Criteria {
			errs = append(errs, qun.Within(field+".criteria["+strconv.Itoa(j)+"]", c.Validate()))
		}
	}
	if b.Multiple && len(b.Grades) > 1 {
		errs = append(errs, qun.Invalid("multiple", "applies to badges of one grade"))
	}
	if b.Limit < 0 {
		errs = append(errs, qun.Invalid("limit", "must not be negative"))
	}
	if !b.Multiple && b.Limit != 0 {
		errs = append(errs, qun.Invalid("limit", "bounds badges granted multiple times; the others are granted once"))
	}
	switch {
	case b.Per != 0 && !b.Multiple:
		errs = append(errs, qun.Invalid("per", "applies to badges granted multiple times"))
	case b.Per != 0 && !b.Per.IsValid():
		errs = append(errs, qun.Invalid("per", "not a grain"))
	}
	if b.Revoke && (b.Multiple || !auto) {
		errs = append(errs, qun.Invalid("revoke", "applies to badges granted once, whose every grade has criteria"))
	}
	return errors.Join(errs...)
}

// Validate reports every problem with c, joined.
func (c Criterion) Validate() error {
	var errs []error
	set := 0
	for _, s := range []string{c.Counter, c.Streak, c.Tag, c.Rank, c.First} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return qun.Invalid("", "set exactly one of counter, streak, tag, rank and first")
	}
	check := func(field, name string) {
		if name != "" {
			errs = append(errs, qun.Within(field, qun.ValidateName(name)))
		}
	}
	check("counter", c.Counter)
	check("streak", c.Streak)
	check("tag", c.Tag)
	check("rank", c.Rank)
	check("first", c.First)
	counted := c.Counter != "" || c.Streak != ""
	switch {
	case counted && c.Min < 1:
		errs = append(errs, qun.Invalid("min", "must be at least 1"))
	case !counted && c.Min != 0:
		errs = append(errs, qun.Invalid("min", "applies to counter and streak"))
	}
	if c.Longest && c.Streak == "" {
		errs = append(errs, qun.Invalid("longest", "applies to streak"))
	}
	ranked := c.Rank != "" || c.First != ""
	switch {
	case ranked && c.Top < 1:
		errs = append(errs, qun.Invalid("top", "must be at least 1"))
	case !ranked && c.Top != 0:
		errs = append(errs, qun.Invalid("top", "applies to rank and first"))
	}
	return errors.Join(errs...)
}
