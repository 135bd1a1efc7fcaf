package qun

import "fmt"

// Stage is where a community is in its life (社群阶段). Operators run each
// stage with its own focus, KPIs and review cadence; package lifecycle
// detects the stage from metrics, and other packages weigh and schedule by
// it (scoring's community health, calendar's review cadence).
//
// The zero Stage is not valid: it means "not yet known", and writes as
// empty text, which reads back as the zero Stage.
type Stage uint8

// The stages, in the order a healthy community passes through them.
const (
	// Building (建设期): positioning, rules and culture are set and seed
	// members are recruited. KPIs: member growth, early activity. Reviewed
	// weekly, even daily.
	Building Stage = iota + 1
	// Growth (发展期): membership scales and activity and stickiness (粘性)
	// rise. KPIs: retention, interaction rate. Reviewed monthly.
	Growth
	// Mature (成熟期): the community is stable; automation cuts cost and
	// members are kept satisfied. KPIs: loyalty, reach, satisfaction.
	// Reviewed quarterly or half-yearly.
	Mature
	// Declining (衰退期): activity and membership shrink. Not one of the
	// three base stages, but real communities decline, and a declining
	// community can return to Growth.
	Declining
)

var stageNames = [...]string{Building: "building", Growth: "growth", Mature: "mature", Declining: "declining"}

// ParseStage reads a stage's name: "building", "growth", "mature" or
// "declining".
func ParseStage(s string) (Stage, error) {
	for st := Building; st <= Declining; st++ {
		if stageNames[st] == s {
			return st, nil
		}
	}
	return 0, fmt.Errorf("qun: parse stage %q: %w", s, Invalid("", "%q is not a stage: want building, growth, mature or declining", s))
}

// IsValid reports whether s is one of the four stages.
func (s Stage) IsValid() bool { return s >= Building && s <= Declining }

// String returns the stage's name, "building" to "declining".
func (s Stage) String() string {
	if !s.IsValid() {
		return fmt.Sprintf("Stage(%d)", uint8(s))
	}
	return stageNames[s]
}

// MarshalText writes the stage's name, or empty text for the zero Stage;
// it refuses any other invalid stage.
func (s Stage) MarshalText() ([]byte, error) {
	if s == 0 {
		return []byte{}, nil
	}
	if !s.IsValid() {
		return nil, fmt.Errorf("qun: marshal stage %d: %w", uint8(s), Invalid("", "not a stage"))
	}
	return []byte(stageNames[s]), nil
}

// UnmarshalText reads a stage's name as [ParseStage] does; empty text is
// the zero Stage.
func (s *Stage) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*s = 0
		return nil
	}
	v, err := ParseStage(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
