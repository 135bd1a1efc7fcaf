package influence

import (
	"cmp"
	"errors"
	"iter"
	"math"
	"slices"
	"strconv"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring"
)

// KOLRules say how to find KOL candidates (意见领袖): the members with the
// most influence in a topic, who are worth inviting to share, host and
// lead (DOMAIN.md §6: "find the first 100 KOLs"). Influence is the PageRank
// of the interaction network built from the topic's events: a member is
// influential when influential members reply to, mention, share and
// follow them. The community's own staff are left out of the list, as
// Orbit leaves teammates out of its reports
// (github.com/orbit-love/orbit-model, pages/love/orbit-levels.mdx), but
// their interactions still count.
//
// Its JSON form is
//
//	{"topic":{"prop":"topic","op":"exact","values":["italian_wine"]},"n":100,"staff":["u-ops-1"],"pagerank":{}}
type KOLRules struct {
	// Topic, if set, keeps only the events whose properties meet it.
	Topic *qun.Condition `json:"topic,omitempty"`
	// N is the number of candidates; zero means 100.
	N int `json:"n,omitempty"`
	// Staff are members who are never candidates.
	Staff []qun.MemberID `json:"staff,omitempty"`
	// PageRank configures the ranking; its zero value is networkx's
	// defaults.
	PageRank PageRank `json:"pagerank,omitzero"`
}

// Validate reports every problem with r, joined.
func (r KOLRules) Validate() error {
	var errs []error
	if r.Topic != nil {
		errs = append(errs, qun.Within("topic", r.Topic.Validate()))
	}
	if r.N < 0 {
		errs = append(errs, qun.Invalid("n", "must not be negative"))
	}
	for i, m := range r.Staff {
		errs = append(errs, qun.Within("staff["+strconv.Itoa(i)+"]", m.Validate()))
	}
	errs = append(errs, qun.Within("pagerank", r.PageRank.Validate()))
	return errors.Join(errs...)
}

// UnmarshalJSON reads rules from JSON strictly: unknown fields and invalid
// rules are refused with errors that match [qun.ErrInvalid].
func (r *KOLRules) UnmarshalJSON(data []byte) error {
	type plain KOLRules
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := KOLRules(v).Validate(); err != nil {
		return err
	}
	*r = KOLRules(v)
	return nil
}

// Candidate is a KOL candidate, and why.
type Candidate struct {
	// Member is the candidate.
	Member qun.MemberID `json:"member"`
	// Rank is the candidate's place in the list, from 1.
	Rank int `json:"rank"`
	// Influence is the member's PageRank in the topic's network.
	Influence float64 `json:"influence"`
	// Followers is the number of members who credited them: replied to,
	// mentioned or shared them, or were invited by them.
	Followers int `json:"followers"`
	// Strength is the total weight of those interactions.
	Strength float64 `json:"strength"`
}

// FindKOLs builds the network of the topic's events under the graph rules,
// ranks its members by PageRank, and returns the N most influential who
// are not staff, most influential first (and by member ID among equals,
// where ranks within about ten significant digits are equal).
// If PageRank does not converge, it returns the candidates of the last
// iteration with an error that matches [ErrNotConverged]. A nil events
// holds none, and gives no candidates.
func FindKOLs(graph GraphRules, rules KOLRules, events iter.Seq[qun.Event]) ([]Candidate, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	network, err := newNetwork(graph, events, rules.Topic)
	if err != nil {
		return nil, err
	}
	ranking, rankErr := rules.PageRank.Rank(network.Graph())
	if rankErr != nil && !errors.Is(rankErr, ErrNotConverged) {
		return nil, rankErr
	}
	staff := make(map[qun.MemberID]bool, len(rules.Staff))
	for _, m := range rules.Staff {
		staff[m] = true
	}
	followers := make([]int, len(network.Members))
	strength := make([]float64, len(network.Members))
	for _, l := range network.links {
		followers[l.to]++
		strength[l.to] += l.weight
	}
	n := rules.N
	if n == 0 {
		n = 100
	}
	candidates := func(yield func(Candidate) bool) {
		for i, m := range network.Members {
			if staff[m] {
				continue
			}
			if !yield(Candidate{Member: m, Influence: ranking.Scores[i], Followers: followers[i], Strength: strength[i]}) {
				return
			}
		}
	}
	top := scoring.Top(candidates, n, func(a, b Candidate) int {
		if c := cmp.Compare(coarse(b.Influence), coarse(a.Influence)); c != 0 {
			return c
		}
		return cmp.Compare(a.Member, b.Member)
	})
	for i := range top {
		top[i].Rank = i + 1
	}
	return slices.Clip(top), rankErr
}

// coarse drops the last 20 bits of x's mantissa (keeping about ten
// significant digits), so that members whose ranks differ only by
// rounding tie, and are ordered by ID.
func coarse(x float64) float64 {
	return math.Float64frombits(math.Float64bits(x) &^ (1<<20 - 1))
}
