package segment

import "strings"

// Explanation says why a member is or is not in a segment: the tree of
// the rule's clauses, each with whether it held and what it saw. It is
// what an operator reads when asking "why is this member not in the
// Italian wine fans group?".
type Explanation struct {
	// Rule is the clause in the text syntax.
	Rule string `json:"rule"`
	// Held reports whether the clause held for the member.
	Held bool `json:"held"`
	// Saw is what the clause read: the attribute's value ("missing" when
	// the member has none), the count or sum of events, the instant of the
	// first or last, the weight of each tag, how many of at_least's rules
	// held, or whether the member is in a referred segment.
	Saw string `json:"saw,omitempty"`
	// Clauses explain the parts of a combination, and the referred
	// segment's rule under a reference.
	Clauses []Explanation `json:"clauses,omitempty"`
}

// String writes the explanation as an indented tree, one clause a line,
// each marked ✓ when it held and ✗ when it did not, with what it saw:
//
//	✗ has_tag("wine/italian") and city = "Shanghai"
//	  ✓ has_tag("wine/italian")  saw "wine/italian": weight 4.5
//	  ✗ city = "Shanghai"  saw "Hangzhou"
func (x Explanation) String() string {
	var b strings.Builder
	x.write(&b, 0)
	return strings.TrimSuffix(b.String(), "\n")
}

func (x Explanation) write(b *strings.Builder, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	if x.Held {
		b.WriteString("✓ ")
	} else {
		b.WriteString("✗ ")
	}
	b.WriteString(x.Rule)
	if x.Saw != "" {
		b.WriteString("  saw ")
		b.WriteString(x.Saw)
	}
	b.WriteByte('\n')
	for _, c := range x.Clauses {
		c.write(b, depth+1)
	}
}
