package qun

import (
	"unicode"
	"unicode/utf8"
)

// MemberID identifies a member (成员) of a community: the host's own user
// key, such as a WeChat OpenID or UnionID, a Discord user ID or a database
// UUID. qun treats it as opaque text and never parses it.
//
// A valid MemberID is a name in the sense of [MaxNameLen]: 1 to 256 bytes of
// UTF-8 with no control characters.
type MemberID string

// MaxNameLen is the longest member ID, event ID, event name or property key
// that qun accepts, in bytes. Names are keys in hosts' storage and indexes;
// a longer one is a mistake upstream, not an identifier.
const MaxNameLen = 256

// Validate reports whether m is a valid member ID.
func (m MemberID) Validate() error { return ValidateName(string(m)) }

// ValidateName reports whether s is a valid name: 1 to [MaxNameLen] bytes of
// UTF-8 with no control characters. Member IDs, event IDs, event names and
// property keys are names, and so are the identifiers of rules, segments
// and tags that packages build on them. The error is a [*ValidationError]
// with no field, for the caller to place with [Within].
func ValidateName(s string) error {
	if reason := nameProblem(s); reason != "" {
		return &ValidationError{Reason: reason}
	}
	return nil
}

// nameProblem returns why s is not a valid name, or "" if it is.
func nameProblem(s string) string {
	switch {
	case s == "":
		return "must not be empty"
	case len(s) > MaxNameLen:
		return "must be at most 256 bytes"
	}
	return textProblem(s, false)
}

// textProblem returns why s is not acceptable text, or "" if it is: it must
// be valid UTF-8 (JSON would silently replace invalid bytes, so the value
// would not survive a round trip), and names may not hold control
// characters.
func textProblem(s string, controlsOK bool) string {
	// Printable ASCII, what IDs almost always are, needs no decoding.
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] >= 0x20 && s[i] < 0x7f
	}
	if ascii {
		return ""
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "must be valid UTF-8"
		}
		if !controlsOK && unicode.IsControl(r) {
			return "must not contain control characters"
		}
		i += size
	}
	return ""
}
