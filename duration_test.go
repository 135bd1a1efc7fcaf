package qun_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

func TestParseDuration(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"0", 0},
		{"-0", 0},
		{"0s", 0},
		{"30d", 30 * day},
		{"1w", 7 * day},
		{"2w3d", 17 * day},
		{"1d12h", 36 * time.Hour},
		{"36h", 36 * time.Hour},
		{"-7d", -7 * day},
		{"+90m", 90 * time.Minute},
		{"1.5h", 90 * time.Minute},
		{".5d", 12 * time.Hour},
		{"1.d", day},
		{"250ms", 250 * time.Millisecond},
		{"1us", time.Microsecond},
		{"1µs", time.Microsecond},
		{"1μs", time.Microsecond},
		{"1ns", 1},
		{"1.000000001s", time.Second + 1},
		{"1.0000000001s", time.Second},              // below a nanosecond is truncated, as time.ParseDuration does
		{"0.142857142857142857w", 24*time.Hour - 1}, // 1/7 week, truncated: exact, not rounded by floats
		{"0.999999999999999999s", time.Second - 1},
		{"106751d23h47m16.854775807s", math.MaxInt64},
		{"-106751d23h47m16.854775808s", math.MinInt64},
		{"9223372036854775807ns", math.MaxInt64},
		{"-9223372036854775808ns", math.MinInt64},
	}
	for _, tt := range tests {
		got, err := qun.ParseDuration(tt.in)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", tt.in, err)
			continue
		}
		if time.Duration(got) != tt.want {
			t.Errorf("ParseDuration(%q) = %v, want %v", tt.in, time.Duration(got), tt.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "want a number and a unit"},
		{"-", 1, "want a number and a unit"},
		{"30", 2, "missing unit"},
		{"30x", 2, `unknown unit "x"`},
		{"1d2", 3, "missing unit"},
		{"d", 0, "want a number"},
		{"1d.h", 2, "want a number"},
		{"1 d", 1, `unknown unit " d"`},
		{"106752d", 0, "out of range"},
		{"9223372036854775808ns", 0, "out of range"},
		{"99999999999999999999999s", 0, "out of range"},
		{"106751d23h47m16.854775808s", 13, "out of range"},
		// Two in-range parts whose sum wraps around to zero.
		{"-9223372036854775808ns9223372036854775808ns", 22, "out of range"},
	}
	for _, tt := range tests {
		_, err := qun.ParseDuration(tt.in)
		var se *qun.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseDuration(%q) error = %v, want a SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParseDuration(%q) = offset %d %q, want offset %d containing %q", tt.in, se.Offset, se.Msg, tt.offset, tt.msg)
		}
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("ParseDuration(%q) error is not ErrInvalid", tt.in)
		}
	}
}

func TestDurationString(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{30 * 24 * time.Hour, "30d"},
		{36 * time.Hour, "1d12h"},
		{90 * time.Second, "1m30s"},
		{-7 * 24 * time.Hour, "-7d"},
		{24*time.Hour + time.Second, "1d1s"},
		{1500 * time.Millisecond, "1.5s"},
		{time.Hour + time.Nanosecond, "1h0.000000001s"},
		{250 * time.Millisecond, "250ms"},
		{-1500 * time.Microsecond, "-1.5ms"},
		{math.MaxInt64, "106751d23h47m16.854775807s"},
		{math.MinInt64, "-106751d23h47m16.854775808s"},
	}
	for _, tt := range tests {
		if got := qun.Duration(tt.d).String(); got != tt.want {
			t.Errorf("Duration(%v).String() = %q, want %q", tt.d, got, tt.want)
		}
	}
	if got := qun.Days(30); got != qun.Duration(30*24*time.Hour) {
		t.Errorf("Days(30) = %v", got)
	}
}

