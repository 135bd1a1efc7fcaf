package qun_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
)

func TestValidationError(t *testing.T) {
	err := qun.Invalid("points", "must be at least %d", 1)
	if got, want := err.Error(), "invalid points: must be at least 1"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := qun.Invalid("", "empty").Error(), "invalid: empty"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, qun.ErrInvalid) {
		t.Error("errors.Is(ValidationError, ErrInvalid) = false")
	}
	wrapped := fmt.Errorf("saving rule: %w", err)
	var ve *qun.ValidationError
	if !errors.As(wrapped, &ve) || ve.Field != "points" {
		t.Errorf("errors.As through a wrap = %v, %+v", errors.As(wrapped, &ve), ve)
	}
}

func TestWithin(t *testing.T) {
	fields := func(err error) []string {
		var out []string
		var walk func(error)
		walk = func(err error) {
			switch e := err.(type) {
			case *qun.ValidationError:
				out = append(out, e.Field)
			case interface{ Unwrap() []error }:
				for _, inner := range e.Unwrap() {
					walk(inner)
				}
			default:
				out = append(out, "other: "+err.Error())
			}
		}
		walk(err)
		return out
	}
	other := errors.New("disk full")
	tests := []struct {
		name   string
		prefix string
		err    error
		want   []string
	}{
		{"nil stays nil", "rules[1]", nil, nil},
		{"field gets a dot", "rules[1]", qun.Invalid("points", "x"), []string{"rules[1].points"}},
		{"index gets no dot", "rules", qun.Invalid("[3]", "x"), []string{"rules[3]"}},
		{"empty field takes the prefix", "member", qun.Invalid("", "x"), []string{"member"}},
		{"empty prefix changes nothing", "", qun.Invalid("points", "x"), []string{"points"}},
		{"joined errors each move", "caps", errors.Join(qun.Invalid("daily", "x"), qun.Invalid("weekly", "y")),
			[]string{"caps.daily", "caps.weekly"}},
		{"nested joins move", "a", errors.Join(qun.Within("b", errors.Join(qun.Invalid("c", "x"))), other),
			[]string{"a.b.c", "other: disk full"}},
		{"other errors pass through", "a", other, []string{"other: disk full"}},
		{"a wrapped validation error moves", "a", fmt.Errorf("loading: %w", qun.Invalid("b", "x")), []string{"a.b"}},
		{"a syntax error is placed at the prefix", "half_life", qun.SyntaxErrorAt("7 days", 1, "unknown unit"), []string{"half_life"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := qun.Within(tt.prefix, tt.err)
			if tt.err == nil {
				if got != nil {
					t.Fatalf("Within(nil) = %v", got)
				}
				return
			}
			if diff := cmp.Diff(tt.want, fields(got)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if errors.Is(tt.err, qun.ErrInvalid) != errors.Is(got, qun.ErrInvalid) {
				t.Error("Within changed whether the error is ErrInvalid")
			}
		})
	}
}

func TestSyntaxErrorAt(t *testing.T) {
	tests := []struct {
		input  string
		offset int
		want   qun.SyntaxError
	}{
		{"abc", 0, qun.SyntaxError{Offset: 0, Line: 1, Column: 1, Msg: "m"}},
		{"abc", 2, qun.SyntaxError{Offset: 2, Line: 1, Column: 3, Msg: "m"}},
		{"ab\ncd", 4, qun.SyntaxError{Offset: 4, Line: 2, Column: 2, Msg: "m"}},
		{"ab\n", 3, qun.SyntaxError{Offset: 3, Line: 2, Column: 1, Msg: "m"}},
		// Columns count characters: 知味 is six bytes and two columns.
		{`has_tag("知味") x`, 18, qun.SyntaxError{Offset: 18, Line: 1, Column: 15, Msg: "m"}},
		{"abc", 99, qun.SyntaxError{Offset: 3, Line: 1, Column: 4, Msg: "m"}},
		{"abc", -1, qun.SyntaxError{Offset: 0, Line: 1, Column: 1, Msg: "m"}},
	}
	for _, tt := range tests {
		got := qun.SyntaxErrorAt(tt.input, tt.offset, "m")
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("SyntaxErrorAt(%q, %d) (-want +got):\n%s", tt.input, tt.offset, diff)
		}
	}
	err := qun.SyntaxErrorAt("x\ny", 2, "unknown %s", "thing")
	if got, want := err.Error(), "line 2, column 1: unknown thing"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, qun.ErrInvalid) {
		t.Error("errors.Is(SyntaxError, ErrInvalid) = false")
	}
}

// A syntax error placed at a field keeps its position for errors.As.
func TestWithinKeepsCause(t *testing.T) {
	_, perr := qun.ParseDuration("7 days")
	err := qun.Within("cooldown", perr)
	var ve *qun.ValidationError
	var se *qun.SyntaxError
	if !errors.As(err, &ve) || ve.Field != "cooldown" || ve.Err != perr {
		t.Fatalf("Within = %#v", err)
	}
	if !errors.As(err, &se) || se.Offset != 1 {
		t.Errorf("errors.As(SyntaxError) = %+v", se)
	}
	if got, want := err.Error(), `invalid cooldown: qun: parse duration "7 days": line 1, column 2: unknown unit " days" (want ns, us, ms, s, m, h, d or w)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestValidateName(t *testing.T) {
	for name, want := range map[string]string{
		"check_in": "", "打卡": "", "": "must not be empty", "a\x00": "must not contain control characters",
		"\xff": "must be valid UTF-8", strings.Repeat("n", 257): "must be at most 256 bytes",
	} {
		err := qun.ValidateName(name)
		var ve *qun.ValidationError
		switch {
		case want == "" && err != nil:
			t.Errorf("ValidateName(%q) = %v", name, err)
		case want != "" && (!errors.As(err, &ve) || ve.Reason != want || ve.Field != ""):
			t.Errorf("ValidateName(%q) = %v, want %q", name, err, want)
		}
	}
}

// ValidationErrors finds every ValidationError, joined or wrapped at any
// depth, in order, and nothing else.
func TestValidationErrors(t *testing.T) {
	a, b, c := qun.Invalid("a", "x"), qun.Invalid("b", "y"), qun.Invalid("c", "z")
	inner := &qun.ValidationError{Field: "d", Reason: "w", Err: qun.Invalid("cause", "not listed")}
	err := fmt.Errorf("outer: %w", errors.Join(a, errors.New("disk full"), fmt.Errorf("mid: %w", errors.Join(b, c)), inner))
	var got []string
	for _, ve := range qun.ValidationErrors(err) {
		got = append(got, ve.Field)
	}
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	if got := qun.ValidationErrors(errors.New("disk full")); got != nil {
		t.Errorf("an error with no ValidationError: %v", got)
	}
	if got := qun.ValidationErrors(nil); got != nil {
		t.Errorf("nil: %v", got)
	}
}
