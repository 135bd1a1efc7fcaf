package qun_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
)

func TestLoadZone(t *testing.T) {
	good := []struct {
		name   string
		offset int // at 2026-01-15 12:00 UTC
	}{
		{"Asia/Shanghai", 8 * 3600},
		{"America/New_York", -5 * 3600},
		{"UTC", 0},
		{"+08:00", 8 * 3600},
		{"-03:30", -(3*3600 + 30*60)},
		{"+18:00", 18 * 3600},
	}
	for _, tt := range good {
		z, err := qun.LoadZone(tt.name)
		if err != nil {
			t.Errorf("LoadZone(%q): %v", tt.name, err)
			continue
		}
		if z.String() != tt.name {
			t.Errorf("LoadZone(%q).String() = %q", tt.name, z.String())
		}
		if _, off := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC).In(z.Location()).Zone(); off != tt.offset {
			t.Errorf("%s offset = %d, want %d", tt.name, off, tt.offset)
		}
	}
	for _, name := range []string{"", "Local", "Mars/Olympus", "+8", "+08:60", "+18:01", "+0800", "08:00", "../etc/passwd"} {
		if _, err := qun.LoadZone(name); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("LoadZone(%q) = %v, want ErrInvalid", name, err)
		}
	}
}

func TestZoneZeroAndEqual(t *testing.T) {
	var z qun.Zone
	if z.Location() != time.UTC || z.String() != "UTC" || !z.IsZero() {
		t.Errorf("zero Zone = %v, %v, zero %v", z.Location(), z.String(), z.IsZero())
	}
	if !qun.ZoneOf(nil).Equal(qun.Zone{}) || !qun.ZoneOf(time.UTC).IsZero() {
		t.Error("ZoneOf(nil) and ZoneOf(time.UTC) are not the zero Zone")
	}
	a, b := qun.MustLoadZone("Asia/Shanghai"), qun.MustLoadZone("Asia/Shanghai")
	if !a.Equal(b) || a.Equal(qun.Zone{}) {
		t.Error("Equal compares by name")
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("cmp sees two loads of one zone as different:\n%s", diff)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustLoadZone of a bad name did not panic")
		}
	}()
	qun.MustLoadZone("Mars/Olympus")
}

func TestZoneJSON(t *testing.T) {
	type member struct {
		Zone qun.Zone `json:"zone"`
	}
	for _, name := range []string{"America/New_York", "UTC", "+05:45"} {
		in := member{qun.MustLoadZone(name)}
		data, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"zone":"` + name + `"}`; string(data) != want {
			t.Errorf("Marshal = %s, want %s", data, want)
		}
		var out member
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatal(err)
		}
		if !out.Zone.Equal(in.Zone) {
			t.Errorf("round trip of %s gave %s", name, out.Zone)
		}
	}
	var m member
	if err := json.Unmarshal([]byte(`{"zone":"Local"}`), &m); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Unmarshal of Local = %v, want ErrInvalid", err)
	}
}

// ZoneOf turns a fixed offset into the zone LoadZone gives for it, whatever
// the location was called, so its text reads back as the same offset.
func TestZoneOfFixed(t *testing.T) {
	parsed, err := time.Parse(time.RFC3339, "2026-11-22T08:00:00+08:00")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		loc  *time.Location
		want string
	}{
		{time.FixedZone("EST", 8*3600), "+08:00"}, // not IANA's EST, which is -05:00
		{parsed.Location(), "+08:00"},
		{time.FixedZone("", -(9*3600 + 30*60)), "-09:30"},
		{time.FixedZone("GMT", 0), "UTC"},
		{loadLoc(t, "America/New_York"), "America/New_York"},
	}
	for _, tt := range tests {
		z := qun.ZoneOf(tt.loc)
		text, err := z.MarshalText()
		if err != nil || string(text) != tt.want {
			t.Errorf("ZoneOf(%v) writes %q, %v; want %q", tt.loc, text, err, tt.want)
			continue
		}
		back := qun.MustLoadZone(string(text))
		at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
		_, o1 := at.In(tt.loc).Zone()
		_, o2 := at.In(back.Location()).Zone()
		if o1 != o2 {
			t.Errorf("%v read back as %v: offset %d, want %d", tt.loc, back, o2, o1)
		}
	}
}
