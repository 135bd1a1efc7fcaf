package lifecycle_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/lifecycle"
)

// checkRefusal fails unless err refuses data as qun does: matching
// qun.ErrInvalid, and, for malformed JSON, positioned within the input.
func checkRefusal(t *testing.T, data []byte, err error) {
	t.Helper()
	if !errors.Is(err, qun.ErrInvalid) {
		t.Fatalf("error %v (%T) does not match qun.ErrInvalid", err, err)
	}
	var se *qun.SyntaxError
	if errors.As(err, &se) && (se.Offset < 0 || se.Offset > len(data) || se.Line < 1 || se.Column < 1) {
		t.Fatalf("syntax error %+v is not positioned within the %d bytes of input", se, len(data))
	}
}

func FuzzStageModelJSON(f *testing.F) {
	good, _ := json.Marshal(lifecycle.DefaultStageModel())
	f.Add(good)
	f.Add([]byte(`{"start":"growth","enter_after":1,"leave_after":1,"stages":[{"stage":"growth","entry":[],"keep":[],"playbook":{"review":{"every":1,"grain":"month"}}}]}`))
	f.Add([]byte(`{"start":"building","enter_after":2,"leave_after":2,"stages":[{"stage":"building","entry":[{"metric":"member_share","op":"lt","value":0.5}],"keep":[{"metric":"member_share","op":"lte","value":0.5}],"next":["growth"]}]}`))
	f.Add([]byte(`{"start":`))
	f.Add([]byte(`{"stages":[{"entry":[{"metric":"members","op":"exact","value":1e400}]}]}`))
	f.Add([]byte(`{} trailing`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m lifecycle.StageModel
		if err := m.UnmarshalJSON(data); err != nil {
			checkRefusal(t, data, err)
			return
		}
		d, err := lifecycle.NewStageDetector(m)
		if err != nil {
			checkRefusal(t, data, err)
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("a valid model does not marshal: %v", err)
		}
		var back lifecycle.StageModel
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("a marshalled model does not read back: %v\n%s", err, out)
		}
		if diff := cmp.Diff(m, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-read +again):\n%s", diff)
		}
		st := lifecycle.StageState{}
		for w, s := range []lifecycle.Snapshot{buildingSnap, growthSnap, matureSnap, decliningSnap, growthSnap} {
			obs, err := d.Observe(st, snap(w, s))
			if err != nil {
				t.Fatalf("a valid snapshot was refused: %v", err)
			}
			st = obs.State
		}
		_ = d.Mermaid() + d.DOT()
	})
}

func FuzzStageStateJSON(f *testing.F) {
	f.Add([]byte(`{"stage":"growth","since":"2026-03-01T00:00:00Z","last":"2026-05-01T00:00:00Z","entry_held":{"growth":9},"keep_failed":{"building":9}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"entry_held":{"mature":-1}}`))
	f.Add([]byte(`{"stage":"declining","last":"not a time"}`))
	det, err := lifecycle.NewStageDetector(lifecycle.DefaultStageModel())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var st lifecycle.StageState
		if err := st.UnmarshalJSON(data); err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				// Times are read by encoding/json's own rules; their
				// errors are *time.ParseError.
				var pe *time.ParseError
				if !errors.As(err, &pe) {
					checkRefusal(t, data, err)
				}
			}
			return
		}
		if _, err := det.Observe(st, snap(0, growthSnap)); err != nil {
			checkRefusal(t, data, err)
		}
	})
}

func FuzzMemberRulesJSON(f *testing.F) {
	f.Add([]byte(`{"new_for":"7d","silent_after":"14d","churned_after":"90d","recalled_for":"14d"}`))
	f.Add([]byte(`{"new_for":"1d","silent_after":"36h","churned_after":"3d","recalled_for":"1d","local_days":true,"zone":"America/New_York"}`))
	f.Add([]byte(`{"new_for":"-7d","zone":"+08:00"}`))
	f.Add([]byte(`{"silent_after":"14x"}`))
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		var r lifecycle.MemberRules
		if err := r.UnmarshalJSON(data); err != nil {
			checkRefusal(t, data, err)
			return
		}
		c, err := lifecycle.NewClassifier(r)
		if err != nil {
			checkRefusal(t, data, err)
			return
		}
		for _, f := range []lifecycle.Facts{{}, {Joined: now}, {Joined: now.AddDate(-1, 0, 0), LastActive: now.AddDate(0, -1, 0), State: lifecycle.Silent}} {
			if s := c.Classify(f, now); !s.IsValid() {
				t.Fatalf("Classify(%+v) = %v", f, s)
			}
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back lifecycle.MemberRules
		if err := json.Unmarshal(out, &back); err != nil || back.NewFor != r.NewFor || back.ChurnedAfter != r.ChurnedAfter || !back.Zone.Equal(r.Zone) {
			t.Fatalf("round trip of %s: %+v, %v", out, back, err)
		}
	})
}

func FuzzJourneyAndLadderJSON(f *testing.F) {
	f.Add([]byte(`{"activation_days":1,"retained_after":"7d","retention_days":2,"revenue_purchases":1,"referral_members":1}`))
	f.Add([]byte(`{"front_end":["a"],"profit":["b"],"premium":["c"],"true_fan":{"min_rung":"premium","min_purchases":2,"min_spend":"10.5"}}`))
	f.Add([]byte(`{"true_fan":{"min_spend":1e999}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var j lifecycle.Journey
		if err := j.UnmarshalJSON(data); err != nil {
			checkRefusal(t, data, err)
		} else if err := j.Validate(); err == nil {
			_ = j.Reached(lifecycle.JourneyFacts{Joined: t0, LastActive: t0.Add(time.Hour), ActiveDays: 2, Purchases: 1, Referrals: 1})
		}
		var l lifecycle.Ladder
		if err := l.UnmarshalJSON(data); err != nil {
			// decimal's own parse errors are not qun's; they must still
			// be errors, which they are.
			return
		}
		if err := l.Validate(); err == nil {
			_ = l.TrueFan.IsTrueFan(lifecycle.LadderFacts{Premium: 1})
		}
	})
}

func FuzzParseNames(f *testing.F) {
	for _, s := range []string{"net_growth", "silent", "referral", "premium", "none", "", "Silent", "members\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := lifecycle.ParseMetric(s); err == nil {
			if m.String() != s {
				t.Fatalf("ParseMetric(%q) = %v", s, m)
			}
		} else {
			checkRefusal(t, []byte(s), err)
		}
		if st, err := lifecycle.ParseMemberState(s); err == nil {
			if st.String() != s {
				t.Fatalf("ParseMemberState(%q) = %v", s, st)
			}
		} else {
			checkRefusal(t, []byte(s), err)
		}
		var m lifecycle.Milestone
		if err := m.UnmarshalText([]byte(s)); err == nil && m.String() != s {
			t.Fatalf("Milestone %q read as %v", s, m)
		}
		var r lifecycle.Rung
		if err := r.UnmarshalText([]byte(s)); err == nil && r.String() != s {
			t.Fatalf("Rung %q read as %v", s, r)
		}
	})
}
