package calendar

import (
	"fmt"

	"github.com/qunkit/qun"
)

// Kind is what a piece of content is, in the terms of a content calendar
// (内容日历): operators keep the mix varied and mostly value, with selling
// last ("share industry knowledge first, sell your product by the way").
// The zero Kind is not valid.
type Kind uint8

// The kinds of content.
const (
	// News: industry news (行业资讯).
	News Kind = iota + 1
	// Tutorial: how-to and knowledge (干货教程).
	Tutorial
	// Case: a customer case or success story (案例).
	Case
	// MemberStory: a member's own story (会员故事).
	MemberStory
	// Interaction: a game, a quiz, a poll, a check-in (互动/游戏).
	Interaction
	// Promotion: selling (促销).
	Promotion
)

var kindNames = [...]string{News: "news", Tutorial: "tutorial", Case: "case", MemberStory: "member_story", Interaction: "interaction", Promotion: "promotion"}

// ParseKind reads a kind's name: "news", "tutorial", "case",
// "member_story", "interaction" or "promotion".
func ParseKind(s string) (Kind, error) {
	for k := News; k <= Promotion; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("calendar: parse kind %q: %w", s, qun.Invalid("", "want news, tutorial, case, member_story, interaction or promotion"))
}

// IsValid reports whether k is one of the kinds.
func (k Kind) IsValid() bool { return k >= News && k <= Promotion }

// String returns the kind's name.
func (k Kind) String() string {
	if !k.IsValid() {
		return fmt.Sprintf("Kind(%d)", uint8(k))
	}
	return kindNames[k]
}

// MarshalText writes the kind's name; it refuses an invalid kind.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.IsValid() {
		return nil, fmt.Errorf("calendar: marshal kind %d: %w", uint8(k), qun.Invalid("", "not a kind"))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText reads a kind's name as [ParseKind] does.
func (k *Kind) UnmarshalText(text []byte) error {
	v, err := ParseKind(string(text))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
