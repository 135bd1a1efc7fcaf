package segment

import (
	"errors"
	"unicode"
	"unicode/utf8"

	"github.com/qunkit/qun"
)

// The rule language's reserved words. An attribute may not be named after
// one, so that every rule prints as text that reads back the same.
var reserved = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "between": true,
	"contains": true, "prefix": true, "within": true, "before": true,
	"where": true, "true": true, "false": true, "exists": true,
	"segment": true, "has_tag": true, "has_any_tag": true, "has_all_tags": true,
	"at_least": true, "count": true, "sum": true, "first": true, "last": true,
}

// isIdent reports whether s is an identifier of the text syntax: a letter
// or underscore, then letters, digits and underscores. Letters are
// Unicode letters, so 城市 is an identifier.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && unicode.IsDigit(r):
		default:
			return false
		}
	}
	return true
}

// attrNameProblem returns why s cannot name an attribute, or "".
func attrNameProblem(s string) string {
	switch {
	case s == "":
		return "must not be empty"
	case len(s) > qun.MaxNameLen:
		return "must be at most 256 bytes"
	case !isIdent(s):
		return "must be an identifier: a letter or _, then letters, digits or _"
	case reserved[s]:
		return "is a reserved word of the rule language"
	}
	return ""
}

// nameProblem returns why s is not a valid name in qun's sense (see
// qun.ValidateName), or "".
func nameProblem(s string) string {
	var ve *qun.ValidationError
	if errors.As(qun.ValidateName(s), &ve) {
		return ve.Reason
	}
	return ""
}

// textProblem returns why s is not acceptable text, or "": it must be valid
// UTF-8 (JSON could not carry it otherwise), and unless controlsOK it may
// not hold control characters.
func textProblem(s string, controlsOK bool) string {
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
