package segment

import (
	"errors"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/qunkit/qun"
)

// token is one token of the text syntax.
type token struct {
	kind  tokKind
	text  string // the token as written
	str   string // a string literal's value
	dur   qun.Duration
	start int // byte offset in the input
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tDuration
	tLParen
	tRParen
	tLBrack
	tRBrack
	tComma
	tCompare // = != < <= > >=
)

// describe names a token for an error message.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of rule"
	case tString:
		return "string " + t.text
	}
	return strconv.Quote(t.text)
}

// lex splits input into tokens, ending with tEOF. It stops at the first
// malformed token with a positioned error.
func lex(input string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(input) {
			r, size := utf8.DecodeRuneInString(input[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += size
		}
		if i == len(input) {
			return append(toks, token{kind: tEOF, start: i}), nil
		}
		start := i
		r, size := utf8.DecodeRuneInString(input[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return nil, qun.SyntaxErrorAt(input, i, "invalid UTF-8")
		case r == '_' || unicode.IsLetter(r):
			i += size
			for i < len(input) {
				r, size := utf8.DecodeRuneInString(input[i:])
				if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				i += size
			}
			toks = append(toks, token{kind: tIdent, text: input[start:i], start: start})
		case r == '"':
			end, err := scanString(input, i)
			if err != nil {
				return nil, err
			}
			if !utf8.ValidString(input[start:end]) {
				return nil, qun.SyntaxErrorAt(input, start, "invalid UTF-8 in string literal")
			}
			s, err := strconv.Unquote(input[start:end])
			if err != nil {
				return nil, qun.SyntaxErrorAt(input, start, "malformed string literal: write it as Go does, with \\\" and \\\\ escaped")
			}
			i = end
			toks = append(toks, token{kind: tString, text: input[start:end], str: s, start: start})
		case r >= '0' && r <= '9' || r == '-' && i+1 < len(input) && input[i+1] >= '0' && input[i+1] <= '9':
			tok, end, err := scanNumber(input, i)
			if err != nil {
				return nil, err
			}
			i = end
			toks = append(toks, tok)
		default:
			kind := tEOF
			n := 1
			switch input[i] {
			case '(':
				kind = tLParen
			case ')':
				kind = tRParen
			case '[':
				kind = tLBrack
			case ']':
				kind = tRBrack
			case ',':
				kind = tComma
			case '=':
				kind = tCompare
			case '<', '>':
				kind = tCompare
				if i+1 < len(input) && input[i+1] == '=' {
					n = 2
				}
			case '!':
				if i+1 < len(input) && input[i+1] == '=' {
					kind, n = tCompare, 2
				}
			}
			if kind == tEOF {
				return nil, qun.SyntaxErrorAt(input, i, "unexpected character %q", r)
			}
			i += n
			toks = append(toks, token{kind: kind, text: input[start:i], start: start})
		}
	}
}

// scanString finds the end of the string literal that opens at i: the
// offset after its closing quote.
func scanString(input string, i int) (int, error) {
	for j := i + 1; j < len(input); j++ {
		switch input[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		case '\n':
			return 0, qun.SyntaxErrorAt(input, i, "string literal not terminated before the end of the line")
		}
	}
	return 0, qun.SyntaxErrorAt(input, i, "string literal not terminated")
}

// scanNumber reads a number (3, -2.5) or a duration (90d, 1d12h, 250ms)
// at i. A duration is a number followed at once by a unit.
func scanNumber(input string, i int) (token, int, error) {
	start := i
	if input[i] == '-' {
		i++
	}
	for i < len(input) && (input[i] >= '0' && input[i] <= '9' || input[i] == '.') {
		i++
	}
	if i < len(input) && isUnitStart(input[i:]) {
		for i < len(input) {
			c := input[i]
			if c >= '0' && c <= '9' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				i++
				continue
			}
			if r, size := utf8.DecodeRuneInString(input[i:]); r == 'µ' || r == 'μ' {
				i += size
				continue
			}
			break
		}
		text := input[start:i]
		d, err := qun.ParseDuration(text)
		if err != nil {
			var se *qun.SyntaxError
			if errors.As(err, &se) {
				return token{}, 0, qun.SyntaxErrorAt(input, start+se.Offset, "duration %s: %s", text, se.Msg)
			}
			return token{}, 0, qun.SyntaxErrorAt(input, start, "malformed duration %s", text)
		}
		return token{kind: tDuration, text: text, dur: d, start: start}, i, nil
	}
	text := input[start:i]
	if !isNumberText(text) {
		return token{}, 0, qun.SyntaxErrorAt(input, start, "malformed number %s: write plain decimals such as 3, -2.5 or 0.10", text)
	}
	return token{kind: tNumber, text: text, start: start}, i, nil
}

// isUnitStart reports whether s begins with a letter that can start a
// duration's unit.
func isUnitStart(s string) bool {
	c := s[0]
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r == 'µ' || r == 'μ'
}
