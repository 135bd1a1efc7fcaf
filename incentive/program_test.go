package incentive_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

const programJSON = `{
  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
  "kinds": [
    {"name": "points", "scale": 0, "rounding": "down", "spendable": true,
     "pending": "7d", "expiry": {"end": "year", "from": "available"}, "reversal": "debt"},
    {"name": "growth", "scale": 0, "rounding": "half_up", "spendable": false}
  ],
  "rules": [
    {"id": "check-in", "kind": "points", "event": {"name": "check_in"}, "points": "10",
     "caps": {"day": "10", "week": "50"}, "first_time_bonus": "20"},
    {"id": "purchase", "kind": "points",
     "event": {"name": "purchase", "where": [{"prop": "channel", "op": "exact", "values": ["mini_program"]}]},
     "member": [{"prop": "city", "op": "is_not", "values": ["test"]}],
     "points": "1", "per": "10", "whole_units": true,
     "multipliers": [
       {"name": "double-11", "factor": "2", "window": {"from": "2026-11-11", "until": "2026-11-11"}},
       {"name": "gold", "factor": "1.5", "tiers": ["gold"]}],
     "caps": {"month": "5000", "budget": {"name": "double-11", "limit": "1000000"}},
     "cooldown": "1m", "priority": 10, "stop": true},
    {"id": "growth", "kind": "growth", "event": {"name": "check_in"}, "points": "1",
     "active": {"from": "2026-01-01"}}
  ]
}`

func TestProgramJSONRoundTrip(t *testing.T) {
	p, err := incentive.ParseProgram([]byte(programJSON))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := incentive.ParseProgram(data)
	if err != nil {
		t.Fatalf("reading back %s: %v", data, err)
	}
	opts := cmp.Options{cmp.Comparer(decimal.Decimal.Equal), cmp.Comparer(qun.Zone.Equal)}
	if diff := cmp.Diff(p, q, opts); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
	if p.Kinds[0].Expiry.End != qun.Year || p.Kinds[0].Reversal != incentive.Debt || p.Rules[1].Cooldown != qun.Duration(60e9) {
		t.Errorf("fields read wrong: %+v", p)
	}
	if _, err := incentive.Compile(p); err != nil {
		t.Error(err)
	}
}

func TestParseProgramErrors(t *testing.T) {
	cases := []struct {
		name, json, field string
	}{
		{"unknown field", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p","colour":"red"}]}`, "kinds[0].colour"},
		{"wrong type", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p","scale":"two"}]}`, "kinds[0].scale"},
		{"no kinds", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[]}`, "kinds"},
		{"bad scale", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p","scale":9}]}`, "kinds[0].scale"},
		{"bad rounding", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p","rounding":"sideways"}]}`, ""},
		{"duplicate kind", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"},{"name":"p"}]}`, "kinds[1].name"},
		{"expiry both ways", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p","expiry":{"after":"1d","end":"year"}}]}`, "kinds[0].expiry.end"},
		{"rule of an unknown kind", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"q","event":{"name":"e"},"points":"1"}]}`, "rules[0].kind"},
		{"negative cap", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"p","event":{"name":"e"},"points":"1","caps":{"day":"-1"}}]}`, "rules[0].caps.day"},
		{"cap finer than the scale", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"p","event":{"name":"e"},"points":"1","caps":{"week":"1.5"}}]}`, "rules[0].caps.week"},
		{"zero factor", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"p","event":{"name":"e"},"points":"1","multipliers":[{"name":"m","factor":"0"}]}]}`, "rules[0].multipliers[0].factor"},
		{"window backwards", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"p","event":{"name":"e"},"points":"1","active":{"from":"2026-02-01","until":"2026-01-01"}}]}`, "rules[0].active.until"},
		{"bad event condition", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"p","event":{"name":"e","where":[{"prop":"x","op":"gt","values":["abc"]}]},"points":"1"}]}`, "rules[0].event.where[0].values[0]"},
		{"duplicate rule", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"p","event":{"name":"e"},"points":"1"},{"id":"r","kind":"p","event":{"name":"e"},"points":"1"}]}`, "rules[1].id"},
		{"budget shared unequally", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"a","kind":"p","event":{"name":"e"},"points":"1","caps":{"budget":{"name":"b","limit":"10"}}},{"id":"c","kind":"p","event":{"name":"e"},"points":"1","caps":{"budget":{"name":"b","limit":"20"}}}]}`, "rules[1].caps.budget"},
		{"nothing awarded", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"p","event":{"name":"e"},"points":"0"}]}`, "rules[0].points"},
		{"trailing data", `{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p"}]} {}`, ""},
		{"not JSON", `{"kinds":`, ""},
	}
	for _, c := range cases {
		_, err := incentive.ParseProgram([]byte(c.json))
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: err = %v, want one matching qun.ErrInvalid", c.name, err)
			continue
		}
		var ve *qun.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: err = %v, want a *qun.ValidationError", c.name, err)
			continue
		}
		if c.field != "" && !hasField(err, c.field) {
			t.Errorf("%s: err = %v, want one naming %s", c.name, err, c.field)
		}
	}
}

// hasField reports whether err or an error joined in it names field.
func hasField(err error, field string) bool {
	var ve *qun.ValidationError
	if errors.As(err, &ve) && ve.Field == field {
		return true
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if hasField(e, field) {
				return true
			}
		}
	}
	if u := errors.Unwrap(err); u != nil {
		return hasField(u, field)
	}
	return strings.Contains(err.Error(), "invalid "+field+":")
}

func FuzzParseProgram(f *testing.F) {
	f.Add([]byte(programJSON))
	f.Add([]byte(`{"calendar":{"zone":"UTC","week_start":"monday"},"kinds":[{"name":"p","scale":2,"expiry":{"end":"day","periods":30}}]}`))
	f.Add([]byte(`{"calendar":{"zone":"+08:00","week_start":"sunday"},"kinds":[{"name":"p"}],"rules":[{"id":"r","kind":"p","event":{"name":"e"},"points":"1e3","per":"0.5"}]}`))
	f.Add([]byte(`{"kinds":[{"name":"\u0000"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := incentive.ParseProgram(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error not matching qun.ErrInvalid: %v", err)
			}
			return
		}
		eng, err := incentive.Compile(p)
		if err != nil {
			t.Fatalf("a parsed program does not compile: %v", err)
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("a parsed program does not marshal: %v", err)
		}
		if _, err := incentive.ParseProgram(out); err != nil {
			t.Fatalf("%s does not read back: %v", out, err)
		}
		// Evaluating any event must not panic.
		for _, r := range p.Rules {
			ev := qun.Event{ID: "e", Member: "m", Name: r.Event.Name, Time: t0, Value: decimal.NewNullDecimal(dec("123.45"))}
			eng.Evaluate(ev, incentive.Member{Tier: "gold"}, incentive.RuleState{}, t0)
		}
	})
}
