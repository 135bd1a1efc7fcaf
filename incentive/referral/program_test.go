package referral_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/referral"
	"github.com/shopspring/decimal"
)

const programJSON = `{
  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
  "attribution": {"model": "first_touch", "window": "7d"},
  "depth": 2,
  "milestones": [
    {"name": "joined"},
    {"name": "first_purchase", "event": {"name": "purchase", "where": [{"prop": "channel", "op": "exact", "values": ["mini_program"]}]}, "within": "30d"},
    {"name": "stayed_7d", "after": "7d"}
  ],
  "activation": "first_purchase",
  "churn": {"name": "left"},
  "rewards": [
    {"id": "welcome", "milestone": "joined", "kind": "points", "invitee": "50"},
    {"id": "bring-a-buyer", "milestone": "first_purchase", "kind": "points", "invitee": "10", "inviters": ["100", "20"]}
  ],
  "caps": [{"kind": "points", "per": "month", "points": "2000", "rewards": 20}, {"kind": "points", "points": "10000"}]
}`

var programOpts = cmp.Options{cmp.Comparer(decimal.Decimal.Equal), cmp.Comparer(qun.Zone.Equal)}

func TestProgramJSONRoundTrip(t *testing.T) {
	p, err := referral.ParseProgram([]byte(programJSON))
	if err != nil {
		t.Fatal(err)
	}
	if p.Attribution.Model != referral.FirstTouch || p.Caps[0].Per != qun.Month || p.Milestones[2].After != qun.Days(7) {
		t.Errorf("fields read wrong: %+v", p)
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := referral.ParseProgram(data)
	if err != nil {
		t.Fatalf("reading back %s: %v", data, err)
	}
	if diff := cmp.Diff(p, q, programOpts); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
	var viaUnmarshal referral.Program
	if err := json.Unmarshal([]byte(programJSON), &viaUnmarshal); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, viaUnmarshal, programOpts); diff != "" {
		t.Errorf("json.Unmarshal differs from ParseProgram (-parse +unmarshal):\n%s", diff)
	}
	if err := program().Validate(); err != nil {
		t.Errorf("the tests' program: %v", err)
	}
}

func TestProgramErrors(t *testing.T) {
	base := `"calendar":{"zone":"UTC","week_start":"monday"},"attribution":{"window":"7d"}`
	cases := []struct{ name, json, field string }{
		{"unknown field", `{` + base + `,"levels":3}`, "levels"},
		{"misspelt nested field", `{` + base + `,"milestones":[{"name":"m","evnt":{"name":"x"}}]}`, "milestones[0].evnt"},
		{"null where not allowed", `{` + base + `,"depth":null}`, "depth"},
		{"depth beyond the maximum", `{` + base + `,"depth":3}`, "depth"},
		{"negative depth", `{` + base + `,"depth":-1}`, "depth"},
		{"three inviter levels", `{` + base + `,"milestones":[{"name":"m"}],"rewards":[{"id":"r","milestone":"m","kind":"p","inviters":["3","2","1"]}]}`, "rewards[0].inviters"},
		{"two levels in a program of depth one", `{` + base + `,"depth":1,"milestones":[{"name":"m"}],"rewards":[{"id":"r","milestone":"m","kind":"p","inviters":["3","2"]}]}`, "rewards[0].inviters"},
		{"no window", `{"calendar":{"zone":"UTC","week_start":"monday"},"attribution":{"model":"last_touch"}}`, "attribution.window"},
		{"unknown model", `{"calendar":{"zone":"UTC","week_start":"monday"},"attribution":{"model":"middle_touch","window":"1d"}}`, "attribution.model"},
		{"bad window text", `{"calendar":{"zone":"UTC","week_start":"monday"},"attribution":{"window":"7 days"}}`, "attribution.window"},
		{"duplicate milestone", `{` + base + `,"milestones":[{"name":"m"},{"name":"m"}]}`, "milestones[1].name"},
		{"within before after", `{` + base + `,"milestones":[{"name":"m","after":"7d","within":"1d"}]}`, "milestones[0].within"},
		{"bad event filter", `{` + base + `,"milestones":[{"name":"m","event":{"name":""}}]}`, "milestones[0].event.name"},
		{"unknown activation", `{` + base + `,"activation":"m"}`, "activation"},
		{"reward of an unknown milestone", `{` + base + `,"rewards":[{"id":"r","milestone":"m","kind":"p","invitee":"1"}]}`, "rewards[0].milestone"},
		{"reward paying nobody", `{` + base + `,"milestones":[{"name":"m"}],"rewards":[{"id":"r","milestone":"m","kind":"p","inviters":["0"]}]}`, "rewards[0]"},
		{"negative amount", `{` + base + `,"milestones":[{"name":"m"}],"rewards":[{"id":"r","milestone":"m","kind":"p","inviters":["-1"]}]}`, "rewards[0].inviters[0]"},
		{"too fine an amount", `{` + base + `,"milestones":[{"name":"m"}],"rewards":[{"id":"r","milestone":"m","kind":"p","invitee":"0.0000001"}]}`, "rewards[0].invitee"},
		{"duplicate reward", `{` + base + `,"milestones":[{"name":"m"}],"rewards":[{"id":"r","milestone":"m","kind":"p","invitee":"1"},{"id":"r","milestone":"m","kind":"p","invitee":"1"}]}`, "rewards[1].id"},
		{"empty cap", `{` + base + `,"caps":[{"kind":"p"}]}`, "caps[0]"},
		{"bad cap grain", `{` + base + `,"caps":[{"kind":"p","per":"fortnight","points":"1"}]}`, "caps[0].per"},
		{"two caps of one period", `{` + base + `,"caps":[{"kind":"p","per":"day","points":"1"},{"kind":"p","per":"day","rewards":1}]}`, "caps[1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := referral.ParseProgram([]byte(c.json))
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("err = %v, want one matching qun.ErrInvalid", err)
			}
			if !hasField(err, c.field) {
				t.Errorf("err = %v, want one naming %q", err, c.field)
			}
		})
	}
}

