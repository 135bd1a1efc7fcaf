package qun

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrInvalid is matched by every error that refuses data as invalid: a
// [ValidationError] from a Validate method, a [SyntaxError] from a parser.
// errors.Is(err, qun.ErrInvalid) tells a bad request (fix the input, do not
// retry) from a failure of the host's storage or transport.
var ErrInvalid = errors.New("qun: invalid")

// ValidationError reports one field of a value that is not valid: the path of
// the field and the reason. Validate methods across qun return these, alone or
// joined with [errors.Join] when several fields are at fault, so a host can
// show each problem next to the field an operator has to fix.
type ValidationError struct {
	// Field is the path of the field in its JSON names, with dots between
	// levels and brackets for list indexes and map keys:
	// "member", `props["city"]`, "rules[2].caps.daily". It is empty when the
	// value as a whole is at fault.
	Field string
	// Reason says what is wrong, as a phrase: "must not be empty".
	Reason string
	// Err is the error behind the reason, if any: the [*SyntaxError] of a
	// field whose text did not parse, for example. errors.As reaches it.
	Err error
}

// Invalid returns a ValidationError for field, with the reason formatted as
// by fmt.Sprintf.
func Invalid(field, format string, args ...any) *ValidationError {
	if len(args) > 0 {
		format = fmt.Sprintf(format, args...)
	}
	return &ValidationError{Field: field, Reason: format}
}

// Error reads "invalid <field>: <reason>".
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return "invalid: " + e.Reason
	}
	return "invalid " + e.Field + ": " + e.Reason
}

// Is reports whether target is [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns Err.
func (e *ValidationError) Unwrap() error { return e.Err }

// ValidationErrors returns every *ValidationError in err, in order: err
// itself, those joined by [errors.Join] (as a Validate method reports all
// its problems) and those wrapped with fmt.Errorf's %w, at any depth, but
// not the causes a ValidationError wraps in its Err. A host lists them to
// show each problem beside its field; errors.As finds only the first. It
// returns nil when err holds none.
func ValidationErrors(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *ValidationError:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}

// Within moves the validation errors in err under the field prefix, so that
// a container can validate its parts and report full paths:
// Within("rules[2]", err) turns "invalid points: must be positive" into
// "invalid rules[2].points: must be positive".
//
// It rewrites a *ValidationError, found directly or through wrapping, and
// each of the errors joined by [errors.Join] (rejoining them). Any other
// error that matches [ErrInvalid], such as a [*SyntaxError] from parsing a
// field's text, becomes a ValidationError for the field prefix, with the
// original as its Err. Errors that do not match ErrInvalid (a failing
// store, say) are returned as they are. Within(prefix, nil) is nil.
func Within(prefix string, err error) error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs := joined.Unwrap()
		moved := make([]error, len(errs))
		for i, inner := range errs {
			moved[i] = Within(prefix, inner)
		}
		return errors.Join(moved...)
	}
	if ve := (*ValidationError)(nil); errors.As(err, &ve) {
		return &ValidationError{Field: joinField(prefix, ve.Field), Reason: ve.Reason, Err: ve.Err}
	}
	if errors.Is(err, ErrInvalid) {
		return &ValidationError{Field: prefix, Reason: err.Error(), Err: err}
	}
	return err
}

// joinField appends a field path to a prefix: a dot between names, none
// before a bracket.
func joinField(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	case field[0] == '[':
		return prefix + field
	}
	return prefix + "." + field
}

// SyntaxError reports text that does not parse: where, and what was wrong
// there. Parsers across qun (durations, dates and periods here; the segment
// rule language, recurrence rules) return it, so an admin UI can point at
// the character to fix.
type SyntaxError struct {
	// Offset is the byte offset of the problem in the input, from 0.
	Offset int
	// Line and Column locate the problem for people, both counted from 1;
	// Column counts characters (runes), not bytes, so it stays right in
	// text written in Chinese.
	Line, Column int
	// Msg says what was wrong, as a phrase.
	Msg string
}

// SyntaxErrorAt returns a SyntaxError for the byte offset in input, with
// the line and column computed from it and the message formatted as by
// fmt.Sprintf. An offset beyond the input is taken as its end.
func SyntaxErrorAt(input string, offset int, format string, args ...any) *SyntaxError {
	offset = max(0, min(offset, len(input)))
	before := input[:offset]
	line := 1 + strings.Count(before, "\n")
	lineStart := strings.LastIndexByte(before, '\n') + 1
	if len(args) > 0 {
		format = fmt.Sprintf(format, args...)
	}
	return &SyntaxError{
		Offset: offset,
		Line:   line,
		Column: 1 + utf8.RuneCountInString(before[lineStart:]),
		Msg:    format,
	}
}

// Error reads "line L, column C: <message>".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Is reports whether target is [ErrInvalid].
func (e *SyntaxError) Is(target error) bool { return target == ErrInvalid }
