package qun

import (
	"fmt"
	"time"
)

// Zone is a time zone that reads and writes as text: an IANA name such as
// "Asia/Shanghai" or "America/New_York", "UTC", or a fixed offset such as
// "+08:00". Configurations hold Zones where code would hold a
// *time.Location, because a Location has no text form. The zero Zone is UTC.
//
// Zones compare with [Zone.Equal], by name; == compares the loaded data.
type Zone struct {
	loc *time.Location
}

// LoadZone returns the zone with the given name: an IANA name, "UTC", or a
// fixed offset "+hh:mm" or "-hh:mm". It loads IANA zones with
// [time.LoadLocation], which reads the system's time zone database; a host
// running where there is none imports time/tzdata. "Local" and the empty
// name are refused: the machine's own zone would make results depend on
// where the host runs.
func LoadZone(name string) (Zone, error) {
	if name == "" || name == "Local" {
		return Zone{}, fmt.Errorf("qun: load zone %q: %w", name,
			Invalid("", "%q is not a zone name: name an IANA time zone such as Asia/Shanghai, UTC, or an offset such as +08:00", name))
	}
	if name == "UTC" {
		return Zone{}, nil
	}
	if name[0] == '+' || name[0] == '-' {
		offset, ok := parseOffset(name)
		if !ok {
			return Zone{}, fmt.Errorf("qun: load zone %q: %w", name,
				Invalid("", "%q is not an offset: an offset reads +hh:mm or -hh:mm, within ±18:00", name))
		}
		return Zone{time.FixedZone(name, offset)}, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Zone{}, fmt.Errorf("qun: load zone %q: %w", name,
			Invalid("", "%q is not a time zone in the IANA database", name))
	}
	return Zone{loc}, nil
}

// MustLoadZone is like [LoadZone] but panics if the zone cannot be loaded.
// It is meant for constant names in programs and tests, not for data.
func MustLoadZone(name string) Zone {
	z, err := LoadZone(name)
	if err != nil {
		panic(err)
	}
	return z
}

// ZoneOf returns the zone of loc, for a host that already holds a
// *time.Location. A nil loc is UTC. A zone with one fixed offset and no
// changes, such as one built with [time.FixedZone] or read from a time
// parsed with an offset, becomes the zone [LoadZone] gives for its offset
// ("+08:00"; "UTC" for zero), so that it writes as text that reads back as
// the same offsets, whatever it was named. Any other loc keeps its own name,
// which reads back only if it is an IANA name: the machine's time.Local, in
// particular, cannot be written as text (see [Zone.MarshalText]).
func ZoneOf(loc *time.Location) Zone {
	if loc == nil || loc == time.UTC {
		return Zone{}
	}
	probe := time.Unix(0, 0).In(loc)
	if start, end := probe.ZoneBounds(); start.IsZero() && end.IsZero() {
		_, offset := probe.Zone()
		if offset == 0 {
			return Zone{}
		}
		if offset%60 == 0 && offset >= -18*3600 && offset <= 18*3600 {
			return Zone{time.FixedZone(offsetName(offset), offset)}
		}
		// An offset no text form holds: unnamed, so Validate refuses it.
		return Zone{time.FixedZone("", offset)}
	}
	return Zone{loc}
}

// offsetName writes an offset in seconds as "+hh:mm".
func offsetName(offset int) string {
	sign := byte('+')
	if offset < 0 {
		sign, offset = '-', -offset
	}
	h, m := offset/3600, offset%3600/60
	return string([]byte{sign, byte('0' + h/10), byte('0' + h%10), ':', byte('0' + m/10), byte('0' + m%10)})
}

// parseOffset reads "+hh:mm" or "-hh:mm" as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if len(s) != 6 || s[3] != ':' {
		return 0, false
	}
	digit := func(c byte) (int, bool) { return int(c - '0'), c >= '0' && c <= '9' }
	h1, ok1 := digit(s[1])
	h2, ok2 := digit(s[2])
	m1, ok3 := digit(s[4])
	m2, ok4 := digit(s[5])
	h, m := h1*10+h2, m1*10+m2
	if !(ok1 && ok2 && ok3 && ok4) || m >= 60 || h*60+m > 18*60 {
		return 0, false
	}
	secs := (h*60 + m) * 60
	if s[0] == '-' {
		secs = -secs
	}
	return secs, true
}

// Location returns the zone's *time.Location; never nil.
func (z Zone) Location() *time.Location {
	if z.loc == nil {
		return time.UTC
	}
	return z.loc
}

// String returns the zone's name: "Asia/Shanghai", "UTC", "+08:00".
func (z Zone) String() string { return z.Location().String() }

// Equal reports whether z and o have the same name, which for zones from
// [LoadZone] means the same rules (from the same time zone database).
func (z Zone) Equal(o Zone) bool { return z.String() == o.String() }

// IsZero reports whether z is the zero Zone, UTC.
func (z Zone) IsZero() bool { return z.loc == nil }

// Validate reports whether z can be written as text: a zone from
// [LoadZone] always can; one from [ZoneOf] cannot when its location is
// named "Local" or not at all, or is a fixed offset that is not a whole
// number of minutes.
func (z Zone) Validate() error {
	name := z.String()
	switch {
	case name == "" || name == "Local":
		return Invalid("", "the zone %q cannot be written as text: load zones by IANA name", name)
	case name[0] == '+' || name[0] == '-':
		if offset, ok := parseOffset(name); ok {
			if _, actual := time.Unix(0, 0).In(z.Location()).Zone(); actual == offset {
				return nil
			}
		}
		return Invalid("", "the zone %q does not read back as the same offset", name)
	}
	return nil
}

// MarshalText writes the zone's name; it refuses a zone that would not read
// back (see [Zone.Validate]).
func (z Zone) MarshalText() ([]byte, error) {
	if err := z.Validate(); err != nil {
		return nil, fmt.Errorf("qun: marshal zone: %w", err)
	}
	return []byte(z.String()), nil
}

// UnmarshalText reads a zone name as [LoadZone] does.
func (z *Zone) UnmarshalText(text []byte) error {
	v, err := LoadZone(string(text))
	if err != nil {
		return err
	}
	*z = v
	return nil
}