func TestDurationJSON(t *testing.T) {
	type config struct {
		Cooldown qun.Duration `json:"cooldown"`
	}
	data, err := json.Marshal(config{qun.Days(7)})
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"cooldown":"7d"}` {
		t.Errorf("Marshal = %s", data)
	}
	var c config
	if err := json.Unmarshal([]byte(`{"cooldown":"1w"}`), &c); err != nil || c.Cooldown != qun.Days(7) {
		t.Errorf("Unmarshal 1w = %v, %v", c.Cooldown, err)
	}
	if err := json.Unmarshal([]byte(`{"cooldown":"7 days"}`), &c); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Unmarshal of bad text: %v, want ErrInvalid", err)
	}
}

func TestDurationRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := qun.Duration(rapid.OneOf(
			rapid.Int64(),
			rapid.Int64Range(-1e12, 1e12),
			rapid.Map(rapid.Int64Range(-1000, 1000), func(n int64) int64 { return n * int64(time.Hour) }),
		).Draw(t, "d"))
		s := d.String()
		back, err := qun.ParseDuration(s)
		if err != nil {
			t.Fatalf("ParseDuration(%q): %v", s, err)
		}
		if back != d {
			t.Fatalf("ParseDuration(%q) = %d, want %d", s, back, d)
		}
		if strings.Contains(s, "w") {
			t.Fatalf("canonical form %q uses weeks", s)
		}
	})
}

// parseDurationOracle reads a duration with exact rational arithmetic: each
// number's fraction (to 18 digits) times its unit, truncated to the
// nanosecond, summed without overflow and range-checked at the end.
func parseDurationOracle(s string) (time.Duration, bool) {
	m := regexp.MustCompile(`^([-+]?)((?:[0-9]*(?:\.[0-9]*)?(?:ns|us|µs|μs|ms|s|m|h|d|w))+)$`).FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	units := map[string]int64{"ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9, "w": 7 * 86400e9}
	total := new(big.Int)
	for _, part := range regexp.MustCompile(`([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h|d|w)`).FindAllStringSubmatch(m[2], -1) {
		if part[1] == "" && part[2] == "" {
			return 0, false
		}
		whole, _ := new(big.Int).SetString("0"+part[1], 10)
		frac := part[2]
		if len(frac) > 18 {
			frac = frac[:18]
		}
		num, _ := new(big.Int).SetString("0"+frac, 10)
		den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
		unit := big.NewInt(units[part[3]])
		v := new(big.Int).Mul(whole, unit)
		v.Add(v, new(big.Int).Quo(new(big.Int).Mul(num, unit), den))
		total.Add(total, v)
	}
	if m[1] == "-" {
		total.Neg(total)
	}
	if !total.IsInt64() {
		return 0, false
	}
	return time.Duration(total.Int64()), true
}

func TestParseDurationOracleProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(
			rapid.StringMatching(`[-+]?([0-9]{1,8}(\.[0-9]{0,22})?(ns|us|ms|s|m|h|d|w)){1,4}`),
			rapid.StringMatching(`-?([0-9]{15,20}(ns|us|s|d)){1,3}`),
		).Draw(t, "s")
		want, ok := parseDurationOracle(s)
		got, err := qun.ParseDuration(s)
		if ok != (err == nil) {
			t.Fatalf("%q: oracle ok=%v (%v), ParseDuration err=%v", s, ok, want, err)
		}
		if ok && time.Duration(got) != want {
			t.Fatalf("%q = %d, oracle %d", s, int64(got), int64(want))
		}
	})
}

// Without days and weeks, ParseDuration reads what time.ParseDuration reads.
func TestParseDurationAgreesWithTime(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[-+]?([0-9]{1,6}(\.[0-9]{0,4})?(ns|us|ms|s|m|h)){1,3}`).Draw(t, "s")
		want, werr := time.ParseDuration(s)
		got, gerr := qun.ParseDuration(s)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: time says %v, qun says %v", s, werr, gerr)
		}
		if werr == nil && time.Duration(got) != want {
			t.Fatalf("%q: time says %v, qun says %v", s, want, time.Duration(got))
		}
	})
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"30d", "-1.5h", "1d12h30m", "0", "1w2d", "250ms", "1µs", "9223372036854775807ns", "1..2h", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := qun.ParseDuration(s)
		if err != nil {
			var se *qun.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseDuration(%q) error %v is not a SyntaxError", s, err)
			}
			if se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("ParseDuration(%q) offset %d outside the input", s, se.Offset)
			}
			return
		}
		back, err := qun.ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %d; its String %q reads back as %d, %v", s, d, d.String(), back, err)
		}
	})
}
