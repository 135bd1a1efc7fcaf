package qun_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/qunkit/qun"
)

func TestStageText(t *testing.T) {
	want := map[qun.Stage]string{
		qun.Building: "building", qun.Growth: "growth", qun.Mature: "mature", qun.Declining: "declining",
	}
	for s, name := range want {
		data, err := json.Marshal(s)
		if err != nil || string(data) != `"`+name+`"` {
			t.Errorf("Marshal(%v) = %s, %v", s, data, err)
		}
		var back qun.Stage
		if err := json.Unmarshal(data, &back); err != nil || back != s {
			t.Errorf("Unmarshal(%s) = %v, %v", data, back, err)
		}
	}
	if _, err := qun.ParseStage("Growth"); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ParseStage is case-sensitive; got %v", err)
	}
	// The zero Stage, "not yet known", round-trips as empty text.
	data, err := json.Marshal(qun.Stage(0))
	if err != nil || string(data) != `""` {
		t.Errorf("Marshal(0) = %s, %v", data, err)
	}
	back := qun.Growth
	if err := json.Unmarshal(data, &back); err != nil || back != 0 {
		t.Errorf("Unmarshal(%s) = %v, %v", data, back, err)
	}
	if _, err := json.Marshal(qun.Stage(9)); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Marshal(9) = %v, want ErrInvalid", err)
	}
	if got := qun.Stage(9).String(); got != "Stage(9)" {
		t.Errorf("String() = %q", got)
	}
}
