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

// Within moves the validation errors in err under the field prefix, so that
// a container can validate its parts and report full paths:
// Within("rules[2]", err) turns "invalid points: must be positive" into
// "invalid rules[2].points: must be positive". It rewrites a
// *ValidationError and the errors joined in an error from [errors.Join]
// (rejoining them with errors.Join); any other error is returned as it is.
// Within(prefix, nil) is nil.
func Within(prefix string, err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *ValidationError:
		return &ValidationError{Field: joinField(prefix, e.Field), Reason: e.Reason}
	case interface{ Unwrap() []error }:
		errs := e.Unwrap()
		moved := make([]error, len(errs))
		for i, inner := range errs {
			moved[i] = Within(prefix, inner)
		}
		return errors.Join(moved...)
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