// hasField reports whether err (or one of the errors joined in it) is a
// validation error for the field.
func hasField(err error, field string) bool {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if hasField(e, field) {
				return true
			}
		}
		return false
	}
	var ve *qun.ValidationError
	if errors.As(err, &ve) && ve.Field == field {
		return true
	}
	if u := errors.Unwrap(err); u != nil {
		return hasField(u, field)
	}
	return false
}

func TestDepthErrorExplains(t *testing.T) {
	p := program()
	p.Depth = referral.MaxDepth + 1
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "传销") {
		t.Errorf("err = %v, want one that says why", err)
	}
}

func TestEnumsText(t *testing.T) {
	for _, m := range []referral.Model{referral.LastTouch, referral.FirstTouch} {
		text, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back referral.Model
		if err := back.UnmarshalText(text); err != nil || back != m || m.String() != string(text) {
			t.Errorf("model %v: %q, %v, %v", m, text, back, err)
		}
	}
	if _, err := referral.Model(9).MarshalText(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("marshal of an unknown model: %v", err)
	}
	for r := referral.NoReason; r <= referral.Late; r++ {
		text, err := r.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back referral.Reason
		if err := back.UnmarshalText(text); err != nil || back != r || r.String() != string(text) {
			t.Errorf("reason %v: %q, %v, %v", r, text, back, err)
		}
	}
	if _, err := referral.Reason(99).MarshalText(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("marshal of an unknown reason: %v", err)
	}
	var r referral.Reason
	if err := r.UnmarshalText([]byte("bogus")); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("parse of an unknown reason: %v", err)
	}
	if referral.Reason(99).String() != "Reason(99)" || referral.Model(9).String() != "Model(9)" {
		t.Error("names of unknown values")
	}
}

// TestDecisionsMarshal checks that decisions, which hosts persist, write
// as JSON.
func TestDecisionsMarshal(t *testing.T) {
	g := chain(t, program())
	p := must[referral.Progress](t)(g.Observe(purchase("o", "bo", t0.Add(days(1))), nil, t0.Add(days(1))))
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back referral.Progress
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back, cmpOpts); diff != "" {
		t.Errorf("progress round trip (-want +got):\n%s", diff)
	}
}

func FuzzParseProgram(f *testing.F) {
	f.Add([]byte(programJSON))
	f.Add([]byte(`{"calendar":{"zone":"UTC","week_start":"monday"},"attribution":{"window":"1h"}}`))
	f.Add([]byte(`{"calendar":{"zone":"UTC","week_start":"monday"},"attribution":{"window":"1h"},"depth":3}`))
	f.Add([]byte(`{"calendar":{"zone":"UTC","week_start":"monday"},"attribution":{"window":"1h"},"milestones":[{"name":"m","after":"1d"}],"rewards":[{"id":"r","milestone":"m","kind":"p","inviters":["1e3","0.5"]}],"caps":[{"kind":"p","per":"week","rewards":2}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"milestones":[{"name":"\u0000"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := referral.ParseProgram(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error not matching qun.ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("a parsed program does not marshal: %v", err)
		}
		if _, err := referral.ParseProgram(out); err != nil {
			t.Fatalf("%s does not read back: %v", out, err)
		}
		g, err := referral.NewGraph("c", p)
		if err != nil {
			t.Fatalf("a parsed program makes no graph: %v", err)
		}
		// Running it must not panic.
		_ = g.Touch(referral.Touch{Inviter: "a", Invitee: "b", Time: t0})
		if _, err := g.Join("a", t0); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Join("b", t0.Add(hours(1))); err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Milestones {
			name := "x"
			if m.Event != nil {
				name = m.Event.Name
			}
			if _, err := g.Observe(qun.Event{ID: "e-" + m.Name, Member: "b", Name: name, Time: t0.Add(days(40))}, nil, t0.Add(days(40))); err != nil {
				t.Fatal(err)
			}
		}
		g.Generations()
		g.Tree()
	})
}

func TestPartsReadStrictly(t *testing.T) {
	for name, c := range map[string]struct {
		v    any
		json string
	}{
		"reward":    {&referral.Reward{}, `{"id":"r","milestone":"m","kind":"p","inviter":["1"]}`},
		"milestone": {&referral.Milestone{}, `{"name":"m","within":"1d","within":"2d"}`},
		"cap":       {&referral.Cap{}, `{"kind":"p","per":"month","point":"1"}`},
		"credit":    {&referral.Credit{}, `{"model":"last_touch","windw":"1d"}`},
		"touch":     {&referral.Touch{}, `{"inviter":"a","invitee":"b","time":"2026-01-01T00:00:00Z","signal":["x"]}`},
	} {
		if err := json.Unmarshal([]byte(c.json), c.v); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
	var r referral.Reward
	if err := json.Unmarshal([]byte(`{"id":"r","milestone":"m","kind":"p","inviters":["1","2"]}`), &r); err != nil || len(r.Inviters) != 2 {
		t.Errorf("a good reward: %+v, %v", r, err)
	}
}
