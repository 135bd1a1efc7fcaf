package lifecycle

import (
	"fmt"
	"strconv"
	"strings"
)

// Mermaid returns the machine as a Mermaid state diagram
// (https://mermaid.js.org/syntax/stateDiagram.html), for operators to see:
// paste it into any Markdown viewer that renders Mermaid. The initial state
// is entered from [*], final states lead to [*], and each transition is
// labelled in UML's order: its trigger, its guards in brackets, and its own
// effects after a slash. States and transitions keep their declared order,
// so the text is stable and diffs well.
func (m *Machine[S, T, C]) Mermaid() string {
	ids := m.diagramIDs()
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	if len(ids) == 0 {
		return b.String() // the zero Machine
	}
	for i, s := range m.states.keys {
		if label := fmt.Sprint(s); label != ids[i] {
			fmt.Fprintf(&b, "    state \"%s\" as %s\n", mermaidText(label), ids[i])
		}
	}
	fmt.Fprintf(&b, "    [*] --> %s\n", ids[m.states.find(m.initial)])
	for _, tr := range m.specs {
		fmt.Fprintf(&b, "    %s --> %s", ids[m.states.find(tr.From)], ids[m.states.find(tr.To)])
		if label := m.label(tr); label != "" {
			fmt.Fprintf(&b, " : %s", mermaidText(label))
		}
		b.WriteByte('\n')
	}
	for i, final := range m.final {
		if final {
			fmt.Fprintf(&b, "    %s --> [*]\n", ids[i])
		}
	}
	return b.String()
}

// DOT returns the machine as a Graphviz digraph (https://graphviz.org/doc/info/lang.html),
// laid out left to right: a point for the start, double circles for final
// states, and edges labelled as in [Machine.Mermaid].
func (m *Machine[S, T, C]) DOT() string {
	var b strings.Builder
	b.WriteString("digraph {\n\trankdir=LR;\n\tnode [shape=box, style=rounded];\n")
	if len(m.states.keys) == 0 {
		return b.String() + "}\n" // the zero Machine
	}
	b.WriteString("\tstart [shape=point, label=\"\"];\n")
	for i, s := range m.states.keys {
		shape := ""
		if m.final[i] {
			shape = ", shape=doublecircle"
		}
		fmt.Fprintf(&b, "\tn%d [label=%s%s];\n", i, dotQuote(fmt.Sprint(s)), shape)
	}
	fmt.Fprintf(&b, "\tstart -> n%d;\n", m.states.find(m.initial))
	for _, tr := range m.specs {
		fmt.Fprintf(&b, "\tn%d -> n%d", m.states.find(tr.From), m.states.find(tr.To))
		if label := m.label(tr); label != "" {
			fmt.Fprintf(&b, " [label=%s]", dotQuote(label))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// label writes a transition's label: "trigger [g1, g2] / e1, e2".
func (m *Machine[S, T, C]) label(tr TransitionSpec[S, T]) string {
	var parts []string
	if !tr.Auto {
		parts = append(parts, fmt.Sprint(tr.On))
	}
	if len(tr.Guards) > 0 {
		parts = append(parts, "["+strings.Join(tr.Guards, ", ")+"]")
	}
	if len(tr.Effects) > 0 {
		parts = append(parts, "/ "+strings.Join(tr.Effects, ", "))
	}
	return strings.Join(parts, " ")
}

// diagramIDs returns a Mermaid identifier for each state: its printed form
// where that is a plain identifier, not a Mermaid keyword and not taken,
// and s0, s1, ... by declaration index otherwise.
func (m *Machine[S, T, C]) diagramIDs() []string {
	ids := make([]string, len(m.states.keys))
	taken := make(map[string]bool, len(ids))
	for i := range ids {
		taken["s"+strconv.Itoa(i)] = true
	}
	for i, s := range m.states.keys {
		label := fmt.Sprint(s)
		if isIdent(label) && !mermaidKeywords[label] && !taken[label] {
			ids[i] = label
		} else {
			ids[i] = "s" + strconv.Itoa(i)
		}
		taken[ids[i]] = true
	}
	return ids
}

// mermaidKeywords are words a state diagram reads as syntax.
var mermaidKeywords = map[string]bool{
	"state": true, "note": true, "direction": true, "classDef": true, "class": true,
	"style": true, "end": true, "as": true, "left": true, "right": true, "of": true,
	"click": true, "accTitle": true, "accDescr": true, "stateDiagram": true,
}

// isIdent reports whether s is a letter or underscore followed by letters,
// digits and underscores, all ASCII.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range []byte(s) {
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// mermaidText escapes the characters that end or split a Mermaid label,
// with Mermaid's entity codes, and folds line breaks into spaces.
func mermaidText(s string) string {
	return strings.NewReplacer(
		"#", "#35;", ":", "#58;", ";", "#59;", "\"", "#quot;",
		"\r\n", " ", "\n", " ", "\r", " ",
	).Replace(s)
}

// dotQuote writes s as a DOT quoted string.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s) + `"`
}
