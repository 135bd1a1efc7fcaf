package segment

import (
	"errors"

	"github.com/qunkit/qun"
)

// Segment is a named, versioned group of members defined by a rule (分组):
// "italian_wine_fans", "finished_beginner_course", "silent_vips". Hosts
// keep segments in their database and bump the version whenever the rule
// changes, so that a change of membership can be told apart from a change
// of definition (see [Change]).
//
// Its JSON form is
//
//	{"name":"italian_wine_fans","version":3,"rule":{...}}
type Segment struct {
	// Name identifies the segment, uniquely within a set: a valid name
	// (see qun.ValidateName). Rules refer to it with segment("name").
	// Required.
	Name string `json:"name"`
	// Version is the version of the definition, from 1; the host bumps it
	// when it changes the rule. Required: there is no default.
	Version int64 `json:"version"`
	// Rule is who belongs. Required: the zero Rule is refused as empty.
	Rule Rule `json:"rule"`
}

// Validate reports every problem with s, joined: a valid name, a version
// from 1, and a valid rule.
func (s Segment) Validate() error {
	var errs []error
	if reason := nameProblem(s.Name); reason != "" {
		errs = append(errs, qun.Invalid("name", reason))
	}
	if s.Version < 1 {
		errs = append(errs, qun.Invalid("version", "must be 1 or more"))
	}
	errs = append(errs, qun.Within("rule", s.Rule.Validate()))
	return errors.Join(errs...)
}

// UnmarshalJSON reads a segment strictly (see the package documentation)
// and validates it. On error s is left unchanged.
func (s *Segment) UnmarshalJSON(data []byte) error {
	fields, err := object(data, "a segment", "name", "version", "rule")
	if err != nil {
		return err
	}
	var v Segment
	if raw, ok := fields["rule"]; ok {
		if err := v.Rule.decode(raw, 0); err != nil {
			return qun.Within("rule", err)
		}
	}
	if err := errors.Join(
		field(fields, "name", &v.Name, "a name"),
		field(fields, "version", &v.Version, "a whole number"),
	); err != nil {
		return err
	}
	if err := v.Validate(); err != nil {
		return err
	}
	*s = v
	return nil
}
